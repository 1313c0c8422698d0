"""Property-based tests of aecourse.noise.add_noise: wrong inputs give images in [0, 1] of the
input's shape, or an error of aecourse's own."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.noise import add_noise
from properties_support import junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=200, deadline=None)
@given(wrong_arrays, st.one_of(st.sampled_from(["gaussian", "salt_and_pepper", "masking", "poisson"]), junk, numbers),
       st.one_of(numbers, junk), st.one_of(numbers, junk))
def test_add_noise_on_wrong_inputs(x, kind, amount, seed):
    out, _ = result_or_own_error(add_noise, x, kind, amount, seed)
    if out is not None:
        assert out.dtype == np.float32 and out.shape == np.shape(x)
        assert out.size == 0 or (out.min() >= 0 and out.max() <= 1)
