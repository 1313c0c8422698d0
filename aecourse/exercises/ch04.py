"""Exercises of chapter 4, reconstruction losses.

Each check computes the expected answer itself (on the learner's data or on small test
arrays of its own, with pixels exactly 0 and 1 and awkward sizes) and recognises the
plausible wrong answers by name: a logarithm of the wrong base, a sum instead of a mean,
the parts of a formula swapped or left out, a PSNR averaged per image.

Example:
    >>> from aecourse.exercises import ch04, ____
    >>> ch04.floor_by_hand.check(____, ____).status
    'not attempted'
    >>> print(ch04.floor_by_hand.check(0.5, 0.005))
    [incorrect] Exercise 4.1: a floor by hand: 0.5 is the floor in bits (logarithm to base 2); the course's BCE uses the natural logarithm, which gives ln(2) / 2 = 0.3466.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, NotAttempted, call_function, is_placeholder

__all__ = ["floor_by_hand", "psnr_function", "binary_floor"]

_RNG = np.random.default_rng(4)


# ------------------------------------------------------------------- helpers


def _number(value, what):
    """The learner's answer as one finite float, or :class:`Incorrect` in the learner's terms."""
    if is_placeholder(value):
        raise NotAttempted()
    if isinstance(value, (str, bytes)):
        raise Incorrect(f"{what} should be a number, you gave the text {value!r}; remove the quotes.")
    if value is None:
        raise Incorrect(f"{what} should be a number, you gave None.")
    if isinstance(value, (bool, np.bool_)):
        raise Incorrect(f"{what} should be a number, you gave {value}.")
    if isinstance(value, numbers.Number):
        number = value
    else:
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"{what} should be a number, you gave a {type(value).__name__}.") from None
        if array.size != 1:
            raise Incorrect(f"{what} should be one number, you gave {array.size} values (shape {array.shape}): "
                            "take the mean over the pixels.")
        number = array.reshape(())
    try:
        number = float(number)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be a real number, you gave {value!r}.") from None
    if not math.isfinite(number):
        raise Incorrect(f"{what} should be a finite number, you gave {number}.")
    return number


def _call(func, args, name, params):
    """The learner's function called on ``args``, as a float array (:func:`call_function`)."""
    return call_function(func, args, name=name, params=params, returns="a number")


def _one_value(got, name, why):
    if got.size != 1:
        raise Incorrect(f"{name} returned {got.size} values (shape {got.shape}); it should return one number "
                        f"{why}.")
    return float(got.reshape(()))


def _match(got, variants, rtol=1e-6):
    """Raise the teaching message of the first known wrong answer equal to ``got``."""
    for value, text in variants:
        with np.errstate(all="ignore"):
            try:
                value = float(value() if callable(value) else value)
            except Exception:  # a variant that does not apply to these arrays
                continue
        if math.isfinite(value) and math.isclose(got, value, rel_tol=rtol, abs_tol=1e-12):
            raise Incorrect(text)


# ----------------------------------------------------------- 4.1 a floor by hand


_LN2 = math.log(2)
_FLOOR = _LN2 / 2                                            # H(0.5) = ln 2, H(1.0) = 0; mean of 2 pixels
_COST = -(0.5 * math.log(0.5) + 0.5 * math.log(0.5) + math.log(0.99)) / 2   # BCE of y = (0.5, 0.99)
_EXCESS = _COST - _FLOOR


