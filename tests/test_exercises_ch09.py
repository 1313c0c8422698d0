"""Chapter 9's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and the published solutions pass."""

import doctest

import numpy as np
import pytest

import aecourse.exercises.ch09
from aecourse.exercises import ____, ch09
from aecourse.sae import class_specificity, fraction_of_variance_explained
from exercise_support import incorrect


def status(result):
    return result.status




# ------------------------------------------------------------------ 9.1 TopK


def topk_argsort(z, k):
    keep = np.argsort(z, axis=1)[:, -k:]
    out = np.zeros_like(z)
    np.put_along_axis(out, keep, np.take_along_axis(z, keep, axis=1), axis=1)
    return out


def topk_threshold(z, k):
    kth = np.sort(z, axis=1)[:, -k][:, None]
    return np.where(z >= kth, z, 0.0)


def topk_loop(z, k):
    out = []
    for row in z.tolist():
        best = sorted(range(len(row)), key=lambda j: row[j], reverse=True)[:k]
        out.append([v if j in best else 0.0 for j, v in enumerate(row)])
    return out  # a list of lists is fine


def topk_partition(z, k):
    keep = np.argpartition(-z, k - 1, axis=1)[:, :k]
    mask = np.zeros(z.shape, bool)
    np.put_along_axis(mask, keep, True, axis=1)
    return z * mask


@pytest.mark.parametrize("func", [topk_argsort, topk_threshold, topk_loop, topk_partition])
def test_topk_accepts_right_answers(func):
    assert ch09.topk_function.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda z, k: topk_argsort(-z, k) * -1, "k *smallest*"),
    (lambda z, k: np.where(topk_argsort(np.abs(z), k) != 0, z, 0.0), "absolute value"),
    (lambda z, k: topk_argsort(z, k + 1), "k + 1 entries"),
    (lambda z, k: topk_argsort(z, k - 1) if k > 1 else np.zeros_like(z), "k - 1 entries"),
    (lambda z, k: topk_argsort(z.T, k).T, "each *column*"),
    (lambda z, k: np.maximum(topk_argsort(z, k), 0), "also applied a ReLU"),
    (lambda z, k: (topk_argsort(z, k) != 0).astype(float), "0/1 mask"),
    (lambda z, k: np.sort(z, axis=1)[:, -k:], "put the kept values back at their own positions"),
    (lambda z, k: z, "is wrong in row"),
])
def test_topk_rejects_wrong_answers(func, fragment):
    incorrect(ch09.topk_function.check(func), fragment)


def test_topk_global_choice_is_named():
    def global_topk(z, k):
        out = np.zeros_like(z)
        flat = np.argsort(-z, axis=None)[:k]
        out.flat[flat] = z.flat[flat]
        return out

    incorrect(ch09.topk_function.check(global_topk), "of the whole array")


def test_topk_odd_input():
    assert status(ch09.topk_function.check(____)) == "not attempted"
    assert status(ch09.topk_function.check(lambda z, k: ____)) == "not attempted"
    incorrect(ch09.topk_function.check(lambda z, k: None), "did you forget `return`")
    incorrect(ch09.topk_function.check("topk"), "pass your function topk itself")
    incorrect(ch09.topk_function.check(lambda z, k: z * np.nan), "NaN or infinite")
    incorrect(ch09.topk_function.check(lambda z, k: "zeros"), "should return an array of numbers")
    incorrect(ch09.topk_function.check(lambda z: z), "topk should take 2 arguments, (z, k); yours is defined as topk(z)")
    incorrect(ch09.topk_function.check(lambda z, k: 1 / 0), "topk(an array of shape (5, 9), 3) raised ZeroDivisionError")
    incorrect(ch09.topk_function.check(topk_argsort, 3), "this check is called as check(func)")


# ------------------------------------------------------------------- 9.2 FVE


def fve_pooled(x, x_hat):
    return 1 - ((x - x_hat) ** 2).sum() / ((x - x.mean(0)) ** 2).sum()


def fve_variance(x, x_hat):
    # the same thing through per-feature variances, weighted by n
    return 1 - np.mean((x - x_hat) ** 2) / np.var(x, axis=0).mean()


def fve_package(x, x_hat):
    return np.float32(fraction_of_variance_explained(x, x_hat))


def fve_array0d(x, x_hat):
    return np.array(fve_pooled(x, x_hat))


