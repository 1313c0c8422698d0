"""Anomaly detection by reconstruction error: scores, a threshold, and how good it is.

An autoencoder trained only on *normal* examples reconstructs them well and
everything else worse, so the reconstruction error of an example is an anomaly
score. Three steps, kept apart on purpose:

1. :func:`reconstruction_errors` turns inputs and reconstructions into one score per
   example.
2. :func:`choose_threshold` picks the score above which an example is flagged. It
   takes **validation** scores (and labels) only: its signature has no place for test
   data, so a threshold cannot be tuned on the examples it is judged on.
3. :func:`roc_curve`, :func:`roc_auc` and :func:`precision_recall` judge the scores and
   the threshold on the **test** set.

Labels follow the usual convention: ``1`` (or ``True``) marks an anomaly, ``0`` a
normal example, and a higher score means "more anomalous". Everything is plain NumPy.

Example:
    >>> normal_val = np.array([0.1, 0.2, 0.3, 0.4])
    >>> t = choose_threshold(normal_val, max_fpr=0.25)
    >>> precision_recall([0, 0, 1, 1], [0.1, 0.5, 0.9, 0.2], t.threshold)["recall"]
    0.5
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

__all__ = [
    "reconstruction_errors",
    "Threshold",
    "choose_threshold",
    "roc_curve",
    "roc_auc",
    "precision_recall",
    "most_anomalous",
]

_METRICS = ("mse", "bce")
_METHODS = ("fpr", "f1")


# ------------------------------------------------------------------- validation


def _scores(scores, what):
    try:
        s = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: expected a 1-d array of numbers, received {type(scores).__name__}") from None
    if s.ndim != 1:
        raise ValueError(f"{what}: expected a 1-d array of scores (one per example), received shape {s.shape}")
    if s.size == 0:
        raise ValueError(f"{what}: received no scores; expected at least one")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{what}: scores must be finite, received {int(np.sum(~np.isfinite(s)))} NaN or inf values")
    return s


def _labels(labels, n, what):
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"{what}: expected {n} labels (one per score), received shape {y.shape}")
    if y.dtype == bool:
        return y.astype(np.int64)
    if not np.issubdtype(y.dtype, np.number):
        raise TypeError(f"{what}: labels must be 0/1 or booleans, received dtype {y.dtype}")
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(
            f"{what}: labels must be 0 (normal) or 1 (anomaly), received values {sorted(values)}; "
            "map your classes first, e.g. labels = np.isin(y, anomaly_classes)"
        )
    return y.astype(np.int64)


def _both_classes(y, what):
    if y.min() == y.max():
        kind = "anomalies" if y[0] == 1 else "normal examples"
        raise ValueError(f"{what}: the labels hold only {kind}; ROC needs both normal (0) and anomalous (1) examples")


# ------------------------------------------------------------------------ scores


def reconstruction_errors(x_true, x_pred, metric="mse"):
    """One anomaly score per example: its reconstruction error.

    A thin, named entry point to the per-example losses of :mod:`aecourse.losses`
    (``mse(..., per_example=True)`` or ``bce(..., per_example=True)``), so that the
    score used for anomaly detection is the same number the book reports elsewhere.

    Args:
        x_true: the inputs, shape ``(n, ...)`` (e.g. ``(n, 784)`` or ``(n, 28, 28, 1)``).
        x_pred: the model's reconstructions, the same shape.
        metric: ``"mse"`` (mean squared error over each example's values) or ``"bce"``
            (mean binary cross-entropy; needs values in [0, 1]).

    Returns:
        A float64 array of shape ``(n,)``.

    Raises:
        ValueError: for shapes that differ, fewer than 2 dimensions, or an unknown metric
            (and whatever :mod:`aecourse.losses` rejects).

    Example:
        >>> reconstruction_errors(np.zeros((2, 4)), np.array([[0, 0, 0, 0], [1, 1, 0, 0]]))
        array([0. , 0.5])
    """
    from aecourse import losses

    if metric not in _METRICS:
        raise ValueError(f"reconstruction_errors(metric={metric!r}): unknown metric; expected one of {_METRICS}")
    a, b = np.asarray(x_true), np.asarray(x_pred)
    if a.shape != b.shape:
        raise ValueError(
            f"reconstruction_errors: x_true has shape {a.shape} but x_pred has shape {b.shape}; "
            "pass the reconstructions of the same examples"
        )
    if a.ndim < 2:
        raise ValueError(
            f"reconstruction_errors: expected a batch shaped (n, ...) with at least 2 dimensions, "
            f"received shape {a.shape}; for a single example use x[None]"
        )
    loss = losses.mse if metric == "mse" else losses.bce
    return np.asarray(loss(a, b, per_example=True), dtype=np.float64)


def most_anomalous(scores, n=10):
    """Indices of the ``n`` highest scores, highest first (ties keep their original order).

    Args:
        scores: 1-d array of anomaly scores.
        n: how many indices to return (at most ``len(scores)``).

    Returns:
        An int array of indices into ``scores``.

    Example:
        >>> most_anomalous([0.1, 0.9, 0.5], n=2)
        array([1, 2])
    """
    s = _scores(scores, "most_anomalous")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"most_anomalous(n={n!r}): expected a positive integer")
    return np.argsort(-s, kind="stable")[: int(n)]


# ---------------------------------------------------------------------- threshold


@dataclasses.dataclass(frozen=True)
class Threshold:
    """A decision threshold and how it was chosen.

    An example is flagged as an anomaly when its score is **greater than**
    ``threshold``.

    Attributes:
        threshold: the score above which an example is flagged.
        method: ``"fpr"`` or ``"f1"`` (see :func:`choose_threshold`).
        n_validation: how many validation scores it was chosen from.
        validation_fpr: the fraction of normal validation examples it flags.
        validation_recall: the fraction of anomalous validation examples it flags
            (``None`` when the validation data held no anomalies).

    Example:
        >>> t = choose_threshold(np.array([0.1, 0.2, 0.3, 0.4]), max_fpr=0.25)
        >>> t.method, t.n_validation, t.validation_fpr
        ('fpr', 4, 0.25)
    """

    threshold: float
    method: str
    n_validation: int
    validation_fpr: float
    validation_recall: float | None

    def flag(self, scores):
        """``True`` where a score exceeds the threshold.

        Args:
            scores: a 1-d array of anomaly scores.

        Returns:
            A boolean array, one flag per score.

        Example:
            >>> Threshold(0.5, "fpr", 10, 0.0, None).flag([0.2, 0.5, 0.7]).tolist()
            [False, False, True]
        """
        return _scores(scores, "Threshold.flag") > self.threshold


def choose_threshold(val_scores, val_labels=None, *, method="fpr", max_fpr=0.05):
    """Choose an anomaly threshold from validation scores only.

    The function sees validation data and nothing else: choose the threshold here,
    then apply it unchanged to the test set. Tuning it on test scores would report a
    better result than the detector will achieve on new data.

    Two rules:

    * ``method="fpr"`` (needs no anomalies): the smallest threshold that flags at most
      a fraction ``max_fpr`` of the **normal** validation examples. With
      ``val_labels=None`` every validation score is taken to be normal, the usual case
      when the model was trained on normal data only.
    * ``method="f1"`` (needs labelled anomalies in the validation split): the threshold
      with the highest F1 score on the validation examples; candidate thresholds are
      the validation scores themselves.

    Args:
        val_scores: 1-d array of validation anomaly scores.
        val_labels: 0 (normal) / 1 (anomaly) per validation score, or ``None`` (all normal).
        method: ``"fpr"`` or ``"f1"``.
        max_fpr: for ``method="fpr"``, the largest fraction of normal validation
            examples that may be flagged, in [0, 1).

    Returns:
        A :class:`Threshold`.

    Raises:
        ValueError: for an unknown method, ``max_fpr`` outside [0, 1), labels of the
            wrong length or values, no normal validation examples (``"fpr"``), or no
            anomalies (``"f1"``).

    Example:
        >>> t = choose_threshold(np.arange(100) / 100, max_fpr=0.05)
        >>> round(t.threshold, 2), t.validation_fpr
        (0.94, 0.05)
    """
    if method not in _METHODS:
        raise ValueError(f"choose_threshold(method={method!r}): unknown method; expected one of {_METHODS}")
    s = _scores(val_scores, "choose_threshold(val_scores)")
    y = np.zeros(len(s), np.int64) if val_labels is None else _labels(val_labels, len(s), "choose_threshold(val_labels)")
    normal, anomalous = s[y == 0], s[y == 1]

    if method == "fpr":
        if isinstance(max_fpr, bool) or not isinstance(max_fpr, numbers.Real) or not 0.0 <= max_fpr < 1.0:
            raise ValueError(f"choose_threshold(max_fpr={max_fpr!r}): expected a number in [0, 1)")
        if normal.size == 0:
            raise ValueError("choose_threshold(method='fpr'): the validation labels hold no normal (0) examples")
        ordered = np.sort(normal)
        # Flag the k highest normal scores at most: the threshold is the (k+1)-th highest.
        k = int(np.floor(max_fpr * len(ordered) + 1e-9))
        threshold = float(ordered[len(ordered) - 1 - k])
    else:
        if anomalous.size == 0:
            raise ValueError(
                "choose_threshold(method='f1'): the validation labels hold no anomalies (1); "
                "use method='fpr', which needs normal examples only"
            )
        best, threshold = -1.0, None
        # Candidates: each distinct score, plus one below the lowest (flag everything).
        candidates = np.concatenate([[np.nextafter(s.min(), -np.inf)], np.unique(s)])
        for t in candidates:
            f1 = _counts(y, s > t)["f1"]
            if f1 > best:
                best, threshold = f1, float(t)

    flagged = s > threshold
    return Threshold(
        threshold=threshold,
        method=method,
        n_validation=len(s),
        validation_fpr=float(flagged[y == 0].mean()) if normal.size else float("nan"),
        validation_recall=float(flagged[y == 1].mean()) if anomalous.size else None,
    )


# ---------------------------------------------------------------------- judging


def _counts(y, flagged):
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    tn = int(np.sum(~flagged & (y == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fpr,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def precision_recall(labels, scores, threshold):
    """Precision, recall, F1 and false-positive rate of flagging ``scores > threshold``.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example.
        scores: anomaly scores, same length.
        threshold: a number, or a :class:`Threshold` from :func:`choose_threshold`.

    Returns:
        A dict with ``precision`` (flagged examples that are anomalies), ``recall``
        (anomalies that are flagged), ``f1``, ``fpr`` (normal examples that are
        flagged) and the counts ``tp``, ``fp``, ``fn``, ``tn``. A ratio with an empty
        denominator is reported as 0.0.

    Example:
        >>> r = precision_recall([0, 0, 1, 1], [0.1, 0.5, 0.9, 0.2], threshold=0.3)
        >>> r["precision"], r["recall"]
        (0.5, 0.5)
    """
    s = _scores(scores, "precision_recall(scores)")
    y = _labels(labels, len(s), "precision_recall(labels)")
    if isinstance(threshold, Threshold):
        threshold = threshold.threshold
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise TypeError(f"precision_recall(threshold={threshold!r}): expected a finite number or a Threshold")
    return _counts(y, s > float(threshold))


def roc_curve(labels, scores):
    """The ROC curve: false- and true-positive rates for every threshold.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        ``(fpr, tpr, thresholds)``: arrays of equal length, from (0, 0) (threshold
        ``+inf``, nothing flagged) to (1, 1); point ``i`` flags the examples with
        ``score >= thresholds[i]``.

    Example:
        >>> fpr, tpr, _ = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    s = _scores(scores, "roc_curve(scores)")
    y = _labels(labels, len(s), "roc_curve(labels)")
    _both_classes(y, "roc_curve")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_tie = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[last_of_tie]
    fps = (last_of_tie + 1) - tps
    tpr = np.r_[0.0, tps / y.sum()]
    fpr = np.r_[0.0, fps / (len(y) - y.sum())]
    return fpr, tpr, np.r_[np.inf, s[last_of_tie]]


def roc_auc(labels, scores):
    """Area under the ROC curve: the chance that a random anomaly scores higher than a random normal example.

    Ties count one half. 1.0 is a perfect ranking, 0.5 is no better than chance.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        A float in [0, 1].

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    fpr, tpr, _ = roc_curve(labels, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