def _check_floor_by_hand(floor, excess):
    what_floor = "the BCE floor of x = (0.5, 1.0)"
    floor = _number(floor, what_floor)
    if not math.isclose(floor, _FLOOR, rel_tol=1e-3):
        _match(floor, [
            (0.0, "the floor is 0 only when every target is 0 or 1; the pixel 0.5 has entropy "
                  "-(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2."),
            (0.5, "0.5 is the floor in bits (logarithm to base 2); the course's BCE uses the natural logarithm, "
                  f"which gives ln(2) / 2 = {_FLOOR:.4f}."),
            (math.log10(2) / 2, "you used the base-10 logarithm; BCE and its floor use the natural logarithm "
                                "(np.log), as Keras does."),
            (_LN2, "ln 2 is the entropy of the first pixel alone, or the sum over both pixels; the floor is the "
                   "*mean* over the 2 pixels (the second pixel, 1.0, adds 0)."),
            (1.0, "1 is the sum over the pixels, in bits; the floor is the mean over the 2 pixels, with the "
                  "natural logarithm."),
            (-_FLOOR, "the floor is minus the sum of x ln x + (1 - x) ln(1 - x): entropies are never negative."),
            (_COST, "that is the BCE of the prediction y; the floor is the BCE of a *perfect* prediction, y = x."),
        ], rtol=1e-2)
        raise Incorrect(f"{what_floor} should be {_FLOOR:.4f}, you gave {floor:.6g}: the mean over the 2 pixels "
                        "of H(x) = -(x ln x + (1 - x) ln(1 - x)), with 0 ln 0 = 0.")
    what_excess = "the BCE of y = (0.5, 0.99) above the floor"
    excess = _number(excess, what_excess)
    if not math.isclose(excess, _EXCESS, rel_tol=1e-2):
        mse = ((0.5 - 0.5) ** 2 + (1.0 - 0.99) ** 2) / 2
        _match(excess, [
            (_COST, f"{_COST:.4f} is the whole BCE of y; subtract the floor to get the part above it."),
            (-_EXCESS, "your difference is negative: no prediction costs less than the floor, so subtract the "
                       "floor from the BCE (BCE - floor), not the other way round."),
            (2 * _EXCESS, "that is the sum over the 2 pixels; BCE and its floor are means over the pixels, so "
                          "the part above the floor is too."),
            (_EXCESS / _LN2, "that is the excess in bits (logarithm to base 2); use the natural logarithm."),
            (_EXCESS / math.log(10), "you used the base-10 logarithm; use the natural logarithm (np.log)."),
            (mse, "that is the MSE of y, not its BCE above the floor."),
            (_COST - 0.5, "you subtracted the floor in bits (0.5); compute the floor with the natural "
                          "logarithm too."),
        ], rtol=1e-2)
        raise Incorrect(f"{what_excess} should be {_EXCESS:.4f}, you gave {excess:.6g}: BCE(x, y) - floor, "
                        "both means over the 2 pixels.")
    return (f"floor ln(2)/2 = {_FLOOR:.4f}; y costs {_COST:.4f}, only {_EXCESS:.4f} above the floor: the "
            "prediction is nearly perfect although its BCE is far from 0.")


floor_by_hand = Exercise(
    "Exercise 4.1: a floor by hand",
    _check_floor_by_hand,
    hints=[
        "The floor is the mean over the pixels of the binary entropy H(x) = -(x ln x + (1 - x) ln(1 - x)), "
        "with 0 ln 0 = 0.",
        "H(0.5) = ln 2 and H(1.0) = 0, so the floor is ln(2) / 2. The BCE of y is the mean of "
        "-(x ln y + (1 - x) ln(1 - y)); subtract the floor.",
    ],
    solution="""
x = np.array([[0.5, 1.0]])
y = np.array([[0.5, 0.99]])
floor = bce_floor(x)            # (ln 2 + 0) / 2
excess = bce(x, y) - floor
print(f"floor {floor:.4f}   BCE of y {bce(x, y):.4f}   above the floor {excess:.4f}")
""",
    answer=f"The floor is (ln 2 + 0) / 2 = {_FLOOR:.4f}: the pixel 0.5 carries ln 2 of entropy, the pixel 1.0 "
           f"none. The prediction y costs {_COST:.4f}, of which only {_EXCESS:.4f} lies above the floor: almost "
           "all the BCE of this nearly perfect prediction is the floor, which no model can remove.",
)


