"""The exercise machinery: placeholders, results, checks, hints and solutions."""

from __future__ import annotations

import copy
import html
import inspect
import math
import textwrap
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Exercise",
    "Incorrect",
    "NotAttempted",
    "Result",
    "____",
    "call_function",
    "check_array",
    "check_function",
    "check_model",
    "check_number",
    "is_placeholder",
    "read_indices",
]

NOT_ATTEMPTED, INCORRECT, CORRECT = "not attempted", "incorrect", "correct"


class _Placeholder:
    """The blank a learner replaces with an answer."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "____"

    def __bool__(self):
        return False


____ = _Placeholder()


def is_placeholder(value) -> bool:
    """True for the blank ``____`` (or ``...``): the learner has not answered yet.

    Example:
        >>> is_placeholder(____), is_placeholder(3)
        (True, False)
    """
    return value is ____ or value is Ellipsis


class Incorrect(Exception):
    """Raised by a check to say what was expected and what was received."""


class NotAttempted(Exception):
    """Raised by a check when the learner's object still holds the blank ``____``."""


_STYLE = {
    NOT_ATTEMPTED: ("#555", "#f3f3f3", "○"),
    INCORRECT: ("#8a1c1c", "#fdecea", "✗"),
    CORRECT: ("#1d6b2b", "#e9f7ec", "✓"),
    "hint": ("#5b4a00", "#fff8e1", "?"),
    "solution": ("#1f3f6b", "#eaf1fb", "»"),
}


def _box(kind, title, body, code=False):
    colour, background, icon = _STYLE[kind]
    if kind == "solution":  # collapsed until the learner opens it, in Jupyter and on the page
        return (f"<details style='border-left:4px solid {colour};background:{background};padding:0.4em 0.8em;"
                f"margin:0.3em 0'><summary><b style='color:{colour}'>{icon} {html.escape(title)}</b> "
                f"(click to show)</summary><pre style='margin:0.3em 0 0 0'>{html.escape(body)}</pre></details>")
    content = (f"<pre style='margin:0.3em 0 0 0'>{html.escape(body)}</pre>" if code
               else f"<span>{html.escape(body)}</span>")
    return (f"<div style='border-left:4px solid {colour};background:{background};padding:0.4em 0.8em;"
            f"margin:0.3em 0'><b style='color:{colour}'>{icon} {html.escape(title)}</b> {content}</div>")


@dataclass(frozen=True)
class Result:
    """The outcome of a check: ``status`` is "not attempted", "incorrect" or "correct".

    A Result is truthy only when correct; it prints as one line of text and renders as
    a coloured box in Jupyter.

    Example:
        >>> print(Result("correct", "Well done.", "Exercise 1"))
        [correct] Exercise 1: Well done.
    """

    status: str
    message: str
    exercise: str = ""

    def __bool__(self):
        return self.status == CORRECT

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __str__(self):
        prefix = f"{self.exercise}: " if self.exercise else ""
        return f"[{self.status}] {prefix}{self.message}"

    def _repr_html_(self):
        title = f"{self.exercise}: {self.status}" if self.exercise else self.status
        return _box(self.status, title, self.message)

    def __repr__(self):
        return str(self)


@dataclass(frozen=True)
class _Block:
    kind: str
    title: str
    text: str
    code: bool = False

    def __str__(self):
        return f"{self.title}:\n{self.text}" if self.code else f"{self.title}: {self.text}"

    __repr__ = __str__

    def _repr_html_(self):
        return _box(self.kind, self.title, self.text, self.code)