@pytest.mark.parametrize("func", [fve_pooled, fve_variance, fve_package, fve_array0d])
def test_fve_accepts_right_answers(func):
    result = ch09.variance_explained.check(func)  # a float32 result is within the check's tolerance
    assert result.correct, result


@pytest.mark.parametrize("func, fragment", [
    (lambda x, h: ((x - h) ** 2).sum() / ((x - x.mean(0)) ** 2).sum(), "*unexplained*"),
    (lambda x, h: 1 - ((x - h) ** 2).sum() / (x ** 2).sum(), "sum of squares of x itself"),
    (lambda x, h: 1 - ((x - h) ** 2).sum() / ((x - x.mean()) ** 2).sum(), "one overall mean"),
    (lambda x, h: np.mean(1 - ((x - h) ** 2).sum(0) / ((x - x.mean(0)) ** 2).sum(0)), "one ratio per feature"),
    (lambda x, h: np.mean(1 - ((x - h) ** 2).sum(1) / ((x - x.mean(0)) ** 2).sum(1)), "one ratio per example"),
    (lambda x, h: fve_pooled(h, x), "arguments swapped"),
    (lambda x, h: 1 - np.var(x - h) / np.var(x), "subtracts the mean error"),
    (lambda x, h: 1 - np.mean((x - h) ** 2), "1 minus the MSE"),
    (lambda x, h: 1 - ((x - h) ** 2).sum(0) / ((x - x.mean(0)) ** 2).sum(0), "one number for the whole set"),
    (lambda x, h: 0.5, "fve returned 0.5 on the test arrays"),
])
def test_fve_rejects_wrong_answers(func, fragment):
    incorrect(ch09.variance_explained.check(func), fragment)


def test_fve_odd_input():
    incorrect(ch09.variance_explained.check(lambda x, h: float("nan")), "fve returned nan")
    incorrect(ch09.variance_explained.check(lambda x, h: "0.9"), "should return a number")
    incorrect(ch09.variance_explained.check(lambda x: 1.0), "fve should take 2 arguments, (x, x_hat)")
    incorrect(ch09.variance_explained.check(0.93), "pass your function fve itself")
    incorrect(ch09.variance_explained.check(fve_pooled, extra=1), "this check is called as")


# ---------------------------------------------------------------- 9.3 dead latents


@pytest.mark.parametrize("func", [
    lambda z: np.flatnonzero(np.all(z == 0, axis=0)),
    lambda z: [j for j in range(z.shape[1]) if not np.any(z[:, j])],
    lambda z: np.abs(z).max(axis=0) == 0,            # a boolean mask is fine
    lambda z: set(np.where(~z.any(axis=0))[0]),
    lambda z: np.flatnonzero((z != 0).sum(axis=0) == 0).astype(float),
    lambda z: np.argwhere(np.all(z == 0, axis=0)),   # a column of indices
])
def test_dead_accepts_right_answers(func):
    assert ch09.dead_latents.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda z: np.flatnonzero(np.all(z == 0, axis=1)), "*examples* (rows)"),
    (lambda z: np.flatnonzero(np.all(z <= 0, axis=0)), "active means non-zero"),
    (lambda z: np.flatnonzero(np.any(z == 0, axis=0)), "off for *some* example"),
    (lambda z: np.flatnonzero(np.abs(z).max(axis=0) < 0.01), "rarely or weakly active is not dead"),
    (lambda z: np.flatnonzero(np.all(z == 0, axis=0)) + 1, "one too large"),
    (lambda z: np.flatnonzero(z.mean(axis=0) <= 0), "a mean of 0 or less"),
    (lambda z: int(np.all(z == 0, axis=0).sum()), "not how many"),
    (lambda z: np.all(z == 0, axis=1), "a mask of dead latents has one entry per latent"),
    (lambda z: [0.5], "whole-number latent indices"),
    (lambda z: [], "dead returned [] on a test array whose dead latents are"),
])
def test_dead_rejects_wrong_answers(func, fragment):
    incorrect(ch09.dead_latents.check(func), fragment)


def test_dead_odd_input():
    assert status(ch09.dead_latents.check(lambda z: ____)) == "not attempted"
    incorrect(ch09.dead_latents.check(lambda z: None), "did you forget `return`")
    incorrect(ch09.dead_latents.check(lambda z, t: []), "dead should take 1 argument, (z)")
    incorrect(ch09.dead_latents.check(lambda z: object()), "should return latent indices")


