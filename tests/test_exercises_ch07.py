"""Chapter 7's exercise checkers: right answers written several ways pass (NumPy, scikit-learn,
SciPy, the package itself), the plausible wrong answers fail with the message that explains
them, odd input gets a message in the learner's terms, and the solutions answer their question.

Test inputs include awkward sizes: sample sizes that are not multiples of 1/rate, ties, one or
three scores.
"""

import doctest
import math

import numpy as np
import pytest
from scipy.linalg import subspace_angles
from scipy.stats import mannwhitneyu, rankdata
from sklearn.metrics import roc_auc_score

import aecourse.exercises.ch07
from aecourse.anomaly import choose_threshold, precision_at_prevalence, roc_auc
from aecourse.exercises import ____, ch07


def incorrect(result, *fragments):
    assert result.status == "incorrect", result
    for fragment in fragments:
        assert fragment in result.message, result.message


def test_module_examples():
    assert doctest.testmod(aecourse.exercises.ch07).failed == 0


def test_every_exercise_answers_its_question():
    for exercise in (ch07.threshold_function, ch07.auc_function, ch07.largest_angle, ch07.base_rate):
        assert exercise.answer and len(exercise.hints) >= 2 and exercise.solution_code
        assert "Answer:" in str(exercise.solution())
        assert all(len(line) <= 90 for line in exercise.solution_code.splitlines())


# ------------------------------------------------------- 7.1 threshold at an FPR


def sort_and_count(scores, max_fpr):
    ordered = np.sort(scores)
    k = int(np.floor(max_fpr * len(ordered)))
    return ordered[len(ordered) - 1 - k]


def kth_from_top(scores, count):
    ordered = np.sort(scores)
    return ordered[min(max(len(ordered) - 1 - count, 0), len(ordered) - 1)]


@pytest.mark.parametrize("func", [
    sort_and_count,
    lambda s, f: np.quantile(s, 1 - f, method="inverted_cdf"),
    lambda s, f: choose_threshold(s, max_fpr=f).threshold,
    lambda s, f: np.partition(s, len(s) - 1 - int(f * len(s)))[len(s) - 1 - int(f * len(s))],
    lambda s, f: np.asarray(sort_and_count(s, f)),  # a 0-d array
    lambda s, f: float(sorted(s.tolist())[len(s) - 1 - math.floor(f * len(s))]),  # plain Python
], ids=["sort", "inverted_cdf", "choose_threshold", "partition", "0-d array", "python"])
def test_threshold_accepts_right_answers(func):
    assert ch07.threshold_function.check(func).correct


def test_threshold_accepts_any_value_with_the_same_flags():
    def midway(scores, max_fpr):  # between the (k+1)-th and the k-th highest: the same images flagged
        ordered, k = np.sort(scores), int(np.floor(max_fpr * len(scores)))
        low = ordered[len(ordered) - 1 - k]
        return low if k == 0 else (low + ordered[len(ordered) - k]) / 2

    assert ch07.threshold_function.check(midway).correct