# ------------------------------------------------------- 4.2 PSNR from the MSE


def _psnr(x, y):
    return 10.0 * math.log10(1.0 / float(np.mean((np.asarray(x, float) - np.asarray(y, float)) ** 2)))


# Images with values in [0.05, 0.9] (not the whole range) and unequal errors per image,
# so that every variant below gives a number of its own.
_PSNR_X = _RNG.uniform(0.05, 0.9, size=(5, 7))
_PSNR_Y = np.clip(_PSNR_X + _RNG.normal(0.0, 1.0, size=(5, 7)) * np.array([0.02, 0.05, 0.1, 0.15, 0.3])[:, None],
                  0.0, 1.0)
_PSNR_CASES = [
    (np.array([0.0, 1.0]), np.array([0.1, 0.9])),
    (np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([[0.3, 0.4], [0.6, 0.5]])),
    (np.full((3, 4), 0.5), np.full((3, 4), 0.25)),
    (_RNG.uniform(size=(2, 5, 3)), _RNG.uniform(size=(2, 5, 3))),
]


def _psnr_variants(x, y):
    e = x - y
    mse = float(np.mean(e ** 2))
    per_image = np.mean(e ** 2, axis=1)
    return [
        (lambda: np.mean(10 * np.log10(1 / per_image)),
         "you averaged one PSNR per image. The task means the whole set: one PSNR of the MSE over every pixel of "
         "every image, as aecourse.losses.psnr and the chapter's table compute it. A mean of per-image PSNRs is "
         "a mean of logarithms, a different (larger) number."),
        (lambda: np.mean(10 * np.log10(1 / np.mean(e ** 2, axis=0))),
         "you averaged one PSNR per pixel position (axis=0); the task means one PSNR of the MSE over every pixel "
         "of every image."),
        (lambda: 10 * math.log10(1 / math.sqrt(mse)),
         "you used the root mean squared error with a factor 10; PSNR is 10 log10(MAX^2 / MSE), or equivalently "
         "20 log10(MAX / RMSE)."),
        (lambda: 20 * math.log10(1 / mse),
         "20 log10 goes with the root mean squared error (an amplitude); with the MSE (a power) the factor is "
         "10: 10 log10(1 / MSE)."),
        (lambda: 10 * math.log10(255 ** 2 / mse), "the images here hold values in [0, 1], so MAX = 1, not 255."),
        (lambda: 10 * math.log10(2 ** 2 / mse),
         "MAX = 2 is what some libraries (scikit-image's peak_signal_noise_ratio) assume for float images "
         "(values from -1 to 1); these images lie in [0, 1], so MAX = 1 (data_range=1)."),
        (lambda: 10 * math.log10((x.max() - x.min()) ** 2 / mse),
         "you took MAX from the data (x_true.max() - x_true.min()); MAX is the largest possible value, 1 for "
         "images in [0, 1], whatever a given set of images holds."),
        (lambda: -10 * math.log10(1 / mse), "the sign is flipped: a smaller error must give a *larger* PSNR."),
        (lambda: 10 * math.log(1 / mse), "decibels use the base-10 logarithm: np.log10, not np.log."),
        (lambda: math.log10(1 / mse), "that is in bels; decibels have the factor 10: 10 log10(1 / MSE)."),
        (lambda: 10 * math.log10(1 / float(np.sum(e ** 2))),
         "you summed the squared errors; the MSE is their *mean* (np.mean)."),
        (lambda: 10 * math.log10(1 / float(np.mean(np.abs(e)))),
         "you used the mean absolute error; PSNR uses the mean *squared* error."),
        (lambda: 10 * math.log10(1 / float(np.mean(e)) ** 2),
         "you squared the mean error; square each error first, then take the mean: np.mean((x - y) ** 2)."),
    ]


