"""Exercises with instant feedback: one checker per exercise, grouped by chapter.

In a chapter, an exercise is a starter cell with a visible placeholder and a check::

    from aecourse.exercises import ch01, ____
    worst = ____                       # replace ____ with your answer
    ch01.worst_digits.check(worst, x_test, x_rec)

``check`` takes the learner's objects as arguments (it never reads notebook globals)
and returns a :class:`Result` whose status is ``"not attempted"``, ``"incorrect"``
(with a message saying what was expected and what was received) or ``"correct"``.
``hint()`` gives hints one level at a time, ``solution()`` the reference solution.
Results, hints and solutions print as plain text in a terminal and render as
formatted blocks in Jupyter; the checking itself never depends on how it is shown.
"""

from __future__ import annotations

from aecourse.exercises._core import (  # noqa: F401
    Exercise,
    Result,
    ____,
    call_function,
    check_array,
    check_function,
    check_model,
    check_number,
    is_placeholder,
    read_indices,
)

__all__ = [
    "Exercise",
    "Result",
    "____",
    "call_function",
    "check_array",
    "check_function",
    "check_model",
    "check_number",
    "is_placeholder",
    "read_indices",
    "ch01",
]


def __getattr__(name):
    import importlib

    if name.startswith("ch") and name[2:].isdigit():
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"no exercises for chapter {name[2:]} in aecourse.exercises") from None
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aecourse.exercises' has no attribute {name!r}")