class Exercise:
    """One exercise: a check function, hints (shown one level at a time) and a solution.

    Args:
        title: what the learner sees, e.g. ``"Exercise 1.2: the worst digits"``.
        check: a function taking the learner's objects; it raises :class:`Incorrect`
            with a teaching message for a wrong answer and returns ``None`` or a
            message for a right one.
        hints: hints from gentle to explicit.
        solution: the reference solution as code (a string). It must run in its
            chapter, after the chapter's cells, and pass the chapter's check cell: the
            test suite runs it there (:attr:`solution_code`).
        answer: the answer to the question the exercise asks, in words (shown with the
            solution, folded until the learner opens it).

    Example:
        >>> ex = Exercise("Exercise 0: one plus one", lambda x: check_number(x, 2, what="1 + 1"),
        ...               hints=["Count on your fingers."], solution="answer = 1 + 1")
        >>> print(ex.check(____))
        [not attempted] Exercise 0: one plus one: replace ____ with your answer, then run the check again.
        >>> print(ex.check(3))
        [incorrect] Exercise 0: one plus one: 1 + 1 should be 2, you gave 3.
        >>> bool(ex.check(2))
        True
    """

    def __init__(self, title, check, *, hints=(), solution="", answer=""):
        if not callable(check):
            raise TypeError(f"Exercise(check=...): expected a function, received {type(check).__name__}")
        self.title = str(title)
        self._check = check
        self.hints = tuple(hints)
        self._solution = str(solution).strip("\n")
        self.answer = " ".join(str(answer).split())
        self._hints_shown = 0

    @property
    def solution_code(self) -> str:
        """The reference solution as a string of code, as :meth:`solution` shows it."""
        return self._solution

    def __repr__(self):
        return f"<{self.title}: check(...), hint(), solution()>"

    def check(self, *answers, **kwargs) -> Result:
        """Check the learner's answer(s); never raises, always returns a :class:`Result`."""
        if not answers and not kwargs:
            return Result(NOT_ATTEMPTED, "pass your answer to check(...).", self.title)
        if any(is_placeholder(a) for a in (*answers, *kwargs.values())):
            return Result(NOT_ATTEMPTED, "replace ____ with your answer, then run the check again.", self.title)
        problem = self._call_problem(answers, kwargs)
        if problem:
            return Result(INCORRECT, problem, self.title)
        try:
            message = self._check(*answers, **kwargs)
        except NotAttempted:
            return Result(NOT_ATTEMPTED, "replace ____ with your answer, then run the check again.", self.title)
        except Incorrect as exc:
            return Result(INCORRECT, str(exc), self.title)
        except Exception as exc:  # the learner's object broke the check: say how, in their terms
            return Result(INCORRECT, f"your answer could not be checked: using it raised {type(exc).__name__} "
                                     f"({exc}). Check that it is the kind of object the exercise asks for.",
                          self.title)
        return Result(CORRECT, message or "Correct!", self.title)

    def usage(self) -> str:
        """How to call :meth:`check`, e.g. ``check(model)``, from the check's parameter names."""
        try:
            params = inspect.signature(self._check).parameters.values()
        except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
            return "check(...)"
        shown = [p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in params
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        return f"check({', '.join(shown)})"

    def _call_problem(self, answers, kwargs):
        """A message in the learner's terms when the answers do not fit the check's parameters."""
        try:
            signature = inspect.signature(self._check)
        except (TypeError, ValueError):  # pragma: no cover
            return None
        try:
            signature.bind(*answers, **kwargs)
        except TypeError:
            given = len(answers) + len(kwargs)
            names = ", ".join(repr(k) for k in kwargs)
            return (f"this check is called as {self.usage()}; you passed {given} value(s)"
                    + (f" (including {names})" if names else "")
                    + ". Run the check cell as it is written in the chapter.")
        return None

    def hint(self, level=None):
        """The next hint (or hint number ``level``, from 1)."""
        if not self.hints:
            return _Block("hint", f"{self.title}: hint", "No hints for this one; try the solution.")
        if level is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            level = self._hints_shown
        if not isinstance(level, numbers.Integral) or not 1 <= level <= len(self.hints):
            raise ValueError(f"hint(level={level!r}): this exercise has hints 1 to {len(self.hints)}")
        more = " (that was the last hint)" if level == len(self.hints) else ""
        return _Block("hint", f"{self.title}: hint {level} of {len(self.hints)}{more}", self.hints[level - 1])

    def solution(self):
        """The reference solution, as code, followed by the answer to the exercise's question."""
        text = self._solution
        if self.answer:
            text += "\n\n" + textwrap.fill("Answer: " + self.answer, width=88, initial_indent="# ",
                                            subsequent_indent="# ")
        return _Block("solution", f"{self.title}: solution", text, code=True)


# ------------------------------------------------------------------------- checks


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, np.integer):
        return str(int(value))
    return repr(value)


def _described(value):
    """How a message names a value that should have been something else."""
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, (bool, np.bool_)):
        return f"the number {_fmt(value) if isinstance(value, np.generic) else repr(value)}"
    if value is None or isinstance(value, (bool, np.bool_)):
        return str(value)
    return f"an object of type {type(value).__name__}"


