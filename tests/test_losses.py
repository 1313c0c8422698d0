"""Tests of aecourse.losses: independent NumPy/Python references, Keras' losses, properties, bad input."""

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import entr, xlogy

from aecourse import losses
from aecourse.losses import EPSILON, bce, bce_floor, mse, psnr

RNG = np.random.default_rng(0)
X3 = RNG.random((5, 7)).astype(np.float32)  # 5 examples of 7 values in [0, 1)
Y3 = RNG.random((5, 7)).astype(np.float32)


# ------------------------------------------------------ independent references


def ref_mse_rows(t, p):
    """Per-row MSE with plain Python arithmetic."""
    return [sum((float(a) - float(b)) ** 2 for a, b in zip(ta, pa)) / len(ta) for ta, pa in zip(t, p)]


def ref_bce_rows(t, p, eps=1e-7):
    """Per-row BCE with plain Python math and Keras' clipping rule."""
    rows = []
    for ta, pa in zip(t, p):
        total = 0.0
        for a, b in zip(ta, pa):
            b = min(max(float(b), eps), 1.0 - eps)
            total -= float(a) * math.log(b) + (1.0 - float(a)) * math.log(1.0 - b)
        rows.append(total / len(ta))
    return rows


def ref_entropy(x):
    """Binary entropy with scipy's entr (-x ln x, 0 at x = 0)."""
    x = np.asarray(x, dtype=np.float64)
    return entr(x) + entr(1.0 - x)


# ------------------------------------------------------------- formula values


def test_article_example():
    # -(0.7 ln 0.4 + 0.3 ln 0.6) = 0.794651...: 0.7947 to four decimals
    value = bce(np.array([0.7]), np.array([0.4]))
    assert value == pytest.approx(-(0.7 * math.log(0.4) + 0.3 * math.log(0.6)), rel=1e-12)
    assert round(value, 5) == 0.79465
    assert bce_floor(np.array([0.7])) == pytest.approx(-(0.7 * math.log(0.7) + 0.3 * math.log(0.3)), rel=1e-12)


def test_small_hand_values():
    assert mse(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])) == 0.25
    assert bce_floor(np.array([0.5])) == pytest.approx(math.log(2), rel=1e-12)
    assert bce_floor(np.array([[0.0, 1.0, 1.0, 0.0]])) == 0.0
    assert psnr(np.zeros((1, 4)), np.full((1, 4), 0.1)) == pytest.approx(20.0, rel=1e-12)


@pytest.mark.parametrize("shape", [(5, 7), (3, 4, 4, 1), (6,)])
def test_mse_against_python(shape):
    t, p = RNG.random(shape), RNG.random(shape)
    rows_t, rows_p = t.reshape(shape[0], -1), p.reshape(shape[0], -1)
    expected = ref_mse_rows(rows_t, rows_p)
    np.testing.assert_allclose(mse(t, p, per_example=True), expected, rtol=1e-12)
    assert mse(t, p) == pytest.approx(np.mean(expected), rel=1e-12)


@pytest.mark.parametrize("shape", [(5, 7), (3, 4, 4, 1), (6,)])
def test_bce_against_python(shape):
    t, p = RNG.random(shape), RNG.random(shape)
    rows_t, rows_p = t.reshape(shape[0], -1), p.reshape(shape[0], -1)
    expected = ref_bce_rows(rows_t, rows_p)
    result = bce(t, p, per_example=True)
    assert result.shape == (shape[0],)
    np.testing.assert_allclose(result, expected, rtol=1e-12)
    assert bce(t, p) == pytest.approx(np.mean(expected), rel=1e-12)


def test_bce_floor_against_scipy():
    t = RNG.random((4, 9))
    t[0, :3] = [0.0, 1.0, 0.5]
    expected = ref_entropy(t)
    np.testing.assert_allclose(bce_floor(t, per_example=True), expected.mean(axis=1), rtol=1e-12)
    assert bce_floor(t) == pytest.approx(expected.mean(), rel=1e-12)
    # written the other way round: -(x ln x + (1 - x) ln(1 - x)) with xlogy
    assert bce_floor(t) == pytest.approx(-(xlogy(t, t) + xlogy(1 - t, 1 - t)).mean(), rel=1e-12)


def test_psnr_against_numpy():
    t, p = RNG.random((4, 16)), RNG.random((4, 16))
    per_image = 10 * np.log10(1.0 / ((t - p) ** 2).mean(axis=1))
    np.testing.assert_allclose(psnr(t, p, per_example=True), per_image, rtol=1e-12)
    assert psnr(t, p) == pytest.approx(10 * np.log10(1.0 / ((t - p) ** 2).mean()), rel=1e-12)
    assert psnr(t, p, per_example=True).mean() >= psnr(t, p)  # Jensen: mean of per-image PSNR >= overall
    assert psnr(255 * t, 255 * p, data_range=255) == pytest.approx(psnr(t, p), rel=1e-12)


