"""Exercises of chapter 7, the latent space.

Example:
    >>> from aecourse.exercises import ch07, ____
    >>> ch07.auc_function.check(____).status
    'not attempted'
"""

from __future__ import annotations

import math

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, NotAttempted, check_function, check_number, is_placeholder

__all__ = ["threshold_function", "auc_function", "largest_angle"]

_RNG = np.random.default_rng(7)
_SCORE_SETS = [np.arange(1.0, 101.0), _RNG.gamma(2.0, 1.0, 400), np.r_[np.ones(10), np.arange(2.0, 12.0)]]


def _check_threshold(func):
    if not callable(func):
        raise Incorrect(f"pass your function, not a {type(func).__name__}.")
    for scores in _SCORE_SETS:
        for max_fpr in (0.05, 0.2):
            try:
                t = func(scores.copy(), max_fpr)
            except Exception as exc:
                raise Incorrect(f"threshold_at_fpr(scores, {max_fpr}) raised {type(exc).__name__}: {exc}") from None
            if is_placeholder(t):
                raise NotAttempted()
            try:
                t = float(t)
            except (TypeError, ValueError):
                raise Incorrect(f"threshold_at_fpr should return a number, it returned {type(t).__name__}.") from None
            flagged = float((scores > t).mean())
            if flagged > max_fpr + 1e-12:
                raise Incorrect(f"with max_fpr={max_fpr}, your threshold {t:.4g} flags {flagged:.1%} of the normal "
                                "scores (those above it); it must flag at most max_fpr of them.")
            if flagged < max_fpr - 2.0 / len(scores) - 1e-12:
                raise Incorrect(f"with max_fpr={max_fpr}, your threshold {t:.4g} flags only {flagged:.1%} of the "
                                "normal scores: it is higher than needed and will miss anomalies. Use the quantile "
                                "1 - max_fpr of the normal scores.")
    return "Your threshold flags at most max_fpr of the normal validation scores, and no fewer than needed."


threshold_function = Exercise(
    "Exercise 7.1: a threshold from normal scores",
    _check_threshold,
    hints=["Flag a score when it is above the threshold; at most a fraction max_fpr of the normal scores may be.",
           "np.quantile(normal_scores, 1 - max_fpr) is such a threshold."],
    solution="""
def threshold_at_fpr(normal_scores, max_fpr):
    return float(np.quantile(normal_scores, 1 - max_fpr))
""",
)


def _reference_auc(labels, scores):
    labels, scores = np.asarray(labels).astype(bool), np.asarray(scores, float)
    pos, neg = scores[labels], scores[~labels]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


_AUC_LABELS = _RNG.integers(0, 2, 60)
_AUC_SCORES = _RNG.normal(size=60) + _AUC_LABELS
_AUC_CASES = [
    ((np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 0.75),
    ((np.array([0, 1]), np.array([0.5, 0.5])), 0.5),
    ((np.array([1, 1, 0]), np.array([3.0, 2.0, 1.0])), 1.0),
    ((_AUC_LABELS, _AUC_SCORES), _reference_auc(_AUC_LABELS, _AUC_SCORES)),
]


def _check_auc(func):
    check_function(func, _AUC_CASES, rtol=1e-9, what="my_auc")
    return "AUC = the chance that a random anomaly scores above a random normal example (ties count one half)."


auc_function = Exercise(
    "Exercise 7.2: the AUC by counting",
    _check_auc,
    hints=["Compare every anomaly's score with every normal example's score: count the wins, and ties as 1/2.",
           "pos[:, None] > neg[None, :] builds the table of comparisons; divide the wins by its size."],
    solution="""
def my_auc(labels, scores):
    labels, scores = np.asarray(labels).astype(bool), np.asarray(scores, dtype=float)
    pos, neg = scores[labels], scores[~labels]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))

print(my_auc(is_anomaly_test, test_scores), roc_auc(is_anomaly_test, test_scores))
""",
)


def _check_angle(value, basis_a, basis_b):
    from scipy.linalg import subspace_angles

    a, b = np.asarray(basis_a, dtype=float), np.asarray(basis_b, dtype=float)
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0]:
        raise Incorrect(f"the two bases should be matrices with one column per direction and the same number of "
                        f"rows; received shapes {a.shape} and {b.shape}.")
    angles = subspace_angles(a, b)
    expected = math.degrees(float(np.max(angles)))
    if isinstance(value, (int, float, np.floating)) and math.isclose(float(value), float(np.max(angles)), rel_tol=1e-3) \
            and expected > 1e-3:
        raise Incorrect("that is in radians; convert with np.degrees.")
    if isinstance(value, (int, float, np.floating)) and math.isclose(float(value), math.degrees(float(np.min(angles))),
                                                                     rel_tol=1e-3) and len(angles) > 1:
        raise Incorrect("that is the smallest angle; the question asks for the largest one.")
    check_number(value, expected, rtol=1e-3, atol=1e-6, what="the largest principal angle in degrees")
    return f"The largest principal angle is {expected:.2f} degrees."


largest_angle = Exercise(
    "Exercise 7.3: the largest principal angle",
    _check_angle,
    hints=["scipy.linalg.subspace_angles(A, B) takes two matrices whose columns span the subspaces; it returns radians.",
           "np.degrees(subspace_angles(A, B).max())"],
    solution="""
answer = np.degrees(subspace_angles(w_decoder.T, pca.components_.T).max())
ch07.largest_angle.check(answer, w_decoder.T, pca.components_.T)
""",
)
