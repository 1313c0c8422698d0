"""Tests of aecourse.exercises: for every exercise the reference answer passes, typical
wrong answers fail with a teaching message, and the placeholder reports "not attempted"."""

import numpy as np
import pytest

from aecourse.exercises import Exercise, Result, ____, check_array, check_function, check_number
from aecourse.exercises._core import Incorrect
from aecourse.models import dense_autoencoder

RNG = np.random.default_rng(0)
X_TEST = RNG.random((40, 784)).astype("float32")
X_REC = np.clip(X_TEST + RNG.normal(0, 0.1, X_TEST.shape), 0, 1).astype("float32")


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


# ----------------------------------------------------------------------- chapter 2

from aecourse.exercises import ch02  # noqa: E402


def test_ch02_exercises():
    from aecourse.models import conv_autoencoder

    assert ch02.kernel_divisible.check(____).status == "not attempted"
    assert ch02.kernel_divisible.check(conv_autoencoder(kernel_size=4)).correct
    assert "4 x 4 kernels; yours have [(3, 3)]" in ch02.kernel_divisible.check(conv_autoencoder()).message
    assert "no Conv2DTranspose" in ch02.kernel_divisible.check(conv_autoencoder(upsampling="nearest", kernel_size=4)).message
    assert ch02.colour_model.check(____, ____).status == "not attempted"
    n = conv_autoencoder(input_shape=(32, 32, 3)).count_params()
    assert ch02.colour_model.check((4, 4, 128), n).correct
    assert "not the input's 3 colour channels" in ch02.colour_model.check((4, 4, 3), n).message
    assert "should be (4, 4, 128)" in ch02.colour_model.check((3, 3, 128), n).message
    assert "number of parameters should be" in ch02.colour_model.check((4, 4, 128), 1000).message
    assert ch02.bigger_code.check(conv_autoencoder(latent_dim=32)).correct
    assert "32-number code, its encoder outputs 10" in ch02.bigger_code.check(conv_autoencoder()).message


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
