"""Chapter 3's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and the published solutions run and pass."""

import math

import keras
import numpy as np
import pytest

from aecourse.exercises import ____, ch03
from aecourse.shapes import conv_output_size, conv_transpose_output_size, pool_output_size
from exercise_support import incorrect




def run_solution(exercise, **names):
    scope = {"np": np, "keras": keras, "conv_transpose_output_size": conv_transpose_output_size, **names}
    exec(exercise.solution_code, scope)
    return scope


# ---------------------------------------------------------- 3.1 output size


def valid(n, k, s):
    return (n - k) // s + 1


RIGHT_OUT_SIZE = [
    lambda n, k, s, p: valid(n, k, s) if p == "valid" else math.ceil(n / s),
    lambda n, k, s, p: math.ceil((n - k + 1) / s) if p == "valid" else -(-n // s),   # TensorFlow's docs
    lambda n, k, s, p: int(np.floor((n - k) / s)) + 1 if p == "valid" else np.ceil(n / s),  # NumPy floats
    lambda n, k, s, p: (n - k) // s + 1 if p != "same" else (n - 1) // s + 1,
    # the package's own functions, for convolution and pooling alike
    lambda n, k, s, p: conv_output_size(n, kernel_size=k, strides=s, padding=p),
    lambda n, k, s, p: pool_output_size(n, pool_size=k, strides=s, padding=p),
]


@pytest.mark.parametrize("func", RIGHT_OUT_SIZE)
def test_output_size_accepts_right_answers(func):
    assert ch03.output_size.check(func).correct


def test_output_size_accepts_keras_itself():
    def keras_out_size(n, kernel, stride, padding):
        layer = keras.layers.MaxPooling2D(kernel, strides=stride, padding=padding)
        return layer.compute_output_shape((1, n, n, 1))[1]

    assert ch03.output_size.check(keras_out_size).correct


def same_ok(n, k, s):
    return math.ceil(n / s)


@pytest.mark.parametrize("same, fragment", [
    (lambda n, k, s: (n + 2 * (k // 2) - k) // s + 1, "padding k // 2 on each side"),   # right for odd kernels
    (lambda n, k, s: round(n / s), "round() goes to the nearest"),
    (lambda n, k, s: n // s, "'same' rounds up, not down"),
    (lambda n, k, s: (n + 2 * ((k - 1) // 2) - k) // s + 1, "(k - 1) // 2 pixels on each side"),
    (lambda n, k, s: n // s + 1, "one too many when the stride divides n"),
    (lambda n, k, s: n, "keeps the size only at stride 1"),
    (lambda n, k, s: valid(n, k, s), "you used the 'valid' formula for 'same' too"),
    (lambda n, k, s: int(n / s + 0.5), "expected"),          # rounding half up: still wrong on 7 / 3
])
def test_output_size_rejects_wrong_same(same, fragment):
    incorrect(ch03.output_size.check(lambda n, k, s, p: valid(n, k, s) if p == "valid" else same(n, k, s)), fragment)


@pytest.mark.parametrize("valid_formula, fragment", [
    (lambda n, k, s: (n - k) // s, "the +1 is missing"),
    (lambda n, k, s: (n - k + 1) // s, "right only at stride 1"),
    (lambda n, k, s: math.ceil((n - k) / s) + 1, "'valid' rounds down, not up"),
    (lambda n, k, s: (n - s) // k + 1, "kernel and stride look swapped"),
    (lambda n, k, s: n // s, "special case of 2 x 2 pooling"),
    (lambda n, k, s: n - k + 1, "the stride is missing"),
    (lambda n, k, s: math.ceil(n / s), "that is the 'same' size"),
    (lambda n, k, s: (n - k) / s + 1, "not a whole number"),          # true division
])
def test_output_size_rejects_wrong_valid(valid_formula, fragment):
    incorrect(ch03.output_size.check(lambda n, k, s, p: valid_formula(n, k, s) if p == "valid" else same_ok(n, k, s)),
              fragment)


def test_the_wrong_same_formulas_agree_with_the_right_one_on_easy_cases():
    """The cases must include the ones that tell them apart: the easy ones do not."""
    easy = [(28, 3, 1), (28, 3, 2), (27, 3, 2), (7, 3, 1)]
    for n, k, s in easy:
        assert (n + 2 * (k // 2) - k) // s + 1 == math.ceil(n / s)
    assert round(28 / 2) == math.ceil(28 / 2) and round(7 / 2) == math.ceil(7 / 2)


def test_output_size_cases_cover_the_awkward_ones():
    cases = ch03._OUTPUT_SIZE_CASES
    assert {p for *_, p in cases} == {"valid", "same"}
    for padding in ("valid", "same"):
        kernels = {k for n, k, s, p in cases if p == padding}
        assert any(k % 2 == 0 for k in kernels) and any(k % 2 == 1 for k in kernels)
        assert any(n % s for n, k, s, p in cases if p == padding)           # strides that do not divide n
        assert any(k == s for n, k, s, p in cases if p == padding)          # pooling
        assert any(k != s for n, k, s, p in cases if p == padding)          # convolution
    for n, k, s, p in cases:                                                # the reference agrees with Keras
        layer = keras.layers.Conv2D(1, k, strides=s, padding=p)
        assert layer.compute_output_shape((1, n, n, 1))[1] == ch03._size(n, k, s, p)


@pytest.mark.parametrize("answer, fragment", [
    ("out_size", "not the text 'out_size'"),
    (26, "pass your function out_size itself (without calling it), not the number 26"),
    (lambda n, k, s: 1, "it should take four, (n, kernel, stride, padding)"),
    (lambda n, k, s, p: float("nan"), "returned nan"),
    (lambda n, k, s, p: math.inf, "returned inf"),
    (lambda n, k, s, p: "26", "returned '26' (a str)"),
    (lambda n, k, s, p: [26], "it should return a whole number"),
    (lambda n, k, s, p: None, "did you forget `return`"),
    (lambda n, k, s, p: 1 // 0, "raised ZeroDivisionError"),
])
def test_output_size_odd_answers(answer, fragment):
    incorrect(ch03.output_size.check(answer), fragment)


def test_output_size_blank_and_extra_argument():
    assert ch03.output_size.check(____).status == "not attempted"
    assert ch03.output_size.check(lambda n, k, s, p: ____).status == "not attempted"
    extra = ch03.output_size.check(RIGHT_OUT_SIZE[0], 3)
    incorrect(extra, "this check is called as check(out_size); you passed 2 value(s)")


def test_output_size_solution():
    scope = run_solution(ch03.output_size)
    assert ch03.output_size.check(scope["out_size"]).correct
    assert [scope["out_size"](*c) for c in [(7, 2, 2, "valid"), (7, 2, 2, "same"), (28, 2, 2, "same"),
                                           (7, 3, 3, "same")]] == [3, 4, 14, 3]   # the numbers the answer cites
    assert "round() would give 2" in ch03.output_size.answer


# ------------------------------------------------------------ 3.2 every way to 7


RIGHT_WAYS = [(2, "valid", 1), (3, "valid", None), (3, "valid", 0)]


def package_ways():
    ways = []
    for k in range(1, 7):
        for padding in ("valid", "same"):
            for a in (None, 0, 1):
                try:
                    if conv_transpose_output_size(3, k, strides=2, padding=padding, output_padding=a) == 7:
                        ways.append((k, padding, a))
                except ValueError:
                    pass
    return ways


def keras_ways():
    ways = []
    for k in range(1, 7):
        for padding in ("valid", "same"):
            for a in (None, 0, 1):
                try:
                    layer = keras.layers.Conv2DTranspose(1, k, strides=2, padding=padding, output_padding=a)
                    if layer.compute_output_shape((1, 3, 3, 1))[1] == 7:
                        ways.append((k, padding, a))
                except ValueError:
                    pass
    return ways


@pytest.mark.parametrize("ways", [
    RIGHT_WAYS, list(reversed(RIGHT_WAYS)), tuple(RIGHT_WAYS), set(RIGHT_WAYS), RIGHT_WAYS + RIGHT_WAYS[:1],
    [[3, "valid", None], [3, "valid", 0], [2, "valid", 1]], [(np.int64(3), "valid", None), (3.0, "valid", 0.0),
                                                             (2, "valid", np.int64(1))],
    (w for w in RIGHT_WAYS),
])
def test_every_way_accepts_right_answers(ways):
    assert ch03.every_way_to_7.check(ways).correct


def test_every_way_reference_agrees_with_keras_and_the_package():
    assert set(keras_ways()) == set(package_ways()) == ch03._ways() == set(RIGHT_WAYS)


@pytest.mark.parametrize("ways, fragment", [
    (RIGHT_WAYS[:2], "None and output_padding=0 are two different settings"),
    ([(3, "valid", None), (3, "valid", 0)], "a kernel of 2 gets there too"),
    ([(3, "valid", None)], "2 of the 3 ways are missing"),
    (RIGHT_WAYS + [(3, "same", 1)], "(3, 'same', 1) gives 6"),
    (RIGHT_WAYS + [(4, "valid", None)], "(4, 'valid', None) gives 8"),
    ([(5, "valid", None), (5, "valid", 0)], "these give 7 at stride 1"),
    ([(3, "valid", 2)], "Keras requires output_padding < strides"),
    ([(3, "Valid", None)], "in lower case"),
    ([(3, "full", None)], "padding is 'valid' or 'same'"),
    ([(3, "valid", "None")], "not the text 'None'"),
    ([(3, "valid")], "triple"),
    ([3, "valid", None], "even for one way"),
    ([(float("nan"), "valid", None)], "kernel_size should be one whole number"),
    ([((3, 3), "valid", None)], "kernel_size should be one whole number"),
    ([(2.5, "valid", None)], "kernel_size should be one whole number"),
    ("3 valid None", "you gave the text '3 valid None'"),
    (7, "you gave the number 7"),
    ({"kernel_size": 3}, "you gave a dict"),
])
def test_every_way_rejects_wrong_answers(ways, fragment):
    incorrect(ch03.every_way_to_7.check(ways), fragment)


def test_every_way_blank_extra_argument_and_solution():
    assert ch03.every_way_to_7.check(____).status == "not attempted"
    incorrect(ch03.every_way_to_7.check(RIGHT_WAYS, 7), "check(ways); you passed 2 value(s)")
    scope = run_solution(ch03.every_way_to_7)
    assert sorted(scope["ways"], key=str) == sorted(RIGHT_WAYS, key=str)
    assert ch03.every_way_to_7.check(scope["ways"]).correct


# ---------------------------------------------------------- 3.3 reshape size


@pytest.mark.parametrize("units", [6272, np.int64(6272), 7 * 7 * 128, 6272.0, np.array(6272)])
def test_reshape_accepts_right_answers(units):
    assert ch03.reshape_size.check(units).correct


@pytest.mark.parametrize("units, fragment", [
    (1152, "1152 = 3 x 3 x 128 is what fails"),
    (49, "counts the positions only"),
    (7 + 7 + 128, "not its sum"),
    (7 * 7 * 64, "not 64"),
    (784, "the image's pixel count"),
    (1152 * 6272 + 6272, "parameter count"),
    (6000, "Dense(6000) outputs 6,000 values"),
    (6272.5, "whole number of units"),
    ((7, 7, 128), "not a shape such as (7, 7, 128)"),
    ([6272], "not a shape"),
    ("6272", "not the text '6272'"),
    (float("nan"), "finite whole number"),
    (math.inf, "finite whole number"),
    (None, "your answer is None"),
    (True, "whole number"),
])
def test_reshape_rejects_wrong_answers(units, fragment):
    incorrect(ch03.reshape_size.check(units), fragment)


def test_reshape_blank_extra_argument_and_solution():
    assert ch03.reshape_size.check(____).status == "not attempted"
    incorrect(ch03.reshape_size.check(6272, 1152), "check(units); you passed 2 value(s)")
    scope = run_solution(ch03.reshape_size)
    assert ch03.reshape_size.check(scope["units"]).correct
    assert keras.layers.Reshape((7, 7, 128))(np.zeros((1, scope["units"]))).shape == (1, 7, 7, 128)


def test_every_exercise_has_an_answer_and_hints():
    for exercise in (ch03.output_size, ch03.every_way_to_7, ch03.reshape_size):
        assert exercise.answer and exercise.hints and exercise.solution_code


# ----------------------------------------------- the chapter's "going further" answers


def test_going_further_answers_hold():
    from aecourse.models import conv_autoencoder
    from aecourse.shapes import trace_shapes

    # 1. 'same' pooling: 28 -> 14 -> 7 -> 4; 'same' doubles 4 to 8, output_padding=0 lands on 7
    sizes = [28]
    for _ in range(3):
        sizes.append(pool_output_size(sizes[-1], pool_size=2, padding="same"))
    assert sizes == [28, 14, 7, 4]
    assert conv_transpose_output_size(4, 3, strides=2, padding="same") == 8
    assert conv_transpose_output_size(4, 3, strides=2, padding="same", output_padding=0) == 7
    # 2. a fourth block: 28 -> 14 -> 7 -> 3 -> 1, 128 values, 1,290 parameters, 1 -> 3 with 'valid'
    model = conv_autoencoder(filters=(16, 32, 64, 128))
    table = trace_shapes(model)
    assert [table.shape_of(f"encoder_pool_{i}")[0] for i in (1, 2, 3, 4)] == [14, 7, 3, 1]
    assert table["flatten"].values == 128 and table["code"].params == 128 * 10 + 10 == 1290
    decoder = model.get_layer("decoder")
    first, second = decoder.get_layer("decoder_upconv_1"), decoder.get_layer("decoder_upconv_2")
    assert (first.padding, table.shape_of("decoder_upconv_1")[:2]) == ("valid", (3, 3))
    assert (second.padding, table.shape_of("decoder_upconv_2")[:2]) == ("valid", (7, 7))
    assert not any(type(layer).__name__ == "Cropping2D" for layer in decoder.layers)
