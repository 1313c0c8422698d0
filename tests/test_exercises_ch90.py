"""The appendix's exercise checkers: right answers written several ways pass (by hand, with
the package's own functions, with NumPy), the plausible wrong answers fail with the message
that explains them, odd input gets a message in the learner's terms, and the published
solutions run and answer their question.

Test inputs include the awkward cases: a first layer (no input gradient), a strided 'valid'
convolution whose output is smaller than its input, a validation loss exactly at the target,
a curve that dips below the target and comes back, a run that never gets there.
"""

import doctest
import math

import numpy as np
import pytest

import aecourse.exercises.ch90
from aecourse.bench.runs import time_to_target
from aecourse.exercises import ____, ch90
from exercise_support import incorrect

EXERCISES = (ch90.training_flops, ch90.fraction_of_peak, ch90.first_epoch_at_target, ch90.time_ratio)


def tiny_model():
    """The model of exercise 90.1, built as the chapter builds it."""
    import keras

    return keras.Sequential([keras.Input((10, 10, 3)),
                             keras.layers.Conv2D(8, 3, strides=2, padding="valid", name="conv"),
                             keras.layers.Flatten(name="flatten"),
                             keras.layers.Dense(5, name="code")], name="tiny")


def stored_like():
    """Two small results dicts with the fields the solutions read, as load_results returns them."""
    def results(article_val, article_times, course_val, course_times, flops, throughput):
        target = article_val[-1]
        a_time = time_to_target(article_val, article_times, target)[1]
        c_time = time_to_target(course_val, course_times, target)[1]
        epoch = time_to_target(article_val, article_times, target)[0]
        return {"target": target, "ratio": None if c_time is None else c_time / a_time,
                "article": {"val_loss": article_val, "times": article_times, "reached_epoch": epoch},
                "course": {"val_loss": course_val, "times": course_times, "throughput": throughput},
                "model": {"flops_per_example": {"training": flops}}}

    dense = results([0.31, 0.29, 0.2738, 0.2741, 0.2738], [2.0, 3.5, 5.0, 6.5, 8.0],
                    [0.30, 0.2737, 0.27], [0.6, 0.9, 1.2], 1_126_400,
                    {"examples_per_second": 97_081.0, "peak_gflops": 144.2, "fraction_of_peak": 0.7583})
    conv = results([0.30, 0.28, 0.2701], [20.0, 40.0, 60.0], [0.29, 0.275], [10.0, 20.0], 54_132_480,
                   {"examples_per_second": 2_000.0, "peak_gflops": 300.0, "fraction_of_peak": 0.3609})
    return dense, conv


def model_flops(model):
    from aecourse.flops import model_flops as count

    return count(model)


def run_solution(exercise):
    dense, conv = stored_like()
    scope = {"np": np, "model_flops": model_flops, "time_to_target": time_to_target, "dense": dense,
             "conv": conv}
    if exercise is ch90.training_flops:  # the only solution that needs the chapter's Keras model
        scope["tiny"] = tiny_model()
    exec(exercise.solution_code, scope)
    return scope


def test_module_examples():
    assert doctest.testmod(aecourse.exercises.ch90).failed == 0


def test_every_exercise_answers_its_question():
    for exercise in EXERCISES:
        assert exercise.answer and len(exercise.hints) >= 2 and exercise.solution_code
        assert "Answer:" in str(exercise.solution())
        assert all(len(line) <= 90 for line in exercise.solution_code.splitlines())
        assert exercise.check(____).status == "not attempted"


# ------------------------------------------------------- 90.1 training FLOPs


def test_training_flops_reference_agrees_with_the_package():
    counts = model_flops(tiny_model())
    assert ch90._tiny_expected() == counts.training == 17_664
    assert [row.forward for row in counts.layers] == [ch90._tiny_counts()["conv"], ch90._tiny_counts()["dense"]]
    assert ch90._tiny_counts()["params"] == tiny_model().count_params()


def test_the_wrong_counts_are_all_different():
    values = [v for v, _ in ch90._tiny_wrong()] + [ch90._tiny_expected()]
    assert len(set(values)) == len(values)


@pytest.mark.parametrize("flops", [17_664, 17_664.0, np.int64(17_664), np.array(17_664), np.float32(17_664),
                                   2 * 6912 + 3 * 1280, lambda: None])