def test_psnr_of_identical_arrays_is_inf():
    x = RNG.random((2, 3))
    assert psnr(x, x) == math.inf
    assert np.all(psnr(x, x, per_example=True) == math.inf)


def test_per_example_of_images_is_one_value_per_image():
    t, p = RNG.random((3, 28, 28, 1)), RNG.random((3, 28, 28, 1))
    for fn in (mse, bce, psnr):
        assert fn(t, p, per_example=True).shape == (3,)
    assert bce_floor(t, per_example=True).shape == (3,)
    # the overall mean is the mean of equal-sized per-example means
    assert bce(t, p) == pytest.approx(bce(t, p, per_example=True).mean(), rel=1e-12)


def test_blockwise_computation_matches_one_block(monkeypatch):
    t, p = RNG.random((50, 30)), RNG.random((50, 30))
    whole = (mse(t, p), bce(t, p), bce_floor(t), bce(t, p, per_example=True))
    monkeypatch.setattr(losses, "_BLOCK_VALUES", 64)  # two rows per block
    assert (mse(t, p), bce(t, p), bce_floor(t)) == pytest.approx(whole[:3], rel=1e-12)
    np.testing.assert_allclose(bce(t, p, per_example=True), whole[3], rtol=1e-12)


def test_inputs_of_other_dtypes():
    t = np.array([[0, 1, 1, 0]], dtype=np.uint8)
    assert bce_floor(t) == 0.0
    assert bce_floor(t.astype(bool)) == 0.0
    assert mse([[1, 2]], [[1, 4]]) == 2.0  # lists and ints
    assert isinstance(mse(X3, Y3), float)
    assert mse(X3, Y3, per_example=True).dtype == np.float64
    assert mse(0.5, 0.25) == 0.0625  # scalars: one value, overall mean


# ----------------------------------------------------------------- vs Keras


def test_against_keras_on_float32_data():
    np.testing.assert_allclose(bce(X3, Y3, per_example=True),
                               keras.losses.binary_crossentropy(X3, Y3).numpy(), rtol=1e-5)
    np.testing.assert_allclose(mse(X3, Y3, per_example=True),
                               keras.losses.mean_squared_error(X3, Y3).numpy(), rtol=1e-5)
    # a compiled model's loss is the batch mean of the per-example losses
    assert bce(X3, Y3) == pytest.approx(float(keras.losses.BinaryCrossentropy()(X3, Y3)), rel=1e-5)
    assert mse(X3, Y3) == pytest.approx(float(keras.losses.MeanSquaredError()(X3, Y3)), rel=1e-5)


def test_against_keras_at_the_edges():
    # every combination of targets {0, 0.3, 1} and predictions {0, 1e-9, 0.5, 1 - 1e-9, 1}
    t, p = np.meshgrid([0.0, 0.3, 1.0], [0.0, 1e-9, 0.5, 1.0 - 1e-9, 1.0])
    t, p = t.reshape(1, -1), p.reshape(1, -1)
    ours = bce(t, p, per_example=True)
    theirs = keras.losses.binary_crossentropy(t, p).numpy()  # float64 in, float64 out
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    elementwise = bce(t.ravel(), p.ravel(), per_example=True)  # 1-D: one value per element
    assert np.all(np.isfinite(elementwise)) and elementwise.max() == pytest.approx(-math.log(EPSILON), rel=1e-6)


def test_keras_epsilon_is_ours():
    assert EPSILON == keras.backend.epsilon()


# ------------------------------------------------------------- edge values


def test_edges_are_finite_and_exact():
    ones, zeros = np.ones((2, 3)), np.zeros((2, 3))
    assert bce(ones, ones) == pytest.approx(-math.log1p(-EPSILON), rel=1e-9)  # about 1e-7
    assert bce(zeros, zeros) == pytest.approx(-math.log1p(-EPSILON), rel=1e-9)
    assert bce(ones, zeros) == pytest.approx(-math.log(EPSILON), rel=1e-12)  # 16.118, not inf
    assert bce(zeros, ones) == pytest.approx(-math.log(EPSILON), rel=1e-9)  # 1 - (1 - eps) rounds
    assert bce_floor(ones) == 0.0 and bce_floor(zeros) == 0.0
    assert mse(ones, zeros) == 1.0 and mse(ones, ones) == 0.0
    assert psnr(ones, zeros) == 0.0
    assert bce(ones, zeros, epsilon=1e-3) == pytest.approx(-math.log(1e-3), rel=1e-12)


# ------------------------------------------------------------ properties

