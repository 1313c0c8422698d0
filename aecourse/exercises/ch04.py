"""Exercises of chapter 4, reconstruction losses.

Example:
    >>> from aecourse.exercises import ch04, ____
    >>> ch04.floor_by_hand.check(____, ____).status
    'not attempted'
"""

from __future__ import annotations

import math

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, check_function, check_number

__all__ = ["floor_by_hand", "psnr_function", "binary_floor"]


def _check_floor_by_hand(floor, excess):
    # x = (0.5, 1.0): the entropy of 0.5 is ln 2, of 1.0 it is 0; mean over 2 pixels.
    expected_floor = math.log(2) / 2
    cost = -(0.5 * math.log(0.5) + 0.5 * math.log(0.5) + 1.0 * math.log(0.99) + 0.0) / 2
    if isinstance(floor, (int, float)) and math.isclose(float(floor), 0.0, abs_tol=1e-9):
        raise Incorrect("the floor is 0 only when every target is 0 or 1; the pixel 0.5 has entropy "
                        "-(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2.")
    if isinstance(floor, (int, float)) and math.isclose(float(floor), 0.5, rel_tol=1e-3):
        raise Incorrect("0.5 is the floor in bits (log base 2); the course's BCE uses the natural "
                        f"logarithm, which gives ln(2) / 2 = {expected_floor:.4f}.")
    if isinstance(floor, (int, float)) and math.isclose(float(floor), math.log(2), rel_tol=1e-3):
        raise Incorrect("ln 2 is the entropy of the first pixel alone; the floor is the *mean* over the "
                        "2 pixels (the second pixel, 1.0, adds 0).")
    check_number(floor, expected_floor, rtol=1e-3, what="the BCE floor of x = (0.5, 1.0)")
    if isinstance(excess, (int, float)) and math.isclose(float(excess), cost, rel_tol=1e-3):
        raise Incorrect(f"{cost:.4f} is the whole BCE of y; subtract the floor to get the part above it.")
    check_number(excess, cost - expected_floor, rtol=1e-2,
                 what="the BCE of y = (0.5, 0.99) above the floor")
    return (f"floor ln(2)/2 = {expected_floor:.4f}; y costs {cost:.4f}, only {cost - expected_floor:.4f} "
            "above the floor: the prediction is nearly perfect although its BCE is far from 0.")


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
floor = bce_floor(x)            # ln(2) / 2 = 0.3466
excess = bce(x, y) - floor      # 0.0050
ch04.floor_by_hand.check(floor, excess)
""",
)


def _reference_psnr(x_true, x_pred):
    x_true, x_pred = np.asarray(x_true, dtype=float), np.asarray(x_pred, dtype=float)
    return 10.0 * math.log10(1.0 / float(np.mean((x_true - x_pred) ** 2)))


_PSNR_CASES = [
    ((np.array([0.0, 1.0]), np.array([0.1, 0.9])), 20.0),
    ((np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([[0.3, 0.4], [0.6, 0.5]])),
     _reference_psnr([[0.2, 0.4], [0.6, 0.8]], [[0.3, 0.4], [0.6, 0.5]])),
    ((np.full((3, 4), 0.5), np.full((3, 4), 0.25)), _reference_psnr(np.full(2, 0.5), np.full(2, 0.25))),
]


def _check_psnr(func):
    x, y = np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([[0.3, 0.4], [0.6, 0.5]])
    try:
        got = float(np.asarray(func(x, y)))
    except Exception:
        got = None  # the case checks below report the error (or a blank answer)
    if got is not None:
        mse_value = float(np.mean((x - y) ** 2))
        if math.isclose(got, 10 * math.log10(1 / math.sqrt(mse_value)), rel_tol=1e-6):
            raise Incorrect("you used the root mean squared error with a factor 10; PSNR is "
                            "10 log10(MAX^2 / MSE), or equivalently 20 log10(MAX / RMSE).")
        if math.isclose(got, 10 * math.log10(255 ** 2 / mse_value), rel_tol=1e-6):
            raise Incorrect("the images here hold values in [0, 1], so MAX = 1, not 255.")
        if math.isclose(got, -10 * math.log10(1 / mse_value), rel_tol=1e-6):
            raise Incorrect("the sign is flipped: a smaller error must give a *larger* PSNR.")
    check_function(func, _PSNR_CASES, rtol=1e-6, what="my_psnr")
    return "PSNR = 10 log10(1 / MSE) for images in [0, 1]: each halving of the MSE adds about 3 dB."


psnr_function = Exercise(
    "Exercise 4.2: PSNR from the MSE",
    _check_psnr,
    hints=[
        "PSNR compares the error with the largest possible value MAX (here 1): 10 log10(MAX^2 / MSE), in decibels.",
        "return 10 * np.log10(1.0 / np.mean((x_true - x_pred) ** 2))",
    ],
    solution="""
def my_psnr(x_true, x_pred):
    error = np.mean((np.asarray(x_true) - np.asarray(x_pred)) ** 2)
    return 10 * np.log10(1.0 / error)

ch04.psnr_function.check(my_psnr)
print(my_psnr(x_test, predictions["bce"]), psnr(x_test, predictions["bce"]))
""",
)


def _check_binary_floor(value, x_test):
    from aecourse.losses import bce_floor

    grey_floor = bce_floor(np.asarray(x_test, dtype=float))
    if (grey_floor > 0 and isinstance(value, (int, float, np.floating))
            and math.isclose(float(value), grey_floor, rel_tol=1e-2)):
        raise Incorrect("that is the floor of the grey-level images; binarise them first "
                        "((x_test > 0.5).astype('float32')), then compute the floor.")
    check_number(value, 0.0, atol=1e-6, what="the BCE floor of the binarised test images")
    return ("The floor of binary targets is 0: a pixel that is exactly 0 or 1 has no entropy, so a BCE of 0 "
            "is reachable and BCE values become directly comparable.")


binary_floor = Exercise(
    "Exercise 4.3: the floor of binary data",
    _check_binary_floor,
    hints=[
        "Binarise with (x_test > 0.5).astype('float32'), then call bce_floor on the result.",
        "What is the binary entropy of a target that is exactly 0 or exactly 1?",
    ],
    solution="""
x_test_binary = (x_test > 0.5).astype("float32")
answer = bce_floor(x_test_binary)   # 0.0
""",
)
