"""Reconstruction losses and image-quality metrics: NumPy reference implementations.

The functions here measure how far a reconstruction ``x_pred`` is from the data
``x_true`` (always in that order, like Keras' ``y_true, y_pred``):

- :func:`mse`: mean squared error, the mean over all values of ``(x_true - x_pred)**2``;
- :func:`bce`: binary cross-entropy, the mean of
  ``-(x_true * ln(x_pred) + (1 - x_true) * ln(1 - x_pred))``;
- :func:`bce_floor`: the lowest BCE any model can reach on the targets ``x_true``, i.e.
  the mean binary entropy of the targets (it is 0 only for binary targets);
- :func:`psnr`: peak signal-to-noise ratio in decibels, ``10 log10(data_range**2 / MSE)``.

**Reduction.** By default each function returns one number: the mean over *every*
value of the arrays (all examples, all pixels). With ``per_example=True`` it returns
an array of shape ``(n,)``: one mean per example, taken over all axes but the first
(so a batch of images ``(n, 28, 28, 1)`` or ``(n, 784)`` gives one value per image; a
1-D array is read as ``n`` examples of one value each). Keras' own
``keras.losses.mean_squared_error`` and ``binary_crossentropy`` average over the
*last* axis only; for flat ``(n, d)`` data that is the same as ``per_example=True``.

**Numerical safety.** Like Keras, :func:`bce` clips predictions to
``[epsilon, 1 - epsilon]`` with ``epsilon = 1e-7`` (:data:`EPSILON`, Keras'
``keras.backend.epsilon()``), so predictions of exactly 0 or 1 cost a large but finite
amount instead of ``inf``. Entropy terms use ``0 * ln(0) = 0``, so binary targets have
a floor of exactly 0. All computations run in float64, in blocks of rows, so large
datasets do not need large temporary arrays.

**Checks.** Arrays must have the same shape, be numeric and hold only finite values;
BCE and its floor need targets in [0, 1] and BCE needs predictions in [0, 1]
(logits are not accepted: apply a sigmoid first). Two arrays on different scales,
one in [0, 1] and the other 8-bit images (whole numbers up to 255), are rejected
with the hint to divide by 255, and so is PSNR of data spanning more than its
``data_range``. Anything else raises a ``ValueError`` (or a ``TypeError`` for
non-numeric data) saying what was received and what to do. The checks cost one
``min`` and one ``max`` per array.

Example:
    >>> import numpy as np
    >>> round(bce(np.array([0.7]), np.array([0.4])), 5)
    0.79465
    >>> round(bce_floor(np.array([0.7])), 4)
    0.6109
"""

from __future__ import annotations

import numpy as np

from aecourse.validation import BYTES_HINT, check_bool, check_float, check_same_scale, check_values, message

__all__ = ["EPSILON", "mse", "bce", "bce_floor", "psnr"]

#: Predictions are clipped to ``[EPSILON, 1 - EPSILON]`` inside :func:`bce`; the same
#: value as Keras' ``keras.backend.epsilon()``.
EPSILON = 1e-7

_BLOCK_VALUES = 1 << 20  # about a million values (8 MB in float64) per block


# ------------------------------------------------------------------- validation