def _check_psnr(my_psnr):
    func = my_psnr
    from aecourse.losses import psnr

    name = "my_psnr"
    if func is psnr:
        raise Incorrect("that is the package's psnr; write your own my_psnr from the MSE, then compare the two.")
    params = ("x_true", "x_pred")
    x, y = _PSNR_X, _PSNR_Y
    got = _call(func, (x, y), name, params)
    expected = _psnr(x, y)
    if got.shape == (len(x),):
        raise Incorrect(f"{name} returned one value per image (shape {got.shape}). The task means the whole set: "
                        "one PSNR of the MSE over every pixel of every image.")
    got = _one_value(got, name, "for the whole set")
    if not math.isfinite(got):
        raise Incorrect(f"{name} returned {got} on images with errors everywhere; PSNR is infinite only for a "
                        "perfect reconstruction. Check for a division by zero or the log of 0.")
    if not math.isclose(got, expected, rel_tol=1e-6):
        _match(got, _psnr_variants(x, y))
        raise Incorrect(f"{name} returned {got:.6g} on test images of shape {x.shape}, expected {expected:.6g}: "
                        "10 log10(1 / MSE), with the MSE over every value.")
    for x, y in _PSNR_CASES:
        got = _one_value(_call(func, (x, y), name, params), name, "for the whole set")
        if not math.isclose(got, _psnr(x, y), rel_tol=1e-6):
            raise Incorrect(f"{name} is wrong for images of shape {x.shape}: it returned {got:.6g}, expected "
                            f"{_psnr(x, y):.6g}.")
    return "PSNR = 10 log10(1 / MSE) for images in [0, 1]: each halving of the MSE adds 10 log10 2 = 3.01 dB."


psnr_function = Exercise(
    "Exercise 4.2: PSNR from the MSE",
    _check_psnr,
    hints=[
        "PSNR compares the error with the largest possible value MAX (here 1): 10 log10(MAX^2 / MSE), in "
        "decibels, with the MSE over every pixel of every image.",
        "return 10 * np.log10(1.0 / np.mean((x_true - x_pred) ** 2))",
    ],
    solution="""
def my_psnr(x_true, x_pred):
    x_true, x_pred = np.asarray(x_true, dtype=float), np.asarray(x_pred, dtype=float)
    return 10 * np.log10(1.0 / np.mean((x_true - x_pred) ** 2))

pred = predictions["BCE"]
print(f"my_psnr {my_psnr(x_test, pred):.4f} dB, package {psnr(x_test, pred):.4f} dB")
halved = x_test + (pred - x_test) / np.sqrt(2)   # every error / sqrt(2): the MSE halves
gain = my_psnr(x_test, halved) - my_psnr(x_test, pred)
print(f"MSE halved: {gain:.4f} dB more; 10 log10(2) = {10 * np.log10(2):.4f}")
""",
    answer="my_psnr and the package print the same PSNR for the test reconstructions. Halving the MSE adds "
           "10 log10(2) = 3.01 dB, whatever the MSE was (the solution prints it for the chapter's "
           "reconstructions): PSNR is a logarithmic scale, so equal ratios of MSE are equal steps in dB.",
)


# -------------------------------------------------- 4.3 the floor of binary data


def _entropy(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        h = -(np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)
              + np.where(x < 1, (1 - x) * np.log(np.where(x < 1, 1 - x, 1.0)), 0.0))
    return h


def _floor(x):
    return float(np.mean(_entropy(x)))


def _floor_probe():
    x = _RNG.uniform(0.0, 1.0, size=(6, 9))
    x[0, :3] = 0.0          # black pixels
    x[1, 4:] = 1.0          # white pixels
    x[2, 2] = 0.5
    x[4] *= 0.2             # a dark image
    return x


_FLOOR_PROBE = _floor_probe()
_FLOOR_CASES = [np.array([[0.5, 1.0]]), np.array([0.0, 1.0, 1.0]), _RNG.uniform(size=(3, 5, 4)),
                np.array([[0.1, 0.9], [0.3, 0.0], [1.0, 0.7]])]


