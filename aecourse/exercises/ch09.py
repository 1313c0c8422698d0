"""Exercises of chapter 9, sparse autoencoders as a microscope.

Each check runs the learner's function on its own small test arrays (awkward sizes,
negative values, unequal classes), compares it with a reference, and recognises the
plausible wrong versions by name.

Example:
    >>> from aecourse.exercises import ch09, ____
    >>> ch09.topk_function.check(____).status
    'not attempted'
    >>> ch09.topk_function.check(lambda z, k: z).status
    'incorrect'
"""

from __future__ import annotations

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, call_function, read_indices

__all__ = ["topk_function", "variance_explained", "dead_latents", "class_share"]

_RNG = np.random.default_rng(9)
_ARRAY = "an array of numbers"  # what the functions of 9.1 and 9.4 return


# ------------------------------------------------------------------- helpers


def _same(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True)


def _diagnose(got, variants):
    """Raise the teaching message of the first known wrong answer that ``got`` equals."""
    for variant, text in variants:
        with np.errstate(all="ignore"):
            try:
                value = np.asarray(variant(), dtype=float)
            except Exception:  # a variant that does not apply to these arrays
                continue
        if _same(got, value):
            raise Incorrect(text)


# ------------------------------------------------------------ 9.1 TopK by hand


def _topk(z, k):
    out = np.zeros_like(z, dtype=float)
    for i, row in enumerate(z):
        keep = np.argsort(-row, kind="stable")[:k]
        out[i, keep] = row[keep]
    return out


def _topk_global(z, k):
    out = np.zeros_like(z, dtype=float)
    flat = np.argsort(-z, axis=None)[:k]
    out.flat[flat] = z.flat[flat]
    return out


def _topk_variants(z, k):
    return [
        (lambda: _topk(-z, k) * -1, "you kept the k *smallest* entries of each row; TopK keeps the largest."),
        (lambda: np.where(_topk(np.abs(z), k) != 0, z, 0.0),
         "you ranked the entries by their absolute value, so a large negative entry was kept; TopK ranks by the "
         "value itself (the largest pre-activations)."),
        (lambda: _topk(z, k + 1), "you kept k + 1 entries per row: check the slice (argsort(...)[-k:] keeps k)."),
        (lambda: _topk(z, k - 1) if k > 1 else np.zeros_like(z),
         "you kept k - 1 entries per row: check the slice (argsort(...)[-k:] keeps k)."),
        (lambda: _topk(z.T, k).T, "you chose the k largest entries of each *column*; TopK works on each example "
                                  "(row) separately: sort along axis=1."),
        (lambda: _topk_global(z, k), "you kept the k largest entries of the whole array; TopK keeps k per "
                                     "example (per row)."),
        (lambda: np.maximum(_topk(z, k), 0.0), "you also applied a ReLU: here the kept entries stay as they are, "
                                               "negative ones included (TopK(k, relu=False))."),
        (lambda: (_topk(z, k) != 0).astype(float), "you returned a 0/1 mask of the kept positions; return the kept "
                                                   "values themselves (multiply the mask by z)."),
    ]


_TOPK_PROBE = (_RNG.normal(size=(5, 9)) - 0.4, 3)
_TOPK_CASES = [(np.array([[3.0, -1.0, 2.0, 0.5]]), 2), (_RNG.normal(size=(4, 6)), 1),
               (_RNG.normal(size=(3, 5)), 5), (_RNG.normal(size=(7, 11)) - 1.0, 4)]


