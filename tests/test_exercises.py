"""Tests of aecourse.exercises: for every exercise the reference answer passes, typical
wrong answers fail with a teaching message, and the placeholder reports "not attempted"."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from aecourse.exercises import Exercise, Result, ____, check_array, check_function, check_number, ch01
from aecourse.exercises._core import Incorrect
from aecourse.models import dense_autoencoder

RNG = np.random.default_rng(0)
X_TEST = RNG.random((40, 784)).astype("float32")
X_REC = np.clip(X_TEST + RNG.normal(0, 0.1, X_TEST.shape), 0, 1).astype("float32")
X_TRAIN = RNG.random((120, 784)).astype("float32")


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


# ----------------------------------------------------------------------- chapter 1


def test_ch01_code_size():
    assert ch01.code_size.check(____).status == "not attempted"
    right = ch01.code_size.check(dense_autoencoder(latent_dim=8))
    assert right.correct and "219,288 parameters" in right.message
    wrong = ch01.code_size.check(dense_autoencoder())
    assert wrong.status == "incorrect" and "8-number code, its encoder outputs 32 numbers" in wrong.message
    wrong = ch01.code_size.check(dense_autoencoder(hidden_units=(64,), latent_dim=8))
    assert "should have 219,288 parameters, it has 102,296" in wrong.message
    assert "should be a keras.Model, you gave a int" in ch01.code_size.check(8).message


def test_ch01_worst_digits():
    errors = ((X_TEST - X_REC) ** 2).mean(axis=1)
    assert ch01.worst_digits.check(____, X_TEST, X_REC).status == "not attempted"
    assert ch01.worst_digits.check(np.argsort(errors)[-10:][::-1], X_TEST, X_REC).correct
    best = ch01.worst_digits.check(np.argsort(errors)[:10], X_TEST, X_REC)
    assert best.status == "incorrect" and "*best*" in best.message
    short = ch01.worst_digits.check(np.argsort(errors)[-5:], X_TEST, X_REC)
    assert "shape (10,); yours has shape (5,)" in short.message
    floats = ch01.worst_digits.check(errors[:10], X_TEST, X_REC)
    assert "should be integers" in floats.message


def test_ch01_pca_baseline():
    pca = PCA(n_components=8, random_state=0).fit(X_TRAIN)
    recon = np.clip(pca.inverse_transform(pca.transform(X_TEST)), 0, 1)
    assert ch01.pca_baseline.check(____, X_TRAIN, X_TEST).status == "not attempted"
    assert ch01.pca_baseline.check(float(((X_TEST - recon) ** 2).mean()), X_TRAIN, X_TEST).correct
    wrong = ch01.pca_baseline.check(0.5, X_TRAIN, X_TEST)
    assert wrong.status == "incorrect" and "test MSE of PCA with 8 components should be" in wrong.message
    assert "should be a number" in ch01.pca_baseline.check("0.08", X_TRAIN, X_TEST).message
