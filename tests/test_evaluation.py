"""Tests of aecourse.evaluation: metrics against NumPy, fit-and-score, seeds, honest rankings."""

import dataclasses
import math

import keras
import numpy as np
import pytest

from aecourse.data import split_validation
from aecourse.evaluation import FitScore, fit_and_score, reconstruction_metrics
from aecourse.fast import FastRecipe
from aecourse.models import dense_autoencoder
from aecourse.training import FitResult, KerasRecipe, set_seed

RNG = np.random.default_rng(0)
X = RNG.random((60, 12), dtype=np.float32)


def small_model():
    return dense_autoencoder((12,), (6,), 3)


# -------------------------------------------------------------------- metrics


def numpy_metrics(x, y):
    """The four metrics written out in NumPy, independently of aecourse.losses."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    p = np.clip(y, 1e-7, 1 - 1e-7)
    bce = np.mean(-(x * np.log(p) + (1 - x) * np.log(1 - p)))
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -(np.where(x > 0, x * np.log(x), 0) + np.where(x < 1, (1 - x) * np.log(1 - x), 0))
    mse = np.mean((x - y) ** 2)
    return {"bce": bce, "bce_above_floor": bce - entropy.mean(), "mse": mse, "psnr": 10 * np.log10(1 / mse)}


@pytest.mark.parametrize("shape", [(7, 5), (3, 4, 4, 1), (1, 784)])
def test_reconstruction_metrics_match_numpy(shape):
    x, y = RNG.random(shape), RNG.random(shape)
    x[0, 0] = 0.0  # binary values in the targets: their floor term is 0
    got = reconstruction_metrics(x, y)
    assert list(got) == ["bce", "bce_above_floor", "mse", "psnr"]
    for name, value in numpy_metrics(x, y).items():
        assert got[name] == pytest.approx(value, rel=1e-9), name


def test_reconstruction_metrics_psnr_range_and_values_outside_the_unit_interval():
    x, y = RNG.random((4, 6)), RNG.random((4, 6))
    assert reconstruction_metrics(255 * x, 255 * y, data_range=255)["psnr"] == pytest.approx(
        reconstruction_metrics(x, y)["psnr"])
    linear = reconstruction_metrics(x, y * 1.5 - 0.2)  # a linear output leaves [0, 1]: BCE is undefined
    assert math.isnan(linear["bce"]) and math.isnan(linear["bce_above_floor"])
    assert linear["mse"] == pytest.approx(np.mean((x - (y * 1.5 - 0.2)) ** 2))
    with pytest.raises(ValueError, match="x_true has shape \\(4, 6\\) but x_pred has shape \\(4, 5\\)"):
        reconstruction_metrics(x, y[:, :5])


# -------------------------------------------------------------- fit and score


def test_fit_and_score_trains_on_the_training_split_only():
    recipe = KerasRecipe(epochs=2, batch_size=8, learning_rate=0.01)
    set_seed(0)
    score = fit_and_score(small_model(), X[:40], X[40:], recipe=recipe, validation_size=0.25, seed=3)
    # the same run by hand: the validation split from split_validation, model.fit, one prediction
    set_seed(0)
    model = small_model()
    (x_fit, _), (x_val, _) = split_validation(X[:40], X[:40], validation_size=0.25, seed=3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(x_fit, x_fit, epochs=2, batch_size=8, validation_data=(x_val, x_val), verbose=0)
    for a, b in zip(score.model.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert score.validation_loss == pytest.approx(history.history["val_loss"][-1], rel=1e-5)
    predictions = model.predict(X[40:], verbose=0)
    np.testing.assert_allclose(score.predictions, predictions, rtol=1e-5, atol=1e-7)
    for name, value in numpy_metrics(X[40:], predictions).items():
        assert score.metrics[name] == pytest.approx(value, rel=1e-4), name
    assert score.parameters == model.count_params() and score.epochs == 2 and score.recipe is recipe
    assert isinstance(score.fit, FitResult) and score.seconds == score.fit.seconds > 0


def test_fit_and_score_with_the_fast_recipe_and_without_validation():
    set_seed(0)
    score = fit_and_score(small_model(), X[:48], X[48:], recipe=FastRecipe(epochs=2, batch_size=16,
                                                                             jit_compile=False),
                          validation_size=0)
    assert score.validation_loss is None and "val_loss" not in score.fit.history
    assert score.fit.recipe.epochs == 2 and score.epochs == 2
    assert sorted(score.as_dict()) == ["bce", "bce_above_floor", "mse", "parameters", "psnr", "seconds",
                                       "seconds_per_epoch"]


def test_fit_and_score_scores_against_the_targets_given():
    noisy_train, noisy_test = np.clip(X[:40] + 0.1, 0, 1), np.clip(X[40:] + 0.1, 0, 1)
    set_seed(0)
    score = fit_and_score(small_model(), noisy_train, noisy_test, y_train=X[:40], y_test=X[40:],
                          recipe=KerasRecipe(epochs=1, batch_size=8))
    assert score.metrics["mse"] == pytest.approx(np.mean((X[40:] - score.predictions) ** 2), rel=1e-5)


def test_fit_score_is_frozen_and_reads_well():
    score = FitScore({"bce": 0.2, "mse": 0.01}, 1234, 3.0, 3, validation_loss=0.25)
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.parameters = 1
    assert repr(score) == "FitScore(bce=0.2, mse=0.01, parameters=1,234, seconds=3)"
    assert score.as_dict() == {"bce": 0.2, "mse": 0.01, "parameters": 1234, "seconds": 3.0,
                               "seconds_per_epoch": 1.0, "validation_loss": 0.25}


@pytest.mark.parametrize("kwargs, error, text", [
    ({"model": "model"}, TypeError, "fit_and_score: Expected `model` to be a keras.Model. Received: model='model'"),
    ({"recipe": {"epochs": 1}}, TypeError, "Expected `recipe` to be a KerasRecipe or a FastRecipe"),
    ({"y_train": X[:5]}, ValueError, r"Expected `y_train` to be one target per input \(40\)"),
    ({"validation_size": 40}, ValueError, r"Expected `validation_size` to be an integer in \[1, 39\]"),
    ({"validation_size": 1.0}, ValueError, r"Expected `validation_size` to be a finite number in \(0, 1\)"),
    ({"x_test": X[0]}, ValueError, "Expected `x_test` to be an array with at least 2 axes"),
    ({"seed": -1}, ValueError, "Expected `seed` to be an integer >= 0"),
])
def test_fit_and_score_rejects_bad_input(kwargs, error, text):
    arguments = dict(model=small_model(), x_train=X[:40], x_test=X[40:], recipe=KerasRecipe(epochs=1))
    arguments.update(kwargs)
    with pytest.raises(error, match=text):
        fit_and_score(arguments.pop("model"), arguments.pop("x_train"), arguments.pop("x_test"), **arguments)