def _array(x, name, func):
    """``(array, (min, max))``: ``x`` as a numeric, non-empty, finite array, and its range.

    The range is the one pass over the data that every check below shares.
    """
    try:
        array = np.asarray(x)
    except (ValueError, TypeError):  # ragged nested lists
        raise TypeError(message(func, name, "an array of numbers", x,
                                "Nested lists must all have the same length.")) from None
    if array.dtype != bool and not (np.issubdtype(array.dtype, np.integer)
                                    or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(message(func, name, "an array of real numbers", array))
    if array.size == 0:
        raise ValueError(message(func, name, "an array with at least one value", array))
    low, high = check_values(array, name, where=func)
    return array, (low, high)


def _pair(x_true, x_pred, func):
    a, a_range = _array(x_true, "x_true", func)
    b, b_range = _array(x_pred, "x_pred", func)
    if a.shape != b.shape:
        raise ValueError(message(func, "x_pred", f"an array of the shape of x_true, {a.shape}", b,
                                 "Pass one prediction per target value, e.g. model.predict(x_true)."))
    return a, a_range, b, b_range


def _shown_range(array, value_range):
    return f"array of shape {array.shape} and dtype {array.dtype} with values from {value_range[0]:g} to {value_range[1]:g}"


def _unit_interval(array, value_range, name, func, fix):
    check_values(array, name, where=func, min_value=0, max_value=1, fix=fix, value_range_=value_range)


def _check_span(a, a_range, data_range, func):
    """PSNR's ``data_range`` is the span of the values the data can take: the data cannot span more."""
    span = a_range[1] - a_range[0]
    if span > data_range * (1 + 1e-6):
        fix = (f"{BYTES_HINT} Or pass data_range=255." if a_range[0] >= 0 and 1 < a_range[1] <= 255
               and np.all(np.mod(a, 1) == 0)
               else f"Pass data_range={span:g} or more: the span of the values the data can take.")
        raise ValueError(message(func, "x_true", f"data spanning at most data_range={data_range:g}", a, fix,
                                 received=f"{_shown_range(a, a_range)}, a span of {span:g}"))


_TARGET_FIX = "Scale the data to [0, 1] first, or use mse for real-valued data."
_PREDICTION_FIX = "If these are logits, apply a sigmoid first (or use an output layer with a sigmoid)."


def _check_per_example(per_example, array, func):
    per_example = check_bool(per_example, "per_example", where=func)
    if per_example and array.ndim == 0:
        raise ValueError(message(func, "x_true", "an array with a first (example) axis when per_example=True",
                                 array, "Pass per_example=False for a single value."))
    return per_example


# ------------------------------------------------------------------ reductions


def _row_sums(fn, *arrays):
    """Sum of ``fn(*rows)`` over each example (first axis), computed in float64 blocks."""
    first = arrays[0]
    if first.ndim == 0:
        return np.array([fn(*(np.asarray(a, dtype=np.float64) for a in arrays))], dtype=np.float64)
    n = first.shape[0]
    per_row = max(1, first.size // max(n, 1))
    step = max(1, _BLOCK_VALUES // per_row)
    sums = np.empty(n, dtype=np.float64)
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = [np.asarray(a[start:stop], dtype=np.float64) for a in arrays]
        sums[start:stop] = fn(*block).reshape(stop - start, -1).sum(axis=1)
    return sums


def _finite_sums(sums, func):
    """Squares of differences beyond about 1e154 overflow float64: say so instead of returning inf."""
    if not np.all(np.isfinite(sums)):
        raise ValueError(f"{func}: Expected values whose squared differences fit in float64 (differences below about "
                         "1e154). Received: arrays whose squared differences overflow. Rescale the data.")
    return sums


def _reduce(sums, array, per_example):
    """Per-example means (shape ``(n,)``) or the overall mean (a float)."""
    if per_example:
        return sums / (array.size // array.shape[0])
    return float(sums.sum() / array.size)


# -------------------------------------------------------------------- elements


def _squared_error(a, b):
    return (a - b) ** 2


def _cross_entropy(epsilon):
    def fn(a, b):
        b = np.clip(b, epsilon, 1.0 - epsilon)
        return -(a * np.log(b) + (1.0 - a) * np.log1p(-b))

    return fn


def _entropy(a):
    # x ln x + (1 - x) ln(1 - x) with 0 ln 0 = 0: xlogy-style masking keeps 0 * (-inf) out
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(a > 0.0, a * np.log(np.where(a > 0.0, a, 1.0)), 0.0)
        q = np.where(a < 1.0, (1.0 - a) * np.log1p(-np.where(a < 1.0, a, 0.0)), 0.0)
    return -(p + q)


# ------------------------------------------------------------------------ public


def mse(x_true, x_pred, *, per_example=False):
    """Mean squared error between data and reconstruction.

    ``mean((x_true - x_pred) ** 2)`` over every value, or per example. Suited to
    real-valued data; it is 0 exactly when the arrays are equal (in floating point,
    also when every difference is below about 1e-154, whose square underflows to 0).

    Args:
        x_true: the data, any numeric array (no range restriction).
        x_pred: the reconstruction, same shape as ``x_true``.
        per_example: return one mean per example (first axis) instead of one number.

    Returns:
        A float (overall mean), or a float64 array of shape ``(n,)`` if
        ``per_example=True``.

    Raises:
        ValueError: if the shapes differ, an array is empty or holds NaN/inf, one
            array is in [0, 1] and the other holds 8-bit values (whole numbers up to
            255: divide them by 255), or ``per_example=True`` is asked of scalars.
        TypeError: for non-numeric arrays or a non-bool ``per_example``.

    Example:
        >>> mse(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]]))
        0.25
    """
    a, a_range, b, b_range = _pair(x_true, x_pred, "mse")
    per_example = _check_per_example(per_example, a, "mse")
    check_same_scale(a, a_range, b, b_range, ("x_true", "x_pred"), where="mse")
    with np.errstate(over="ignore"):
        sums = _finite_sums(_row_sums(_squared_error, a, b), "mse")
    return _reduce(sums, a, per_example)


def bce(x_true, x_pred, *, per_example=False, epsilon=EPSILON):
    """Binary cross-entropy of predictions in [0, 1] for targets in [0, 1].

    ``-mean(x_true * ln(p) + (1 - x_true) * ln(1 - p))`` with
    ``p = clip(x_pred, epsilon, 1 - epsilon)``, natural logarithms, the same formula and
    clipping as ``keras.losses.binary_crossentropy``. For a target strictly between 0
    and 1 the minimum over ``x_pred`` is reached at ``x_pred = x_true`` and equals the
    target's binary entropy, not 0: see :func:`bce_floor`.

    Args:
        x_true: targets, values in [0, 1].
        x_pred: predictions (probabilities, e.g. a sigmoid output), values in [0, 1],
            same shape as ``x_true``.
        per_example: return one mean per example (first axis) instead of one number.
        epsilon: clipping margin that keeps the logarithms finite, in (0, 0.5).

    Returns:
        A float (overall mean), or a float64 array of shape ``(n,)`` if
        ``per_example=True``.

    Raises:
        ValueError: if the shapes differ, an array is empty or holds NaN/inf, a target
            or prediction lies outside [0, 1] (0-255 images: divide by 255), or
            ``epsilon`` is not in (0, 0.5).
        TypeError: for non-numeric arrays, a non-bool ``per_example`` or a
            non-numeric ``epsilon``.

    Example:
        >>> round(bce(np.array([0.7]), np.array([0.4])), 5)  # -(0.7 ln 0.4 + 0.3 ln 0.6)
        0.79465
        >>> bce(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) < 1e-6  # finite at 0 and 1
        True
    """
    a, a_range, b, b_range = _pair(x_true, x_pred, "bce")
    per_example = _check_per_example(per_example, a, "bce")
    epsilon = check_float(epsilon, "epsilon", where="bce", min_value=0, max_value=0.5, min_inclusive=False,
                          max_inclusive=False, fix="Keep the default, 1e-7 (Keras' epsilon).")
    _unit_interval(a, a_range, "x_true", "bce", _TARGET_FIX)
    _unit_interval(b, b_range, "x_pred", "bce", _PREDICTION_FIX)
    return _reduce(_row_sums(_cross_entropy(epsilon), a, b), a, per_example)


def bce_floor(x_true, *, per_example=False):
    """The lowest binary cross-entropy any model can reach on the targets ``x_true``.

    The mean binary entropy ``-mean(x ln x + (1 - x) ln(1 - x))`` of the targets (with
    ``0 ln 0 = 0``). A prediction ``y`` of a target ``x`` costs
    ``BCE(x, y) = H(x) + KL(x || y) >= H(x)``, with equality only at ``y = x``; so
    ``bce(x_true, x_pred) - bce_floor(x_true)`` is what a model can still improve.
    The floor is 0 for binary (0/1) targets and ``ln 2 = 0.693`` for targets of 0.5.

    Args:
        x_true: targets, values in [0, 1].
        per_example: return one mean per example (first axis) instead of one number.

    Returns:
        A float (overall mean), or a float64 array of shape ``(n,)`` if
        ``per_example=True``.

    Raises:
        ValueError: if ``x_true`` is empty, holds NaN/inf or values outside [0, 1].
        TypeError: for a non-numeric array or a non-bool ``per_example``.

    Example:
        >>> round(bce_floor(np.array([0.7])), 4)  # -(0.7 ln 0.7 + 0.3 ln 0.3)
        0.6109
        >>> bce_floor(np.array([[0.0, 1.0]]))
        0.0
    """
    a, a_range = _array(x_true, "x_true", "bce_floor")
    per_example = _check_per_example(per_example, a, "bce_floor")
    _unit_interval(a, a_range, "x_true", "bce_floor", "Scale the data to [0, 1] first.")
    return _reduce(_row_sums(_entropy, a), a, per_example)


def psnr(x_true, x_pred, *, data_range=1.0, per_example=False):
    """Peak signal-to-noise ratio in decibels: ``10 log10(data_range**2 / MSE)``.

    Higher is better; each 10 dB is a tenfold smaller MSE. Without ``per_example`` the
    PSNR of the overall MSE is returned (as ``skimage.metrics.peak_signal_noise_ratio``
    does for a whole array); with it, one PSNR per example from that example's MSE
    (their mean is never lower than the overall value). Identical arrays have an
    MSE of 0 and a PSNR of ``inf``.

    Args:
        x_true: the data.
        x_pred: the reconstruction, same shape as ``x_true``.
        data_range: the span of possible values, ``max - min``: 1.0 for images in
            [0, 1], 255 for 8-bit images.
        per_example: return one PSNR per example (first axis) instead of one number.

    Returns:
        A float, or a float64 array of shape ``(n,)`` if ``per_example=True``.

    Raises:
        ValueError: as :func:`mse`, if ``data_range`` is not a positive finite number,
            or if the data spans more than ``data_range`` (8-bit images with the
            default ``data_range=1.0``: divide them by 255, or pass ``data_range=255``).
        TypeError: for non-numeric arrays, a non-bool ``per_example`` or a
            non-numeric ``data_range``.

    Example:
        >>> psnr(np.array([[0.0, 1.0]]), np.array([[0.1, 0.9]]))  # MSE 0.01
        20.0
    """
    data_range = check_float(data_range, "data_range", where="psnr", min_value=0, min_inclusive=False,
                             fix="Use 1.0 for images in [0, 1], 255 for 8-bit images.")
    a, a_range, b, b_range = _pair(x_true, x_pred, "psnr")
    per_example = _check_per_example(per_example, a, "psnr")
    _check_span(a, a_range, data_range, "psnr")
    check_same_scale(a, a_range, b, b_range, ("x_true", "x_pred"), where="psnr")
    with np.errstate(over="ignore"):
        error = _reduce(_finite_sums(_row_sums(_squared_error, a, b), "psnr"), a, per_example)
    with np.errstate(divide="ignore"):
        value = 10.0 * (2.0 * np.log10(data_range) - np.log10(error))
    return value if per_example else float(value)
