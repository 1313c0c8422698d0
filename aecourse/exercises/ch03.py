"""Exercises of chapter 3, shapes and reshaping.

Each check runs the learner's answer against an independent computation on awkward
cases (even and odd kernels, both paddings, strides that do not divide the size,
pooling and convolution alike) and recognises the plausible wrong answers by name.

Example:
    >>> from aecourse.exercises import ch03, ____
    >>> ch03.output_size.check(____).status
    'not attempted'
    >>> print(ch03.reshape_size.check(1152))  # doctest: +NORMALIZE_WHITESPACE
    [incorrect] Exercise 3.3: another classic error: 1152 = 3 x 3 x 128 is what fails:
    Reshape((7, 7, 128)) needs 7 x 7 x 128 values.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Mapping

from aecourse.exercises._core import Exercise, Incorrect, NotAttempted, call_function, is_placeholder

__all__ = ["output_size", "every_way_to_7", "reshape_size"]


# ------------------------------------------------------------------- helpers


def _whole_number(value):
    """``value`` as an int if it is a whole number (int, NumPy int, integral float), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:  # a 0-d NumPy array
            import numpy as np

            if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
                value = value.item()
            else:
                return None
        except ImportError:  # pragma: no cover - NumPy is a dependency
            return None
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if math.isfinite(value) and value == int(value):
        return int(value)
    return None


def _described(value):
    """How a message names a learner's value: "the text '7'", "the number 7", "a dict"."""
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}"
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f"the number {value!r}"
    return f"a {type(value).__name__}"


def _shown(value):
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


# ----------------------------------------------------- 3.1 the output-size formula


def _size(n, kernel, stride, padding):
    # Independent of aecourse.shapes: the two textbook formulas.
    return (n - kernel) // stride + 1 if padding == "valid" else math.ceil(n / stride)


#: (n, kernel, stride, padding): even and odd kernels, both paddings, strides that do
#: not divide n (remainders below and above half the stride), pooling (kernel = stride)
#: and convolutions, sizes of 1 and odd sizes.
_OUTPUT_SIZE_CASES = [
    (28, 3, 1, "valid"), (28, 3, 1, "same"),    # the encoder's convolutions
    (28, 2, 2, "valid"), (28, 2, 2, "same"),    # 2 x 2 pooling, even size
    (7, 2, 2, "valid"), (7, 2, 2, "same"),      # 2 x 2 pooling, odd size
    (28, 3, 2, "valid"), (28, 3, 2, "same"),    # strided convolution
    (28, 5, 2, "valid"), (27, 4, 2, "same"),
    (7, 3, 3, "valid"), (7, 3, 3, "same"),      # 7 / 3: remainder 1, below half the stride
    (5, 2, 2, "same"), (10, 4, 3, "same"),      # round(2.5) = 2, round(3.33) = 3
    (12, 6, 3, "same"), (64, 4, 4, "same"),     # even kernel, stride divides n
    (64, 4, 4, "valid"), (11, 2, 3, "valid"),
    (13, 6, 4, "valid"), (100, 7, 5, "valid"), (100, 7, 5, "same"),
    (5, 5, 1, "valid"), (1, 1, 1, "valid"), (1, 3, 2, "same"), (31, 2, 2, "valid"), (31, 2, 2, "same"),
]

_VALID_VARIANTS = [
    (lambda n, k, s: (n - k) // s,
     "'valid' is one short: the +1 is missing. The first position of the window counts too "
     "(an input exactly as long as the kernel gives one output): floor((n - k) / s) + 1."),
    (lambda n, k, s: (n - k + 1) // s,
     "(n - k + 1) // s is right only at stride 1; at stride 2 and more it drops a position. Count the "
     "window positions: floor((n - k) / s) + 1 (or, the same number, ceil((n - k + 1) / s))."),
    (lambda n, k, s: math.ceil((n - k) / s) + 1,
     "'valid' rounds down, not up: a window that would hang over the edge is dropped. Use "
     "floor((n - k) / s) + 1 (// in Python)."),
    (lambda n, k, s: (n - s) // k + 1,
     "kernel and stride look swapped: the window has length `kernel` and moves `stride` pixels at a "
     "time, so 'valid' gives floor((n - kernel) / stride) + 1."),
    (lambda n, k, s: n // s,
     "floor(n / s) is the special case of 2 x 2 pooling (kernel = stride); with any other kernel the "
     "'valid' size is floor((n - k) / s) + 1."),
    (lambda n, k, s: n - k + 1,
     "the stride is missing from 'valid': the window moves s pixels at a time, so divide by s: "
     "floor((n - k) / s) + 1."),
    (lambda n, k, s: math.ceil(n / s),
     "that is the 'same' size; 'valid' adds no padding, so the kernel must fit inside the input: "
     "floor((n - k) / s) + 1."),
]

