"""Argument validators: one place for the checks and the wording of their errors.

Every validator takes the value, the argument's name and ``where`` (the function or
class the argument was given to), returns the cleaned value, and otherwise raises an
error worded like Keras' own (``keras/src/utils/argument_validation.py``)::

    fit_fast: Expected `batch_size` to be an integer >= 1. Received: batch_size=0.
    Use a batch size such as 256.

that is: where, what was expected, what was received and, where it helps, how to
fix it. A value of the wrong *type* raises ``TypeError``; a value of the right type
that is out of range raises ``ValueError``. Nothing else is ever raised.

The checks of large arrays cost at most one ``min`` and one ``max`` over the data
(:func:`value_range`): NaN and infinities show in them, and so do values outside a
range. Anything more (counting the NaN, telling 0-255 images apart) runs only once an
error is certain, so valid input pays for nothing else.

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
    "check_int_sequence",
    "check_names",
    "check_input_shape",
    "check_loss",
    "value_range",
    "check_values",
    "check_same_scale",
    "check_one_image_or_batch",
    "BYTES_HINT",
]

#: The fix suggested when data on the 0-255 scale of 8-bit images reaches code that
#: needs values in [0, 1].
BYTES_HINT = ("These look like 8-bit images (values 0-255): divide by 255 first, "
              "e.g. x = x.astype('float32') / 255.")


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


def message(where, name, expected, value, fix=None, *, received=None):
    """The error message every validator uses.

    Args:
        where: the function or class that received the argument, e.g. ``"fit_fast"``.
        name: the argument's name.
        expected: what was expected, as a phrase: ``"an integer >= 1"``.
        value: what was received.
        fix: an optional sentence that says how to fix it.
        received: the text shown for ``value``, when its ``repr`` does not say what is
            wrong (e.g. ``"array of shape (2, 3) and dtype uint8 with values from 0 to 255"``).

    Returns:
        ``"{where}: Expected `{name}` to be {expected}. Received: {name}={value}."``
        followed by ``fix``.

    Example:
        >>> message("train", "epochs", "an integer >= 1", 0, "Train for at least one epoch.")
        'train: Expected `epochs` to be an integer >= 1. Received: epochs=0. Train for at least one epoch.'
    """
    shown = _shown(value) if received is None else received
    text = f"{where}: Expected `{name}` to be {expected}. Received: {name}={shown}."
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
        ValueError: demo: Expected `rate` to be a finite number >= 0. Received: rate=nan. It is NaN (not a number): check the computation that produced it.
    """
    expected = _range_phrase("a finite number", min_value, max_value, min_inclusive, max_inclusive)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(message(where, name, expected, value, fix))
    number = float(value)
    too_low = min_value is not None and (number < min_value if min_inclusive else number <= min_value)
    too_high = max_value is not None and (number > max_value if max_inclusive else number >= max_value)
    if math.isnan(number):
        nan_fix = "It is NaN (not a number): check the computation that produced it."
        raise ValueError(message(where, name, expected, value, f"{nan_fix} {fix}" if fix else nan_fix))
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
        TypeError: if ``value`` cannot be read as an array of real numbers (strings,
            ragged lists, complex numbers).
        ValueError: for too few axes, too few rows, non-finite values, or values
            too large for ``dtype``.

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
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(message(where, name, "an array of real numbers", array,
                                "Take the real part or the magnitude first (x.real, np.abs(x))."))
    if array.ndim < min_ndim:
        shape = "(examples, ...)" if min_ndim >= 2 else "(n,)"
        raise ValueError(message(where, name, f"an array with at least {min_ndim} axes, {shape}", array,
                                 "Add the batch axis, e.g. x[None] for a single example." if min_ndim >= 2 else None))
    if array.ndim and len(array) < min_length:
        raise ValueError(message(where, name, f"an array with at least {min_length} row(s)", array))
    checked = finite and array.size and np.issubdtype(array.dtype, np.floating)
    if checked:
        low, high = value_range(array)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(message(where, name, "an array of finite numbers", array, _non_finite_fix(array)))
    if dtype is not None and array.dtype != dtype:
        target = np.dtype(dtype)
        if array.size and np.issubdtype(target, np.floating) and finite:
            low, high = (low, high) if checked else value_range(array)
            largest = float(np.finfo(target).max)
            if max(abs(low), abs(high)) > largest:
                raise ValueError(message(where, name, f"numbers that fit in {target.name} (at most {largest:.3g} in "
                                         "size)", array, "Rescale the data.",
                                         received=f"{_shown(array)} with values from {low:g} to {high:g}"))
        array = array.astype(target, copy=False)
    return array