def _floor_variants(x):
    with np.errstate(all="ignore"):
        naive = -(x * np.log(x) + (1 - x) * np.log(1 - x))
    h = _entropy(x)
    return [
        (lambda: _floor(x) / _LN2, "your floor is in bits (logarithm to base 2); BCE uses the natural logarithm "
                                   "(np.log)."),
        (lambda: _floor(x) / math.log(10), "you used the base-10 logarithm; BCE uses the natural logarithm "
                                           "(np.log)."),
        (lambda: -_floor(x), "your floor is negative: the binary entropy is *minus* x ln x + (1 - x) ln(1 - x)."),
        (lambda: float(np.sum(h)), "you summed the entropies; the floor is their *mean* over every pixel of every "
                                   "image, like the BCE it bounds."),
        (lambda: float(np.mean(np.sum(h, axis=-1))), "you summed over the pixels of each image; BCE and its floor "
                                                     "are means over the pixels too."),
        (lambda: float(np.mean(np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), 0.0))),
         "you kept only -x ln x; the binary entropy has a second term for the pixel being off: "
         "-(1 - x) ln(1 - x)."),
        (lambda: _floor(x.mean(axis=0)), "you took the entropy of the mean image; the floor is the mean of each "
                                         "pixel's own entropy (each target separately), which is smaller."),
        (lambda: _floor(np.array([x.mean()])), "you took the entropy of the mean pixel value; the floor is the mean "
                                               "of each pixel's own entropy."),
        (lambda: float(np.nanmean(naive)), "you skipped the pixels that are exactly 0 or 1 (np.nanmean); they count "
                                           "too, with entropy 0 (0 ln 0 = 0), so they lower the mean."),
        *[(lambda e=e: _floor(np.clip(x, e, 1 - e)),
            f"you clipped the pixels to [{e:g}, 1 - {e:g}] before the logarithms; that gives pixels exactly 0 or 1 "
            "an entropy they do not have. Clip to [1e-7, 1 - 1e-7] at most, or use scipy.special.xlogy, which "
            "takes 0 ln 0 = 0.") for e in (1e-2, 1e-3, 1e-4, 1e-5)],
        (0.0, "your function returns 0 for grey images: binarising inside the function, or returning a constant, "
              "gives the floor of binary data whatever it is given. Compute the entropy of the values you are "
              "given and binarise outside the function."),
    ]


