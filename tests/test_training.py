"""Tests of aecourse.training: seeds, compact progress, train and its FitResult."""

import dataclasses
import re

import keras
import numpy as np
import pytest

from aecourse.models import dense_autoencoder
from aecourse.training import CompactProgress, FitResult, KerasRecipe, set_seed, train
from aecourse.viz import plot_history

LINE = re.compile(r"^epoch +\d+/\d+( +\w+ [0-9.e+-]+)+ +\[\d+\.\d s\]$")


def small_model():
    model = dense_autoencoder((12,), (6,), 2)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["mse"])
    return model


def test_progress_prints_documented_lines(capsys):
    set_seed(0)
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    history = train(small_model(), x, epochs=7, batch_size=8, validation_data=x, every=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [int(l.split()[1].split("/")[0]) for l in lines] == [1, 3, 6, 7]
    for line in lines:
        assert LINE.match(line), line
        assert "loss" in line and "val_loss" in line and "val_mse" in line and "/7" in line
    assert history.seconds > 0 and len(history.history["loss"]) == 7


def test_train_returns_a_frozen_fit_result():
    set_seed(0)
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    model = small_model()
    result = train(model, x, epochs=3, batch_size=8, validation_data=x[:8], every=0)
    assert isinstance(result, FitResult) and result.epochs == 3
    assert sorted(result.history) == ["loss", "mse", "val_loss", "val_mse"]
    assert all(isinstance(v, float) for values in result.history.values() for v in values)
    assert len(result.times) == len(result.epoch_seconds) == 3 and list(result.times) == sorted(result.times)
    assert 0 < result.eval_seconds and sum(result.epoch_seconds) + result.eval_seconds <= result.seconds
    assert result.reached_at is None and result.recipe is None
    # the logged validation loss is what evaluate() says after the last epoch
    assert result.final("val_loss") == pytest.approx(model.evaluate(x[:8], x[:8], verbose=0)[0], rel=1e-5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.seconds = 0.0
    with pytest.raises(ValueError, match=r"FitResult.final: Expected `name` to be one of \['loss', 'mse'"):
        result.final("accuracy")
    assert repr(result).startswith("FitResult(epochs=3, seconds=")
    assert len(plot_history(result).axes[0].lines) == 4  # training and validation loss and mse


def test_train_without_validation_spends_no_time_on_it():
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    result = train(small_model(), x, epochs=2, batch_size=8, every=0)
    assert sorted(result.history) == ["loss", "mse"] and result.eval_seconds == 0.0


def test_format_line():
    progress = CompactProgress(every=5, metrics=["loss", "val_loss"])
    progress._epochs = 50
    line = progress.format_line(10, {"loss": 0.123456, "val_loss": 0.00001234, "mse": 1.0}, 12.34)
    assert line == "epoch 10/50  loss 0.1235  val_loss 1.234e-05  [12.3 s]"


def test_seed_makes_runs_repeat():
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    runs = []
    for _ in range(2):
        set_seed(3)
        model = small_model()
        train(model, x, epochs=2, batch_size=8, every=0)
        runs.append(model.predict(x, verbose=0))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="CompactProgress: Expected `every` to be an integer >= 1. Received: every=0."):
        CompactProgress(every=0)
    with pytest.raises(ValueError, match=r"set_seed: Expected `seed` to be an integer in \[0, 4294967295\]. "
                                         "Received: seed=-1."):
        set_seed(-1)
    with pytest.raises(TypeError, match="Expected `seed` to be an integer"):
        set_seed(1.5)
    with pytest.raises(ValueError, match="train: Expected `model` to be a compiled model.*model.compile"):
        train(dense_autoencoder((4,), (), 2), np.zeros((2, 4)), epochs=1)
    with pytest.raises(ValueError, match="train: Expected `batch_size` to be an integer >= 1. Received: batch_size=0."):
        train(small_model(), np.zeros((2, 12)), epochs=1, batch_size=0)


def test_keras_recipe():
    recipe = KerasRecipe(epochs=3, batch_size=16, learning_rate=2e-3)
    optimizer = recipe.optimizer()
    assert isinstance(optimizer, keras.optimizers.Adam) and float(optimizer.learning_rate) == pytest.approx(2e-3)
    assert KerasRecipe() == KerasRecipe(epochs=50, batch_size=256, learning_rate=1e-3, shuffle=True)
    with pytest.raises(ValueError, match="KerasRecipe: Expected `learning_rate` to be a finite number > 0"):
        KerasRecipe(learning_rate=0)
    with pytest.raises(TypeError, match="KerasRecipe: Expected `epochs` to be an integer >= 1. Received: epochs=2.0"):
        KerasRecipe(epochs=2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipe.epochs = 4
