"""Argument validators: one place for the checks and the wording of their errors.

Every validator takes the value, the argument's name and ``where`` (the function or
class the argument was given to), returns the cleaned value, and otherwise raises an
error worded like Keras' own (``keras/src/utils/argument_validation.py``)::

    fit_fast: Expected `batch_size` to be an integer >= 1. Received: batch_size=0.
    Use a batch size such as 256.

that is: where, what was expected, what was received and, where it helps, how to
fix it. A value of the wrong *type* raises ``TypeError``; a value of the right type
that is out of range raises ``ValueError``. Nothing else is ever raised.

Example:
    >>> check_int(3, "epochs", where="train", min_value=1)
    3
    >>> check_int(0, "epochs", where="train", min_value=1)
    Traceback (most recent call last):
    ...
    ValueError: train: Expected `epochs` to be an integer >= 1. Received: epochs=0.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "message",
    "check_int",
    "check_float",
    "check_bool",
    "check_one_of",
    "check_instance",
    "check_callable",
    "check_array",
]


def _shown(value, limit=120):
    """A short ``repr`` of ``value`` for a message (arrays by shape and dtype)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(_shown(v, limit) for v in value)
        text = f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def message(where, name, expected, value, fix=None):
    """The error message every validator uses.

    Args:
        where: the function or class that received the argument, e.g. ``"fit_fast"``.
        name: the argument's name.
        expected: what was expected, as a phrase: ``"an integer >= 1"``.
        value: what was received.
        fix: an optional sentence that says how to fix it.

    Returns:
        ``"{where}: Expected `{name}` to be {expected}. Received: {name}={value}."``
        followed by ``fix``.

    Example:
        >>> message("train", "epochs", "an integer >= 1", 0, "Train for at least one epoch.")
        'train: Expected `epochs` to be an integer >= 1. Received: epochs=0. Train for at least one epoch.'
    """
    text = f"{where}: Expected `{name}` to be {expected}. Received: {name}={_shown(value)}."
    return f"{text} {fix}" if fix else text


def _number(value):
    """``3`` for 3 and 3.0, ``0.5`` for 0.5: bounds written as a reader would."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else f"{value:g}"


def _range_phrase(kind, min_value, max_value, min_inclusive=True, max_inclusive=True):
    if min_value is not None and max_value is not None:
        left = "[" if min_inclusive else "("
        right = "]" if max_inclusive else ")"
        return f"{kind} in {left}{_number(min_value)}, {_number(max_value)}{right}"
    if min_value is not None:
        return f"{kind} {'>=' if min_inclusive else '>'} {_number(min_value)}"
    if max_value is not None:
        return f"{kind} {'<=' if max_inclusive else '<'} {_number(max_value)}"
    return kind


def check_int(value, name, *, where, min_value=None, max_value=None, fix=None):
    """An integer (a Python or NumPy integer, not a bool) within optional bounds.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        min_value: the smallest value allowed, or ``None``.
        max_value: the largest value allowed, or ``None``.
        fix: a sentence appended to the message.

    Returns:
        ``value`` as a Python ``int``.

    Raises:
        TypeError: if ``value`` is not an integer.
        ValueError: if it is out of bounds.

    Example:
        >>> check_int(np.int64(5), "n", where="demo", min_value=1)
        5
        >>> check_int(2.5, "n", where="demo")
        Traceback (most recent call last):
        ...
        TypeError: demo: Expected `n` to be an integer. Received: n=2.5.
    """
    expected = _range_phrase("an integer", min_value, max_value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(message(where, name, expected, value, fix))
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise ValueError(message(where, name, expected, value, fix))
    return int(value)


def check_float(value, name, *, where, min_value=None, max_value=None, min_inclusive=True,
                max_inclusive=True, fix=None):
    """A finite real number (int or float, not a bool) within optional bounds.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        min_value: the lower bound, or ``None``.
        max_value: the upper bound, or ``None``.
        min_inclusive: whether ``min_value`` itself is allowed.
        max_inclusive: whether ``max_value`` itself is allowed.
        fix: a sentence appended to the message.

    Returns:
        ``value`` as a Python ``float``.

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if it is NaN, infinite or out of bounds.

    Example:
        >>> check_float(0.1, "validation_size", where="demo", min_value=0, max_value=1,
        ...             min_inclusive=False, max_inclusive=False)
        0.1
        >>> check_float(float("nan"), "rate", where="demo", min_value=0)
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `rate` to be a finite number >= 0. Received: rate=nan.
    """
    expected = _range_phrase("a finite number", min_value, max_value, min_inclusive, max_inclusive)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(message(where, name, expected, value, fix))
    number = float(value)
    too_low = min_value is not None and (number < min_value if min_inclusive else number <= min_value)
    too_high = max_value is not None and (number > max_value if max_inclusive else number >= max_value)
    if not math.isfinite(number) or too_low or too_high:
        raise ValueError(message(where, name, expected, value, fix))
    return number


def check_bool(value, name, *, where):
    """``True`` or ``False`` (a NumPy bool too); nothing else, not even 0 or 1.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.

    Returns:
        ``value`` as a Python ``bool``.

    Raises:
        TypeError: for anything but a bool.

    Example:
        >>> check_bool(np.True_, "shuffle", where="demo")
        True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(message(where, name, "True or False", value))
    return bool(value)


