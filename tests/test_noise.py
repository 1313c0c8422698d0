"""Tests of aecourse.noise: ranges, seeds, the amount realised, bad input."""

import numpy as np
import pytest

from aecourse.noise import add_noise


@pytest.mark.parametrize("kind,amount", [("gaussian", 0.3), ("salt_and_pepper", 0.2), ("masking", 0.5)])
def test_add_noise_range_and_seed(kind, amount):
    x = np.random.default_rng(0).random((50, 28, 28, 1)).astype(np.float32)
    a = add_noise(x, kind, amount, seed=3)
    b = add_noise(x, kind, amount, seed=3)
    c = add_noise(x, kind, amount, seed=4)
    assert a.shape == x.shape and a.dtype == np.float32
    assert a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_add_noise_amount_is_realised():
    x = np.full((200, 784), 0.5, np.float32)
    masked = add_noise(x, "masking", 0.25, seed=0)
    assert abs((masked == 0).mean() - 0.25) < 0.01
    sp = add_noise(x, "salt_and_pepper", 0.2, seed=0)
    assert abs((sp != 0.5).mean() - 0.2) < 0.01
    assert abs((sp == 1).mean() - 0.1) < 0.01
    g = add_noise(x, "gaussian", 0.1, seed=0)
    assert abs((g - x).std() - 0.1) < 0.005


def test_add_noise_bad_input():
    x = np.zeros((2, 4))
    with pytest.raises(ValueError, match="unknown noise kind"):
        add_noise(x, "poisson", 0.1)
    with pytest.raises(ValueError, match=r"fraction of corrupted values must lie in \[0, 1\]"):
        add_noise(x, "masking", 1.5)
    with pytest.raises(ValueError, match="standard deviation must be >= 0"):
        add_noise(x, "gaussian", -0.1)
    with pytest.raises(ValueError, match=r"expected values in \[0, 1\]"):
        add_noise(x + 2, "gaussian", 0.1)
    with pytest.raises(TypeError, match="expected a number"):
        add_noise(x, "gaussian", "0.1")
