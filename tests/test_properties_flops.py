"""Property-based tests of aecourse.flops: wrong inputs give counts, or an error of aecourse's own."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.flops import dense_layer_shapes, layer_flops, model_flops, training_flops
from properties_support import junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=200, deadline=None)
@given(st.one_of(junk, numbers, wrong_arrays, st.lists(st.tuples(numbers, numbers), max_size=3),
                 st.lists(st.lists(st.integers(-2, 9), max_size=3), max_size=3)))
def test_flops_on_wrong_inputs(value):
    out, _ = result_or_own_error(training_flops, value)
    if out is not None:
        assert 0 < out["forward"] <= out["training"] < 3 * out["forward"] + 1
    for function in (dense_layer_shapes, layer_flops, model_flops):
        result_or_own_error(function, value)