def check_one_of(value, name, options, *, where):
    """One of a few allowed values (usually strings).

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        options: the allowed values.
        where: the function or class that received it, for the message.

    Returns:
        ``value``.

    Raises:
        ValueError: if ``value`` is not among ``options``.

    Example:
        >>> check_one_of("lower", "better", ("lower", "higher"), where="rank")
        'lower'
        >>> check_one_of("less", "better", ("lower", "higher"), where="rank")
        Traceback (most recent call last):
        ...
        ValueError: rank: Expected `better` to be one of 'lower', 'higher'. Received: better='less'.
    """
    options = tuple(options)
    try:
        found = value in options
    except TypeError:  # unhashable or incomparable values are simply not among the options
        found = False
    if not found:
        raise ValueError(message(where, name, "one of " + ", ".join(repr(o) for o in options), value))
    return value


def check_instance(value, name, types, *, where, expected=None, fix=None):
    """An instance of ``types``.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        types: a class or a tuple of classes.
        where: the function or class that received it, for the message.
        expected: how to describe the expected value (default: "a <class name>").
        fix: a sentence appended to the message.

    Returns:
        ``value``.

    Raises:
        TypeError: if ``value`` is not an instance of ``types``.

    Example:
        >>> check_instance([1, 2], "seeds", (list, tuple), where="demo")
        [1, 2]
    """
    if not isinstance(value, types):
        if expected is None:
            classes = types if isinstance(types, tuple) else (types,)
            expected = " or ".join(f"a {c.__name__}" for c in classes)
        raise TypeError(message(where, name, expected, value, fix))
    return value


def check_callable(value, name, *, where, expected="a function", fix=None):
    """Something that can be called.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        expected: how to describe the expected function.
        fix: a sentence appended to the message.

    Returns:
        ``value``.

    Raises:
        TypeError: if ``value`` is not callable.

    Example:
        >>> check_callable(len, "run", where="demo") is len
        True
    """
    if not callable(value):
        raise TypeError(message(where, name, expected, value, fix))
    return value


def check_array(value, name, *, where, min_ndim=1, dtype="float32", finite=True, min_length=1):
    """A numeric array with at least ``min_ndim`` axes and ``min_length`` rows.

    Args:
        value: an array, or something NumPy can read as one (nested lists).
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        min_ndim: the fewest axes allowed (2 for a batch of examples).
        dtype: the dtype of the returned array, or ``None`` to keep it.
        finite: also reject NaN and infinite values.
        min_length: the fewest rows (entries along the first axis) allowed.

    Returns:
        A NumPy array (a copy only when a conversion is needed).

    Raises:
        TypeError: if ``value`` cannot be read as an array of numbers.
        ValueError: for too few axes, too few rows, or non-finite values.

    Example:
        >>> check_array([[0.0, 1.0]], "x", where="demo", min_ndim=2).shape
        (1, 2)
        >>> check_array([0.0, 1.0], "x", where="demo", min_ndim=2)
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `x` to be an array with at least 2 axes, (examples, ...). Received: x=array of shape (2,) and dtype float64. Add the batch axis, e.g. x[None] for a single example.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists
        raise TypeError(message(where, name, "an array of numbers", value)) from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(message(where, name, "an array of numbers", value))
    if array.ndim < min_ndim:
        shape = "(examples, ...)" if min_ndim >= 2 else "(n,)"
        raise ValueError(message(where, name, f"an array with at least {min_ndim} axes, {shape}", array,
                                 "Add the batch axis, e.g. x[None] for a single example." if min_ndim >= 2 else None))
    if array.ndim and len(array) < min_length:
        raise ValueError(message(where, name, f"an array with at least {min_length} row(s)", array))
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if finite and np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(message(where, name, "an array of finite numbers", array,
                                 f"It holds {bad} NaN or infinite value(s)."))
    return array
