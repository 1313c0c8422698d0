"""Chapter 4's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and the published solutions' code defines what their check cells use."""

import doctest
import math

import numpy as np
import pytest
from scipy.special import entr, xlogy

import aecourse.exercises.ch04
from aecourse.exercises import ____, ch04
from aecourse.losses import bce, bce_floor, psnr
from exercise_support import incorrect

RNG = np.random.default_rng(40)
X_TEST = RNG.random((37, 50)).astype("float32")   # awkward sizes, with pixels exactly 0 and 1
X_TEST[:, :7] = 0.0
X_TEST[:4, 7:15] = 1.0




def test_module_doctest():
    assert doctest.testmod(aecourse.exercises.ch04).failed == 0


# ------------------------------------------------------------------ 4.1 a floor by hand


X, Y = np.array([[0.5, 1.0]]), np.array([[0.5, 0.99]])
FLOOR = math.log(2) / 2
EXCESS = float(bce(X, Y)) - FLOOR


@pytest.mark.parametrize("floor, excess", [
    (bce_floor(X), bce(X, Y) - bce_floor(X)),
    (np.log(2) / 2, EXCESS),
    (np.float32(FLOOR), np.float32(EXCESS)),
    (np.array(FLOOR), np.array([EXCESS])),                  # a 0-d and a 1-element array
    (0.3466, 0.00503),                                      # typed from the pencil-and-paper result
])
def test_floor_by_hand_accepts_right_answers(floor, excess):
    assert ch04.floor_by_hand.check(floor, excess).correct


@pytest.mark.parametrize("floor, excess, fragment", [
    (0.5, EXCESS, "in bits"),
    (0.0, EXCESS, "0 only when every target is 0 or 1"),
    (math.log(2), EXCESS, "*mean* over the 2 pixels"),
    (math.log10(2) / 2, EXCESS, "base-10 logarithm"),
    (1.0, EXCESS, "the sum over the pixels, in bits"),
    (-FLOOR, EXCESS, "never negative"),
    (FLOOR + EXCESS, EXCESS, "*perfect* prediction"),
    (0.2, EXCESS, "should be 0.3466"),
    (FLOOR, FLOOR + EXCESS, "whole BCE of y"),
    (FLOOR, -EXCESS, "your difference is negative"),
    (FLOOR, 2 * EXCESS, "sum over the 2 pixels"),
    (FLOOR, EXCESS / math.log(2), "in bits"),
    (FLOOR, EXCESS / math.log(10), "base-10 logarithm"),
    (FLOOR, 0.00005, "the MSE of y"),
    (FLOOR, FLOOR + EXCESS - 0.5, "floor in bits (0.5)"),
    (FLOOR, 0.02, "should be 0.0050"),
])
def test_floor_by_hand_rejects_wrong_answers(floor, excess, fragment):
    incorrect(ch04.floor_by_hand.check(floor, excess), fragment)


@pytest.mark.parametrize("floor, excess, fragment", [
    ("0.3466", EXCESS, "the text '0.3466'"),
    (float("nan"), EXCESS, "finite number, you gave nan"),
    (FLOOR, float("inf"), "finite number, you gave inf"),
    (FLOOR, [0.0, 0.01], "one number, you gave 2 values"),
    (None, EXCESS, "you gave None"),
    (True, EXCESS, "you gave True"),
    (1 + 2j, EXCESS, "real number"),
])
def test_floor_by_hand_odd_input(floor, excess, fragment):
    incorrect(ch04.floor_by_hand.check(floor, excess), fragment)


def test_floor_by_hand_blanks_and_extra_arguments():
    assert ch04.floor_by_hand.check(____, ____).status == "not attempted"
    assert ch04.floor_by_hand.check(FLOOR, ____).status == "not attempted"
    incorrect(ch04.floor_by_hand.check(FLOOR, EXCESS, 1), "called as check(floor, excess); you passed 3")


# ------------------------------------------------------------ 4.2 PSNR from the MSE


def psnr_mse(x_true, x_pred):
    return 10 * np.log10(1.0 / np.mean((x_true - x_pred) ** 2))


def psnr_rmse(x_true, x_pred):
    return 20 * np.log10(1.0 / np.sqrt(np.mean((np.asarray(x_true) - np.asarray(x_pred)) ** 2)))


def psnr_math(x_true, x_pred, data_range=1.0):
    error = float(np.mean(np.square(np.subtract(x_true, x_pred))))
    return 10 * math.log10(data_range ** 2 / error)


def psnr_package_mse(x_true, x_pred):
    from aecourse.losses import mse
    return -10 * np.log10(mse(x_true, x_pred))


@pytest.mark.parametrize("func", [psnr_mse, psnr_rmse, psnr_math, psnr_package_mse,
                                  lambda a, b: np.float32(psnr_mse(a, b)), lambda a, b: [psnr_mse(a, b)]])