@pytest.mark.parametrize("func, fragments", [
    (lambda s, f: np.quantile(s, 1 - f), ["411 scores", "at most 20 may be flagged (4.87%)", "flags 21 (5.11%)",
                                          "np.quantile interpolates"]),
    (lambda s, f: np.percentile(s, 100 * (1 - f)), ["flags 21 (5.11%)", "interpolates"]),
    (lambda s, f: np.quantile(s, f), ["max_fpr quantile", "1 - max_fpr of them"]),
    (lambda s, f: np.quantile(s, 1 - f, method="lower"), ["One score too many", "method='lower'"]),
    (lambda s, f: np.quantile(s, 1 - f, method="nearest"), ["One score too many"]),
    (lambda s, f: kth_from_top(s, math.ceil(f * len(s))), ["One score too many", "rounding max_fpr * n up"]),
    (lambda s, f: kth_from_top(s, round(f * len(s))), ["One score too many"]),
    (lambda s, f: np.sort(s)[len(s) - int(f * len(s))] if int(f * len(s)) else np.max(s),
     ["One score fewer than allowed", "the k-th highest score itself"]),
    (lambda s, f: np.quantile(s, 1 - f, method="higher"), ["One score fewer", "method='higher'"]),
    (lambda s, f: kth_from_top(s, math.floor(f * (len(s) - 1))), ["One score fewer", "n - 1 scores"]),
    (lambda s, f: np.max(s), ["highest normal score: it flags none"]),
    (lambda s, f: np.mean(s) + 2 * np.std(s), ["mean + 2 standard deviations"]),
    (lambda s, f: np.unique(s)[len(np.unique(s)) - 1 - int(f * len(np.unique(s)))], ["ties", "at most"]),
], ids=["quantile", "percentile", "quantile of max_fpr", "lower", "nearest", "ceil", "round", "k-th itself",
        "higher", "n - 1", "max", "gaussian", "unique scores"])
def test_threshold_rejects_wrong_answers(func, fragments):
    result = ch07.threshold_function.check(func)
    assert result.status == "incorrect", result
    text = result.message
    for fragment in fragments:
        if fragment == "ties":  # the distinct-score answer fails where ties sit at the cut
            assert "scores and max_fpr=" in text
            continue
        assert fragment in text, text


def test_the_old_solution_fails_on_the_chapters_size():
    """np.quantile(scores, 1 - max_fpr) passed the old checker (sizes 100, 400, 20 only)."""
    scores = np.random.default_rng(0).random(411)
    assert np.sum(scores > np.quantile(scores, 0.95)) == 21 > math.floor(0.05 * 411)
    failures = sum(np.mean(s > np.quantile(s, 0.95)) > 0.05
                   for s in (np.random.default_rng(n).random(n) for n in range(20, 1001)))
    assert failures > 490  # most sizes from 20 to 1000
    incorrect(ch07.threshold_function.check(lambda s, f: float(np.quantile(s, 1 - f))), "flags 21")


@pytest.mark.parametrize("func, fragment", [
    (lambda s, f: float("nan"), "returned nan; it should return a finite number"),
    (lambda s, f: float("inf"), "returned inf"),
    (lambda s, f: "0.05", "not the text '0.05'"),
    (lambda s, f: s > np.quantile(s, 1 - f), "it returned 411 numbers (shape (411,))"),
    (lambda s, f: [0.1, 0.2], "it returned 2 numbers"),
    (lambda s, f: None, "did you forget `return`"),
    (lambda s, f: s.bogus, "raised AttributeError"),
    (lambda s, f, extra: 0.0, "should take 2 arguments, (normal_scores, max_fpr); yours is defined as "
                            "threshold_at_fpr(s, f, extra)"),
    (lambda s: 0.0, "yours is defined as threshold_at_fpr(s)"),
    (0.05, "pass your function threshold_at_fpr itself"),
    (lambda s, f: True, "a yes/no answer"),
])
def test_threshold_bad_answers_get_messages_in_the_learners_terms(func, fragment):
    result = ch07.threshold_function.check(func)
    incorrect(result, fragment)
    assert "_check" not in result.message and "Traceback" not in result.message


def test_threshold_not_attempted_and_extra_argument():
    assert ch07.threshold_function.check(____).status == "not attempted"
    assert ch07.threshold_function.check(lambda s, f: ____).status == "not attempted"
    incorrect(ch07.threshold_function.check(sort_and_count, 0.05), "this check is called as check(func)")


def test_threshold_does_not_trust_a_function_that_sorts_in_place():
    def sorts_in_place(scores, max_fpr):
        scores.sort()
        return sort_and_count(scores, max_fpr)

    assert ch07.threshold_function.check(sorts_in_place).correct
    assert not np.all(np.diff(aecourse.exercises.ch07._THRESHOLD_CASES[0][0]) >= 0)  # its cases stay unsorted


