"""Property-based tests of aecourse.evaluation: wrong arrays, seeds, results and arguments give a
result or an error of aecourse's own."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.evaluation import SeedResults, fit_and_score, over_seeds, rank, reconstruction_metrics
from properties_support import image_batches, junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=150, deadline=None)
@given(wrong_arrays, wrong_arrays, st.one_of(numbers, junk))
def test_reconstruction_metrics_on_wrong_inputs(a, b, data_range):
    out, _ = result_or_own_error(reconstruction_metrics, a, b, data_range=data_range)
    if out is not None:
        assert math.isfinite(out["mse"]) and list(out) == ["bce", "bce_above_floor", "mse", "psnr"]


@settings(max_examples=100, deadline=None)
@given(st.one_of(junk, numbers, st.lists(st.one_of(numbers, junk), max_size=4)),
       st.one_of(junk, numbers, st.dictionaries(st.text(max_size=2), st.one_of(numbers, junk), max_size=2)),
       st.one_of(st.sampled_from(["lower", "higher", "less"]), junk), st.one_of(numbers, junk))
def test_seeds_and_rankings_on_wrong_inputs(seeds, returned, better, digits):
    results, _ = result_or_own_error(over_seeds, lambda seed: returned, seeds, name_="over_seeds")
    one, _ = result_or_own_error(SeedResults, "a", seeds, {"mse": seeds} if isinstance(seeds, list) else seeds,
                                 name_="SeedResults")
    other = SeedResults("b", (0, 1, 2), {"mse": (0.1, 0.2, 0.3)})
    for candidate in (results, one, seeds, returned):
        verdict, _ = result_or_own_error(rank, [candidate, other], "mse", better=better, digits=digits)
        assert verdict is None or str(verdict).endswith(").")


_MODEL = {}


@settings(max_examples=15, deadline=None)
@given(st.one_of(image_batches(max_n=4), wrong_arrays), st.one_of(st.sampled_from([0.25, 1, 0, 2.0]), numbers, junk),
       st.one_of(st.sampled_from(["mse", "binary_crossentropy", "bogus"]), junk))
def test_fit_and_score_on_wrong_inputs(x, validation_size, loss):
    from aecourse.models import dense_autoencoder
    from aecourse.training import KerasRecipe

    model = _MODEL.get("m") or _MODEL.setdefault("m", dense_autoencoder((16,), (), 2))
    x_train = np.concatenate([x, x]) if isinstance(x, np.ndarray) and x.ndim == 2 and x.shape[1:] == (16,) else x
    out, _ = result_or_own_error(fit_and_score, model, x_train, np.full((2, 16), 0.5, "float32"),
                                 recipe=KerasRecipe(epochs=1, batch_size=4), validation_size=validation_size, loss=loss)
    if out is not None:
        assert math.isfinite(out.metrics["mse"])
