"""Anomaly detection by reconstruction error: scores, a threshold, how good they are.

An autoencoder trained only on *normal* examples reconstructs them well and
everything else worse, so the reconstruction error of an example is an anomaly
score. The steps are kept apart on purpose:

1. :func:`reconstruction_errors` turns inputs and reconstructions into one score per
   example (:func:`distance_to_mean` is the trivial baseline: the error of the mean
   normal example).
2. :func:`choose_threshold` picks the score above which an example is flagged. It
   takes **validation** scores (and labels) only: its signature has no place for test
   data, so a threshold cannot be tuned on the examples it is judged on.
3. :func:`roc_curve`, :func:`roc_auc`, :func:`precision_recall`,
   :func:`precision_recall_curve` and :func:`average_precision` judge the scores and
   the threshold on the **test** set; :func:`precision_at_prevalence` says what the
   same detector's precision would be at another share of anomalies (a base rate).
4. :func:`one_class_protocol` runs the literature's benchmark: each class in turn is
   the normal class, the model trains on its training images only, and the whole
   test set is scored (that class normal, every other class anomalous); it returns
   a :class:`OneClassResult` with per-class ROC AUC and average precision, for
   several seeds, next to baselines (the distance to the class mean image, PCA's
   reconstruction error, an Isolation Forest or a one-class SVM on PCA features).

Labels follow the usual convention: ``1`` (or ``True``) marks an anomaly, ``0`` a
normal example, and a higher score means "more anomalous". Everything but the
protocol's training is plain NumPy.

Example:
    >>> normal_val = np.array([0.1, 0.2, 0.3, 0.4])
    >>> t = choose_threshold(normal_val, max_fpr=0.25)
    >>> precision_recall([0, 0, 1, 1], [0.1, 0.5, 0.9, 0.2], t.threshold)["recall"]
    0.5
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time

import numpy as np

from aecourse.validation import (check_array, check_callable, check_float, check_int, check_one_of,
                                 message)

__all__ = [
    "reconstruction_errors",
    "distance_to_mean",
    "Threshold",
    "choose_threshold",
    "roc_curve",
    "roc_auc",
    "precision_recall",
    "precision_recall_curve",
    "average_precision",
    "precision_at_prevalence",
    "most_anomalous",
    "OneClassResult",
    "one_class_protocol",
]

_METRICS = ("mse", "bce", "bce_above_floor")
_METHODS = ("fpr", "f1")
_BASELINES = ("mean", "pca", "isolation_forest", "ocsvm")


# ------------------------------------------------------------------- validation


def _scores(scores, name, where):
    """One finite score per example, as a float64 1-d array."""
    if isinstance(scores, (str, bytes)):
        raise TypeError(message(where, name, "a 1-d array of numbers, one score per example", scores))
    s = check_array(scores, name, where=where, min_ndim=1, dtype="float64")
    if s.ndim != 1:
        raise ValueError(message(where, name, "a 1-d array of scores, one per example", s,
                                 "Compute one score per example, e.g. with reconstruction_errors."))
    return s


def _labels(labels, n, where, name="labels"):
    """0/1 labels (booleans accepted), one per score, as an int64 array."""
    if isinstance(labels, (str, bytes)):
        raise TypeError(message(where, name, "0 (normal) / 1 (anomaly) labels or booleans", labels))
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(message(where, name, f"a 1-d array of {n} labels, one per score", y))
    if y.dtype == bool:
        return y.astype(np.int64)
    if not np.issubdtype(y.dtype, np.number):
        raise TypeError(message(where, name, "0 (normal) / 1 (anomaly) labels or booleans", y))
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        shown = sorted(values, key=lambda v: (isinstance(v, float) and math.isnan(v), v))
        raise ValueError(message(where, name, "0 (normal) or 1 (anomaly) labels", f"values {shown}",
                                 "Map your classes first, e.g. labels = np.isin(y, anomaly_classes)."))
    return y.astype(np.int64)


def _both_classes(y, where):
    if y.min() == y.max():
        kind = "anomalies (1)" if y[0] == 1 else "normal examples (0)"
        raise ValueError(f"{where}: Expected labels with both normal (0) and anomalous (1) examples. "
                         f"Received: only {kind}.")


# ------------------------------------------------------------------------ scores


def reconstruction_errors(x_true, x_pred, metric="mse"):
    """One anomaly score per example: its reconstruction error.

    A thin, named entry point to the per-example losses of :mod:`aecourse.losses`,
    so that the score used for anomaly detection is the same number the book reports
    elsewhere:

    * ``"mse"``: mean squared error over each example's values;
    * ``"bce"``: mean binary cross-entropy (needs values in [0, 1]);
    * ``"bce_above_floor"``: the BCE minus the example's own floor
      (:func:`aecourse.losses.bce_floor`, the BCE of a perfect reconstruction).
      Raw BCE is larger for images with many grey pixels even when they are
      reconstructed perfectly; above its floor, only the error is left.

    Args:
        x_true: the inputs, shape ``(n, ...)`` (e.g. ``(n, 784)`` or ``(n, 28, 28, 1)``).
        x_pred: the model's reconstructions, the same shape.
        metric: ``"mse"``, ``"bce"`` or ``"bce_above_floor"``.

    Returns:
        A float64 array of shape ``(n,)``.

    Raises:
        ValueError: for shapes that differ, fewer than 2 dimensions, an unknown metric,
            or values that :mod:`aecourse.losses` rejects (NaN, outside [0, 1] for BCE).
        TypeError: for non-numeric arrays.

    Example:
        >>> reconstruction_errors(np.zeros((2, 4)), np.array([[0, 0, 0, 0], [1, 1, 0, 0]]))
        array([0. , 0.5])
        >>> reconstruction_errors(np.full((1, 2), 0.5), np.full((1, 2), 0.5), "bce_above_floor")
        array([0.])
    """
    from aecourse import losses

    where = "reconstruction_errors"
    check_one_of(metric, "metric", _METRICS, where=where)
    a = check_array(x_true, "x_true", where=where, min_ndim=2, dtype="float64")
    b = check_array(x_pred, "x_pred", where=where, min_ndim=2, dtype="float64")
    if a.shape != b.shape:
        raise ValueError(message(where, "x_pred", f"reconstructions of the same examples, shape {a.shape}", b,
                                 "Pass model.predict(x_true)."))
    if metric == "mse":
        return np.asarray(losses.mse(a, b, per_example=True), dtype=np.float64)
    errors = np.asarray(losses.bce(a, b, per_example=True), dtype=np.float64)
    if metric == "bce_above_floor":
        errors = errors - np.asarray(losses.bce_floor(a, per_example=True), dtype=np.float64)
    return errors


def distance_to_mean(x_normal, x):
    """The trivial anomaly score: each example's MSE to the mean normal example.

    The baseline every detector must beat: it needs no training and no model, only
    the mean of the normal training examples.

    Args:
        x_normal: normal (training) examples, ``(m, ...)``.
        x: the examples to score, ``(n, ...)`` with the same shape per example.

    Returns:
        A float64 array of shape ``(n,)``.

    Raises:
        ValueError: for examples of different shapes, or as :func:`reconstruction_errors`.
        TypeError: for non-numeric arrays.

    Example:
        >>> distance_to_mean(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.5, 0.5], [1.0, 0.0]]))
        array([0.  , 0.25])
    """
    where = "distance_to_mean"
    normal = check_array(x_normal, "x_normal", where=where, min_ndim=2, dtype="float64")
    x = check_array(x, "x", where=where, min_ndim=2, dtype="float64")
    if normal.shape[1:] != x.shape[1:]:
        raise ValueError(message(where, "x", f"examples shaped like those of x_normal, {normal.shape[1:]}", x))
    return reconstruction_errors(x, np.broadcast_to(normal.mean(axis=0), x.shape), "mse")


def most_anomalous(scores, n=10):
    """Indices of the ``n`` highest scores, highest first (ties keep their original order).

    Args:
        scores: 1-d array of anomaly scores.
        n: how many indices to return (at most ``len(scores)``).

    Returns:
        An int array of indices into ``scores``.

    Raises:
        ValueError: for scores that are not a 1-d array of finite numbers, or ``n < 1``.
        TypeError: for non-numeric scores or a non-integer ``n``.

    Example:
        >>> most_anomalous([0.1, 0.9, 0.5], n=2)
        array([1, 2])
    """
    s = _scores(scores, "scores", "most_anomalous")
    n = check_int(n, "n", where="most_anomalous", min_value=1)
    return np.argsort(-s, kind="stable")[:n]


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
        return _scores(scores, "scores", "Threshold.flag") > self.threshold


def _most_flagged(n, max_fpr):
    """The largest count ``k`` with ``k / n <= max_fpr``, computed as the rate is reported."""
    k = int(math.floor(max_fpr * n))
    while k + 1 <= n and (k + 1) / n <= max_fpr:
        k += 1
    while k > 0 and k / n > max_fpr:
        k -= 1
    return k


def choose_threshold(val_scores, val_labels=None, *, method="fpr", max_fpr=0.05):
    """Choose an anomaly threshold from validation scores only.

    The function sees validation data and nothing else: choose the threshold here,
    then apply it unchanged to the test set. Tuning it on test scores would report a
    better result than the detector will achieve on new data.

    Two rules:

    * ``method="fpr"`` (needs no anomalies): the smallest threshold that flags **at
      most** a fraction ``max_fpr`` of the normal validation examples. With ``n``
      normal scores, at most ``k = floor(max_fpr * n)`` of them may lie above it, so
      it is the ``(k + 1)``-th highest normal score; with ties there it flags fewer
      (no threshold can then flag exactly ``k``). A quantile such as
      ``np.quantile(scores, 1 - max_fpr)`` interpolates between two scores and can
      flag ``k + 1``: more than allowed. With ``val_labels=None`` every validation
      score is taken to be normal, the usual case when the model was trained on
      normal data only.
    * ``method="f1"`` (needs labelled anomalies in the validation split): the
      threshold with the highest F1 score on the validation examples; candidate
      thresholds are the validation scores themselves.

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
        TypeError: for non-numeric scores, labels or ``max_fpr``.

    Example:
        >>> t = choose_threshold(np.arange(100) / 100, max_fpr=0.05)
        >>> round(t.threshold, 2), t.validation_fpr
        (0.94, 0.05)
        >>> choose_threshold(np.arange(411.0), max_fpr=0.05).validation_fpr <= 0.05  # 20 of 411
        True
    """
    where = "choose_threshold"
    check_one_of(method, "method", _METHODS, where=where)
    s = _scores(val_scores, "val_scores", where)
    y = np.zeros(len(s), np.int64) if val_labels is None else _labels(val_labels, len(s), where, "val_labels")
    normal, anomalous = s[y == 0], s[y == 1]

    if method == "fpr":
        max_fpr = check_float(max_fpr, "max_fpr", where=where, min_value=0, max_value=1, max_inclusive=False)
        if normal.size == 0:
            raise ValueError(f"{where}: Expected validation labels with normal (0) examples for method='fpr'. "
                             "Received: only anomalies (1).")
        ordered = np.sort(normal)
        k = _most_flagged(len(ordered), max_fpr)
        # At most k normal scores may lie above the threshold: it is the (k+1)-th highest.
        threshold = float(ordered[len(ordered) - 1 - k])
    else:
        if anomalous.size == 0:
            raise ValueError(f"{where}: Expected validation labels with anomalies (1) for method='f1'. "
                             "Received: no anomalies. Use method='fpr', which needs normal examples only.")
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

    * **precision**: of the flagged examples, the fraction that are anomalies;
    * **recall** (true-positive rate): of the anomalies, the fraction flagged;
    * **F1**: their harmonic mean, ``2 P R / (P + R)``;
    * **FPR** (false-positive rate): of the normal examples, the fraction flagged.

    Recall and FPR do not depend on how many anomalies the data holds; precision
    does (see :func:`precision_at_prevalence`).

    Args:
        labels: 0 (normal) / 1 (anomaly) per example.
        scores: anomaly scores, same length.
        threshold: a number, or a :class:`Threshold` from :func:`choose_threshold`.

    Returns:
        A dict with ``precision``, ``recall``, ``f1``, ``fpr`` and the counts ``tp``,
        ``fp``, ``fn``, ``tn``. A ratio with an empty denominator is reported as 0.0.

    Raises:
        ValueError: for scores or labels that do not match, or a non-finite threshold.
        TypeError: for a threshold that is neither a number nor a :class:`Threshold`.

    Example:
        >>> r = precision_recall([0, 0, 1, 1], [0.1, 0.5, 0.9, 0.2], threshold=0.3)
        >>> r["precision"], r["recall"]
        (0.5, 0.5)
    """
    where = "precision_recall"
    s = _scores(scores, "scores", where)
    y = _labels(labels, len(s), where)
    if isinstance(threshold, Threshold):
        threshold = threshold.threshold
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(message(where, "threshold", "a finite number or a Threshold", threshold))
    threshold = check_float(threshold, "threshold", where=where)
    return _counts(y, s > threshold)