def test_training_flops_accepts_right_answers(flops):
    if callable(flops):
        flops = model_flops(tiny_model()).training
    assert ch90.training_flops.check(flops).correct


@pytest.mark.parametrize("flops, fragment", [
    (8192, "is the forward pass alone"),
    (24_576, "counts the gradient of the first layer's input too"),
    (16_384, "counts one backward product per layer"),
    (8832, "counts multiply-adds"),
    (4096, "forward multiply-adds only"),
    (90_240, "at its 10 x 10 input positions"),
    (13_824, "leaves out the Dense layer"),
    (3840, "leaves out the convolution"),
    (5214, "'6 x parameters' rule of thumb"),
    (1738, "2 FLOPs per parameter"),
    (17_664 * 256, "for a batch of 256"),
    (17_000, "17,000 is not the count"),
    (17_664.5, "a FLOP count is a whole number"),
    ("17664", "not the text '17664'"),
    ([13_824, 3840], "you gave 2 values. Add them up"),
    (float("nan"), "a finite number, not nan"),
    (math.inf, "a finite number, not inf"),
    (None, "your count is None"),
    (True, "a yes/no answer"),
    ({"conv": 13_824}, "not an object of type dict"),
])
def test_training_flops_rejects_wrong_answers(flops, fragment):
    incorrect(ch90.training_flops.check(flops), fragment)


def test_training_flops_extra_argument_and_solution():
    incorrect(ch90.training_flops.check(17_664, 1), "check(flops); you passed 2 value(s)")
    scope = run_solution(ch90.training_flops)
    assert scope["flops"] == 17_664 and ch90.training_flops.check(scope["flops"]).correct
    assert "17,664" in ch90.training_flops.answer


# --------------------------------------------------- 90.2 the fraction of the peak


def right_fraction(examples_per_second, flops_per_example, peak_gflops):
    return examples_per_second * flops_per_example / (peak_gflops * 1e9)


@pytest.mark.parametrize("func", [
    right_fraction,
    lambda x, f, p: x * f / 1e9 / p,                           # GFLOP/s first
    lambda x, f, p: (x * f) / (p * 10 ** 9),
    lambda x, f, p: np.float32(x) * np.float32(f) / np.float32(p * 1e9),   # float32 rounding
    lambda x, f, p: np.array(x * f / (p * 1e9)),               # a 0-d array
    lambda x, f, p: 1 / (p * 1e9 / (x * f)),
])
def test_fraction_accepts_right_answers(func):
    assert ch90.fraction_of_peak.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda x, f, p: x * f / p, "the units do not match"),
    (lambda x, f, p: p * 1e9 / (x * f), "upside down"),
    (lambda x, f, p: 100 * x * f / (p * 1e9), "that is a percentage"),
    (lambda x, f, p: x * f / (p * 1e6), "not 10^6"),
    (lambda x, f, p: x * f / (p * 1e12), "not 10^12"),
    (lambda x, f, p: x / f / p * 1e9, "they do not divide them"),
    (lambda x, f, p: x * f / 3 / (p * 1e9), "do not divide them by 3"),
    (lambda x, f, p: 3 * x * f / (p * 1e9), "do not multiply them by 3"),
    (lambda x, f, p: x * f / 256 / (p * 1e9), "the batch size plays no part"),
    (lambda x, f, p: 256 * x * f / (p * 1e9), "do not multiply by the batch size"),
    (lambda x, f, p: min(1.0, x * f / (p * 1e9)), "returned 1, expected 2.002"),  # capped at 1
    (lambda x, f, p: round(x * f / (p * 1e9), 2), "expected"),
    (lambda x, f, p: "0.5", "not the text '0.5'"),
    (lambda x, f, p: [x * f / (p * 1e9)] * 2, "you gave 2 values"),
    (lambda x, f, p: float("nan"), "a finite number, not nan"),
    (lambda x, f, p: None, "did you forget `return`"),
    (lambda x, f, p: 1 / 0, "raised ZeroDivisionError"),
    (lambda x, f: x, "should take 3 arguments"),
    (0.36, "pass your function fraction_of_peak itself"),
])
def test_fraction_rejects_wrong_answers(func, fragment):
    incorrect(ch90.fraction_of_peak.check(func), fragment)