_SAME_VARIANTS = [
    (lambda n, k, s: (n + 2 * (k // 2) - k) // s + 1,
     "'same' is wrong for even kernels: padding k // 2 on each side is right for odd kernels but one "
     "pixel too many for even ones (out_size(28, 2, 2, 'same') should be 14). Keras pads just enough "
     "for ceil(n / s) outputs, whatever the kernel: the result does not depend on k at all."),
    (lambda n, k, s: (n + 2 * ((k - 1) // 2) - k) // s + 1,
     "'same' is wrong for even kernels: (k - 1) // 2 pixels on each side is one short for an even "
     "kernel (Keras puts the extra pixel at the end). The size is simply ceil(n / s), whatever the "
     "kernel."),
    (lambda n, k, s: round(n / s),
     "round() goes to the nearest integer (and halves to even: round(2.5) is 2); 'same' always rounds "
     "up: ceil(n / s), e.g. out_size(7, 3, 3, 'same') is 3, not 2."),
    (lambda n, k, s: n // s,
     "'same' rounds up, not down: ceil(n / s) (math.ceil(n / s) or -(-n // s)); 2 x 2 pooling of 7 "
     "with 'same' gives 4."),
    (lambda n, k, s: n // s + 1,
     "'same' is one too many when the stride divides n: use ceil(n / s), e.g. 28 / 2 gives 14."),
    (lambda n, k, s: n,
     "'same' keeps the size only at stride 1; with stride s it gives ceil(n / s)."),
    (lambda n, k, s: (n - k) // s + 1,
     "you used the 'valid' formula for 'same' too (is the padding argument read?). 'same' pads the "
     "input so that the output has ceil(n / s) positions."),
]


def _arity_problem(func):
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature: just call it
        return None
    try:
        signature.bind(28, 3, 1, "valid")
    except TypeError:
        names = [p.name for p in signature.parameters.values()]
        return (f"your out_size takes the arguments ({', '.join(names)}); it should take four, "
                "(n, kernel, stride, padding), as in the starter cell.")
    return None


def _call_out_size(func, case):
    n, k, s, p = case
    shown = f"out_size({n}, {k}, {s}, {p!r})"
    got = call_function(func, case, name="out_size", returns=None, shown=f"{n}, {k}, {s}, {p!r}")
    size = _whole_number(got)
    if size is None:
        if isinstance(got, numbers.Real) and not isinstance(got, bool):
            if not math.isfinite(float(got)):
                raise Incorrect(f"{shown} returned {got}; a size is a whole number.")
            raise Incorrect(f"{shown} returned {_shown(got)}, which is not a whole number: a layer has a whole "
                            "number of positions. Round with // (floor division) or math.ceil, not /.")
        raise Incorrect(f"{shown} returned {got!r} (a {type(got).__name__}); it should return a whole number, "
                        "the output length.")
    return size


def _check_output_size(out_size):
    if not callable(out_size):
        raise Incorrect(f"pass your function out_size itself (without calling it), not {_described(out_size)}.")
    problem = _arity_problem(out_size)
    if problem:
        raise Incorrect(problem)
    got = {case: _call_out_size(out_size, case) for case in _OUTPUT_SIZE_CASES}
    for padding, variants in (("valid", _VALID_VARIANTS), ("same", _SAME_VARIANTS)):
        cases = [c for c in _OUTPUT_SIZE_CASES if c[3] == padding]
        wrong = [c for c in cases if got[c] != _size(*c)]
        if not wrong:
            continue
        for variant, text in variants:
            if all(got[c] == variant(*c[:3]) for c in cases):
                raise Incorrect(text)
        n, k, s, p = wrong[0]
        raise Incorrect(f"out_size({n}, {k}, {s}, {p!r}) returned {got[wrong[0]]}, expected {_size(n, k, s, p)} "
                        f"(wrong on {len(wrong)} of the {len(cases)} {p!r} cases tried).")
    return ("Right on all the cases tried (even and odd kernels, strides that do not divide n, pooling and "
            "convolution): 'valid' is floor((n - k) / s) + 1 and 'same' is ceil(n / s), whatever the kernel.")


output_size = Exercise(
    "Exercise 3.1: the output-size formula",
    _check_output_size,
    hints=["'valid': only positions where the whole window fits: floor((n - k) / s) + 1.",
           "'same': the output has ceil(n / s) positions, whatever the kernel; use math.ceil(n / s) or "
           "-(-n // s) (rounding up with integers only)."],
    solution="""
def out_size(n, kernel, stride, padding):
    if padding == "valid":
        return (n - kernel) // stride + 1
    return -(-n // stride)   # ceil(n / stride), in integers

# pooling and convolution alike, even and odd kernels, strides that do not divide n
print(out_size(7, 2, 2, "valid"), out_size(7, 2, 2, "same"), out_size(28, 2, 2, "same"),
      out_size(7, 3, 3, "same"))
""",
    answer="'valid' adds no padding, so the window must fit: floor((n - k) / s) + 1 positions. 'same' pads "
           "just enough that every stride step gets an output, ceil(n / s), and so does not depend on the "
           "kernel. The solution prints 3 and 4 for 2 x 2 pooling of 7 (the row the encoder drops, and the "
           "one 'same' keeps), 14 for an even 2 x 2 window on 28 (where padding k // 2 on both sides would "
           "wrongly give 15) and 3 for 7 / 3 (where round() would give 2).",
)


# ---------------------------------------------------------- 3.2 every way to 7


def _transpose_size(n, k, s, padding, a):
    # Independent of aecourse.shapes: Keras' rules for Conv2DTranspose.
    if a is None:
        return (n - 1) * s + max(k, s) if padding == "valid" else n * s
    return (n - 1) * s + k + a if padding == "valid" else (n - 1) * s + k % 2 + a


def _ways(n=3, target=7, stride=2):
    ways = set()
    for k in range(1, 7):
        for padding in ("valid", "same"):
            for a in (None, 0, 1):
                if a is not None and a >= stride:
                    continue
                size = _transpose_size(n, k, stride, padding, a)
                if size >= 1 and size == target:
                    ways.add((k, padding, a))
    return ways


def _triple(item):
    if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 3:
        raise Incorrect(f"each entry should be a (kernel_size, padding, output_padding) triple, such as "
                        f"(3, 'valid', None); one of yours is {item!r}.")
    k, padding, a = item
    kernel = _whole_number(k)
    if kernel is None:
        raise Incorrect(f"kernel_size should be one whole number (1 to 6), one of yours is {k!r}.")
    if not isinstance(padding, str):
        raise Incorrect(f"padding should be the text 'valid' or 'same', one of yours is {padding!r}.")
    if padding.strip().lower() in ("valid", "same") and padding not in ("valid", "same"):
        raise Incorrect(f"write padding as Keras does, 'valid' or 'same' in lower case; one of yours is {padding!r}.")
    if padding not in ("valid", "same"):
        raise Incorrect(f"padding is 'valid' or 'same', one of yours is {padding!r}.")
    if isinstance(a, str):
        raise Incorrect(f"output_padding should be None, 0 or 1 (not the text {a!r}).")
    if a is not None:
        value = _whole_number(a)
        if value is None:
            raise Incorrect(f"output_padding should be None, 0 or 1, one of yours is {a!r}.")
        a = value
    return kernel, padding, a


def _check_ways(ways):
    if is_placeholder(ways):
        raise NotAttempted()
    if isinstance(ways, (str, bytes, Mapping)) or not hasattr(ways, "__iter__"):
        raise Incorrect("give a list of (kernel_size, padding, output_padding) triples, e.g. [(3, 'valid', None)]; "
                        f"you gave {_described(ways)}.")
    ways = list(ways)
    if len(ways) == 3 and all(not hasattr(x, "__len__") or isinstance(x, str) for x in ways):
        raise Incorrect("give a list of triples, [(kernel_size, padding, output_padding), ...], even for one "
                        f"way; you gave one flat list {ways!r}.")
    given = {_triple(item) for item in ways}
    expected = _ways()
    if given == expected:
        return (f"All {len(expected)} ways, all with 'valid' padding: (3 - 1) x 2 + k + a = 7 needs k + a = 3, "
                "and output_padding=None behaves like 0 here because the kernel is at least the stride.")
    if given == _ways(stride=1):
        raise Incorrect("these give 7 at stride 1; the exercise asks for a stride-2 transposed convolution "
                        "(strides=2).")
    bad_a = sorted((w for w in given if w[2] is not None and w[2] >= 2), key=str)
    if bad_a:
        raise Incorrect(f"{bad_a} cannot exist: Keras requires output_padding < strides (so 0 or 1 at stride 2).")
    wrong = sorted(given - expected, key=str)
    if wrong:
        sizes = ", ".join(f"{w} gives {_transpose_size(3, w[0], 2, w[1], w[2])}" for w in wrong)
        raise Incorrect(f"not every triple of yours maps 3 to 7: {sizes}.")
    missing = expected - given
    if missing == {(3, "valid", 0)} or missing == {(3, "valid", None)}:
        raise Incorrect("output_padding=None and output_padding=0 are two different settings (they give different "
                        "sizes with 'same'); here both work with kernel 3 and 'valid': list both.")
    if all(w[0] == 2 for w in missing):
        raise Incorrect("a kernel of 2 gets there too, with 'valid' and output_padding=1: (3 - 1) x 2 + 2 + 1 = 7.")
    raise Incorrect(f"{len(missing)} of the {len(expected)} ways are missing; loop over every kernel size 1 to 6, "
                    "both paddings and output_padding None, 0 and 1.")


every_way_to_7 = Exercise(
    "Exercise 3.2: every way to 7",
    _check_ways,
    hints=["Loop over kernel_size in 1..6, padding in ('valid', 'same') and output_padding in (None, 0, 1); "
           "skip the combinations conv_transpose_output_size rejects.",
           "Keep the triples for which conv_transpose_output_size(3, k, strides=2, ...) == 7."],
    solution="""
ways = []
for k in range(1, 7):
    for padding in ("valid", "same"):
        for a in (None, 0, 1):
            try:
                size = conv_transpose_output_size(3, k, strides=2, padding=padding,
                                                  output_padding=a)
            except ValueError:  # an empty output: not a way to 7
                continue
            if size == 7:
                ways.append((k, padding, a))
print(ways)
""",
    answer="Three: kernel 3 with 'valid' and output_padding None or 0, and kernel 2 with 'valid' and "
           "output_padding 1 (the solution prints them). With 'valid' the length is (3 - 1) x 2 + k + a, so "
           "7 needs k + a = 3; 'same' gives at most 2 x 3 = 6.",
)


# ------------------------------------------------------- 3.3 another classic error


_RESHAPE_VARIANTS = {
    3 * 3 * 128: "1152 = 3 x 3 x 128 is what fails: Reshape((7, 7, 128)) needs 7 x 7 x 128 values.",
    7 * 7: "7 x 7 = 49 counts the positions only; each of them holds 128 channels: 7 x 7 x 128.",
    7 + 7 + 128: "Reshape needs the product of the target shape, not its sum: 7 x 7 x 128.",
    7 * 7 * 64: "Reshape((7, 7, 128)) has 128 channels at each position, not 64: 7 x 7 x 128.",
    28 * 28: "784 is the image's pixel count; the Dense layer must output what Reshape((7, 7, 128)) needs.",
    1152 * 7 * 7 * 128 + 7 * 7 * 128: "that is the parameter count of a Dense(6272) layer after 1152 inputs; "
                                      "the question asks for its units (the values it outputs).",
}


def _check_reshape(units):
    if units is None:
        raise Incorrect("your answer is None: assign the number of units itself, e.g. units = 10 * 20.")
    if isinstance(units, (str, bytes)):
        raise Incorrect(f"give the number of units as a number, not the text {units!r}.")
    if isinstance(units, (tuple, list)):
        raise Incorrect(f"give one number, the Dense layer's units, not a shape such as {tuple(units)!r}: "
                        "Reshape needs the product of the target shape.")
    if isinstance(units, bool) or not isinstance(units, numbers.Real):
        value = _whole_number(units)
        if value is None:
            raise Incorrect(f"give the number of units as a whole number; you gave {_described(units)}.")
        units = value
    if not math.isfinite(float(units)):
        raise Incorrect(f"the number of units should be a finite whole number, you gave {units}.")
    value = _whole_number(units)
    if value is None:
        raise Incorrect(f"a Dense layer has a whole number of units, you gave {_shown(units)}.")
    if value in _RESHAPE_VARIANTS:
        raise Incorrect(_RESHAPE_VARIANTS[value])
    if value != 7 * 7 * 128:
        raise Incorrect(f"Dense({value}) outputs {value:,} values, but Reshape((7, 7, 128)) needs exactly "
                        "7 x 7 x 128 of them; multiply the target shape out.")
    return "7 x 7 x 128 = 6272: Reshape never changes the number of values, only their arrangement."


reshape_size = Exercise(
    "Exercise 3.3: another classic error",
    _check_reshape,
    hints=["Reshape rearranges values; it cannot create or drop any.", "Multiply the target shape out."],
    solution="""
units = 7 * 7 * 128
print(units, keras.layers.Reshape((7, 7, 128))(np.zeros((1, units))).shape)
""",
    answer="Dense(6272): Reshape((7, 7, 128)) needs 7 x 7 x 128 = 6272 values per example and only "
           "rearranges them; the solution prints 6272 and the (1, 7, 7, 128) shape that comes out.",
)
