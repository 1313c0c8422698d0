"""Tests of aecourse.training."""

import io
import re

import keras
import numpy as np
import pytest

from aecourse.models import dense_autoencoder
from aecourse.training import CompactProgress, set_seed, train

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
    with pytest.raises(ValueError, match="expected a positive integer"):
        CompactProgress(every=0)
    with pytest.raises(ValueError, match="expected a non-negative integer"):
        set_seed(-1)
    with pytest.raises(ValueError, match="not compiled"):
        train(dense_autoencoder((4,), (), 2), np.zeros((2, 4)), epochs=1)