def _check_topk(func):
    name = "topk"
    z, k = _TOPK_PROBE
    got = call_function(func, (z, k), name=name, params=("z", "k"), returns=_ARRAY)
    if got.shape != z.shape:
        raise Incorrect(f"topk(z, {k}) returned shape {got.shape} for z of shape {z.shape}: put the kept values "
                        "back at their own positions, in an array shaped like z, with zeros elsewhere.")
    if not _same(got, _topk(z, k)):
        _diagnose(got, _topk_variants(z, k))
        if not np.all(np.isfinite(got)):
            raise Incorrect("topk returned NaN or infinite values; the entries that are not kept must be 0.")
        wrong = int(np.argmax(np.any(~np.isclose(got, _topk(z, k)), axis=1)))
        raise Incorrect(f"topk(z, {k}) is wrong in row {wrong}: it returned {np.round(got[wrong], 3).tolist()}, "
                        f"expected {np.round(_topk(z, k)[wrong], 3).tolist()}.")
    for z, k in _TOPK_CASES:
        got = call_function(func, (z, k), name=name, params=("z", "k"), returns=_ARRAY)
        if not _same(got, _topk(z, k)):
            raise Incorrect(f"topk is wrong for z of shape {z.shape} and k={k}: it returned "
                            f"{np.round(got, 3).tolist()}, expected {np.round(_topk(z, k), 3).tolist()}.")
    return "Right: k entries survive in every row, in place, and the rest are 0."


topk_function = Exercise(
    "Exercise 9.1: TopK by hand",
    _check_topk,
    hints=[
        "Work row by row (one row = one example): find the positions of the k largest values, keep those "
        "values, put 0 everywhere else.",
        "np.argsort(z, axis=1)[:, -k:] gives the positions of the k largest entries of each row; "
        "np.take_along_axis and np.put_along_axis read and write at such positions.",
    ],
    solution="""
def topk(z, k):
    keep = np.argsort(z, axis=1)[:, -k:]
    out = np.zeros_like(z)
    np.put_along_axis(out, keep, np.take_along_axis(z, keep, axis=1), axis=1)
    return out

print(topk(np.array([[0.5, -1.0, 2.0, 0.1]]), 2))
""",
    answer="Keep, in each row, the k largest entries where they are and set the others to 0; negative values "
           "can be kept (TopK(k, relu=False)). Which entries are kept is a ranking, a discrete choice: a small "
           "change of z leaves the kept set unchanged or swaps an entry in or out all at once, so there is no "
           "gradient for the choice itself. The gradient flows only through the kept values, as in the "
           "package's TopK layer, which is why a latent that is never kept never learns.",
)


# --------------------------------------------- 9.2 fraction of variance explained


def _fve(x, x_hat):
    return 1.0 - np.sum((x - x_hat) ** 2) / np.sum((x - x.mean(axis=0)) ** 2)


def _fve_variants(x, x_hat):
    m = x.mean(axis=0)
    return [
        (lambda: 1.0 - _fve(x, x_hat), "that is the fraction of variance *unexplained* (the normalised MSE); the "
                                       "fraction explained is 1 minus it."),
        (lambda: 1.0 - np.sum((x - x_hat) ** 2) / np.sum(x ** 2),
         "you divided by the sum of squares of x itself; the baseline is always predicting the mean, so subtract "
         "x.mean(axis=0) first (activations are far from 0 on average)."),
        (lambda: 1.0 - np.sum((x - x_hat) ** 2) / np.sum((x - x.mean()) ** 2),
         "you subtracted one overall mean; the baseline predicts each feature's own mean, x.mean(axis=0)."),
        (lambda: np.mean(1.0 - np.sum((x - x_hat) ** 2, axis=0) / np.sum((x - m) ** 2, axis=0)),
         "you averaged one ratio per feature; pool the squared errors of all features first, then divide once "
         "(features with little variance would otherwise count as much as the busy ones)."),
        (lambda: np.mean(1.0 - np.sum((x - x_hat) ** 2, axis=1) / np.sum((x - m) ** 2, axis=1)),
         "you averaged one ratio per example; sum the squared errors over all examples first, then divide once."),
        (lambda: 1.0 - np.sum((x - x_hat) ** 2) / np.sum((x_hat - x_hat.mean(axis=0)) ** 2),
         "the denominator must be the spread of the activations x, not of the reconstructions (are the "
         "arguments swapped?)."),
        (lambda: 1.0 - np.var(x - x_hat) / np.var(x),
         "np.var(x - x_hat) subtracts the mean error, so a reconstruction that is off by a constant would look "
         "perfect; use the squared errors themselves."),
        (lambda: 1.0 - np.mean((x - x_hat) ** 2), "that is 1 minus the MSE; divide the squared error by that of "
                                                  "predicting the mean before subtracting from 1."),
    ]