def test_psnr_accepts_right_answers(func):
    assert ch04.psnr_function.check(func).correct


def per_image_psnr(x_true, x_pred):
    x_true, x_pred = np.asarray(x_true, float), np.asarray(x_pred, float)
    axes = tuple(range(1, x_true.ndim)) or None
    return float(np.mean(10 * np.log10(1 / np.mean((x_true - x_pred) ** 2, axis=axes))))


def skimage_default(x_true, x_pred):
    # scikit-image's peak_signal_noise_ratio without data_range: floats are taken to span -1..1
    return 10 * np.log10(2.0 ** 2 / np.mean((x_true - x_pred) ** 2))


@pytest.mark.parametrize("func, fragment", [
    (per_image_psnr, "The task means the whole set"),
    (lambda a, b: 10 * np.log10(1 / np.mean((a - b) ** 2, axis=-1)), "one value per image"),
    (lambda a, b: np.mean(10 * np.log10(1 / np.mean((a - b) ** 2, axis=0))), "one PSNR per pixel position"),
    (lambda a, b: 10 * np.log10(1 / np.sqrt(np.mean((a - b) ** 2))), "root mean squared error"),
    (lambda a, b: 20 * np.log10(1 / np.mean((a - b) ** 2)), "20 log10 goes with the root mean squared"),
    (lambda a, b: psnr_mse(a, b) + 10 * np.log10(255 ** 2), "MAX = 1, not 255"),
    (skimage_default, "scikit-image"),
    (lambda a, b: 10 * np.log10((a.max() - a.min()) ** 2 / np.mean((a - b) ** 2)), "MAX from the data"),
    (lambda a, b: -psnr_mse(a, b), "sign is flipped"),
    (lambda a, b: 10 * np.log(1 / np.mean((a - b) ** 2)), "base-10 logarithm"),
    (lambda a, b: np.log10(1 / np.mean((a - b) ** 2)), "bels"),
    (lambda a, b: 10 * np.log10(1 / np.sum((a - b) ** 2)), "summed the squared errors"),
    (lambda a, b: 10 * np.log10(1 / np.mean(np.abs(a - b))), "mean absolute error"),
    (lambda a, b: 10 * np.log10(1 / np.mean(a - b) ** 2), "square each error first"),
    (lambda a, b: 42.0, "expected"),
])
def test_psnr_rejects_wrong_answers(func, fragment):
    incorrect(ch04.psnr_function.check(func), fragment)


@pytest.mark.parametrize("func, fragment", [
    (lambda a, b: None, "returned None"),
    (lambda a, b: "20 dB", "returned the text '20 dB'"),
    (lambda a, b: float("nan"), "returned nan"),
    (lambda a, b, data_range: 1.0, "should take 2 arguments, (x_true, x_pred)"),
    (lambda a: 1.0, "should take 2 arguments"),
    (lambda a, b: 1 / 0, "raised ZeroDivisionError"),
    (psnr, "the package's psnr"),
    ("my_psnr", "its name, without parentheses"),
    (20.0, "not the number 20.0"),
])
def test_psnr_odd_input(func, fragment):
    incorrect(ch04.psnr_function.check(func), fragment)


def test_psnr_blank():
    assert ch04.psnr_function.check(____).status == "not attempted"
    assert ch04.psnr_function.check(lambda a, b: ____).status == "not attempted"


# ------------------------------------------------------- 4.3 the floor of binary data


def floor_xlogy(images):
    x = np.asarray(images, dtype=float)
    return float(np.mean(-(xlogy(x, x) + xlogy(1 - x, 1 - x))))


def floor_entr(images):
    return np.mean(entr(images) + entr(1 - np.asarray(images)))


def floor_clipped(images):
    x = np.clip(np.asarray(images, dtype=float), 1e-7, 1 - 1e-7)
    return np.mean(-(x * np.log(x) + (1 - x) * np.log(1 - x)))


def floor_where(images):
    x = np.asarray(images, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(x > 0, x * np.log(x), 0.0) + np.where(x < 1, (1 - x) * np.log(1 - x), 0.0))
    return h.mean()


def floor_loop(images):
    values = np.asarray(images, dtype=float).ravel().tolist()
    total = 0.0
    for v in values:
        total -= sum(p * math.log(p) for p in (v, 1 - v) if p > 0)
    return total / len(values)


@pytest.mark.parametrize("func", [floor_xlogy, floor_entr, floor_clipped, floor_where, floor_loop,
                                  lambda x: float(bce_floor(x))])
def test_binary_floor_accepts_right_answers(func):
    result = ch04.binary_floor.check(func, X_TEST)
    assert result.correct, result


def naive(x):
    return np.mean(-(x * np.log(x) + (1 - x) * np.log(1 - x)))


def clipped(eps):
    def floor(images):
        x = np.clip(images, eps, 1 - eps)
        return np.mean(-(x * np.log(x) + (1 - x) * np.log(1 - x)))
    return floor


