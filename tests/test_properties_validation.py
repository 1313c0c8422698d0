"""Property-based tests of aecourse.validation: any value gives the checked value back or a
ValueError/TypeError of the validators' own wording."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse import validation as v
from properties_support import junk, numbers, result_or_own_error, wrong_arrays

anything = st.one_of(numbers, junk, wrong_arrays)


@settings(max_examples=150, deadline=None)
@given(anything, st.sampled_from([None, 0, 1]), st.sampled_from([None, 1, 10]))
def test_check_int_and_check_float(value, low, high):
    out, error = result_or_own_error(v.check_int, value, "n", where="demo", min_value=low, max_value=high)
    if error is None:
        assert type(out) is int and out == value and (low is None or out >= low) and (high is None or out <= high)
    else:
        assert str(error).startswith("demo: Expected `n` to be an integer") and "Received: n=" in str(error)
    out, error = result_or_own_error(v.check_float, value, "rate", where="demo", min_value=low)
    if error is None:
        assert type(out) is float and np.isfinite(out) and (low is None or out >= low)
    elif isinstance(value, float) and np.isnan(value):
        assert "It is NaN" in str(error)


@settings(max_examples=150, deadline=None)
@given(anything)
def test_sequences_names_and_shapes(value):
    out, _ = result_or_own_error(v.check_int_sequence, value, "units", where="demo")
    assert out is None or (isinstance(out, tuple) and all(type(u) is int and u >= 1 for u in out))
    out, _ = result_or_own_error(v.check_names, value, "metrics", where="demo")
    assert out is None or all(isinstance(name, str) for name in out)
    for image in (False, True):
        out, _ = result_or_own_error(v.check_input_shape, value, where="demo", image=image)
        assert out is None or (len(out) == 3 if image else 1 <= len(out) <= 3)


@settings(max_examples=150, deadline=None)
@given(wrong_arrays, st.sampled_from([0, 1, 2]))
def test_arrays_and_values(value, min_ndim):
    array, error = result_or_own_error(v.check_array, value, "x", where="demo", min_ndim=min_ndim)
    if error is None:
        assert array.ndim >= min_ndim and np.all(np.isfinite(array))
        if array.size:
            low, high = v.check_values(array, "x", where="demo")
            assert low <= high
            result_or_own_error(v.check_values, array, "x", where="demo", min_value=0, max_value=1)


@settings(max_examples=100, deadline=None)
@given(anything)
def test_check_loss(value):
    result_or_own_error(v.check_loss, value, where="demo")