# ------------------------------------------------------------ 9.4 class share


def share_means(acts, labels):
    means = np.stack([acts[labels == c].mean(axis=0) for c in np.unique(labels)])
    return means.max(axis=0) / means.sum(axis=0)


def share_package(acts, labels):
    return class_specificity(acts, labels).share


def share_onehot(acts, labels):
    onehot = (labels[:, None] == np.unique(labels)[None, :]).astype(float)
    means = (onehot.T @ acts) / onehot.sum(axis=0)[:, None]
    return list(means.max(axis=0) / means.sum(axis=0))


@pytest.mark.parametrize("func", [share_means, share_package, share_onehot])
def test_share_accepts_right_answers(func):
    assert ch09.class_share.check(func).correct


def _sums(acts, labels):
    s = np.stack([acts[labels == c].sum(axis=0) for c in np.unique(labels)])
    return s.max(axis=0) / s.sum(axis=0)


def _counts(acts, labels):
    s = np.stack([(acts[labels == c] > 0).sum(axis=0) for c in np.unique(labels)])
    return s.max(axis=0) / s.sum(axis=0)


def _means(acts, labels):
    return np.stack([acts[labels == c].mean(axis=0) for c in np.unique(labels)])


@pytest.mark.parametrize("func, fragment", [
    (_sums, "*sum* of activations"),
    (_counts, "counted the examples"),
    (lambda a, y: _means(a, y).max(axis=0) / a.mean(axis=0), "divided by the unit's overall mean"),
    (lambda a, y: np.argmax(_means(a, y), axis=0), "returned the top class"),
    (lambda a, y: a.max(axis=0) / a.sum(axis=0), "single strongest example"),
    (lambda a, y: _means(a, y).min(axis=0) / _means(a, y).sum(axis=0), "smallest class share"),
    (lambda a, y: share_means(a, y) * len(np.unique(y)), "multiplied by the number of classes"),
    (lambda a, y: share_means(a, y)[:3], "one share per unit"),
    (lambda a, y: share_means(a.T, np.arange(a.shape[1]) % 2), "one share per unit"),
    (lambda a, y: share_means(a, y) * np.nan, "NaN or infinite"),
    (lambda a, y: np.full(a.shape[1], 0.5), "is wrong for unit"),
])
def test_share_rejects_wrong_answers(func, fragment):
    incorrect(ch09.class_share.check(func), fragment)


def test_share_odd_input():
    incorrect(ch09.class_share.check(lambda a, y: "high"), "should return an array of numbers")
    incorrect(ch09.class_share.check(lambda a: a), "class_share should take 2 arguments, (acts, labels)")
    incorrect(ch09.class_share.check(share_means, share_means), "this check is called as")


# -------------------------------------------------------- published solutions


def chapter_like_namespace():
    """The names the solutions use, as the chapter defines them (small random stand-ins)."""
    rng = np.random.default_rng(0)
    acts_val = np.maximum(rng.normal(1.0, 1.0, size=(30, 8)), 0.0)
    latents = np.maximum(rng.normal(size=(50, 24)) - 1.0, 0.0)
    return {"np": np, "ch09": ch09, "fraction_of_variance_explained": fraction_of_variance_explained,
            "acts_val": acts_val, "pca_val_reconstruction": acts_val + 0.1 * rng.normal(size=acts_val.shape),
            "latents_fit": latents, "latents_val": latents[:20], "latents_test": latents[20:],
            "acts_test": np.maximum(rng.normal(size=(30, 8)), 0.0) + 0.01, "y_test": np.arange(30) % 10}


CHECKS = {
    "topk_function": lambda ns: ch09.topk_function.check(ns["topk"]),
    "variance_explained": lambda ns: ch09.variance_explained.check(ns["fve"]),
    "dead_latents": lambda ns: ch09.dead_latents.check(ns["dead"]),
    "class_share": lambda ns: ch09.class_share.check(ns["class_share"]),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_published_solutions_pass(name, capsys):
    exercise = getattr(ch09, name)
    namespace = chapter_like_namespace()
    exec(exercise.solution_code, namespace)
    assert CHECKS[name](namespace).correct
    assert exercise.answer and exercise.hints
    assert "Answer: " in str(exercise.solution())


def test_module_docstring_examples_run():
    result = doctest.testmod(aecourse.exercises.ch09)
    assert result.attempted >= 2 and result.failed == 0