@pytest.mark.parametrize("func, fragment", [
    (naive, "0 * ln 0 gives nan"),
    (lambda x: 0, "returns 0 for grey images"),
    (lambda x: 0.0, "returns 0 for grey images"),
    (lambda x: floor_xlogy((np.asarray(x) > 0.5).astype(float)), "binarising inside the function"),
    (lambda x: 0.0589, "expected"),                            # a constant typed from the chapter
    (lambda x: floor_xlogy(x) / np.log(2), "in bits"),
    (lambda x: floor_xlogy(x) / np.log(10), "base-10 logarithm"),
    (lambda x: -floor_xlogy(x), "*minus*"),
    (lambda x: np.sum(entr(x) + entr(1 - x)), "summed the entropies"),
    (lambda x: np.mean(np.sum(entr(x) + entr(1 - x), axis=-1)), "summed over the pixels of each image"),
    (lambda x: np.mean(entr(x) + entr(1 - x), axis=-1), "one value per image"),
    (lambda x: entr(x) + entr(1 - x), "returned 54 values"),
    (lambda x: np.mean(entr(x)), "second term"),
    (lambda x: floor_xlogy(np.mean(x, axis=0)), "entropy of the mean image"),
    (lambda x: floor_xlogy(np.mean(x)), "entropy of the mean pixel value"),
    (lambda x: np.nanmean(-(x * np.log(x) + (1 - x) * np.log(1 - x))), "np.nanmean"),
    (clipped(1e-2), "clipped the pixels to [0.01"),
    (clipped(1e-3), "clipped the pixels to [0.001"),
    (clipped(1e-5), "clipped the pixels to [1e-05"),
])
def test_binary_floor_rejects_wrong_answers(func, fragment):
    with np.errstate(all="ignore"):
        incorrect(ch04.binary_floor.check(func, X_TEST), fragment)


@pytest.mark.parametrize("func, x_test, fragment", [
    (lambda x: None, X_TEST, "returned None"),
    (lambda x: "0.24", X_TEST, "returned the text '0.24'"),
    (lambda x: np.inf, X_TEST, "returned inf"),
    (lambda x, y: 0.1, X_TEST, "should take 1 argument, (images)"),
    (lambda x: x.nonexistent, X_TEST, "raised AttributeError"),
    (bce_floor, X_TEST, "the package's bce_floor"),
    (0, X_TEST, "not the number 0"),
    (floor_xlogy, "x_test", "pass the chapter's test images"),
    (floor_xlogy, X_TEST * 255, "divide 0-255 images by 255"),
    (floor_xlogy, X_TEST[0], "2-d array"),
    (floor_xlogy, np.full((3, 4), np.nan), "2-d array of finite pixel values"),
])
def test_binary_floor_odd_input(func, x_test, fragment):
    incorrect(ch04.binary_floor.check(func, x_test), fragment)


def test_binary_floor_blank_and_extra_arguments():
    assert ch04.binary_floor.check(____, X_TEST).status == "not attempted"
    assert ch04.binary_floor.check(lambda x: ____, X_TEST).status == "not attempted"
    incorrect(ch04.binary_floor.check(floor_xlogy, X_TEST, 0.5), "called as check(my_floor, x_test); you passed 3")


def test_binary_floor_constant_cannot_pass_however_chosen():
    # the right floor of the learner's grey images, typed as a constant, still fails on the check's own images
    constant = float(bce_floor(X_TEST))
    incorrect(ch04.binary_floor.check(lambda x: constant, X_TEST), "expected")


# -------------------------------------------------------------------- solutions


def run_solution(exercise, namespace):
    exec(compile(exercise.solution_code, f"<{exercise.title}>", "exec"), namespace)
    return namespace


def test_solutions_define_what_their_checks_use(capsys):
    rng = np.random.default_rng(1)
    x_test = rng.random((30, 784)).astype("float32")
    base = {"np": np, "bce": bce, "bce_floor": bce_floor, "psnr": psnr, "x_test": x_test,
            "predictions": {"BCE": np.clip(x_test + rng.normal(0, 0.1, x_test.shape), 0, 1)}}
    ns = run_solution(ch04.floor_by_hand, dict(base))
    assert ch04.floor_by_hand.check(ns["floor"], ns["excess"]).correct
    ns = run_solution(ch04.psnr_function, dict(base))
    assert ch04.psnr_function.check(ns["my_psnr"]).correct
    ns = run_solution(ch04.binary_floor, dict(base))
    assert ch04.binary_floor.check(ns["my_floor"], ns["x_test"]).correct
    printed = capsys.readouterr().out
    assert "above the floor 0.0050" in printed and "10 log10(2) = 3.0103" in printed
    assert "my_floor 0.0000" in printed
    for exercise in (ch04.floor_by_hand, ch04.psnr_function, ch04.binary_floor):
        assert exercise.answer, exercise.title