_FVE_X = _RNG.gamma(2.0, 1.0, size=(40, 6)) * np.array([0.5, 1, 2, 3, 0.2, 1]) + 1.5
_FVE_PROBE = (_FVE_X, _FVE_X + 0.4 * _RNG.normal(size=(40, 6)) + 0.3)
_FVE_CASES = [(np.array([[0.0, 2.0], [2.0, 0.0]]), np.ones((2, 2))),
              (_FVE_X[:7, :3], _FVE_X[:7, :3]),
              (_RNG.normal(size=(13, 5)), 0.5 * _RNG.normal(size=(13, 5)))]


def _number(func, args, name):
    """The learner's ``fve(x, x_hat)`` as one float: a measure of the whole set."""
    value = call_function(func, args, name=name, params=("x", "x_hat"), returns="a number")
    if value.shape not in ((), (1,)):
        raise Incorrect(f"{name} should return one number for the whole set, it returned an array of shape "
                        f"{value.shape}: sum the squared errors over examples *and* features.")
    return float(value.reshape(()))


def _check_fve(func):
    name = "fve"
    x, x_hat = _FVE_PROBE
    got = _number(func, (x, x_hat), name)
    if not np.isclose(got, _fve(x, x_hat), rtol=1e-6, atol=1e-9):
        _diagnose(np.asarray(got), _fve_variants(x, x_hat))
        raise Incorrect(f"fve returned {got:.6g} on the test arrays, expected {_fve(x, x_hat):.6g}: "
                        "1 - sum((x - x_hat)**2) / sum((x - x.mean(axis=0))**2).")
    for x, x_hat in _FVE_CASES:
        got = _number(func, (x, x_hat), name)
        if not np.isclose(got, _fve(x, x_hat), rtol=1e-6, atol=1e-9):
            raise Incorrect(f"fve is wrong for arrays of shape {x.shape}: it returned {got:.6g}, expected "
                            f"{_fve(x, x_hat):.6g}.")
    return "Right: 1 for a perfect reconstruction, 0 for predicting the mean, negative for worse than that."


variance_explained = Exercise(
    "Exercise 9.2: the fraction of variance explained",
    _check_fve,
    hints=[
        "The baseline reconstruction is the mean activation vector, x.mean(axis=0), for every example. Its "
        "squared error is the denominator.",
        "1 - np.sum((x - x_hat) ** 2) / np.sum((x - x.mean(axis=0)) ** 2)",
    ],
    solution="""
def fve(x, x_hat):
    error = np.sum((x - x_hat) ** 2)
    baseline = np.sum((x - x.mean(axis=0)) ** 2)
    return 1.0 - error / baseline

print(fve(acts_val, pca_val_reconstruction), fraction_of_variance_explained(acts_val, pca_val_reconstruction))
""",
    answer="One minus the squared reconstruction error over the squared error of always predicting the mean "
           "activation (Gao et al.'s normalised MSE, subtracted from 1). On the chapter's PCA reconstruction it "
           "prints the same number as fraction_of_variance_explained.",
)


# ------------------------------------------------------------ 9.3 dead latents


def _dead(z):
    return np.flatnonzero(np.all(z == 0, axis=0))


def _dead_probe():
    z = np.maximum(_RNG.normal(size=(12, 10)), 0.0) * (_RNG.uniform(size=(12, 10)) < 0.5)
    z[:, [1, 6]] = 0.0                      # dead
    z[:, 3] = 0.0
    z[4, 3] = -0.7                          # only ever negative: active (non-zero)
    z[:, 8] = 0.0
    z[[2, 9], 8] = 0.004                    # rarely and weakly active: alive
    z[:, 7] = 0.0
    z[[3, 10], 7] = [0.3, -0.9]             # mixed signs, negative mean: alive
    z[5, :] = 0.0                           # an example with no active latent
    z[:, 0] = np.abs(z[:, 0]) + 0.5         # active for every example but 5
    z[5, 0] = 0.0
    return z