def test_fraction_cases_tell_the_variants_apart():
    expected = [right_fraction(*c) for c in ch90._PEAK_CASES]
    assert any(e > 1 for e in expected) and any(e < 0.01 for e in expected)
    for variant, _ in ch90._PEAK_VARIANTS:
        assert not all(math.isclose(variant(*c), e, rel_tol=1e-6) for c, e in zip(ch90._PEAK_CASES, expected))


def test_fraction_extra_argument_and_solution(capsys):
    incorrect(ch90.fraction_of_peak.check(right_fraction, 2), "check(fraction_of_peak); you passed 2 value(s)")
    scope = run_solution(ch90.fraction_of_peak)
    assert ch90.fraction_of_peak.check(scope["fraction_of_peak"]).correct
    printed = capsys.readouterr().out.split()
    assert printed[0] == "0.36" and printed[-1] == "0.36)"     # recomputed beside the stored fraction


# --------------------------------------------- 90.3 the first epoch at the target


def loop_version(val_loss, target):
    for epoch, loss in enumerate(val_loss, 1):
        if loss <= target:
            return epoch
    return None


@pytest.mark.parametrize("func", [
    loop_version,
    lambda v, t: time_to_target(v, list(range(len(v))), t)[0],                # the package's own
    lambda v, t: next((i + 1 for i, x in enumerate(v) if x <= t), None),
    lambda v, t: int(np.argmax(np.asarray(v) <= t)) + 1 if np.any(np.asarray(v) <= t) else None,
    lambda v, t: np.int64(np.flatnonzero(np.asarray(v) <= t)[0] + 1) if min(v) <= t else None,
    lambda v, t: float(loop_version(v, t)) if loop_version(v, t) else None,   # 3.0 is epoch 3
])
def test_first_epoch_accepts_right_answers(func):
    assert ch90.first_epoch_at_target.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda v, t: next((i for i, x in enumerate(v, 1) if x < t), None), "at or below it (<=), not strictly below"),
    (lambda v, t: next((i for i, x in enumerate(v) if x <= t), None), "counted from 1"),
    (lambda v, t: ([i for i, x in enumerate(v, 1) if x <= t] or [None])[-1], "the *last* epoch"),
    (ch90._stays, "stays at or below the target"),
    (lambda v, t: int(np.argmin(v)) + 1, "the epoch of the lowest validation loss"),
    (lambda v, t: sum(x <= t for x in v), "counts the epochs"),
    (lambda v, t: loop_version(v, t) or 0, "return None then"),
    (lambda v, t: loop_version(v, t) or -1, "return None then"),
    (lambda v, t: loop_version(v, t) or len(v), "return None then"),
    (lambda v, t: loop_version(v, t) or float("nan"), "returned nan"),
    (lambda v, t: min(v) <= t, "returned True"),
    (lambda v, t: str(loop_version(v, t)), "not the text"),
    (lambda v, t: 2.5, "an epoch is a whole number"),
    (lambda v, t: [1], "not an object of type list"),
    (lambda v, t: v.index(t) + 1, "raised ValueError"),
    (lambda v: 1, "should take 2 arguments, (val_loss, target)"),
    ("first_epoch_at_target", "pass your function first_epoch_at_target itself"),
])
def test_first_epoch_rejects_wrong_answers(func, fragment):
    incorrect(ch90.first_epoch_at_target.check(func), fragment)


def test_first_epoch_cases_tell_the_variants_apart():
    expected = [loop_version(*c) for c in ch90._EPOCH_CASES]
    assert None in expected and 1 in expected
    assert any(c[1] in c[0] for c in ch90._EPOCH_CASES)                      # a loss exactly at the target
    assert any(c[0][-1] == c[1] and min(c[0][:-1]) > c[1] for c in ch90._EPOCH_CASES)   # the article's own run
    for variant, _ in ch90._EPOCH_VARIANTS:
        assert [variant(*c) for c in ch90._EPOCH_CASES] != expected


def test_first_epoch_does_not_let_the_learner_change_the_cases():
    def spoils(val_loss, target):
        val_loss.clear()
        return None
    incorrect(ch90.first_epoch_at_target.check(spoils), "returned None")
    assert all(c[0] for c in ch90._EPOCH_CASES)


