"""What the property-based tests (tests/test_properties_*.py) share: strategies of wrong
inputs, and the rule every public function must follow when it gets one.

The rule: a call either returns a result, or raises a ``ValueError`` or a ``TypeError``
raised by aecourse's own code (the last frame of the traceback is in the package), with
a message that names the function. NumPy, Keras or Matplotlib failing inside is a bug:
the input should have been checked first.
"""

import math
import pathlib

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import aecourse

PACKAGE = pathlib.Path(aecourse.__file__).resolve().parent

#: numbers a learner might pass where a size, a rate or a seed is expected
numbers = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, -1, 2**31, 2**40, 10**12, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.5, 0.5, 1.0, 1.5, 255.0, float("nan"), float("inf"), -float("inf"), 1e300]),
    st.booleans(),
    st.sampled_from([np.int64(3), np.float32(0.5), np.uint8(200), np.bool_(True), np.float64("nan")]),
)

#: things that are not numbers at all
junk = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.binary(max_size=4),
    st.sampled_from([{}, {"a": 1}, object(), print, (1, "a"), [None], [[1, 2], [3]], complex(1, 2), slice(3)]),
)

_dtypes = st.sampled_from(["float32", "float64", "uint8", "int8", "int64", "bool", "complex64", "U3"])


@st.composite
def any_array(draw, max_dims=4, max_side=6):
    """An array of any dtype and shape (empty, 0-d, 4-d), possibly with NaN or infinities."""
    dtype = draw(_dtypes)
    shape = draw(array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side))
    if dtype == "U3":
        return np.full(shape, "abc")
    return draw(arrays(dtype, shape))


@st.composite
def image_batches(draw, max_n=4):
    """Arrays shaped like image batches, of many scales (0..1, 0..255, negative) and dtypes."""
    n = draw(st.integers(0, max_n))
    shape = draw(st.sampled_from([(n, 16), (n, 4, 4), (n, 4, 4, 1), (n, 4, 4, 3), (4, 4, 1), (16,), (n, 15),
                                  (n, 4, 4, 2)]))
    scale = draw(st.sampled_from([1.0, 255.0, -3.0, 1.2]))
    dtype = draw(st.sampled_from(["float32", "float64", "uint8"]))
    x = np.random.default_rng(draw(st.integers(0, 9))).random(shape) * scale
    if dtype == "uint8":
        x = np.clip(x, 0, 255)
    x = x.astype(dtype)
    if draw(st.booleans()) and x.size and dtype != "uint8":
        x.flat[0] = draw(st.sampled_from([np.nan, np.inf]))
    return x


nested_lists = st.recursive(st.one_of(st.integers(-5, 300), st.floats(allow_nan=True), st.none(), st.text(max_size=2)),
                            lambda inner: st.lists(inner, max_size=3), max_leaves=8)

#: anything a learner might pass where an array is expected
wrong_arrays = st.one_of(any_array(), image_batches(), nested_lists, numbers, junk)


def _last_frame(exc):
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return pathlib.Path(tb.tb_frame.f_code.co_filename).resolve()


def result_or_own_error(function, *args, name_=None, named=True, **kwargs):
    """Call ``function``; return ``(result, None)`` or ``(None, error)`` for an error of the rule.

    Anything else fails the test: another type of error, or a ValueError/TypeError whose
    last frame is not in aecourse (NumPy, Keras or Matplotlib saw the input unchecked), or
    a message that does not start with the name of the function (``name_``, default the
    function's own name, or the ``where`` passed on; ``named=False`` for errors about a file, which start with its path).
    """
    import matplotlib.pyplot as plt

    name = name_ or kwargs.get("where") or getattr(function, "__name__", "")
    try:
        return function(*args, **kwargs), None
    except (ValueError, TypeError) as exc:
        frame = _last_frame(exc)
        assert PACKAGE in frame.parents, (
            f"{name}: {type(exc).__name__} raised in {frame}, not by aecourse: {exc}")
        assert not named or str(exc).startswith(f"{name}: "), (
            f"{name}: the message does not name the function: {exc}")
        return None, exc
    finally:
        plt.close("all")


def is_finite_number(value):
    return isinstance(value, float) and math.isfinite(value)