def _non_finite_fix(array):
    """What is wrong with an array that holds NaN or infinities (counted: the error is certain)."""
    nan = int(np.count_nonzero(np.isnan(array)))
    inf = int(np.count_nonzero(np.isinf(array)))
    parts = [f"{nan} NaN" if nan else "", f"{inf} infinite" if inf else ""]
    held = " and ".join(p for p in parts if p)
    return (f"It holds {held} value(s) of {array.size:,}: find where they come from "
            "(np.isnan(x).any(axis=...) locates them) before going on.")


def _int_phrase(min_value):
    return "integers" if min_value is None else f"integers >= {_number(min_value)}"


def check_int_sequence(value, name, *, where, min_value=1, allow_empty=True, allow_scalar=True, length=None,
                       example="(128, 64)"):
    """A sequence of integers: a tuple, a list or a 1-D NumPy array (or one integer).

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        min_value: the smallest value allowed for each entry, or ``None``.
        allow_empty: accept an empty sequence.
        allow_scalar: read a single integer ``n`` as ``(n,)``.
        length: the number of entries required, or ``None``.
        example: an example of a good value, for the message.

    Returns:
        A tuple of Python ints.

    Raises:
        TypeError: for something that is not a sequence of integers (a string, a
            float, ``None``, nested lists, a 2-D array).
        ValueError: for an entry below ``min_value``, an empty sequence where one is
            not allowed, or the wrong number of entries.

    Example:
        >>> check_int_sequence(np.array([128, 64]), "hidden_units", where="demo")
        (128, 64)
        >>> check_int_sequence((64, 0), "hidden_units", where="demo")
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `hidden_units` to be a sequence of integers >= 1 such as (128, 64). Received: hidden_units=(64, 0). Entry 1 is 0.
    """
    count = "" if length is None else f"{length} "
    expected = f"a sequence of {count}{_int_phrase(min_value)} such as {example}"
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)) and allow_scalar:
        items = [value]
    elif isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise TypeError(message(where, name, expected, value, "Pass a 1-D array, a tuple or a list."))
        items = value.tolist() if np.issubdtype(value.dtype, np.integer) else list(value)
    elif isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(message(where, name, expected, value))
    else:
        try:
            items = list(value)
        except TypeError:
            raise TypeError(message(where, name, expected, value)) from None
    for i, item in enumerate(items):
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Integral):
            raise TypeError(message(where, name, expected, value, f"Entry {i} is {_shown(item)}, not an integer."))
    for i, item in enumerate(items):
        if min_value is not None and item < min_value:
            raise ValueError(message(where, name, expected, value, f"Entry {i} is {item}."))
    if not items and not allow_empty:
        raise ValueError(message(where, name, f"a non-empty sequence of {_int_phrase(min_value)} such as {example}",
                                 value))
    if length is not None and len(items) != length:
        raise ValueError(message(where, name, expected, value, f"It has {len(items)} entries."))
    return tuple(int(item) for item in items)


def check_names(value, name, *, where, allow_none=True):
    """Names of things (logged metrics, say): one string, or a sequence of strings.

    A single string is one name, never a sequence of its letters.

    Args:
        value: the value to check.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        allow_none: accept ``None`` (returned as ``None``).

    Returns:
        A list of strings, or ``None``.

    Raises:
        TypeError: for anything else (numbers, nested lists, a sequence with a
            non-string entry).
        ValueError: for an empty sequence.

    Example:
        >>> check_names("loss", "metrics", where="demo")
        ['loss']
        >>> check_names(("loss", "val_loss"), "metrics", where="demo")
        ['loss', 'val_loss']
    """
    expected = "a name or a list of names such as ['loss', 'val_loss']"
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, dict, np.generic)) or not hasattr(value, "__iter__") or getattr(value, "ndim", 1) == 0:
        raise TypeError(message(where, name, expected, value))
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(message(where, name, expected, value))
    if not items:
        raise ValueError(message(where, name, expected, value, "Leave it as None to use every name."))
    return items