def _check_binary_floor(my_floor, x_test):
    func = my_floor
    name = "my_floor"
    if isinstance(x_test, (str, bytes)) or x_test is None:
        raise Incorrect("pass the chapter's test images as the second argument: check(my_floor, x_test).")
    try:
        images = np.asarray(x_test, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("the second argument should be the test images, x_test (an array of numbers).") from None
    if images.ndim < 2 or images.size == 0 or not np.all(np.isfinite(images)):
        raise Incorrect("the second argument should be the test images, x_test: a 2-d array of finite pixel "
                        f"values; you gave an array of shape {images.shape}.")
    if images.min() < 0 or images.max() > 1:
        raise Incorrect(f"the test images should hold pixel values in [0, 1]; yours range from {images.min():g} to "
                        f"{images.max():g} (divide 0-255 images by 255).")
    from aecourse.losses import bce_floor

    if func is bce_floor:
        raise Incorrect("that is the package's bce_floor; write your own my_floor, then compare the two.")
    params = ("images",)
    x = _FLOOR_PROBE
    got = _call(func, (x,), name, params)
    if got.shape == (len(x),):
        raise Incorrect(f"{name} returned one value per image (shape {got.shape}); the floor of a set of images "
                        "is one number, the mean entropy over every pixel of every image.")
    got = _one_value(got, name, "for the whole set of images")
    if math.isnan(got):
        raise Incorrect(f"{name} returned nan for images with pixels exactly 0 and 1: 0 * ln 0 gives nan in NumPy. "
                        "Take 0 ln 0 = 0 (its limit): scipy.special.xlogy(x, x), or "
                        "np.where(x > 0, x * np.log(x), 0), or clip x to [1e-7, 1 - 1e-7] first.")
    if not math.isfinite(got):
        raise Incorrect(f"{name} returned {got}; the floor is finite (at most ln 2 per pixel). Check the "
                        "logarithms at pixels exactly 0 and 1.")
    expected = _floor(x)
    if not math.isclose(got, expected, rel_tol=1e-4, abs_tol=1e-5):
        _match(got, _floor_variants(x), rtol=1e-4)
        raise Incorrect(f"{name} returned {got:.6g} on test images of shape {x.shape}, expected {expected:.6g}: the "
                        "mean over every pixel of H(x) = -(x ln x + (1 - x) ln(1 - x)), with 0 ln 0 = 0.")
    for case in _FLOOR_CASES:
        got = _one_value(_call(func, (case,), name, params), name, "for the whole set of images")
        if not math.isclose(got, _floor(case), rel_tol=1e-4, abs_tol=1e-5):
            _match(got, _floor_variants(case), rtol=1e-4)
            raise Incorrect(f"{name} is wrong for images of shape {case.shape}: it returned {got:.6g}, expected "
                            f"{_floor(case):.6g}.")
    grey = _one_value(_call(func, (images,), name, params), name, "for the whole set of images")
    if not math.isclose(grey, _floor(images), rel_tol=1e-4, abs_tol=1e-5):
        raise Incorrect(f"{name}(x_test) returned {grey:.6g}, but the floor of these images is "
                        f"{_floor(images):.6g} (bce_floor gives the same).")
    binary = (images > 0.5).astype("float32")
    floor = _one_value(_call(func, (binary,), name, params), name, "for the whole set of images")
    if not abs(floor) <= 1e-5:
        raise Incorrect(f"{name} returns {floor:.6g} for the binarised test images instead of 0: pixels exactly 0 "
                        "or 1 have no entropy. If you clip x before the logarithm, clip to [1e-7, 1 - 1e-7], "
                        "not wider.")
    return (f"my_floor(x_test) = {grey:.4f} and 0 for the binarised images: a pixel that is exactly 0 or 1 has no "
            "entropy, so on binary data BCE = KL(x || y) alone and 0 is reachable.")


binary_floor = Exercise(
    "Exercise 4.3: the floor of binary data",
    _check_binary_floor,
    hints=[
        "The floor is the mean over every pixel of every image of H(x) = -(x ln x + (1 - x) ln(1 - x)). "
        "At x = 0 or 1 NumPy computes 0 * ln 0 as nan: the limit, and the convention, is 0.",
        "scipy.special.xlogy(x, x) is x ln x with 0 ln 0 = 0: "
        "return np.mean(-(xlogy(x, x) + xlogy(1 - x, 1 - x))).",
    ],
    solution="""
from scipy.special import xlogy


def my_floor(images):
    x = np.asarray(images, dtype=float)
    return float(np.mean(-(xlogy(x, x) + xlogy(1 - x, 1 - x))))  # xlogy(0, 0) = 0

x_test_binary = (x_test > 0.5).astype("float32")
print(f"grey test images:      my_floor {my_floor(x_test):.4f}",
      f"  bce_floor {bce_floor(x_test):.4f}")
print(f"binarised test images: my_floor {my_floor(x_test_binary):.4f}")
""",
    answer="The binarised images have a floor of exactly 0 (the solution prints it beside the grey images' "
           "floor): a pixel that is exactly 0 or 1 has no entropy. BCE then equals the KL divergence "
           "KL(x || y) alone, 0 means a perfect reconstruction, and raw BCE values of binary data can be compared "
           "directly, between models and between binary datasets.",
)