# ------------------------------------------------------------ 7.2 AUC by counting


def counting(labels, scores):
    labels, scores = np.asarray(labels).astype(bool), np.asarray(scores, float)
    pos, neg = scores[labels], scores[~labels]
    return ((pos[:, None] > neg).sum() + 0.5 * (pos[:, None] == neg).sum()) / (len(pos) * len(neg))


def average_ranks(labels, scores):
    labels = np.asarray(labels).astype(bool)
    ranks, n1 = rankdata(scores), labels.sum()
    return (ranks[labels].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(labels) - n1))


def loops(labels, scores):
    pairs = [(a, b) for a, la in zip(scores, labels) if la for b, lb in zip(scores, labels) if not lb]
    return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)


@pytest.mark.parametrize("func", [
    counting, average_ranks, loops, roc_auc_score, roc_auc,
    lambda l, s: mannwhitneyu(np.asarray(s)[np.asarray(l) == 1], np.asarray(s)[np.asarray(l) == 0]).statistic
    / (np.sum(l) * (len(l) - np.sum(l))),
], ids=["counting", "average ranks", "loops", "sklearn roc_auc_score", "aecourse roc_auc", "mann-whitney"])
def test_auc_accepts_right_answers(func):
    assert ch07.auc_function.check(func).correct


def ordinal_ranks(labels, scores):
    labels = np.asarray(labels).astype(bool)
    ranks, n1 = rankdata(scores, method="ordinal"), labels.sum()
    return (ranks[labels].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(labels) - n1))


@pytest.mark.parametrize("func, fragment", [
    (lambda l, s: float((np.asarray(s)[np.asarray(l) == 1][:, None] >= np.asarray(s)[np.asarray(l) == 0]).mean()),
     "you counted ties as wins"),
    (lambda l, s: float((np.asarray(s)[np.asarray(l) == 1][:, None] > np.asarray(s)[np.asarray(l) == 0]).mean()),
     "you counted ties as losses"),
    (lambda l, s: 1 - counting(l, s), "the roles are swapped"),
    (lambda l, s: counting(l, s) * np.sum(l) * (len(l) - np.sum(l)) / len(l) ** 2, "you divided by n**2"),
    (ordinal_ranks, "broke ties in order"),
    (lambda l, s: float(np.mean((np.asarray(s) > np.median(s)) == np.asarray(l).astype(bool))),
     "one threshold (the median)"),
    (lambda l, s: float(np.mean(np.asarray(s)[np.asarray(l) == 1] > 0.5)), "one threshold"),
    (lambda l, s: float(np.mean(np.asarray(s)[np.asarray(l) == 1]) > np.mean(np.asarray(s)[np.asarray(l) == 0])),
     "compared the mean scores"),
    (lambda scores, labels: counting(labels, scores), "Check that the labels come first"),
])
def test_auc_rejects_wrong_answers(func, fragment):
    incorrect(ch07.auc_function.check(func), fragment)


@pytest.mark.parametrize("func, fragment", [
    (lambda l, s: float("nan"), "returned nan"),
    (lambda l, s: "0.75", "not the text '0.75'"),
    (lambda l, s: np.asarray(s), "it returned 4 numbers"),
    (lambda l, s, t: 0.5, "should take 2 arguments, (labels, scores)"),
    (lambda l, s: l.bogus, "raised AttributeError"),
])
def test_auc_bad_answers(func, fragment):
    incorrect(ch07.auc_function.check(func), fragment)
    assert ch07.auc_function.check(____).status == "not attempted"


# ---------------------------------------------------------- 7.3 largest angle


@pytest.fixture(scope="module")
def bases():
    rng = np.random.default_rng(0)
    components = np.linalg.qr(rng.normal(size=(784, 16)))[0].T
    decoder = components + 0.05 * rng.normal(size=(16, 784))
    return decoder, components