def _drop_first(shape):
    return f"x.shape[1:] = {tuple(shape[1:])}"


def check_input_shape(value, name="input_shape", *, where, image=False):
    """The shape of *one* example, as a Keras ``Input`` takes it: no batch axis.

    Integers >= 1, as a tuple, list or 1-D array (an int ``n`` means ``(n,)``). The
    mistakes a learner makes most often are caught with a hint:

    - the batch axis included (``input_shape=x.shape`` instead of ``x.shape[1:]``): a
      leading ``None`` (``model.input_shape``), four or more axes, ``(n, h, h)`` with
      ``h`` not a channel count, or ``(n, d)`` with ``d`` a flattened square image
      (64, 784, 1024, ...) and ``n`` at most a quarter of ``d`` or the two making
      more than 65,536 values. A genuine 2-D image of such a shape can be given with a
      channel axis, ``(h, w, 1)``;
    - with ``image=True`` (convolutional models: ``(height, width, channels)``): two
      axes (no channel axis), and channels first, ``(1, 28, 28)`` or ``(3, 32, 32)``
      (Keras' layers here put channels last).

    Args:
        value: the shape.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        image: require ``(height, width, channels)``.

    Returns:
        The shape as a tuple of Python ints.

    Raises:
        TypeError: for something that is not a sequence of integers.
        ValueError: for an empty shape, a size below 1, or one of the mistakes above.

    Example:
        >>> check_input_shape((28, 28, 1), where="demo", image=True)
        (28, 28, 1)
        >>> check_input_shape((4000, 784), where="demo")
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `input_shape` to be the shape of one example, without the batch axis. Received: input_shape=(4000, 784). The first axis looks like the number of examples: pass x.shape[1:] = (784,). For a genuine 4000 x 784 image, add a channel axis: (4000, 784, 1).
    """
    expected = ("the shape of one image, (height, width, channels) such as (28, 28, 1)" if image
                else "the shape of one example, without the batch axis")
    if isinstance(value, (tuple, list)) and value and value[0] is None:
        raise ValueError(message(where, name, expected, value,
                                 f"A leading None is the batch axis of model.input_shape: pass {tuple(value[1:])}."))
    shape = check_int_sequence(value, name, where=where, min_value=1, allow_empty=False,
                               example="(28, 28, 1)" if image else "(784,) or (28, 28, 1)")
    batch = f"The first axis looks like the number of examples: pass {_drop_first(shape)}."
    if len(shape) >= 4:
        raise ValueError(message(where, name, expected, shape, batch))
    if image:
        if len(shape) == 2:
            raise ValueError(message(where, name, expected, shape,
                                     f"Add a channel axis for grey images: {shape + (1,)}."))
        if len(shape) != 3:
            raise ValueError(message(where, name, expected, shape))
        c, h, w = shape
        if c in (1, 3, 4) and w > 4 and c < min(h, w):
            raise ValueError(message(where, name, expected, shape,
                                     f"This looks like channels first (channels, height, width); Keras' layers "
                                     f"here put channels last: pass {(h, w, c)}, and move the axis of the data "
                                     "with np.moveaxis(x, 1, -1)."))
        return shape
    genuine = f"For a genuine {' x '.join(map(str, shape))} image, add a channel axis: {shape + (1,)}."
    if len(shape) == 3:
        n, h, w = shape
        if h == w and n != h and w > 4:
            raise ValueError(message(where, name, expected, shape, batch))
    if len(shape) == 2:
        n, d = shape
        side = math.isqrt(d)
        if side * side == d and d >= 64 and n != d and (d >= 4 * n or n * d > 2**16):
            raise ValueError(message(where, name, expected, shape, f"{batch} {genuine}"))
    return shape


_LOSS_EXPECTED = ("a Keras loss: a name such as 'binary_crossentropy' or 'mse', a keras.losses.Loss "
                  "object, or a function loss(y_true, y_pred)")