def roc_curve(labels, scores):
    """The ROC curve: false- and true-positive rates for every threshold.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        ``(fpr, tpr, thresholds)``: arrays of equal length, from (0, 0) (threshold
        ``+inf``, nothing flagged) to (1, 1); point ``i`` flags the examples with
        ``score >= thresholds[i]``.

    Raises:
        ValueError: for labels of one kind only, or scores and labels that do not match.
        TypeError: for non-numeric scores or labels.

    Example:
        >>> fpr, tpr, _ = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    where = "roc_curve"
    s = _scores(scores, "scores", where)
    y = _labels(labels, len(s), where)
    _both_classes(y, where)
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

    Ties count one half. 1.0 is a perfect ranking, 0.5 is no better than chance. It
    does not depend on a threshold, nor on the share of anomalies in the data.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        A float in [0, 1].

    Raises:
        ValueError: as :func:`roc_curve`.
        TypeError: as :func:`roc_curve`.

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    fpr, tpr, _ = roc_curve(labels, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def precision_recall_curve(labels, scores):
    """Precision and recall for every threshold, from the strictest to the most lenient.

    Point ``i`` flags the examples with ``score >= thresholds[i]``; the thresholds are
    the distinct scores, highest first, so recall grows along the arrays (the same
    points as ``sklearn.metrics.precision_recall_curve``, in the opposite order and
    without its final point at recall 0).

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        ``(precision, recall, thresholds)``, arrays of equal length.

    Raises:
        ValueError: as :func:`roc_curve`.
        TypeError: as :func:`roc_curve`.

    Example:
        >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> p.round(3).tolist(), r.tolist(), t.tolist()
        ([1.0, 0.5, 0.667, 0.5], [0.5, 0.5, 1.0, 1.0], [0.8, 0.4, 0.35, 0.1])
    """
    where = "precision_recall_curve"
    s = _scores(scores, "scores", where)
    y = _labels(labels, len(s), where)
    _both_classes(y, where)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_tie = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[last_of_tie]
    flagged = last_of_tie + 1
    return tps / flagged, tps / y.sum(), s[last_of_tie]


def average_precision(labels, scores):
    """Average precision: the precision at each recall level, weighted by how much recall it adds.

    ``AP = sum_i (R_i - R_{i-1}) P_i`` over the points of
    :func:`precision_recall_curve` (with ``R_0 = 0``), the definition of
    ``sklearn.metrics.average_precision_score``. A perfect ranking scores 1; random
    scores score about the share of anomalies in the data, so unlike the ROC AUC it
    depends on the base rate.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example; both must occur.
        scores: anomaly scores, same length.

    Returns:
        A float in [0, 1].

    Raises:
        ValueError: as :func:`roc_curve`.
        TypeError: as :func:`roc_curve`.

    Example:
        >>> round(average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333
    """
    precision, recall, _ = precision_recall_curve(labels, scores)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision_at_prevalence(recall, fpr, prevalence):
    """The precision a detector would have if a fraction ``prevalence`` of examples were anomalies.

    Recall and false-positive rate are properties of the detector (each is measured
    on one kind of example); precision is not. Among ``N`` examples with a share
    ``p`` of anomalies, the detector flags ``recall * p * N`` anomalies and
    ``fpr * (1 - p) * N`` normal examples, so

    ``precision = recall * p / (recall * p + fpr * (1 - p))``.

    The same detector that is right 9 times in 10 on a test set that is half
    anomalies can be wrong most of the time where anomalies are rare.

    Args:
        recall: the detector's recall (true-positive rate), in [0, 1].
        fpr: its false-positive rate, in [0, 1].
        prevalence: the share of anomalies, in (0, 1).

    Returns:
        A float in [0, 1]; 0.0 when nothing would be flagged.

    Raises:
        ValueError: for values outside their ranges.
        TypeError: for values that are not numbers.

    Example:
        >>> round(precision_at_prevalence(recall=0.3, fpr=0.04, prevalence=0.5), 3)
        0.882
        >>> round(precision_at_prevalence(recall=0.3, fpr=0.04, prevalence=0.01), 3)
        0.07
    """
    where = "precision_at_prevalence"
    recall = check_float(recall, "recall", where=where, min_value=0, max_value=1)
    fpr = check_float(fpr, "fpr", where=where, min_value=0, max_value=1)
    p = check_float(prevalence, "prevalence", where=where, min_value=0, max_value=1, min_inclusive=False,
                    max_inclusive=False, fix="Use the share of anomalies, e.g. 0.01 for one in a hundred.")
    flagged = recall * p + fpr * (1 - p)
    return recall * p / flagged if flagged > 0 else 0.0


# ------------------------------------------------------------ one-class protocol


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class OneClassResult:
    """The one-class benchmark's numbers: what :func:`one_class_protocol` returns.

    For every method (a model scored one way, or a baseline), every seed and every
    normal class: the ROC AUC and the average precision of telling that class's test
    images (normal) from all the other test images (anomalies). Baselines without
    randomness have the same value for every seed.

    Attributes:
        dataset: what data it was run on (source, sizes).
        classes: the classes taken as normal, in order.
        class_names: a display name per class.
        seeds: the seeds, in order.
        methods: the method names, in order.
        auc: ``{method: ((AUC of each class) for each seed)}``.
        average_precision: the same layout, for the average precision (anomalies as
            the positive class).
        pairwise_auc: ``{method: ((AUC of normal class i against class j alone) for
            each j) for each i}``, mean over seeds, ``None`` where ``i == j``: which
            other class a normal class is most confused with.
        n_train: training images of each class.
        seconds: ``{method: wall time of training and scoring, all classes and seeds}``.
        settings: how it was run (model, recipe, baselines), plain values.

    Example:
        >>> r = OneClassResult("toy", (0, 1), ("a", "b"), (0, 1), ("m",),
        ...                    auc={"m": ((0.9, 0.7), (0.8, 0.7))},
        ...                    average_precision={"m": ((0.9, 0.6), (0.8, 0.6))},
        ...                    pairwise_auc={"m": ((None, 0.85), (0.7, None))},
        ...                    n_train=(10, 12), seconds={"m": 1.0})
        >>> r.mean()["m"].round(3).tolist(), r.class_mean()["m"].round(3).tolist()
        ([0.85, 0.7], [0.8, 0.75])
    """

    dataset: str
    classes: tuple
    class_names: tuple
    seeds: tuple
    methods: tuple
    auc: dict
    average_precision: dict
    pairwise_auc: dict
    n_train: tuple
    seconds: dict
    settings: dict = dataclasses.field(default_factory=dict)

    def _metric(self, metric):
        check_one_of(metric, "metric", ("auc", "average_precision"), where="OneClassResult")
        return self.auc if metric == "auc" else self.average_precision

    def values(self, method, metric="auc"):
        """The numbers of one method: an array of shape ``(seeds, classes)``.

        Args:
            method: one of :attr:`methods`.
            metric: ``"auc"`` or ``"average_precision"``.

        Returns:
            A float64 array.

        Example:
            >>> OneClassResult("t", (0,), ("a",), (0, 1), ("m",), {"m": ((0.9,), (0.8,))},
            ...                {"m": ((0.9,), (0.8,))}, {"m": ((None,),)}, (5,), {}).values("m").tolist()
            [[0.9], [0.8]]
        """
        check_one_of(method, "method", self.methods, where="OneClassResult.values")
        return np.asarray(self._metric(metric)[method], dtype=np.float64)

    def mean(self, metric="auc"):
        """``{method: mean over seeds, one value per class}``."""
        return {m: self.values(m, metric).mean(axis=0) for m in self.methods}

    def std(self, metric="auc"):
        """``{method: standard deviation over seeds (ddof=1; 0 for one seed), per class}``."""
        return {m: (self.values(m, metric).std(axis=0, ddof=1) if len(self.seeds) > 1
                    else np.zeros(len(self.classes))) for m in self.methods}

    def spread(self, metric="auc"):
        """``{method: max - min over seeds, per class}``."""
        return {m: np.ptp(self.values(m, metric), axis=0) for m in self.methods}

    def class_mean(self, metric="auc"):
        """``{method: mean over the classes, one value per seed}`` (the table's last row)."""
        return {m: self.values(m, metric).mean(axis=1) for m in self.methods}

    def seed_results(self, metric="auc"):
        """Each method's mean over classes as :class:`aecourse.evaluation.SeedResults`.

        Pass them to :func:`aecourse.evaluation.rank` to say which method is better
        under the book's rule (better on every seed, or a gap beyond the spread).

        Returns:
            A list of ``SeedResults``, one per method, named like the method, with
            the metric ``"mean_auc"`` (or ``"mean_average_precision"``).

        Example:
            >>> from aecourse.evaluation import rank
            >>> r = OneClassResult("t", (0, 1), ("a", "b"), (0, 1, 2), ("x", "y"),
            ...     {"x": ((.9, .8), (.9, .8), (.9, .8)), "y": ((.7, .8), (.6, .8), (.7, .7))},
            ...     {"x": ((.9, .8),) * 3, "y": ((.7, .8),) * 3}, {}, (5, 5), {})
            >>> print(rank(r.seed_results(), "mean_auc", better="higher"))
            x has a higher mean_auc than y (mean 0.85 vs 0.7167 over 3 seeds).
        """
        from aecourse.evaluation import SeedResults

        key = "mean_auc" if metric == "auc" else "mean_average_precision"
        return [SeedResults(m, tuple(self.seeds), {key: tuple(float(v) for v in self.class_mean(metric)[m])})
                for m in self.methods]

    def hardest(self, method):
        """For each normal class, the other class its detector confuses most.

        Args:
            method: one of :attr:`methods`.

        Returns:
            A list of ``(normal class name, other class name, pairwise AUC)``, one per
            class: the class whose test images score most like the normal ones.

        Example:
            >>> r = OneClassResult("t", (0, 1, 2), ("a", "b", "c"), (0,), ("m",), {"m": ((.9, .8, .7),)},
            ...     {"m": ((.9, .8, .7),)}, {"m": ((None, .95, .6), (.7, None, .9), (.8, .5, None))}, (5,) * 3, {})
            >>> r.hardest("m")
            [('a', 'c', 0.6), ('b', 'a', 0.7), ('c', 'b', 0.5)]
        """
        check_one_of(method, "method", self.methods, where="OneClassResult.hardest")
        found = []
        for i, row in enumerate(self.pairwise_auc[method]):
            j = min((k for k in range(len(row)) if row[k] is not None), key=lambda k: row[k])
            found.append((self.class_names[i], self.class_names[j], float(row[j])))
        return found

    def rows(self):
        """One dict per method, seed and class: a tidy table.

        Returns:
            A list of ``{"method", "seed", "class", "class_name", "auc",
            "average_precision"}`` dicts.

        Example:
            >>> r = OneClassResult("t", (3,), ("c",), (0,), ("m",), {"m": ((0.9,),)}, {"m": ((0.8,),)}, {}, (5,), {})
            >>> r.rows()
            [{'method': 'm', 'seed': 0, 'class': 3, 'class_name': 'c', 'auc': 0.9, 'average_precision': 0.8}]
        """
        out = []
        for m in self.methods:
            for s, seed in enumerate(self.seeds):
                for c, cls in enumerate(self.classes):
                    out.append({"method": m, "seed": seed, "class": cls, "class_name": self.class_names[c],
                                "auc": float(self.auc[m][s][c]),
                                "average_precision": float(self.average_precision[m][s][c])})
        return out

    def table(self, metric="auc", methods=None, labels=None, extra=None, percent=True, width=None):
        """A text table: one row per class and the mean, one column per method.

        Each cell is the mean over seeds and its standard deviation, ``91.2±0.4``
        (percent, as the literature reports AUCs) or ``0.912±0.004``; a method run
        with one seed, or without randomness, shows the mean alone.

        Args:
            metric: ``"auc"`` or ``"average_precision"``.
            methods: the methods to show (default: all), in order.
            labels: column titles for them (default: the method names).
            extra: further columns, ``{title: sequence of one value per class}``
                (e.g. published numbers, in the same unit as the table), or ``None``;
                a value more gives the column's mean row (else the mean of the values).
            percent: numbers in percent with one decimal, else fractions with three.
            width: the width of each column (default: wide enough for its title).

        Returns:
            A string.

        Example:
            >>> r = OneClassResult("t", (0, 1), ("a", "b"), (0, 1), ("m",), {"m": ((.91, .8), (.93, .8))},
            ...                    {"m": ((.9, .8), (.9, .8))}, {}, (5, 5), {})
            >>> print(r.table(extra={"paper": (95.0, 90.0)}))
            class        m paper
            a     92.0±1.4  95.0
            b         80.0  90.0
            mean  86.0±0.7  92.5
        """
        methods = list(self.methods if methods is None else methods)
        for m in methods:
            check_one_of(m, "methods", self.methods, where="OneClassResult.table")
        labels = list(methods if labels is None else labels)
        if len(labels) != len(methods):
            raise ValueError(message("OneClassResult.table", "labels", f"{len(methods)} column titles", labels))
        scale, decimals = (100.0, 1) if percent else (1.0, 3)
        columns = []
        for m in methods:
            v = self.values(m, metric) * scale
            means, class_means = v.mean(axis=0), v.mean(axis=1)
            cells = []
            for mean_value, column in zip(list(means) + [class_means.mean()], list(v.T) + [class_means]):
                sd = float(np.std(column, ddof=1)) if len(column) > 1 else 0.0
                text = f"{mean_value:.{decimals}f}"
                cells.append(text if round(sd, decimals) == 0 else f"{text}±{sd:.{decimals}f}")
            columns.append(cells)
        for title, numbers_ in (extra or {}).items():
            numbers_ = [float(x) for x in numbers_]
            if len(numbers_) not in (len(self.classes), len(self.classes) + 1):
                raise ValueError(message("OneClassResult.table", "extra",
                                         f"{len(self.classes)} values per column (or one more, the mean)", numbers_))
            if len(numbers_) == len(self.classes):
                numbers_.append(float(np.mean(numbers_)))
            labels.append(title)
            columns.append([f"{x:.{decimals}f}" for x in numbers_])
        names = list(self.class_names) + ["mean"]
        first = max(len("class"), *(len(n) for n in names))
        widths = [max(len(t), *(len(c) for c in col)) if width is None else width for t, col in zip(labels, columns)]
        lines = ["class".ljust(first) + "".join(" " + t.rjust(w) for t, w in zip(labels, widths))]
        for i, name in enumerate(names):
            lines.append(name.ljust(first) + "".join(" " + col[i].rjust(w) for col, w in zip(columns, widths)))
        return "\n".join(lines)

    def __str__(self):
        return f"{self.dataset}\n{self.table()}"

    def __repr__(self):
        return (f"OneClassResult(dataset={self.dataset!r}, classes={len(self.classes)}, seeds={self.seeds!r}, "
                f"methods={list(self.methods)!r})")

    def to_dict(self):
        """The result as plain values (lists, dicts, numbers), ready for ``json.dumps``.

        Example:
            >>> r = OneClassResult("t", (0,), ("a",), (0,), ("m",), {"m": ((0.9,),)}, {"m": ((0.8,),)},
            ...                    {"m": ((None,),)}, (5,), {"m": 1.5})
            >>> OneClassResult.from_dict(r.to_dict()).to_dict() == r.to_dict()
            True
        """
        def lists(table):
            return {m: [list(row) for row in rows] for m, rows in table.items()}

        return {"dataset": self.dataset, "classes": list(self.classes), "class_names": list(self.class_names),
                "seeds": list(self.seeds), "methods": list(self.methods), "auc": lists(self.auc),
                "average_precision": lists(self.average_precision), "pairwise_auc": lists(self.pairwise_auc),
                "n_train": list(self.n_train), "seconds": dict(self.seconds), "settings": dict(self.settings)}

    @classmethod
    def from_dict(cls, d):
        """The result :meth:`to_dict` wrote (e.g. read back from JSON).

        Args:
            d: a dict with the fields of :class:`OneClassResult`.

        Returns:
            A :class:`OneClassResult`.

        Raises:
            TypeError: if ``d`` is not a dict.
            ValueError: if a field is missing.

        Example:
            >>> OneClassResult.from_dict({"dataset": "t", "classes": [0], "class_names": ["a"], "seeds": [0],
            ...     "methods": ["m"], "auc": {"m": [[0.9]]}, "average_precision": {"m": [[0.8]]},
            ...     "pairwise_auc": {}, "n_train": [5], "seconds": {}}).mean()["m"].tolist()
            [0.9]
        """
        if not isinstance(d, dict):
            raise TypeError(message("OneClassResult.from_dict", "d", "a dict (what to_dict returns)", d))
        fields = [f.name for f in dataclasses.fields(cls)]
        missing = [f for f in fields if f not in d and f != "settings"]
        if missing:
            raise ValueError(message("OneClassResult.from_dict", "d", f"a dict with the fields {fields}",
                                     f"a dict without {missing}"))

        def tuples(table):
            return {m: tuple(tuple(row) for row in rows) for m, rows in table.items()}

        return cls(dataset=str(d["dataset"]), classes=tuple(d["classes"]), class_names=tuple(d["class_names"]),
                   seeds=tuple(d["seeds"]), methods=tuple(d["methods"]), auc=tuples(d["auc"]),
                   average_precision=tuples(d["average_precision"]), pairwise_auc=tuples(d["pairwise_auc"]),
                   n_train=tuple(d["n_train"]), seconds=dict(d["seconds"]), settings=dict(d.get("settings", {})))

    @classmethod
    def combine(cls, *results):
        """One result holding the methods of several runs on the same classes and seeds.

        Args:
            *results: :class:`OneClassResult` objects of the same data, classes and
                seeds, with distinct method names.

        Returns:
            A :class:`OneClassResult` with all their methods, in order.

        Raises:
            TypeError: for an argument that is not a :class:`OneClassResult`.
            ValueError: for no results, different classes or seeds, or a repeated
                method name.

        Example:
            >>> a = OneClassResult("t", (0,), ("a",), (0,), ("x",), {"x": ((.9,),)}, {"x": ((.9,),)}, {}, (5,), {})
            >>> b = OneClassResult("t", (0,), ("a",), (0,), ("y",), {"y": ((.8,),)}, {"y": ((.8,),)}, {}, (5,), {})
            >>> OneClassResult.combine(a, b).methods
            ('x', 'y')
        """
        where = "OneClassResult.combine"
        if not results:
            raise ValueError(f"{where}: Expected at least one OneClassResult. Received: none.")
        for r in results:
            if not isinstance(r, OneClassResult):
                raise TypeError(message(where, "results", "OneClassResult objects", r))
        first = results[0]
        for r in results[1:]:
            if (r.classes, r.seeds) != (first.classes, first.seeds):
                raise ValueError(message(where, "results", f"runs on the same classes {first.classes} and seeds "
                                         f"{first.seeds}", f"classes {r.classes} and seeds {r.seeds}"))
        methods = [m for r in results for m in r.methods]
        if len(set(methods)) != len(methods):
            raise ValueError(message(where, "results", "distinct method names", methods))

        def merged(name):
            out = {}
            for r in results:
                out.update(getattr(r, name))
            return out

        settings = {}
        for r in results:
            settings.update(r.settings)
        return cls(dataset=first.dataset, classes=first.classes, class_names=first.class_names, seeds=first.seeds,
                   methods=tuple(methods), auc=merged("auc"), average_precision=merged("average_precision"),
                   pairwise_auc=merged("pairwise_auc"), n_train=first.n_train, seconds=merged("seconds"),
                   settings=settings)


def _split_data(data, where):
    try:
        (x_train, y_train), (x_test, y_test) = data
    except (TypeError, ValueError):
        raise TypeError(message(where, "data", "((x_train, y_train), (x_test, y_test)), as the loaders return",
                                type(data).__name__)) from None
    x_train = check_array(x_train, "x_train", where=where, min_ndim=2)
    x_test = check_array(x_test, "x_test", where=where, min_ndim=2)
    if x_train.shape[1:] != x_test.shape[1:]:
        raise ValueError(message(where, "x_test", f"examples shaped like x_train's, {x_train.shape[1:]}", x_test))
    low, high = min(x_train.min(), x_test.min()), max(x_train.max(), x_test.max())
    if low < 0 or high > 1:
        raise ValueError(message(where, "data", "images with values in [0, 1]", f"values from {low:g} to {high:g}",
                                 "Divide 8-bit images by 255."))
    ys = []
    for name, y, x in (("y_train", y_train, x_train), ("y_test", y_test, x_test)):
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(x) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(message(where, name, f"one integer class label per image ({len(x)})", y))
        ys.append(y)
    return x_train, ys[0], x_test, ys[1]


def _pca(x_normal, components):
    from sklearn.decomposition import PCA

    flat = x_normal.reshape(len(x_normal), -1).astype(np.float64)
    k = int(min(components, flat.shape[1], len(flat) - 1))
    # The eigenvectors of the covariance matrix: exact, no randomness, and fast when
    # there are many more examples than pixels.
    return PCA(n_components=k, svd_solver="covariance_eigh").fit(flat)


def _baseline_scores(kind, x_normal, x_test, seed, pca):
    """Anomaly scores of the test set from one baseline fitted on the normal training images."""
    flat_test = x_test.reshape(len(x_test), -1)
    if kind == "mean":
        return distance_to_mean(x_normal, x_test)
    if kind == "pca":
        return reconstruction_errors(flat_test, pca.inverse_transform(pca.transform(flat_test)), "mse")
    features = pca.transform(x_normal.reshape(len(x_normal), -1))
    test_features = pca.transform(flat_test)
    if kind == "isolation_forest":
        from sklearn.ensemble import IsolationForest

        forest = IsolationForest(n_estimators=100, random_state=seed).fit(features)
        return -forest.score_samples(test_features)
    from sklearn.svm import OneClassSVM

    svm = OneClassSVM(kernel="rbf", nu=0.1, gamma="scale").fit(features)
    return -svm.decision_function(test_features)


def _baseline_name(kind, components):
    return {"mean": "distance to the mean image",
            "pca": f"PCA ({components}), reconstruction MSE",
            "isolation_forest": f"Isolation Forest on PCA ({components})",
            "ocsvm": f"one-class SVM on PCA ({components})"}[kind]


def _judge(is_anomaly, y_test, cls, classes, scores):
    """AUC, average precision and pairwise AUCs of one set of test scores."""
    auc = roc_auc(is_anomaly, scores)
    ap = average_precision(is_anomaly, scores)
    normal = scores[y_test == cls]
    pairwise = []
    for other in classes:
        if other == cls:
            pairwise.append(None)
            continue
        theirs = scores[y_test == other]
        pairwise.append(roc_auc(np.r_[np.zeros(len(normal)), np.ones(len(theirs))], np.r_[normal, theirs]))
    return auc, ap, pairwise


def one_class_protocol(data, build_model=None, recipe=None, *, name="autoencoder", scores=("mse", "bce_above_floor"),
                       baselines=("mean", "pca", "isolation_forest"), classes=None, class_names=None,
                       seeds=(0, 1, 2), loss="binary_crossentropy", pca_components=32, dataset="", verbose=False):
    """The one-class benchmark: each class in turn is normal, the rest of the test set anomalous.

    For every class ``c`` (and every seed), the protocol of Ruff et al. (ICML 2018)
    and Golan and El-Yaniv (NeurIPS 2018):

    1. train on the **training** images of class ``c`` only (no labels, no other class);
    2. score the **whole test set**, with ``c`` as normal and the other classes as
       anomalies, by the reconstruction error (:func:`reconstruction_errors`, each
       metric of ``scores``);
    3. report the ROC AUC and the average precision (:func:`roc_auc`,
       :func:`average_precision`), and the AUC against each other class alone.

    The baselines score the same test set from the same training images: ``"mean"``
    (:func:`distance_to_mean`), ``"pca"`` (the reconstruction MSE of PCA with
    ``pca_components`` components, a linear autoencoder), ``"isolation_forest"`` and
    ``"ocsvm"`` (scikit-learn's Isolation Forest, seeded, and one-class SVM with an RBF
    kernel, ``nu=0.1`` and ``gamma="scale"``, on those PCA features). Nothing is tuned:
    the recipe and the baselines' settings are fixed before the test set is scored,
    and no test image is seen before that.

    Args:
        data: ``((x_train, y_train), (x_test, y_test))``, images in [0, 1] and integer
            labels (what :func:`aecourse.data.load_mnist` returns).
        build_model: a function of no argument returning a fresh Keras autoencoder for
            these images (its input shape); ``None`` to run the baselines only.
        recipe: how to train it: a :class:`aecourse.fast.FastRecipe` (trained with
            :func:`aecourse.fast.fit_fast`) or a :class:`aecourse.training.KerasRecipe`.
        name: the model's name in the method names (``"<name>, MSE"``, ...).
        scores: the reconstruction errors to score with: ``"mse"``, ``"bce"``,
            ``"bce_above_floor"``.
        baselines: any of ``"mean"``, ``"pca"``, ``"isolation_forest"``, ``"ocsvm"``.
        classes: the classes to take as normal (default: every label of ``y_train``).
        class_names: a name per class of ``classes`` (default: the labels as text).
        seeds: one training run per seed and class (seeded with
            :func:`aecourse.training.set_seed` before the model is built).
        loss: the training loss.
        pca_components: components of the PCA baselines.
        dataset: a description of the data, kept in the result.
        verbose: print one line per class.

    Returns:
        A :class:`OneClassResult`.

    Raises:
        TypeError: for data that is not two (images, labels) pairs, a model builder
            that is not callable, or a missing recipe.
        ValueError: for images outside [0, 1], labels that do not match, unknown
            scores or baselines, or a class missing from the training or test labels.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> y = np.repeat([0, 1], 50)
        >>> x = np.clip(0.5 + 0.3 * (2 * y[:, None] - 1) * rng.random((100, 8)), 0, 1)
        >>> r = one_class_protocol(((x, y), (x, y)), baselines=("mean",), seeds=(0,))
        >>> r.methods, r.values("distance to the mean image").round(2).tolist()
        (('distance to the mean image',), [[1.0, 1.0]])
    """
    where = "one_class_protocol"
    x_train, y_train, x_test, y_test = _split_data(data, where)
    scores = tuple(scores) if build_model is not None else ()
    for metric in scores:
        check_one_of(metric, "scores", _METRICS, where=where)
    baselines = tuple(baselines)
    for kind in baselines:
        check_one_of(kind, "baselines", _BASELINES, where=where)
    if build_model is not None:
        check_callable(build_model, "build_model", where=where, expected="a function that returns a new model")
        if recipe is None:
            raise TypeError(message(where, "recipe", "a FastRecipe or a KerasRecipe", recipe,
                                    "Say how to train the model, e.g. recipe=FastRecipe(epochs=20)."))
    if not scores and not baselines:
        raise ValueError(f"{where}: Expected a model to score or a baseline. Received: neither.")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(message(where, "seeds", "a sequence of integers such as (0, 1, 2)", seeds))
    seeds = tuple(check_int(s, "seeds", where=where, min_value=0) for s in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(message(where, "seeds", "distinct seeds, at least one", seeds))
    components = check_int(pca_components, "pca_components", where=where, min_value=1)
    classes = tuple(int(c) for c in (np.unique(y_train) if classes is None else classes))
    for c in classes:
        if not np.any(y_train == c) or not np.any(y_test == c):
            raise ValueError(message(where, "classes", "classes present in both the training and the test labels",
                                     classes, f"Class {c} is missing from one of them."))
    if len(set(y_test.tolist())) < 2:
        raise ValueError(f"{where}: Expected test labels of at least two classes. Received: one.")
    class_names = tuple(str(c) for c in classes) if class_names is None else tuple(str(n) for n in class_names)
    if len(class_names) != len(classes):
        raise ValueError(message(where, "class_names", f"one name per class ({len(classes)})", class_names))

    methods = [_baseline_name(kind, components) for kind in baselines]
    metric_names = {"mse": "MSE", "bce": "BCE", "bce_above_floor": "BCE above floor"}
    methods += [f"{name}, {metric_names[metric]}" for metric in scores]
    auc = {m: [[None] * len(classes) for _ in seeds] for m in methods}
    ap = {m: [[None] * len(classes) for _ in seeds] for m in methods}
    pairwise = {m: [[None] * len(classes) for _ in classes] for m in methods}
    seconds = {m: 0.0 for m in methods}
    parameters = None
    all_classes = tuple(int(c) for c in np.unique(y_test))

    def record(method, s, c, cls, test_scores):
        a, p, pairs = _judge((y_test != cls).astype(np.int64), y_test, cls, all_classes, test_scores)
        auc[method][s][c], ap[method][s][c] = a, p
        row = pairwise[method][c]
        for j, other in enumerate(classes):
            if other != cls:
                value = pairs[all_classes.index(other)] / len(seeds)
                row[j] = value if row[j] is None else row[j] + value

    for c, cls in enumerate(classes):
        x_normal = x_train[y_train == cls]
        pca = None
        if set(baselines) - {"mean"}:
            began = time.perf_counter()
            pca = _pca(x_normal, components)  # shared by the PCA-based baselines; no randomness
            pca_seconds = time.perf_counter() - began
        for kind, method in zip(baselines, methods):
            randomised = kind == "isolation_forest"
            if kind != "mean":
                seconds[method] += pca_seconds
            found = None
            for s, seed in enumerate(seeds):
                began = time.perf_counter()
                if randomised or found is None:
                    found = _baseline_scores(kind, x_normal, x_test, seed, pca)
                seconds[method] += time.perf_counter() - began
                record(method, s, c, cls, found)
        if build_model is not None:
            from aecourse.evaluation import fit_and_score
            from aecourse.training import set_seed

            for s, seed in enumerate(seeds):
                began = time.perf_counter()
                set_seed(seed)
                model = build_model()
                fitted = fit_and_score(model, x_normal, x_test, recipe=recipe, loss=loss, validation_size=0, seed=seed)
                parameters = fitted.parameters
                took = time.perf_counter() - began
                for metric in scores:
                    method = f"{name}, {metric_names[metric]}"
                    seconds[method] += took / len(scores)
                    record(method, s, c, cls, reconstruction_errors(x_test, fitted.predictions, metric))
        if verbose:
            shown = "; ".join(f"{m} {np.mean([auc[m][s][c] for s in range(len(seeds))]):.3f}" for m in methods)
            print(f"class {class_names[c]} ({len(x_normal):,} training images): AUC {shown}", flush=True)

    settings = {"baselines": list(baselines), "pca_components": components, "scores": list(scores)}
    if build_model is not None:
        settings[name] = {"recipe": repr(recipe), "loss": str(loss), "parameters": parameters}
    return OneClassResult(
        dataset=str(dataset), classes=classes, class_names=class_names, seeds=seeds, methods=tuple(methods),
        auc={m: tuple(tuple(float(v) for v in row) for row in auc[m]) for m in methods},
        average_precision={m: tuple(tuple(float(v) for v in row) for row in ap[m]) for m in methods},
        pairwise_auc={m: tuple(tuple(None if v is None else float(v) for v in row) for row in pairwise[m])
                      for m in methods},
        n_train=tuple(int(np.sum(y_train == c)) for c in classes), seconds=seconds, settings=settings)
