"""Tests of aecourse.anomaly against independent NumPy (and scikit-learn) computations."""

import inspect

import numpy as np
import pytest
from sklearn import metrics as skm

from aecourse import anomaly
from aecourse.anomaly import (
    Threshold,
    choose_threshold,
    most_anomalous,
    precision_recall,
    reconstruction_errors,
    roc_auc,
    roc_curve,
)


def toy(n=200, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    s = rng.normal(size=n) + 1.2 * y
    if ties:
        s = np.round(s, 1)
    return y, s


# ----------------------------------------------------------------- reconstruction


def test_reconstruction_errors_match_numpy():
    rng = np.random.default_rng(1)
    x, r = rng.random((5, 28, 28, 1)), rng.uniform(0.01, 0.99, (5, 28, 28, 1))
    expected_mse = np.array([np.mean((x[i] - r[i]) ** 2) for i in range(5)])
    expected_bce = np.array([-np.mean(x[i] * np.log(r[i]) + (1 - x[i]) * np.log(1 - r[i])) for i in range(5)])
    np.testing.assert_allclose(reconstruction_errors(x, r), expected_mse, rtol=1e-6)
    np.testing.assert_allclose(reconstruction_errors(x.reshape(5, -1), r.reshape(5, -1), "bce"), expected_bce,
                               rtol=1e-6)
    assert reconstruction_errors(x, r).shape == (5,)


def test_reconstruction_errors_bad_input():
    with pytest.raises(ValueError, match=r"x_true has shape \(2, 3\) but x_pred has shape \(2, 4\)"):
        reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        reconstruction_errors(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"metric='mae'.*expected one of \('mse', 'bce'\)"):
        reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 3)), metric="mae")


def test_most_anomalous():
    np.testing.assert_array_equal(most_anomalous([0.3, 0.9, 0.1, 0.9], n=3), [1, 3, 0])
    assert len(most_anomalous([1.0, 2.0], n=5)) == 2
    with pytest.raises(ValueError, match=r"most_anomalous\(n=0\): expected a positive integer"):
        most_anomalous([1.0], n=0)


# ------------------------------------------------------------------------- ROC


@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_and_auc_match_scikit_learn(ties):
    y, s = toy(ties=ties)
    fpr, tpr, thresholds = roc_curve(y, s)
    sk_fpr, sk_tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    assert thresholds[0] == np.inf and np.all(np.diff(thresholds) < 0)
    assert roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)


@pytest.mark.parametrize("ties", [False, True])
def test_roc_auc_is_the_pairwise_ranking_probability(ties):
    y, s = toy(n=120, seed=3, ties=ties)
    pos, neg = s[y == 1], s[y == 0]
    diff = pos[:, None] - neg[None, :]
    expected = np.mean((diff > 0) + 0.5 * (diff == 0))
    assert roc_auc(y, s) == pytest.approx(expected, abs=1e-12)


def test_roc_points_follow_the_threshold_rule():
    y, s = toy(n=50, seed=4, ties=True)
    fpr, tpr, thresholds = roc_curve(y, s)
    for f, t, th in zip(fpr[1:], tpr[1:], thresholds[1:]):
        flagged = s >= th
        assert t == pytest.approx(flagged[y == 1].mean())
        assert f == pytest.approx(flagged[y == 0].mean())


def test_roc_extremes_and_bad_input():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    with pytest.raises(ValueError, match="only normal examples; ROC needs both"):
        roc_auc([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"labels must be 0 \(normal\) or 1 \(anomaly\), received values \[0, 3\]"):
        roc_auc([0, 3], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"expected 3 labels \(one per score\), received shape \(2,\)"):
        roc_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="scores must be finite"):
        roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match=r"1-d array of scores.*shape \(2, 1\)"):
        roc_auc([0, 1], [[0.1], [0.2]])


# ------------------------------------------------------------ precision/recall