def check_loss(value, name="loss", *, where, fix=None):
    """A loss Keras can use: a name it knows, a ``keras.losses.Loss``, or a function.

    Keras itself only fails on an unknown loss name inside ``fit``, with a long trace;
    this says it in one line, before anything runs. Lists and dicts (one loss per
    output) are checked entry by entry.

    Args:
        value: the loss.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        fix: a sentence appended to the message.

    Returns:
        ``value``.

    Raises:
        ValueError: for a name Keras does not know.
        TypeError: for something that is neither a name, a ``Loss`` nor callable.

    Example:
        >>> check_loss("mse", where="demo")
        'mse'
        >>> check_loss("bogus", where="demo")
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `loss` to be a Keras loss: a name such as 'binary_crossentropy' or 'mse', a keras.losses.Loss object, or a function loss(y_true, y_pred). Received: loss='bogus'.
    """
    if isinstance(value, (list, tuple)):
        for item in value:
            check_loss(item, name, where=where, fix=fix)
        return value
    if isinstance(value, dict):
        for item in value.values():
            check_loss(item, name, where=where, fix=fix)
        return value
    if isinstance(value, str):
        import keras

        try:
            keras.losses.get(value)
        except (ValueError, TypeError):
            raise ValueError(message(where, name, _LOSS_EXPECTED, value, fix)) from None
        return value
    if value is None or not callable(value):
        raise TypeError(message(where, name, _LOSS_EXPECTED, value, fix))
    return value


def value_range(array):
    """``(min, max)`` of a numeric array as Python floats: one pass for each.

    NaN propagates through both, and an infinity shows in one of them, so the two
    numbers also tell whether every value is finite.

    Args:
        array: a non-empty NumPy array of numbers (or bools).

    Returns:
        ``(low, high)``; both NaN if the array holds a NaN.

    Raises:
        TypeError: for anything but a non-empty NumPy array of real numbers.

    Example:
        >>> value_range(np.array([3, 0, 255], dtype=np.uint8))
        (0.0, 255.0)
        >>> value_range(np.array([0.5, np.nan]))
        (nan, nan)
    """
    if not isinstance(array, np.ndarray) or array.size == 0 or not (
            np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating) or array.dtype == np.bool_):
        raise TypeError(message("value_range", "array", "a non-empty NumPy array of real numbers", array,
                                "Convert it first with check_array."))
    return float(np.min(array)), float(np.max(array))


def _looks_like_bytes(array, low, high):
    """Whether values out of [0, 1] look like 8-bit pixels: whole numbers from 0 to 255, above 1.

    Called only once a range error is certain (the whole-number test is a pass over the data).
    """
    return low >= 0.0 and 1.0 < high <= 255.0 and _whole_numbers(array)


def _range_text(array, low, high):
    if array.size == 1:
        return repr(array.reshape(-1)[0].item())
    return f"{_shown(array)} with values from {low:g} to {high:g}"


def check_values(array, name, *, where, finite=True, min_value=None, max_value=None, fix=None,
                 expected=None, value_range_=None, images=True):
    """Check the values of a numeric array: finite, within ``[min_value, max_value]``.

    One ``min`` and one ``max`` over the data (:func:`value_range`); anything more is
    computed only once an error is certain. When values above ``max_value`` look like
    8-bit images (whole numbers from 0 to 255), the message says to divide by 255.

    Args:
        array: a non-empty NumPy array of numbers.
        name: the argument's name, for the message.
        where: the function or class that received it, for the message.
        finite: reject NaN and infinite values.
        min_value: the smallest value allowed, or ``None``.
        max_value: the largest value allowed, or ``None``.
        fix: the sentence appended to a range error (replaced by the 0-255 hint where
            that applies).
        expected: how to describe the expected values (default: "values in [lo, hi]").
        value_range_: ``(min, max)`` already computed by the caller, to save the pass.
        images: the values may be images (say so when they look like 8-bit pixels);
            ``False`` for other quantities (mean activations, probabilities).

    Returns:
        ``(min, max)`` of the array, as floats.

    Raises:
        ValueError: for an array with no values (say, shape ``(n, 0)``), NaN or infinite
            values, or values out of range.

    Example:
        >>> check_values(np.array([0.0, 0.5]), "x", where="demo", min_value=0, max_value=1)
        (0.0, 0.5)
        >>> check_values(np.array([0, 255], dtype=np.uint8), "x", where="demo", min_value=0, max_value=1)
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `x` to be values in [0, 1]. Received: x=array of shape (2,) and dtype uint8 with values from 0 to 255. These look like 8-bit images (values 0-255): divide by 255 first, e.g. x = x.astype('float32') / 255.
    """
    if value_range_ is None and isinstance(array, np.ndarray) and array.size == 0:
        raise ValueError(message(where, name, "an array holding at least one value", array,
                                 "Every example needs at least one value: check how the data was sliced or reshaped."))
    low, high = value_range(array) if value_range_ is None else value_range_
    if finite and not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(message(where, name, "an array of finite numbers", array, _non_finite_fix(array)))
    too_low = min_value is not None and low < min_value
    too_high = max_value is not None and high > max_value
    if too_low or too_high:
        if expected is None:
            expected = _range_phrase("values", min_value, max_value)
        if images and too_high and max_value < 255 and _looks_like_bytes(array, low, high):
            fix = BYTES_HINT
        raise ValueError(message(where, name, expected, array, fix, received=_range_text(array, low, high)))
    return low, high