def test_first_epoch_extra_argument_and_solution(capsys):
    incorrect(ch90.first_epoch_at_target.check(loop_version, 1), "you passed 2 value(s)")
    scope = run_solution(ch90.first_epoch_at_target)
    assert ch90.first_epoch_at_target.check(scope["first_epoch_at_target"]).correct
    assert capsys.readouterr().out.split() == ["3", "3"]   # the stored article curve reaches its own target early


# ----------------------------------------------------- 90.4 the ratio of the times


def package_ratio(article, course):
    target = article["val_loss"][-1]
    _, a = time_to_target(article["val_loss"], article["times"], target)
    _, c = time_to_target(course["val_loss"], course["times"], target)
    return None if c is None else c / a


def numpy_ratio(article, course):
    target = article["val_loss"][-1]
    times = []
    for run in (article, course):
        hits = np.flatnonzero(np.asarray(run["val_loss"]) <= target)
        times.append(np.asarray(run["times"])[hits[0]] if hits.size else None)
    return None if times[1] is None else np.float64(times[1] / times[0])


@pytest.mark.parametrize("func", [package_ratio, numpy_ratio,
                                  lambda a, c: None if package_ratio(a, c) is None else np.array(package_ratio(a, c))])
def test_ratio_accepts_right_answers(func):
    assert ch90.time_ratio.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda a, c: package_ratio({**a, "val_loss": a["val_loss"] + [min(a["val_loss"])],
                                 "times": a["times"] + [a["times"][-1]]}, c), "not its lowest one"),
    (lambda a, c: None if package_ratio(a, c) is None else
     time_to_target(c["val_loss"], c["times"], a["val_loss"][-1])[1] / a["times"][-1], "can come before its last"),
    (lambda a, c: None if package_ratio(a, c) is None else 1 / package_ratio(a, c), "upside down"),
    (lambda a, c: None if package_ratio(a, c) is None else
     time_to_target(c["val_loss"], c["times"], a["val_loss"][-1])[0]
     / time_to_target(a["val_loss"], a["times"], a["val_loss"][-1])[0], "the ratio of epochs"),
    (lambda a, c: c["times"][-1] / time_to_target(a["val_loss"], a["times"], a["val_loss"][-1])[1],
     "uses the course run's last time"),
    (lambda a, c: c["times"][-1] / a["times"][-1], "divides the runs' total times"),
    (lambda a, c: package_ratio(a, c) or 0.0, "expected None"),
    (lambda a, c: package_ratio(a, c) or float("nan"), "returned nan"),
    (lambda a, c: package_ratio(a, c) or math.inf, "returned inf"),
    (lambda a, c: package_ratio(a, c) is not None, "returned True"),
    (lambda a, c: "0.25", "not the text"),
    (lambda a, c: a["seconds"], "raised KeyError"),
    (lambda a: 1, "should take 2 arguments, (article, course)"),
    (0.065, "pass your function time_ratio itself"),
])
def test_ratio_rejects_wrong_answers(func, fragment):
    incorrect(ch90.time_ratio.check(func), fragment)


def test_ratio_strict_comparison_is_named():
    def strict(article, course):
        target = article["val_loss"][-1]
        times = [next((t for v, t in zip(run["val_loss"], run["times"]) if v < target), None)
                 for run in (article, course)]
        return None if None in times else times[1] / times[0]
    incorrect(ch90.time_ratio.check(strict), "(<=, not <)")


def test_ratio_cases_tell_the_variants_apart():
    expected = [ch90._ratio(*c) for c in ch90._RATIO_CASES]
    assert None in expected
    variants = [ch90._ratio_variants(*c) for c in ch90._RATIO_CASES]
    for j in range(len(variants[0])):
        column = [v[j][0] for v in variants]
        assert not all(ch90._same(a, b) for a, b in zip(column, expected)), variants[0][j][1]
        for k in range(j):
            assert not all(ch90._same(v[j][0], v[k][0]) for v in variants), (j, k)


def test_ratio_extra_argument_and_solution(capsys):
    incorrect(ch90.time_ratio.check(package_ratio, 1), "check(time_ratio); you passed 2 value(s)")
    scope = run_solution(ch90.time_ratio)
    assert ch90.time_ratio.check(scope["time_ratio"]).correct
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] == line.split()[2] for line in lines] == [True, True]   # recomputed = stored