def test_precision_recall_matches_scikit_learn():
    y, s = toy(seed=5)
    t = 0.7
    r = precision_recall(y, s, t)
    pred = s > t
    assert r["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert r["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert r["f1"] == pytest.approx(skm.f1_score(y, pred))
    tn, fp, fn, tp = skm.confusion_matrix(y, pred).ravel()
    assert (r["tn"], r["fp"], r["fn"], r["tp"]) == (tn, fp, fn, tp)
    assert r["fpr"] == pytest.approx(fp / (fp + tn))


def test_precision_recall_accepts_threshold_object_and_boolean_labels():
    t = Threshold(threshold=0.5, method="fpr", n_validation=3, validation_fpr=0.0, validation_recall=None)
    r = precision_recall(np.array([False, True, True]), [0.2, 0.6, 0.4], t)
    assert (r["precision"], r["recall"]) == (1.0, 0.5)
    # nothing flagged: precision reported as 0, not a division error
    assert precision_recall([0, 1], [0.1, 0.2], 5.0)["precision"] == 0.0
    with pytest.raises(TypeError, match=r"threshold='high'.*expected a finite number or a Threshold"):
        precision_recall([0, 1], [0.1, 0.2], "high")


# ------------------------------------------------------------------ thresholds


def test_choose_threshold_takes_validation_data_only():
    """The API has no place for test data: only validation scores/labels and the rule."""
    params = inspect.signature(choose_threshold).parameters
    assert list(params) == ["val_scores", "val_labels", "method", "max_fpr"]
    assert [p.kind for p in params.values()][2:] == [inspect.Parameter.KEYWORD_ONLY] * 2
    with pytest.raises(TypeError, match="test_scores"):
        choose_threshold([0.1, 0.2], test_scores=[0.3])  # noqa


def test_choose_threshold_depends_on_validation_data_alone():
    rng = np.random.default_rng(0)
    val = rng.random(300)
    first = choose_threshold(val, max_fpr=0.1)
    # computing unrelated ("test") scores in between changes nothing
    _ = roc_auc(rng.integers(0, 2, 50) | np.r_[1, np.zeros(49, int)], rng.random(50))
    assert choose_threshold(val.copy(), max_fpr=0.1) == first


@pytest.mark.parametrize("max_fpr", [0.0, 0.01, 0.05, 0.1, 0.5])
def test_choose_threshold_fpr_rule(max_fpr):
    rng = np.random.default_rng(2)
    val = rng.random(1000)
    t = choose_threshold(val, max_fpr=max_fpr)
    flagged = val > t.threshold
    assert flagged.mean() <= max_fpr
    assert flagged.mean() == pytest.approx(max_fpr, abs=1e-3)  # distinct scores: met exactly
    # smallest such threshold among the scores: one step lower flags too many
    lower = np.sort(val)[np.sort(val) < t.threshold]
    if lower.size:
        assert (val > lower[-1]).mean() > max_fpr
    assert (t.method, t.n_validation, t.validation_recall) == ("fpr", 1000, None)
    assert t.validation_fpr == pytest.approx(flagged.mean())
    np.testing.assert_array_equal(t.flag(val), flagged)


def test_choose_threshold_fpr_uses_normal_examples_when_labelled():
    y, s = toy(seed=6)
    t = choose_threshold(s, y, max_fpr=0.05)
    assert t.threshold == choose_threshold(s[y == 0], max_fpr=0.05).threshold
    assert t.n_validation == len(s) and t.validation_fpr <= 0.05
    assert t.validation_recall == pytest.approx((s[y == 1] > t.threshold).mean())


def test_choose_threshold_f1_is_the_best_on_validation():
    y, s = toy(seed=7)
    t = choose_threshold(s, y, method="f1")
    best = max(skm.f1_score(y, s > c) for c in np.r_[s.min() - 1, s])
    assert skm.f1_score(y, s > t.threshold) == pytest.approx(best)
    assert t.method == "f1" and 0 < t.validation_recall <= 1


def test_choose_threshold_bad_input():
    with pytest.raises(ValueError, match=r"method='roc'.*expected one of \('fpr', 'f1'\)"):
        choose_threshold([0.1, 0.2], method="roc")
    with pytest.raises(ValueError, match=r"max_fpr=1.5.*expected a number in \[0, 1\)"):
        choose_threshold([0.1, 0.2], max_fpr=1.5)
    with pytest.raises(ValueError, match="no anomalies.*use method='fpr'"):
        choose_threshold([0.1, 0.2], [0, 0], method="f1")
    with pytest.raises(ValueError, match="f1.*no anomalies"):
        choose_threshold([0.1, 0.2], method="f1")
    with pytest.raises(ValueError, match=r"hold no normal \(0\) examples"):
        choose_threshold([0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match="received no scores"):
        choose_threshold([])
    with pytest.raises(TypeError, match="labels must be 0/1 or booleans"):
        choose_threshold([0.1, 0.2], ["a", "b"])


def test_module_exports():
    assert set(anomaly.__all__) == {
        "reconstruction_errors", "Threshold", "choose_threshold", "roc_curve", "roc_auc",
        "precision_recall", "most_anomalous"}
