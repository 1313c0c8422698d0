"""Property-based tests of aecourse.training: wrong data and arguments to train, set_seed,
CompactProgress, KerasRecipe and FitResult give a result or an error of aecourse's own, and
the error comes before any training."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.training import CompactProgress, FitResult, KerasRecipe, set_seed, train
from properties_support import image_batches, junk, numbers, result_or_own_error, wrong_arrays

_MODEL = {}


def model():
    if "m" not in _MODEL:
        from aecourse.models import dense_autoencoder

        m = dense_autoencoder((16,), (), 2)
        m.compile(optimizer="adam", loss="binary_crossentropy")
        _MODEL["m"] = m
    return _MODEL["m"]


@settings(max_examples=25, deadline=None)
@given(st.one_of(image_batches(max_n=3), wrong_arrays), st.one_of(st.none(), image_batches(max_n=3), junk),
       st.one_of(st.integers(-1, 2), numbers, junk), st.one_of(st.integers(-1, 4), numbers, junk),
       st.one_of(st.none(), image_batches(max_n=3), st.lists(image_batches(max_n=3), max_size=3), junk))
def test_train_on_wrong_inputs(x, y, epochs, batch_size, validation_data):
    epochs = 1 if isinstance(epochs, (int, float)) and not isinstance(epochs, bool) and epochs == 2 else epochs
    out, _ = result_or_own_error(train, model(), x, y, epochs=epochs, batch_size=batch_size,
                                 validation_data=validation_data, every=0)
    if out is not None:
        assert out.epochs == epochs and all(np.isfinite(v) for v in out.history["loss"])


@settings(max_examples=100, deadline=None)
@given(st.one_of(numbers, junk), st.one_of(numbers, junk, st.booleans()))
def test_set_seed_recipe_and_progress_on_wrong_inputs(value, flag):
    result_or_own_error(set_seed, value, flag)
    result_or_own_error(KerasRecipe, value, value, value, flag, name_="KerasRecipe")
    progress, _ = result_or_own_error(CompactProgress, value, flag, name_="CompactProgress")
    if progress is not None:
        line = progress.format_line(1, {"loss": 0.5}, 1.0)
        assert line.startswith("epoch 1/1")
    result_or_own_error(CompactProgress, 1, value, name_="CompactProgress")
    result = FitResult({"loss": [0.3, 0.2]}, 1.0, (0.5, 1.0), (0.5, 0.5))
    result_or_own_error(result.final, value, name_="FitResult.final")