unit = st.floats(0.0, 1.0, allow_nan=False)
inner = st.floats(1e-6, 1.0 - 1e-6, allow_nan=False)
real = st.integers(-8000, 8000).map(lambda k: k / 8)  # no differences so small that their square underflows


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (3, 4), elements=unit), arrays(np.float64, (3, 4), elements=unit))
def test_both_losses_are_non_negative(t, p):
    assert mse(t, p) >= 0.0
    assert bce(t, p) >= 0.0
    assert bce_floor(t) >= 0.0
    assert np.all(bce(t, p, per_example=True) >= 0.0)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (2, 5), elements=real), arrays(np.float64, (2, 5), elements=real))
def test_mse_is_zero_iff_equal(t, p):
    assert mse(t, t) == 0.0
    assert (mse(t, p) == 0.0) == bool(np.array_equal(t, p))


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, (2, 3), elements=inner), arrays(np.float64, (2, 3), elements=unit))
def test_bce_is_smallest_at_the_target_and_equals_the_floor(t, p):
    at_target = bce(t, t)
    assert bce(t, p) >= at_target - 1e-12
    assert at_target == pytest.approx(bce_floor(t), abs=1e-9)
    np.testing.assert_allclose(bce(t, t, per_example=True), bce_floor(t, per_example=True), atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(inner)
def test_bce_floor_of_one_value_is_its_binary_entropy(x):
    assert bce_floor(np.array([x])) == pytest.approx(-(x * math.log(x) + (1 - x) * math.log1p(-x)), rel=1e-9)
    # symmetric in x <-> 1 - x and at most ln 2
    assert bce_floor(np.array([x])) == pytest.approx(bce_floor(np.array([1 - x])), rel=1e-6)
    assert bce_floor(np.array([x])) <= math.log(2) + 1e-15


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize("fn", [mse, bce, psnr])
def test_mismatched_shapes(fn):
    with pytest.raises(ValueError, match=rf"^{fn.__name__}: Expected `x_pred` to be an array of the shape of x_true, "
                                         r"\(2, 3\)\. Received: x_pred=array of shape \(3, 2\) and dtype float64\. "
                                         r"Pass one prediction per target value"):
        fn(np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.mark.parametrize("fn", [mse, bce, psnr])
@pytest.mark.parametrize("bad,words", [(np.nan, "1 NaN"), (np.inf, "1 infinite"), (-np.inf, "1 infinite")])
def test_non_finite_values(fn, bad, words):
    x = np.full((2, 2), 0.5)
    y = x.copy()
    y[1, 1] = bad
    with pytest.raises(ValueError, match=rf"Expected `x_pred` to be an array of finite numbers\. Received: x_pred=array "
                                         rf"of shape \(2, 2\) and dtype float64\. It holds {words} value\(s\) of 4"):
        fn(x, y)
    with pytest.raises(ValueError, match=r"Expected `x_true` to be an array of finite numbers"):
        fn(y, x)


def test_non_finite_targets_for_the_floor():
    with pytest.raises(ValueError, match=r"^bce_floor: Expected `x_true` to be an array of finite numbers.*1 NaN"):
        bce_floor(np.array([0.2, np.nan]))


@pytest.mark.parametrize("value", [-0.1, 1.5, 255.0])
def test_targets_outside_unit_interval(value):
    t = np.array([[0.2, value]])
    with pytest.raises(ValueError, match=r"^bce: Expected `x_true` to be values in \[0, 1\]\. Received: x_true=array "
                                         r"of shape \(1, 2\) and dtype float64 with values from .* to .*\."):
        bce(t, np.full_like(t, 0.5))
    with pytest.raises(ValueError, match=r"^bce_floor: Expected `x_true` to be values in \[0, 1\]"):
        bce_floor(t)


def test_target_range_message_states_the_values_and_the_fix():
    with pytest.raises(ValueError, match=r"with values from 0 to 255\. These look like 8-bit images \(values 0-255\): "
                                         r"divide by 255 first"):
        bce(np.array([[0.0, 255.0]]), np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"with values from -0.5 to 0.5\. Scale the data to \[0, 1\] first, or use "
                                         r"mse for real-valued data\."):
        bce(np.array([[-0.5, 0.5]]), np.array([[0.5, 0.5]]))


def test_predictions_outside_unit_interval_look_like_logits():
    with pytest.raises(ValueError, match=r"Expected `x_pred` to be values in \[0, 1\]\. Received: x_pred=.* with values "
                                         r"from -2 to 3\. If these are logits, apply a sigmoid first"):
        bce(np.array([[0.0, 1.0]]), np.array([[-2.0, 3.0]]))


def test_uint8_images_are_caught_where_the_number_would_be_wrong():
    """8-bit images (0-255) next to [0, 1] data, or in PSNR with data_range=1, give a
    number that means nothing: each function says what it received and to divide by 255."""
    rng = np.random.default_rng(0)
    x8 = rng.integers(0, 256, (4, 784)).astype(np.uint8)
    x01 = rng.random((4, 784))
    divide = r"These look like 8-bit images \(values 0-255\): divide by 255 first, e\.g\. x = x\.astype\('float32'\) / 255\."
    with pytest.raises(ValueError, match=r"^psnr: Expected `x_true` to be data spanning at most data_range=1\. Received: "
                                         r"x_true=array of shape \(4, 784\) and dtype uint8 with values from 0 to 255, "
                                         r"a span of 255\. " + divide + r" Or pass data_range=255\.$"):
        psnr(x8, x8 // 2)
    for a, b, name in ((x8, x01, "x_true"), (x01, x8, "x_pred")):
        other = "x_pred" if name == "x_true" else "x_true"
        with pytest.raises(ValueError, match=rf"^mse: Expected `{name}` to be values on the scale of {other} \(in \[0, 1\]\)\. "
                                             rf"Received: {name}=array of shape \(4, 784\) and dtype uint8 with values "
                                             rf"from 0 to 255\. " + divide):
            mse(a, b)
    # the same images as floats are real-valued data for mse (whole numbers may be genuine), but PSNR knows its range
    assert mse(x8.astype(np.float32), x01) > 1000
    with pytest.raises(ValueError, match="divide by 255"):
        psnr(x8.astype(np.float32), x01)
    # what is right passes: both on the 0-255 scale, or PSNR told the range
    assert mse(x8, x8) == 0.0
    assert psnr(x8, np.clip(x8.astype(int) + 1, 0, 255), data_range=255) > 40
    assert psnr(x8 / 255, x01) == pytest.approx(10 * math.log10(1 / mse(x8 / 255, x01)))
    # real-valued predictions beyond [0, 1] (a linear output) are not mistaken for 8-bit images
    assert mse(x01, x01 * 3.5) > 0


def test_psnr_of_data_wider_than_its_range():
    with pytest.raises(ValueError, match=r"a span of 4\. Pass data_range=4 or more"):
        psnr(np.array([[-2.0, 2.0]]), np.array([[0.0, 0.0]]))


@pytest.mark.parametrize("fn", [mse, bce, psnr])
def test_non_numeric(fn):
    with pytest.raises(TypeError, match=r"Expected `x_true` to be an array of real numbers\. Received: x_true=array of "
                                        r"shape \(2,\) and dtype <U1\."):
        fn(np.array(["a", "b"]), np.zeros(2))
    with pytest.raises(TypeError, match=r"Expected `x_pred` to be an array of real numbers.*dtype complex128"):
        fn(np.zeros(2), np.zeros(2, dtype=complex))


def test_ragged_and_empty():
    with pytest.raises(TypeError, match=r"^mse: Expected `x_true` to be an array of numbers\. Received: x_true=\[\[0\.0, "
                                        r"1\.0\], \[0\.0\]\]\. Nested lists must all have the same length\."):
        mse([[0.0, 1.0], [0.0]], [[0.0, 1.0], [0.0]])
    with pytest.raises(ValueError, match=r"^bce_floor: Expected `x_true` to be an array with at least one value\. "
                                         r"Received: x_true=array of shape \(0, 784\)"):
        bce_floor(np.zeros((0, 784)))


@pytest.mark.parametrize("fn", [mse, bce, psnr])
def test_per_example_needs_an_example_axis(fn):
    with pytest.raises(ValueError, match=r"Expected `x_true` to be an array with a first \(example\) axis when "
                                         r"per_example=True\. Received: x_true=array of shape \(\) and dtype float64\. Pass per_example=False"):
        fn(0.5, 0.5, per_example=True)
    with pytest.raises(TypeError, match=r"Expected `per_example` to be True or False\. Received: per_example='yes'\."):
        fn(np.zeros(2), np.zeros(2), per_example="yes")


@pytest.mark.parametrize("epsilon,error", [(0, ValueError), (-1e-7, ValueError), (0.5, ValueError), (1.0, ValueError),
                                           (float("nan"), ValueError), ("small", TypeError), (True, TypeError)])
def test_bad_epsilon(epsilon, error):
    with pytest.raises(error, match=r"^bce: Expected `epsilon` to be a finite number in \(0, 0\.5\)\. Received: epsilon="):
        bce(np.zeros(2), np.zeros(2), epsilon=epsilon)


@pytest.mark.parametrize("data_range,error", [(0, ValueError), (-1.0, ValueError), (float("inf"), ValueError),
                                              (None, TypeError), (True, TypeError)])
def test_bad_data_range(data_range, error):
    with pytest.raises(error, match=r"^psnr: Expected `data_range` to be a finite number > 0\. Received: data_range=.*"
                                    r"Use 1\.0 for images in \[0, 1\], 255 for 8-bit images\."):
        psnr(np.zeros(2), np.ones(2), data_range=data_range)
