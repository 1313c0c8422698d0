"""Tests of aecourse.validation: each validator's result and its message (received, expected, fix)."""

import numpy as np
import pytest

from aecourse import validation as v


def test_message_shows_arrays_by_shape_and_dtype():
    assert v.message("f", "x", "an array", np.zeros((2, 3), np.uint8)) == (
        "f: Expected `x` to be an array. Received: x=array of shape (2, 3) and dtype uint8.")
    assert v.message("f", "x", "a thing", 3, "Fix it.", received="three") == (
        "f: Expected `x` to be a thing. Received: x=three. Fix it.")


def test_check_float_says_nan_in_words():
    with pytest.raises(ValueError, match=r"^f: Expected `a` to be a finite number >= 0\. Received: a=nan\. It is NaN "
                                         r"\(not a number\): check the computation that produced it\. Try 1\.$"):
        v.check_float(float("nan"), "a", where="f", min_value=0, fix="Try 1.")


@pytest.mark.parametrize("value,expected", [(3, (3,)), (np.array([4, 5]), (4, 5)), ([np.int64(2)], (2,)), ((), ())])
def test_check_int_sequence_accepts_numpy(value, expected):
    assert v.check_int_sequence(value, "units", where="f") == expected


@pytest.mark.parametrize("value,error,fix", [
    ("12", TypeError, ""), (np.zeros((2, 2), int), TypeError, "Pass a 1-D array, a tuple or a list."),
    ([1, 2.0], TypeError, "Entry 1 is 2.0, not an integer."), ([3, 0], ValueError, "Entry 1 is 0."),
    ([True], TypeError, "Entry 0 is True, not an integer."),
])
def test_check_int_sequence_says_which_entry(value, error, fix):
    with pytest.raises(error, match=r"^f: Expected `units` to be a sequence of integers >= 1 such as \(128, 64\)\."):
        v.check_int_sequence(value, "units", where="f")
    with pytest.raises(error) as info:
        v.check_int_sequence(value, "units", where="f")
    assert str(info.value).endswith(fix)


def test_check_names_reads_one_string_as_one_name():
    assert v.check_names("val_loss", "metrics", where="f") == ["val_loss"]
    assert v.check_names(np.array(["a", "b"]), "metrics", where="f") == ["a", "b"]
    with pytest.raises(ValueError, match="Leave it as None"):
        v.check_names([], "metrics", where="f")


def test_check_values_costs_one_min_and_one_max_and_hints_at_bytes():
    x = np.array([[0, 128, 255]], np.uint8)
    assert v.check_values(x, "x", where="f") == (0.0, 255.0)
    with pytest.raises(ValueError, match=r"with values from 0 to 255\. These look like 8-bit images"):
        v.check_values(x, "x", where="f", min_value=0, max_value=1, fix="Other.")
    with pytest.raises(ValueError, match=r"with values from 0 to 2\.5\. Other\.$"):  # not whole numbers: no bytes hint
        v.check_values(np.array([0.0, 2.5]), "x", where="f", min_value=0, max_value=1, fix="Other.")
    with pytest.raises(ValueError, match=r"Received: x=3\.0\. Other\.$"):  # one value is shown as itself
        v.check_values(np.array([3.0]), "x", where="f", min_value=0, max_value=1, fix="Other.", images=False)
    for empty in (np.zeros((3, 0)), np.zeros((0,)), np.zeros((2, 0, 4), np.uint8)):  # no value: the caller's error
        with pytest.raises(ValueError, match=r"^f: Expected `x` to be an array holding at least one value. "
                                             r"Received: x=array of shape \([\d, ]+\)"):
            v.check_values(empty, "x", where="f")


def test_check_same_scale_only_for_integer_images_next_to_unit_data():
    x8 = np.array([[0, 200]], np.uint8)
    with pytest.raises(ValueError, match=r"^f: Expected `a` to be values on the scale of b \(in \[0, 1\]\)"):
        v.check_same_scale(x8, (0.0, 200.0), x8 / 255, (0.0, 0.79), ("a", "b"), where="f")
    v.check_same_scale(x8.astype(float), (0.0, 200.0), x8 / 255, (0.0, 0.79), ("a", "b"), where="f")  # floats pass


def test_check_array_refuses_complex_and_values_too_large_for_float32():
    with pytest.raises(TypeError, match=r"Expected `x` to be an array of real numbers.*Take the real part"):
        v.check_array(np.array([1j]), "x", where="f")
    with pytest.raises(ValueError, match=r"Expected `x` to be numbers that fit in float32 \(at most 3\.4e\+38 in size\)"):
        v.check_array(np.array([1e300]), "x", where="f")


def test_check_loss():
    assert v.check_loss(["mse", {"a": "bce"}], where="f") == ["mse", {"a": "bce"}]
    with pytest.raises(ValueError, match=r"Received: loss='bogus'\. Recompile\.$"):
        v.check_loss({"out": "bogus"}, where="f", fix="Recompile.")
    with pytest.raises(TypeError):
        v.check_loss(None, where="f")


def test_value_range_and_one_image():
    assert v.value_range(np.array([True, False])) == (0.0, 1.0)
    with pytest.raises(TypeError, match="^value_range: Expected `array` to be a non-empty NumPy array"):
        v.value_range([1, 2])
    assert v.check_one_image_or_batch(np.zeros((28, 28, 3)), "x", where="f").shape == (1, 28, 28, 3)
    assert v.check_one_image_or_batch(np.zeros((2, 2, 1)), "x", where="f").shape == (2, 2, 1)  # 2 x 2: too small
