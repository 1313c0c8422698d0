"""Tests of the exercise machinery (aecourse.exercises._core): results, hints and
solutions, the generic checks, and the helpers the chapters' checkers share. Each
chapter's exercises are tested in tests/test_exercises_chNN.py."""

import warnings

import numpy as np
import pytest

from aecourse.exercises import (Exercise, Result, ____, call_function, check_array, check_function, check_number,
                                read_indices)
from aecourse.exercises._core import Incorrect, NotAttempted


def test_result_display():
    result = Result("incorrect", "expected 2, you gave 3.", "Exercise 0")
    assert str(result) == "[incorrect] Exercise 0: expected 2, you gave 3."
    assert "expected 2, you gave 3." in result._repr_html_() and not result


def test_hints_and_solution():
    ex = Exercise("Exercise 0", lambda x: check_number(x, 2), hints=["first", "second"], solution="x = 2")
    assert "hint 1 of 2" in str(ex.hint()) and "first" in str(ex.hint(1))
    assert "second" in str(ex.hint()) and "last hint" in str(ex.hint())
    assert "x = 2" in str(ex.solution()) and "<details" in ex.solution()._repr_html_()
    with pytest.raises(ValueError, match="hints 1 to 2"):
        ex.hint(3)


def test_check_never_raises():
    ex = Exercise("Exercise 0", lambda f: check_function(f, [((1,), 2)]))
    result = ex.check(lambda x: 1 / 0)
    assert result.status == "incorrect" and "raised ZeroDivisionError" in result.message
    assert ex.check(lambda x: None).message.endswith("returned None; did you forget `return`?")
    assert ex.check(____).status == "not attempted"


def test_generic_checks():
    check_number(np.float32(0.5), 0.5)
    with pytest.raises(Incorrect, match="should be a number, you gave a str"):
        check_number("0.5", 0.5)
    with pytest.raises(Incorrect, match="should be 0.5, you gave 0.6"):
        check_number(0.6, 0.5)
    check_array([1.0, 2.0], np.array([1.0, 2.0]))
    with pytest.raises(Incorrect, match=r"should have shape \(3,\), yours has shape \(2,\)"):
        check_array([1, 2], np.zeros(3))
    with pytest.raises(Incorrect, match="differs from the expected values at 1 of 2 places; e.g. at index 1 it is 3"):
        check_array([1, 3], [1, 2])


def test_wrong_number_of_answers_is_explained_in_the_learners_terms():
    ex = Exercise("Exercise 0", lambda model, x_test: None)
    result = ex.check(1, 2, 3)
    assert result.status == "incorrect"
    assert "called as check(model, x_test); you passed 3 value(s)" in result.message
    assert "lambda" not in result.message and "positional" not in result.message


def test_a_broken_answer_is_reported_without_internals():
    def check(model):
        model.count_params()

    result = Exercise("Exercise 0", check).check("not a model")
    assert result.status == "incorrect" and result.message.startswith("your answer could not be checked")


# ------------------------------------------------- helpers shared by the chapters' checkers


def double(x):
    return 2 * x


@pytest.mark.parametrize("func, args, kwargs, text", [
    ("double", (1,), {}, "pass your function double itself (its name, without parentheses), not the text 'double'"),
    (20.0, (1,), {}, "not the number 20.0"),
    (np.zeros(3), (1,), {}, "not an array of shape (3,)"),
    (lambda x, y: x, (1,), {"params": ("x",)}, "double should take 1 argument, (x); yours is defined as double(x, y)"),
    (lambda: 1, (1, 2), {"params": ("x", "y")}, "double should take 2 arguments, (x, y); yours is defined as double()"),
    (lambda x: 1 / 0, (np.zeros((2, 3)),), {}, "double(an array of shape (2, 3)) raised ZeroDivisionError"),
    (lambda x, k: 1 / 0, (np.float64(0.5), np.int64(3)), {}, "double(0.5, 3) raised ZeroDivisionError"),
    (lambda x: None, (1,), {}, "double returned None; did you forget `return`?"),
    (lambda x: "2", (1,), {}, "double should return numbers, it returned the text '2'"),
    (lambda x: "2", (1,), {"returns": "a number"}, "double should return a number, it returned the text '2'"),
    (lambda x: {"a": 1}, (1,), {}, "double should return numbers, it returned an object of type dict"),
    (lambda x: [[1], [2, 3]], (1,), {}, "double should return numbers"),
])
def test_call_function_explains_in_the_learners_terms(func, args, kwargs, text):
    with pytest.raises(Incorrect) as info:
        call_function(func, args, name="double", **kwargs)
    assert text in str(info.value)
    for internal in ("lambda", "positional argument", "Traceback"):
        assert internal not in str(info.value)