def _whole_numbers(array):
    return np.issubdtype(array.dtype, np.integer) or bool(np.all(np.equal(np.mod(array, 1), 0)))


def check_same_scale(a, a_range, b, b_range, names, *, where):
    """Reject two arrays on different scales: one in [0, 1], the other 8-bit images (0-255).

    ``mse(x_uint8, model.predict(x))`` is a number, but a meaningless one. An array of
    an integer dtype with values from 0 to 255, above 1, next to an array in [0, 1] is
    rejected; floats are left alone (real-valued data may hold whole numbers), which
    costs nothing beyond the two ranges already computed.

    Args:
        a: the first array.
        a_range: its ``(min, max)``.
        b: the second array.
        b_range: its ``(min, max)``.
        names: the two arguments' names.
        where: the function that received them, for the message.

    Raises:
        ValueError: if one array is in [0, 1] and the other looks like 8-bit images.

    Example:
        >>> x = np.array([[0, 255]], dtype=np.uint8)
        >>> check_same_scale(x, (0.0, 255.0), x / 255, (0.0, 1.0), ("x_true", "x_pred"), where="mse")
        Traceback (most recent call last):
        ...
        ValueError: mse: Expected `x_true` to be values on the scale of x_pred (in [0, 1]). Received: x_true=array of shape (1, 2) and dtype uint8 with values from 0 to 255. These look like 8-bit images (values 0-255): divide by 255 first, e.g. x = x.astype('float32') / 255.
    """
    for (x, (lo, hi), name), (other_range, other) in (((a, a_range, names[0]), (b_range, names[1])),
                                                     ((b, b_range, names[1]), (a_range, names[0]))):
        if (np.issubdtype(x.dtype, np.integer) and 0.0 <= other_range[0] and other_range[1] <= 1.0
                and _looks_like_bytes(x, lo, hi)):
            raise ValueError(message(where, name, f"values on the scale of {other} (in [0, 1])", x, BYTES_HINT,
                                     received=_range_text(x, lo, hi)))


def check_one_image_or_batch(array, name, *, where):
    """Read one image, ``(h, w, 1)`` or ``(h, w, 3)``, as a batch of one.

    A 3-D array is a batch of grey images ``(n, h, w)`` unless its last axis holds 1
    or 3 values (one grey or colour image, channels last); no image of the course is
    1 or 3 pixels wide. A 4-D or larger array is returned unchanged.

    Args:
        array: a NumPy array.
        name: the argument's name (for symmetry with the other validators).
        where: the function that received it.

    Returns:
        ``array`` or ``array[None]``.

    Raises:
        TypeError: if ``array`` is not a NumPy array.

    Example:
        >>> check_one_image_or_batch(np.zeros((28, 28, 1)), "images", where="demo").shape
        (1, 28, 28, 1)
        >>> check_one_image_or_batch(np.zeros((5, 28, 28)), "images", where="demo").shape
        (5, 28, 28)
    """
    check_instance(array, name, np.ndarray, where=where, expected="a NumPy array")
    if array.ndim == 3 and array.shape[-1] in (1, 3) and min(array.shape[:2]) > 3:
        return array[None]
    return array