def _shown_args(args):
    """The arguments of a call as a message shows them: numbers as typed, arrays by shape."""
    return ", ".join(f"an array of shape {np.shape(a)}" if isinstance(a, np.ndarray) and a.ndim
                     else _fmt(a.item() if isinstance(a, np.ndarray) else a) for a in args)


def call_function(func, args, *, name, params=None, returns="numbers", shown=None, none_ok=False):
    """Call the learner's function on ``args``; its result, or a message in the learner's terms.

    The arrays, lists and dicts among ``args`` are passed as copies, so a function that
    changes its input in place cannot spoil the next call, and warnings (NumPy's and Python's) are
    silenced during the call: a NaN or an infinity in the result is for the check to
    explain, and nothing the learner's function warns about reaches the page.

    Args:
        func: what the learner passed as their function.
        args: the arguments of the call, a tuple.
        name: the function's name in the exercise (``"my_psnr"``), for the messages.
        params: the parameter names the exercise asks for, e.g. ``("x_true", "x_pred")``:
            a function that cannot take that many arguments is reported, with its own
            parameters, before it is called. ``None``: no such check (the call's own
            ``TypeError`` is reported).
        returns: what the function should return, as the messages say it
            (``"numbers"``, ``"a number"``, ``"an array of numbers"``); the result is
            converted to a float array. ``None``: the result as it came back (for
            answers that are not numbers, such as a set of indices).
        shown: the arguments as the messages show them (``"<411 scores>, 0.05"``);
            default: numbers as typed and arrays by their shape.
        none_ok: ``None`` is an answer the exercise asks for in some case ("None if no
            epoch reaches the target"), returned as it is; otherwise a ``None`` result is
            reported as a forgotten ``return``.

    Returns:
        ``np.asarray(result, dtype=float)``, or the result itself with ``returns=None``
        (and ``None`` with ``none_ok=True``).

    Raises:
        Incorrect: if ``func`` is not a function, cannot take ``params``, raises, returns
            ``None``, or returns something that is not ``returns`` (a text, say).
        NotAttempted: if it returns the blank ``____``.

    Example:
        >>> call_function(lambda x: 2 * x, (np.arange(3),), name="double")
        array([0., 2., 4.])
        >>> call_function(lambda x: "4", (2,), name="double")
        Traceback (most recent call last):
        ...
        aecourse.exercises._core.Incorrect: double should return numbers, it returned the text '4'.
        >>> call_function(lambda x, y: x, (2,), name="double", params=("x",))
        Traceback (most recent call last):
        ...
        aecourse.exercises._core.Incorrect: double should take 1 argument, (x); yours is defined as double(x, y).
    """
    if not callable(func):
        raise Incorrect(f"pass your function {name} itself (its name, without parentheses), not "
                        f"{_described(func)}.")
    if params is not None:
        try:
            signature = inspect.signature(func)
        except (TypeError, ValueError):  # built-ins without a signature: the call will tell
            signature = None
        if signature is not None:
            try:
                signature.bind(*args)
            except TypeError:
                count = f"{len(params)} argument{'s' if len(params) != 1 else ''}"
                raise Incorrect(f"{name} should take {count}, ({', '.join(params)}); yours is defined as "
                                f"{name}({', '.join(signature.parameters)}).") from None
    call = f"{name}({_shown_args(args) if shown is None else shown})"
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            got = func(*(np.array(a, copy=True) if isinstance(a, np.ndarray)
                         else copy.deepcopy(a) if isinstance(a, (list, dict)) else a for a in args))
    except Exception as exc:
        raise Incorrect(f"{call} raised {type(exc).__name__}: {exc}") from None
    if is_placeholder(got):
        raise NotAttempted()
    if got is None and none_ok:
        return None
    if got is None:
        raise Incorrect(f"{name if shown is None else call} returned None; did you forget `return`?")
    if returns is None:
        return got
    if isinstance(got, (str, bytes)):
        raise Incorrect(f"{name} should return {returns}, it returned the text {got!r}.")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} should return {returns}, it returned {_described(got)}.") from None


