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


def test_add_noise_accepts_numpy_scalars_lists_and_generators():
    x = [[0.0, 0.5, 1.0]]
    a = add_noise(x, "gaussian", np.float32(0.1), seed=np.int64(1))
    b = add_noise(np.array(x), "gaussian", 0.1, seed=np.random.default_rng(1))
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert add_noise(np.zeros((0, 4)), "masking", 0.1).shape == (0, 4)


@pytest.mark.parametrize("args,error,text", [
    (("poisson", 0.1), ValueError,
     r"^add_noise: Expected `kind` to be one of 'gaussian', 'salt_and_pepper', 'masking'\. Received: kind='poisson'\.$"),
    (("masking", 1.5), ValueError,
     r"^add_noise: Expected `amount` to be a finite number in \[0, 1\]\. Received: amount=1\.5\. For 'masking' noise "
     r"it is the fraction of values corrupted, e\.g\. 0\.2\.$"),
    (("gaussian", -0.1), ValueError,
     r"^add_noise: Expected `amount` to be a finite number >= 0\. Received: amount=-0\.1\. For Gaussian noise it is "
     r"the standard deviation, e\.g\. 0\.3\.$"),
    (("gaussian", float("nan")), ValueError,
     r"^add_noise: Expected `amount` to be a finite number >= 0\. Received: amount=nan\. It is NaN \(not a number\)"),
    (("gaussian", "0.1"), TypeError, r"^add_noise: Expected `amount` to be a finite number >= 0\. Received: amount='0\.1'"),
    (("gaussian", 0.1, -1), ValueError, r"^add_noise: Expected `seed` to be an integer >= 0\. Received: seed=-1\. Pass an "
                                        r"integer such as 0, a numpy\.random\.Generator, or None\.$"),
    (("gaussian", 0.1, "0"), TypeError, r"^add_noise: Expected `seed` to be an integer >= 0\. Received: seed='0'"),
])
def test_add_noise_bad_arguments(args, error, text):
    with pytest.raises(error, match=text):
        add_noise(np.zeros((2, 4)), *args)


def test_add_noise_bad_images():
    with pytest.raises(ValueError, match=r"^add_noise: Expected `x` to be values in \[0, 1\]\. Received: x=array of shape "
                                         r"\(2, 4\) and dtype uint8 with values from 0 to 200\. These look like 8-bit "
                                         r"images \(values 0-255\): divide by 255 first"):
        add_noise(np.array([[0, 200, 3, 4]] * 2, dtype=np.uint8), "gaussian", 0.1)
    with pytest.raises(ValueError, match=r"with values from -1 to 0\. Noise is added to images in \[0, 1\]; rescale"):
        add_noise(np.array([-1.0, 0.0]), "gaussian", 0.1)
    with pytest.raises(ValueError, match=r"Expected `x` to be an array of finite numbers\..*It holds 1 NaN value"):
        add_noise([[0.5, np.nan]], "masking", 0.1)
    with pytest.raises(TypeError, match=r"Expected `x` to be an array of numbers\. Received: x='abc'"):
        add_noise("abc", "masking", 0.1)
