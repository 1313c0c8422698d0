"""Exercises of chapter 3, shapes and reshaping.

Example:
    >>> from aecourse.exercises import ch03, ____
    >>> ch03.output_size.check(____).status
    'not attempted'
"""

from __future__ import annotations

import math

from aecourse.exercises._core import Exercise, Incorrect, NotAttempted, check_function, check_number, is_placeholder

__all__ = ["output_size", "every_way_to_7", "reshape_size"]


def _size(n, kernel, stride, padding):
    # Independent of aecourse.shapes: the two textbook formulas.
    return (n - kernel) // stride + 1 if padding == "valid" else math.ceil(n / stride)


_CASES = [((n, k, s, p), _size(n, k, s, p)) for n, k, s, p in [
    (28, 3, 1, "valid"), (28, 3, 1, "same"), (28, 2, 2, "valid"), (7, 2, 2, "valid"), (7, 2, 2, "same"),
    (28, 5, 2, "valid"), (27, 3, 2, "same"), (5, 5, 1, "valid"), (64, 4, 4, "valid"), (9, 3, 3, "same")]]


def _check_output_size(func):
    check_function(func, _CASES, rtol=0, atol=0, what="out_size")
    return "Right for 'valid' (floor((n - k) / s) + 1) and 'same' (ceil(n / s)), for convolution and pooling alike."


output_size = Exercise(
    "Exercise 3.1: the output-size formula",
    _check_output_size,
    hints=["'valid': only positions where the whole window fits: floor((n - k) / s) + 1.",
           "'same': the output has ceil(n / s) positions, whatever the kernel; use math.ceil or -(-n // s)."],
    solution="""
def out_size(n, kernel, stride, padding):
    if padding == "valid":
        return (n - kernel) // stride + 1
    return -(-n // stride)   # ceil(n / stride)
""",
)


def _expected_ways():
    from aecourse.shapes import conv_transpose_output_size

    ways = set()
    for kernel in range(1, 7):
        for padding in ("valid", "same"):
            for output_padding in (None, 0, 1):
                try:
                    size = conv_transpose_output_size(3, kernel, strides=2, padding=padding,
                                                      output_padding=output_padding)
                except ValueError:
                    continue
                if size == 7:
                    ways.add((kernel, padding, output_padding))
    return ways


def _check_ways(ways):
    if is_placeholder(ways):
        raise NotAttempted()
    try:
        given = {(int(k), str(p), None if a is None else int(a)) for k, p, a in ways}
    except (TypeError, ValueError):
        raise Incorrect("give a list of (kernel_size, padding, output_padding) triples, "
                        "e.g. [(3, 'valid', None)].") from None
    expected = _expected_ways()
    if given != expected:
        missing, extra = expected - given, given - expected
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (look again at kernel sizes 2 and 3, with output_padding None, 0 and 1)")
        if extra:
            parts.append(f"{sorted(extra, key=str)} do not give 7")
        raise Incorrect(f"expected {len(expected)} ways; " + " and ".join(parts) + ".")
    return f"All {len(expected)} ways, all with 'valid' padding: (3 - 1) x 2 + k + a = 7 needs k + a = 3."


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
                if conv_transpose_output_size(3, k, strides=2, padding=padding, output_padding=a) == 7:
                    ways.append((k, padding, a))
            except ValueError:
                pass
""",
)


def _check_reshape(units):
    if isinstance(units, (int, float)) and int(units) == 1152:
        raise Incorrect("1152 = 3 x 3 x 128 is what fails: Reshape((7, 7, 128)) needs 7 x 7 x 128 values.")
    check_number(units, 7 * 7 * 128, rtol=0, what="the Dense size")
    return "7 x 7 x 128 = 6272: Reshape never changes the number of values, only their arrangement."


reshape_size = Exercise(
    "Exercise 3.3: another classic error",
    _check_reshape,
    hints=["Reshape rearranges values; it cannot create or drop any.", "Multiply the target shape out."],
    solution="units = 7 * 7 * 128   # 6272",
)
