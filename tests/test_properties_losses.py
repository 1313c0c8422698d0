"""Property-based tests of aecourse.losses: wrong inputs give a finite result or an error of
aecourse's own (never a NumPy error, never a silent NaN)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.losses import bce, bce_floor, mse, psnr
from properties_support import numbers, result_or_own_error, wrong_arrays

flags = st.one_of(st.booleans(), numbers, st.none(), st.text(max_size=2))


@settings(max_examples=200, deadline=None)
@given(wrong_arrays, wrong_arrays, flags)
def test_losses_on_wrong_inputs(a, b, per_example):
    for function in (mse, bce, psnr):
        out, error = result_or_own_error(function, a, b, per_example=per_example)
        if error is None:
            values = np.atleast_1d(out)
            assert np.all(np.isfinite(values) | np.isposinf(values)), (function.__name__, out)
    out, _ = result_or_own_error(bce_floor, a, per_example=per_example)
    assert out is None or np.all(np.isfinite(np.atleast_1d(out)))


@settings(max_examples=100, deadline=None)
@given(st.one_of(numbers, st.none(), st.text(max_size=2)), st.one_of(numbers, st.none(), st.text(max_size=2)))
def test_epsilon_and_data_range(epsilon, data_range):
    x = np.array([[0.0, 0.5, 1.0]])
    out, _ = result_or_own_error(bce, x, x * 0.9, epsilon=epsilon)
    assert out is None or np.isfinite(out)
    out, _ = result_or_own_error(psnr, x, x * 0.9, data_range=data_range)
    assert out is None or np.isfinite(out)
