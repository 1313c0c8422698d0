"""Property-based tests of aecourse.regularizers: wrong inputs give a result or an error of
aecourse's own."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.regularizers import KLSparsity, is_bounded_activation, kl_divergence, sparsity_report
from properties_support import junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=200, deadline=None)
@given(st.one_of(wrong_arrays, numbers), st.one_of(wrong_arrays, numbers))
def test_kl_divergence_on_wrong_inputs(rho, rho_hat):
    out, _ = result_or_own_error(kl_divergence, rho, rho_hat)
    assert out is None or np.all(np.isfinite(out) & (out >= -1e-12))


@settings(max_examples=150, deadline=None)
@given(wrong_arrays, st.one_of(numbers, junk), st.one_of(numbers, junk))
def test_sparsity_report_and_summary_on_wrong_inputs(codes, threshold, digits):
    report, _ = result_or_own_error(sparsity_report, codes, threshold)
    if report is not None:
        assert report.n_units >= 1 and 0 <= report.mean_active_fraction <= 1
        text, _ = result_or_own_error(report.summary, digits, name_="SparsityReport.summary")
        assert text is None or text.count("\n") == 3


@settings(max_examples=60, deadline=None)
@given(st.one_of(numbers, junk), st.one_of(numbers, junk), st.one_of(wrong_arrays, junk))
def test_kl_layer_on_wrong_inputs(rho, beta, activations):
    layer, _ = result_or_own_error(KLSparsity, rho, beta)
    assert is_bounded_activation(rho) in (True, False)
    if layer is not None:
        array = np.asarray(activations) if isinstance(activations, np.ndarray) else None
        if array is not None and array.dtype.kind == "f" and array.ndim == 2 and array.size:
            out, _ = result_or_own_error(layer.penalty, array, name_="KLSparsity")
            assert out is None or np.isfinite(float(out))