_DEAD_PROBE = _dead_probe()
_DEAD_CASES = [np.zeros((3, 4)), np.eye(4), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
               np.maximum(_RNG.normal(size=(20, 15)) - 1.2, 0.0)]


def _dead_indices(func, z):
    """The latents the learner's function calls dead, as a sorted list of indices."""
    got = call_function(func, (z,), name="dead", params=("z",), returns=None)
    return read_indices(got, z.shape[1], item="latent", selected="dead", example="[1, 6]", name="dead",
                        mask_fix="Reduce over the examples, axis=0.")


def _check_dead(func):
    z = _DEAD_PROBE
    got = _dead_indices(func, z)
    expected = _dead(z).tolist()
    if got != expected:
        variants = [
            (np.flatnonzero(np.all(z == 0, axis=1)).tolist(),
             "you listed the *examples* (rows) with no active latent; a dead latent is a *column* that is 0 for "
             "every example: reduce over axis=0."),
            (np.flatnonzero(np.all(z <= 0, axis=0)).tolist(),
             "you counted a latent as active only when it is positive; active means non-zero (without the ReLU, "
             "TopK can keep negative values), so test z != 0."),
            (np.flatnonzero(np.any(z == 0, axis=0)).tolist(),
             "you listed the latents that are off for *some* example; dead means off for *every* example "
             "(np.all, not np.any)."),
            (np.flatnonzero(np.abs(z).max(axis=0) < 0.01).tolist(),
             "rarely or weakly active is not dead: a latent with any non-zero value is alive."),
            ((_dead(z) + 1).tolist(), "your indices are one too large: Python counts latents from 0."),
            (np.flatnonzero(z.mean(axis=0) <= 0).tolist(),
             "a mean of 0 or less does not mean never active (negative and positive values can cancel); test "
             "each value: np.all(z == 0, axis=0)."),
        ]
        for wrong, text in variants:
            if got == wrong:
                raise Incorrect(text)
        raise Incorrect(f"dead returned {got[:10]} on a test array whose dead latents are {expected}.")
    for case in _DEAD_CASES:
        got = _dead_indices(func, case)
        if got != _dead(case).tolist():
            raise Incorrect(f"dead is wrong for latents of shape {case.shape}: it returned {got}, expected "
                            f"{_dead(case).tolist()}.")
    return "Right: a latent is dead on a set when it is 0 for every example of the set."


dead_latents = Exercise(
    "Exercise 9.3: dead latents",
    _check_dead,
    hints=[
        "Rows are examples, columns are latents. A latent (column) is dead when all of its values are 0.",
        "np.flatnonzero(np.all(z == 0, axis=0))",
    ],
    solution="""
def dead(z):
    return np.flatnonzero(np.all(z == 0, axis=0))

print(len(dead(latents_fit)), len(dead(latents_val)))
""",
    answer="The columns of z that are 0 for every example of the set. The two counts it prints differ "
           "because dead is relative to the set: a latent that fires rarely may meet none of the 800 "
           "validation examples and still fire on some of the 3,200 training examples.",
)


# --------------------------------------------------------- 9.4 class specificity


def _share(acts, labels):
    classes = np.unique(labels)
    means = np.stack([acts[labels == c].mean(axis=0) for c in classes])
    return means.max(axis=0) / means.sum(axis=0)


def _share_variants(acts, labels):
    classes = np.unique(labels)
    sums = np.stack([acts[labels == c].sum(axis=0) for c in classes])
    means = np.stack([acts[labels == c].mean(axis=0) for c in classes])
    active = acts > 0
    counts = np.stack([active[labels == c].sum(axis=0) for c in classes])
    return [
        (lambda: sums.max(axis=0) / sums.sum(axis=0),
         "you used each class's *sum* of activations; with classes of different sizes a big class wins just by "
         "having more examples. Use each class's mean."),
        (lambda: counts.max(axis=0) / counts.sum(axis=0),
         "you counted the examples on which the unit fires; the measure weighs each example by how strongly the "
         "unit fires (its activation), class by class."),
        (lambda: means.max(axis=0) / acts.mean(axis=0),
         "you divided by the unit's overall mean; divide by the sum of its class means, so that the shares of all "
         "classes add up to 1."),
        (lambda: classes[np.argmax(means, axis=0)].astype(float),
         "you returned the top class of each unit; the exercise asks for the share of the unit's activation that "
         "falls on it (a number between 1/classes and 1)."),
        (lambda: acts.max(axis=0) / acts.sum(axis=0),
         "you took the share of the single strongest example; take the share of the strongest *class* (class "
         "means)."),
        (lambda: means.min(axis=0) / means.sum(axis=0), "you took the smallest class share; take the largest."),
        (lambda: means.max(axis=0) / means.sum(axis=0) * len(classes),
         "you multiplied by the number of classes; the share itself is max / sum of the class means."),
    ]