def read_indices(answer, n, *, item="unit", selected="dead", example="[3, 17]", name=None, mask_fix=""):
    """The learner's choice among ``n`` items, as a sorted list of distinct indices.

    Accepted: a list, tuple, set or 1-D array of indices (whole numbers; floats such as
    ``3.0`` and repeats are fine), a column of them (what ``np.argwhere`` gives), or a
    True/False mask with one entry per item. One number, a text, a mask of the wrong
    length, fractional, NaN or infinite entries and other shapes get a message in the
    learner's terms. The indices are not checked against ``n``: a check that recognises
    off-by-one answers compares first and checks the range afterwards.

    Args:
        answer: what the learner gave, or what their function returned.
        n: the number of items (the length of a mask).
        item: what an index counts, in the singular (``"unit"``, ``"latent"``).
        selected: what the chosen items are (``"dead"``), for the messages.
        example: a right kind of answer, for the messages.
        name: the learner's function that returned ``answer`` (the messages then say
            "``name`` returned"), or ``None`` when the learner gave it ("you gave").
        mask_fix: a sentence added to the message about a mask of the wrong length.

    Returns:
        A sorted list of distinct Python ints.

    Raises:
        Incorrect: for an answer that is not a set of indices or a mask of ``n`` entries.
        NotAttempted: for the blank ``____``.

    Example:
        >>> read_indices([6, 1, 1.0], 8)
        [1, 6]
        >>> read_indices(np.array([False, True, True]), 3)
        [1, 2]
        >>> read_indices(2, 8)
        Traceback (most recent call last):
        ...
        aecourse.exercises._core.Incorrect: you gave the number 2; list *which* units are dead (their indices, such as [3, 17]), not how many.
    """
    if is_placeholder(answer):
        raise NotAttempted()
    gave, give, listed = ("you gave", "give", "list") if name is None else (f"{name} returned", "return", "return")
    should = "you should give" if name is None else f"{name} should return"
    if answer is None:
        raise Incorrect(f"{gave} None; {give} the {selected} {item}s' indices as a list or array, such as "
                        f"{example}.")
    if isinstance(answer, (bool, np.bool_)):
        raise Incorrect(f"{gave} {answer}; {give} the {selected} {item}s' indices (such as {example}).")
    if isinstance(answer, (str, bytes)):
        raise Incorrect(f"{gave} the text {answer!r}; {give} the indices as numbers: a list or array such as "
                        f"{example}, without quotes.")
    try:
        array = np.asarray(sorted(answer) if isinstance(answer, (set, frozenset)) else answer)
    except Exception:  # unsortable sets, ragged lists
        array = np.asarray(None)
    if array.dtype == object or array.dtype.kind in "USVc":
        raise Incorrect(f"{should} {item} indices (whole numbers, as a list or array), not "
                        f"{_described(answer)}.")
    if array.ndim == 0:
        raise Incorrect(f"{gave} the number {array.item()!r}; {listed} *which* {item}s are {selected} "
                        f"(their indices, such as {example}), not how many.")
    if array.dtype == bool:
        if array.shape != (n,):
            raise Incorrect(f"{gave} a True/False array of shape {array.shape}; a mask of {selected} {item}s has "
                            f"one entry per {item}, shape ({n},).{' ' + mask_fix if mask_fix else ''}")
        return np.flatnonzero(array).tolist()
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise Incorrect(f"{gave} an array of shape {array.shape}; {give} a flat list of {item} indices.")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.isfinite(array)):
            raise Incorrect(f"{gave} NaN or infinite values; {give} {item} indices (whole numbers).")
        fractional = array[array != np.round(array)]
        if fractional.size:
            raise Incorrect(f"{should} whole-number {item} indices (counting from 0); "
                            f"{'you gave' if name is None else 'it returned'} values such as "
                            f"{fractional[:3].tolist()}, which are not whole numbers.")
    return sorted(set(array.astype(np.int64).tolist()))