def test_angle_accepts_right_answers(bases):
    w, c = bases
    angles = subspace_angles(w.T, c.T)
    q1, q2 = np.linalg.qr(w.T)[0], np.linalg.qr(c.T)[0]
    by_svd = np.degrees(np.arccos(np.linalg.svd(q1.T @ q2, compute_uv=False).min()))
    for answer in (np.degrees(angles.max()), np.rad2deg(angles).max(), by_svd, float(np.degrees(angles.max()))):
        assert ch07.largest_angle.check(answer, w.T, c.T).correct


def test_angle_rejects_wrong_answers(bases):
    w, c = bases
    a, b = w.T, c.T
    angles = subspace_angles(a, b)
    check = ch07.largest_angle.check
    incorrect(check(angles.max(), a, b), "in radians")
    incorrect(check(np.degrees(angles.min()), a, b), "smallest angle")
    incorrect(check(np.degrees(angles.mean()), a, b), "mean of the principal angles")
    incorrect(check(90 - np.degrees(angles.max()), a, b), "90 degrees minus")
    incorrect(check(np.degrees(subspace_angles(w, c).max()), a, b), "one row per direction")
    unit = a / np.linalg.norm(a, axis=0)
    incorrect(check(np.degrees(np.arccos(np.abs(unit.T @ b).max(axis=1))).max(), a, b), "single directions")
    incorrect(check(np.degrees(angles), a, b), "16 numbers (all the angles?)")
    incorrect(check(float("nan"), a, b), "your answer is nan")
    incorrect(check("5 degrees", a, b), "not the text '5 degrees'")
    incorrect(check(3.0, a[:10], b), "same number of rows")
    incorrect(check(3.0, a, b, 4), "this check is called as check(value, basis_a, basis_b)")
    assert check(____, a, b).status == "not attempted"


# --------------------------------------------------------- 7.4 precision at a base rate


@pytest.mark.parametrize("func", [
    lambda r, f, p: r * p / (r * p + f * (1 - p)),
    lambda recall, fpr, prevalence: 1 / (1 + fpr * (1 - prevalence) / (recall * prevalence)),
    precision_at_prevalence,
    lambda r, f, p: (r * p * 10_000) / (r * p * 10_000 + f * (1 - p) * 10_000),  # counting a population
], ids=["formula", "bayes", "aecourse", "counting"])
def test_base_rate_accepts_right_answers(func):
    assert ch07.base_rate.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda r, f, p: r * p / (r * p + f), "only a share 1 - p of the examples are normal"),
    (lambda r, f, p: f * p / (f * p + r * (1 - p)), "swapped"),
    (lambda r, f, p: r * (1 - p) / (r * (1 - p) + f * p), "share of *anomalies*"),
    (lambda r, f, p: r / (r + f), "precision when half the examples are anomalies"),
    (lambda r, f, p: r * p, "share of all examples that are flagged anomalies"),
    (lambda r, f, p: 1 - r * p / (r * p + f * (1 - p)), "false discovery rate"),
    (lambda r, f, p: r * p / (r * p + (1 - f) * (1 - p)), "not 1 - fpr"),
    (lambda r, f, p: 100 * r * p / (r * p + f * (1 - p)), "that is a percentage"),
])
def test_base_rate_rejects_wrong_answers(func, fragment):
    incorrect(ch07.base_rate.check(func), fragment)


@pytest.mark.parametrize("func, fragment", [
    (lambda r, f, p: float("nan"), "returned nan"),
    (lambda r, f, p: "7%", "not the text '7%'"),
    (lambda r, f: 0.1, "should take 3 arguments, (recall, fpr, prevalence)"),
    (lambda r, f, p: [r, f], "it returned 2 numbers"),
])
def test_base_rate_bad_answers(func, fragment):
    incorrect(ch07.base_rate.check(func), fragment)
