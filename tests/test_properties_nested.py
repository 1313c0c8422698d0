"""Property-based tests of aecourse.nested: wrong inputs give layers, or an error of aecourse's own."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.nested import leaf_layers, walk_layers
from properties_support import junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=150, deadline=None)
@given(st.one_of(junk, numbers, wrong_arrays), st.one_of(junk, numbers))
def test_walkers_on_wrong_inputs(value, flag):
    for function in (walk_layers, leaf_layers):
        result_or_own_error(function, value)
    result_or_own_error(walk_layers, value, expand_nested=flag)


@settings(max_examples=30, deadline=None)
@given(st.one_of(junk, numbers))
def test_walk_layers_flag_on_a_model(flag):
    from aecourse.models import dense_autoencoder

    model = _MODEL.get("m") or _MODEL.setdefault("m", dense_autoencoder((6,), (4,), 2))
    out, _ = result_or_own_error(walk_layers, model, expand_nested=flag)
    assert out is None or [layer.name for layer, _ in out][:2] == ["input", "encoder"]


_MODEL = {}