def check_number(value, expected, *, rtol=1e-3, atol=0.0, what="your number"):
    """Raise :class:`Incorrect` unless ``value`` is a finite number close to ``expected``.

    Example:
        >>> check_number(0.7946, 0.79458, rtol=1e-3)
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, np.number)) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        raise Incorrect(f"{what} should be a number, you gave a {type(value).__name__} ({value!r}).")
    value = float(value)
    if not math.isfinite(value):
        raise Incorrect(f"{what} should be a finite number, you gave {value}.")
    if not math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        raise Incorrect(f"{what} should be {_fmt(expected)}, you gave {_fmt(value)}.")


def check_array(value, expected=None, *, shape=None, rtol=1e-5, atol=1e-8, what="your array"):
    """Raise :class:`Incorrect` unless ``value`` has ``shape`` and (if given) the values of ``expected``.

    Example:
        >>> check_array(np.ones(3), np.ones(3), shape=(3,))
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be an array of numbers, you gave a {type(value).__name__}.") from None
    if shape is None and expected is not None:
        shape = np.shape(expected)
    if shape is not None and array.shape != tuple(shape):
        raise Incorrect(f"{what} should have shape {tuple(shape)}, yours has shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise Incorrect(f"{what} contains NaN or infinite values.")
    if expected is not None:
        expected = np.asarray(expected, dtype=float)
        close = np.isclose(array, expected, rtol=rtol, atol=atol)
        if not close.all():
            i = tuple(int(k) for k in np.argwhere(~close)[0])
            raise Incorrect(
                f"{what} differs from the expected values at {int((~close).sum())} of {close.size} places; "
                f"e.g. at index {i if len(i) > 1 else i[0]} it is {_fmt(array[i])}, expected {_fmt(expected[i])}."
            )


def check_model(model, *, output_shape=None, code_dim=None, count_params=None, layer_types=None,
                what="your model"):
    """Raise :class:`Incorrect` unless a Keras model has the expected structure.

    Args:
        model: the learner's ``keras.Model``.
        output_shape: expected output shape without the batch axis.
        code_dim: expected size of the output of its ``"encoder"`` part.
        count_params: expected number of parameters.
        layer_types: expected sequence of layer class names (outer layers).
        what: how the messages name the model.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> check_model(dense_autoencoder(), output_shape=(784,), code_dim=32, count_params=222_384)
        >>> check_model(dense_autoencoder(latent_dim=8), code_dim=32)
        Traceback (most recent call last):
        ...
        aecourse.exercises._core.Incorrect: your model should have a 32-number code, its encoder outputs 8 numbers.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise Incorrect(f"{what} should be a keras.Model, you gave a {type(model).__name__}.")
    if output_shape is not None:
        got = tuple(model.output.shape[1:])
        if got != tuple(output_shape):
            raise Incorrect(f"{what} should output shape {tuple(output_shape)} per example, it outputs {got}.")
    if code_dim is not None:
        names = [layer.name for layer in model.layers]
        if "encoder" not in names:
            raise Incorrect(f"{what} should have a part named 'encoder'; its layers are {names}.")
        got = model.get_layer("encoder").output.shape[-1]
        if got != code_dim:
            raise Incorrect(f"{what} should have a {code_dim}-number code, its encoder outputs {got} numbers.")
    if layer_types is not None:
        got = [type(layer).__name__ for layer in model.layers]
        if got != list(layer_types):
            raise Incorrect(f"{what} should have layers {list(layer_types)}, it has {got}.")
    if count_params is not None and model.count_params() != count_params:
        raise Incorrect(
            f"{what} should have {count_params:,} parameters, it has {model.count_params():,}; "
            "check the layer sizes (a Dense layer from m to n units has m*n + n)."
        )


def check_function(func, cases, *, rtol=1e-6, atol=1e-9, what="your function"):
    """Raise :class:`Incorrect` unless ``func(*args)`` matches the expected value for every case.

    Each call goes through :func:`call_function`, with its messages.

    Args:
        func: the learner's function.
        cases: a sequence of ``(args, expected)`` pairs; ``args`` is a tuple.
        rtol, atol: the tolerances of the comparison (``np.allclose``).
        what: how the messages name the function.

    Example:
        >>> check_function(abs, [((-2,), 2), ((3,), 3)])
        >>> check_function(lambda x: x, [((-2,), 2)])
        Traceback (most recent call last):
        ...
        aecourse.exercises._core.Incorrect: your function(-2) returned -2, expected 2.
    """
    if not callable(func):
        raise Incorrect(f"{what} should be a function, you gave a {type(func).__name__}.")
    for args, expected in cases:
        shown = _shown_args(args)
        got = call_function(func, args, name=what, returns=None)
        try:
            ok = np.allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol)
            same_shape = np.shape(got) == np.shape(expected)
        except (TypeError, ValueError):
            ok, same_shape = False, True
        if not same_shape:
            raise Incorrect(f"{what}({shown}) returned shape {np.shape(got)}, expected shape {np.shape(expected)}.")
        if not ok:
            shown_got = _fmt(got) if np.ndim(got) == 0 else f"array {np.round(np.asarray(got, float), 4)}"
            shown_exp = _fmt(expected) if np.ndim(expected) == 0 else f"array {np.round(np.asarray(expected, float), 4)}"
            raise Incorrect(f"{what}({shown}) returned {shown_got}, expected {shown_exp}.")