def test_call_function_results():
    assert call_function(double, (np.arange(3),), name="double").tolist() == [0.0, 2.0, 4.0]
    assert call_function(lambda x: [1, 2], (0,), name="f").dtype == float       # a list becomes a float array
    assert call_function(lambda x: {3, 1}, (0,), name="f", returns=None) == {1, 3}  # returns=None: as it came
    assert call_function(abs, (-2,), name="abs", params=("x",)) == 2.0            # a built-in (no signature needed)
    with pytest.raises(NotAttempted):
        call_function(lambda x: ____, (1,), name="f")
    # None: an answer where the exercise asks for it, a forgotten return elsewhere
    assert call_function(lambda x: None, (1,), name="f", returns=None, none_ok=True) is None
    with pytest.raises(Incorrect, match=r"^f\(1\) returned None; did you forget `return`\?"):
        call_function(lambda x: None, (1,), name="f", returns=None, shown="1")
    # lists and dicts are copies too, nested lists included
    run = {"val_loss": [0.3, 0.2]}
    losses = [0.5, 0.4]

    def spoils(r, v):
        r["val_loss"].append(0.0)
        v.clear()
        return 1

    assert call_function(spoils, (run, losses), name="f") == 1.0
    assert run == {"val_loss": [0.3, 0.2]} and losses == [0.5, 0.4]


def test_call_function_passes_copies_and_keeps_numpy_warnings_off_the_page():
    x = np.array([1.0, 0.0])

    def spoils(a):
        a[:] = -1.0
        return np.log(a) / 0.0

    with warnings.catch_warnings():
        warnings.simplefilter("error")     # a RuntimeWarning from the learner's code would fail here
        got = call_function(spoils, (x,), name="f")
    assert np.all(np.isnan(got)) and x.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("answer, expected", [
    ([6, 1], [1, 6]), ((6, 1, 6), [1, 6]), ({6, 1}, [1, 6]), (np.array([6.0, 1.0]), [1, 6]),
    (np.array([False, True, False, False, False, False, True, False]), [1, 6]),
    ([False, True, False, False, False, False, True, False], [1, 6]),
    (np.argwhere(np.arange(8) % 5 == 1), [1, 6]),   # a column of indices
    ([], []), (np.array([], dtype=float), []), (np.int64([3]), [3]),
])
def test_read_indices_accepts_the_ways_to_write_a_choice(answer, expected):
    assert read_indices(answer, 8) == expected


@pytest.mark.parametrize("answer, kwargs, text", [
    (None, {}, "you gave None; give the dead units' indices as a list or array, such as [3, 17]."),
    (True, {}, "you gave True; give the dead units' indices"),
    (2, {}, "you gave the number 2; list *which* units are dead (their indices, such as [3, 17]), not how many."),
    (np.float64(2.0), {}, "not how many"),
    ("1, 6", {}, "you gave the text '1, 6'; give the indices as numbers"),
    ({1: 2}, {}, "you should give unit indices (whole numbers, as a list or array), not an object of type dict."),
    ([1, "a"], {}, "you should give unit indices"),
    (np.zeros(5, bool), {"mask_fix": "Reduce over axis=0."},
     "you gave a True/False array of shape (5,); a mask of dead units has one entry per unit, shape (8,). Reduce"),
    ([[1, 2], [3, 4]], {}, "you gave an array of shape (2, 2); give a flat list of unit indices."),
    ([1.0, np.nan], {}, "you gave NaN or infinite values"),
    ([1.5, 3], {}, "you should give whole-number unit indices (counting from 0); you gave values such as [1.5]"),
    (3, {"item": "latent", "name": "dead", "example": "[1, 6]"},
     "dead returned the number 3; return *which* latents are dead (their indices, such as [1, 6]), not how many."),
    ([0.5], {"item": "latent", "name": "dead"}, "dead should return whole-number latent indices (counting from 0); "
                                                 "it returned values such as [0.5]"),
])
def test_read_indices_explains_in_the_learners_terms(answer, kwargs, text):
    with pytest.raises(Incorrect) as info:
        read_indices(answer, 8, **kwargs)
    assert text in str(info.value)


def test_read_indices_blank():
    with pytest.raises(NotAttempted):
        read_indices(____, 8)