def _share_probe():
    labels = np.r_[np.zeros(20, int), np.ones(5, int), np.full(9, 2), np.full(2, 3)]
    acts = np.maximum(_RNG.normal(0.3, 1.0, size=(36, 7)), 0.0)
    acts[labels == 1, 2] += 3.0             # a unit for the small class 1
    acts[:, 5] = np.where(labels == 0, 0.4, 0.0) + np.where(labels == 3, 1.0, 0.0)
    acts[0, :] += 0.01                      # every unit fires somewhere
    return acts, labels


_SHARE_PROBE = _share_probe()
_SHARE_CASES = [(np.array([[1.0, 1.0], [1.0, 0.0], [3.0, 0.5]]), np.array([0, 0, 1])),
                (np.ones((4, 3)), np.array([0, 1, 2, 0])),
                (np.abs(_RNG.normal(size=(25, 9))) + 0.01, _RNG.integers(0, 5, 25))]


def _check_share(func):
    name = "class_share"
    acts, labels = _SHARE_PROBE
    got = call_function(func, (acts, labels), name=name, params=("acts", "labels"),
                        returns=_ARRAY)
    expected = _share(acts, labels)
    if got.shape != expected.shape:
        raise Incorrect(f"class_share returned shape {got.shape} for activations of shape {acts.shape}; expected "
                        f"one share per unit (column): shape {expected.shape}.")
    if not _same(got, expected):
        _diagnose(got, _share_variants(acts, labels))
        if not np.all(np.isfinite(got)):
            raise Incorrect("class_share returned NaN or infinite values, though every unit of the test array fires "
                            "for some example.")
        j = int(np.argmax(np.abs(got - expected)))
        raise Incorrect(f"class_share is wrong for unit {j}: it returned {got[j]:.4g}, expected {expected[j]:.4g}.")
    for acts, labels in _SHARE_CASES:
        got = call_function(func, (acts, labels), name=name, params=("acts", "labels"),
                        returns=_ARRAY)
        if not _same(got, _share(acts, labels)):
            raise Incorrect(f"class_share is wrong for activations of shape {acts.shape}: it returned "
                            f"{np.round(got, 4).tolist()}, expected {np.round(_share(acts, labels), 4).tolist()}.")
    return "Right: 1 for a unit that fires for one class only, 1/classes for one that fires equally for all."


class_share = Exercise(
    "Exercise 9.4: how class-specific is a unit?",
    _check_share,
    hints=[
        "For each class c, take the mean activation of every unit over the examples of class c: a "
        "(classes, units) table. Each unit's share is its largest entry over the sum of its entries.",
        "means = np.stack([acts[labels == c].mean(axis=0) for c in np.unique(labels)]); "
        "then means.max(axis=0) / means.sum(axis=0).",
    ],
    solution="""
def class_share(acts, labels):
    means = np.stack([acts[labels == c].mean(axis=0) for c in np.unique(labels)])
    return means.max(axis=0) / means.sum(axis=0)

alive = latents_test.max(axis=0) > 0
print(np.median(class_share(acts_test, y_test)), np.median(class_share(latents_test[:, alive], y_test)))
""",
    answer="For each unit, the mean activation per class, then the largest over their sum; means rather than "
           "sums keep class sizes out of it. It reproduces class_specificity(...).share on the same "
           "activations, so the two medians it prints (neurons, then the latents that fire) are the chapter's "
           "measure for that model.",
)
