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
    one_class_protocol,
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
    with pytest.raises(ValueError, match=r"reconstructions of the same examples, shape \(2, 3\)\. "
                                         r"Received: x_pred=array of shape \(2, 4\)"):
        reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="at least 2 axes.*x\\[None\\] for a single example"):
        reconstruction_errors(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"`metric` to be one of 'mse', 'bce', 'bce_above_floor'\. "
                                         r"Received: metric='mae'"):
        reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 3)), metric="mae")
    with pytest.raises(ValueError, match="`x_true` to be an array of finite numbers.*NaN"):
        reconstruction_errors(np.array([[0.1, np.nan]]), np.zeros((1, 2)))
    with pytest.raises(TypeError, match="an array of numbers"):
        reconstruction_errors([["a", "b"]], [["a", "b"]])


def test_most_anomalous():
    np.testing.assert_array_equal(most_anomalous([0.3, 0.9, 0.1, 0.9], n=3), [1, 3, 0])
    assert len(most_anomalous([1.0, 2.0], n=5)) == 2
    with pytest.raises(ValueError, match=r"most_anomalous: Expected `n` to be an integer >= 1\. Received: n=0"):
        most_anomalous([1.0], n=0)
    with pytest.raises(TypeError, match=r"Received: n=2\.5"):
        most_anomalous([1.0], n=2.5)


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
    with pytest.raises(ValueError, match=r"both normal \(0\) and anomalous \(1\) examples\. "
                                         r"Received: only normal examples"):
        roc_auc([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"0 \(normal\) or 1 \(anomaly\) labels\. Received: labels='values \[0, 3\]'. "
                                         r"Map your classes first"):
        roc_auc([0, 3], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"a 1-d array of 3 labels, one per score\. "
                                         r"Received: labels=array of shape \(2,\)"):
        roc_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="`scores` to be an array of finite numbers"):
        roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match=r"a 1-d array of scores, one per example\. "
                                         r"Received: scores=array of shape \(2, 1\)"):
        roc_auc([0, 1], [[0.1], [0.2]])
    with pytest.raises(TypeError, match="one score per example. Received: scores='high'"):
        roc_auc([0, 1], "high")
    with pytest.raises(TypeError, match="labels or booleans"):
        roc_auc(["a", "b"], [0.1, 0.2])


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
    with pytest.raises(TypeError, match=r"Expected `threshold` to be a finite number or a Threshold\. "
                                        r"Received: threshold='high'"):
        precision_recall([0, 1], [0.1, 0.2], "high")
    with pytest.raises(ValueError, match=r"Received: threshold=nan"):
        precision_recall([0, 1], [0.1, 0.2], float("nan"))


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
    with pytest.raises(ValueError, match=r"`method` to be one of 'fpr', 'f1'\. Received: method='roc'"):
        choose_threshold([0.1, 0.2], method="roc")
    with pytest.raises(ValueError, match=r"`max_fpr` to be a finite number in \[0, 1\)\. Received: max_fpr=1\.5"):
        choose_threshold([0.1, 0.2], max_fpr=1.5)
    with pytest.raises(TypeError, match=r"Received: max_fpr='5%'"):
        choose_threshold([0.1, 0.2], max_fpr="5%")
    with pytest.raises(ValueError, match="Received: no anomalies. Use method='fpr'"):
        choose_threshold([0.1, 0.2], [0, 0], method="f1")
    with pytest.raises(ValueError, match="method='f1'. Received: no anomalies"):
        choose_threshold([0.1, 0.2], method="f1")
    with pytest.raises(ValueError, match=r"normal \(0\) examples for method='fpr'\. Received: only anomalies"):
        choose_threshold([0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match=r"at least 1 row"):
        choose_threshold([])
    with pytest.raises(TypeError, match="`val_labels` to be 0 \\(normal\\) / 1 \\(anomaly\\) labels or booleans"):
        choose_threshold([0.1, 0.2], ["a", "b"])


def test_module_exports():
    assert set(anomaly.__all__) == {
        "reconstruction_errors", "distance_to_mean", "Threshold", "choose_threshold", "roc_curve", "roc_auc",
        "precision_recall", "precision_recall_curve", "average_precision", "precision_at_prevalence",
        "most_anomalous", "OneClassResult", "one_class_protocol"}


# ------------------------------------------------- "at most max_fpr", brute force


def brute_force_threshold(normal, max_fpr):
    """The smallest score that flags (score > t) at most max_fpr of the normal scores."""
    return min(t for t in np.unique(normal) if np.mean(normal > t) <= max_fpr)


@pytest.mark.parametrize("max_fpr", [0.0, 0.01, 0.05, 0.07, 0.1, 0.2, 0.25, 0.3, 0.5, 0.9])
def test_choose_threshold_matches_brute_force_on_awkward_sizes(max_fpr):
    rng = np.random.default_rng(11)
    for n in list(range(1, 60)) + [99, 101, 137, 411, 999]:
        for ties in (False, True):
            normal = rng.gamma(2.0, 1.0, n)
            if ties:
                normal = np.round(normal, 0)
            t = choose_threshold(normal, max_fpr=max_fpr)
            assert t.threshold == brute_force_threshold(normal, max_fpr), (n, ties)
            assert t.validation_fpr <= max_fpr
            assert t.validation_fpr == np.mean(normal > t.threshold)


def test_choose_threshold_on_the_chapters_size_flags_20_of_411():
    normal = np.random.default_rng(0).random(411)
    t = choose_threshold(normal, max_fpr=0.05)
    assert int(np.sum(normal > t.threshold)) == 20  # 20 / 411 = 4.87%; 21 would be 5.11%
    assert int(np.sum(normal > np.quantile(normal, 0.95))) == 21  # what a quantile would flag


def test_choose_threshold_with_ties_at_the_cut_flags_fewer_rather_than_more():
    normal = np.array([1.0, 2.0, 2.0, 2.0, 3.0])
    t = choose_threshold(normal, max_fpr=0.4)  # 2 may be flagged; only 1 or 4 can be
    assert t.threshold == 2.0 and t.validation_fpr == 0.2


# ------------------------------------------------------------- new score functions


def test_bce_above_floor_is_bce_minus_the_entropy_of_each_image():
    rng = np.random.default_rng(2)
    x, r = rng.random((4, 10)), rng.uniform(0.05, 0.95, (4, 10))
    bce = -np.mean(x * np.log(r) + (1 - x) * np.log(1 - r), axis=1)
    floor = -np.mean(x * np.log(x) + (1 - x) * np.log(1 - x), axis=1)
    np.testing.assert_allclose(reconstruction_errors(x, r, "bce_above_floor"), bce - floor, rtol=1e-6)
    assert np.all(reconstruction_errors(x, x, "bce_above_floor") < 1e-6)  # a perfect copy: 0, whatever the floor


def test_distance_to_mean_is_the_mse_to_the_mean_image():
    rng = np.random.default_rng(3)
    normal, x = rng.random((20, 4, 4, 1)), rng.random((5, 4, 4, 1))
    expected = ((x - normal.mean(axis=0)) ** 2).reshape(5, -1).mean(axis=1)
    np.testing.assert_allclose(anomaly.distance_to_mean(normal, x), expected)
    with pytest.raises(ValueError, match=r"examples shaped like those of x_normal, \(4, 4, 1\)"):
        anomaly.distance_to_mean(normal, x.reshape(5, -1))


@pytest.mark.parametrize("ties", [False, True])
def test_precision_recall_curve_and_average_precision_match_scikit_learn(ties):
    y, s = toy(seed=8, ties=ties)
    p, r, t = anomaly.precision_recall_curve(y, s)
    sk_p, sk_r, sk_t = skm.precision_recall_curve(y, s)
    np.testing.assert_allclose(p, sk_p[:-1][::-1])
    np.testing.assert_allclose(r, sk_r[:-1][::-1])
    np.testing.assert_allclose(t, sk_t[::-1])
    assert anomaly.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)
    for threshold, precision, recall in zip(t[::7], p[::7], r[::7]):
        flagged = s >= threshold
        assert precision == pytest.approx(y[flagged].mean())
        assert recall == pytest.approx(flagged[y == 1].mean())


def test_precision_at_prevalence_counts_what_would_be_flagged():
    # 10,000 normal examples and 100 anomalies (prevalence 100/10,100); FPR 0.04, recall 0.3
    n_normal, n_anomalous = 10_000, 100
    flagged_normal, flagged_anomalous = 0.04 * n_normal, 0.3 * n_anomalous
    expected = flagged_anomalous / (flagged_anomalous + flagged_normal)
    got = anomaly.precision_at_prevalence(0.3, 0.04, n_anomalous / (n_normal + n_anomalous))
    assert got == pytest.approx(expected)
    assert anomaly.precision_at_prevalence(0.3, 0.04, 0.5) == pytest.approx(0.3 / 0.34)
    assert anomaly.precision_at_prevalence(0.0, 0.0, 0.1) == 0.0
    assert anomaly.precision_at_prevalence(0.5, 0.0, 0.01) == 1.0
    with pytest.raises(ValueError, match=r"`prevalence` to be a finite number in \(0, 1\)\. Received: prevalence=0"):
        anomaly.precision_at_prevalence(0.3, 0.04, 0)
    with pytest.raises(ValueError, match=r"Received: recall=1\.5"):
        anomaly.precision_at_prevalence(1.5, 0.04, 0.1)
    with pytest.raises(TypeError, match=r"Received: fpr='4%'"):
        anomaly.precision_at_prevalence(0.3, "4%", 0.1)


# ------------------------------------------------------------- one-class protocol


def one_dimensional_data():
    """Class 0 trains at 0.5; its test images sit at known distances from it, so the AUC is known."""
    x_train = np.r_[np.full(20, 0.5), np.full(20, 0.1)][:, None]
    y_train = np.repeat([0, 1], 20)
    normal = 0.5 + np.array([0.0, 0.1, -0.2, 0.3])
    anomalous = 0.5 + np.array([0.15, -0.25, 0.35, 0.05])
    x_test = np.r_[normal, anomalous][:, None]
    y_test = np.repeat([0, 1], 4)
    return (x_train, y_train), (x_test, y_test)


def test_one_class_protocol_gives_the_known_auc():
    # distance to the mean (0.5): anomalies win 1 + 2 + 3 + 4 = 10 of the 16 pairs
    result = one_class_protocol(one_dimensional_data(), baselines=("mean",), classes=[0], seeds=(0, 1))
    assert result.values("distance to the mean image").tolist() == [[0.625], [0.625]]
    assert result.pairwise_auc["distance to the mean image"] == ((None,),)
    scores = (np.r_[[0.0, 0.1, 0.2, 0.3], [0.15, 0.25, 0.35, 0.05]]) ** 2
    labels = np.repeat([0, 1], 4)
    assert result.average_precision["distance to the mean image"][0][0] == pytest.approx(
        skm.average_precision_score(labels, scores))


def test_one_class_protocol_table_shape_seeds_and_round_trip():
    import json

    rng = np.random.default_rng(0)
    y_train, y_test = np.repeat([0, 1, 2], 30), np.repeat([0, 1, 2], 10)
    centres = rng.random((3, 12))
    x_train = np.clip(centres[y_train] + 0.05 * rng.normal(size=(90, 12)), 0, 1)
    x_test = np.clip(centres[y_test] + 0.05 * rng.normal(size=(30, 12)), 0, 1)
    result = one_class_protocol(((x_train, y_train), (x_test, y_test)), baselines=("mean", "pca", "isolation_forest"),
                                seeds=(0, 1, 2), pca_components=4, class_names=["a", "b", "c"], dataset="toy")
    assert result.methods == ("distance to the mean image", "PCA (4), reconstruction MSE",
                              "Isolation Forest on PCA (4)")
    for m in result.methods:
        assert result.values(m).shape == (3, 3) and result.values(m, "average_precision").shape == (3, 3)
        assert np.all(result.values(m) > 0.9)  # well separated classes
    assert result.seeds == (0, 1, 2) and result.n_train == (30, 30, 30)
    assert np.all(result.spread()["distance to the mean image"] == 0)  # no randomness: the same on every seed
    rows = result.rows()
    assert len(rows) == 3 * 3 * 3 and set(rows[0]) == {"method", "seed", "class", "class_name", "auc",
                                                         "average_precision"}
    text = result.table()
    assert text.splitlines()[0].split()[0] == "class" and len(text.splitlines()) == 1 + 3 + 1
    with_paper = result.table(methods=["distance to the mean image"], labels=["mean"],
                              extra={"paper": [90.0, 80.0, 70.0, 81.0]})  # the paper's own mean: 81
    assert with_paper.splitlines()[-1].split()[-1] == "81.0"
    assert result.table(extra={"paper": [90.0, 80.0, 70.0]}).splitlines()[-1].split()[-1] == "80.0"
    with pytest.raises(ValueError, match="3 values per column"):
        result.table(extra={"paper": [90.0]})
    back = anomaly.OneClassResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert back.to_dict() == result.to_dict()
    hardest = result.hardest("distance to the mean image")
    assert [h[0] for h in hardest] == ["a", "b", "c"] and all(h[0] != h[1] for h in hardest)


def test_one_class_protocol_trains_a_model_per_class_and_seed():
    import keras

    from aecourse.evaluation import rank
    from aecourse.fast import FastRecipe

    rng = np.random.default_rng(1)
    y_train, y_test = np.repeat([0, 1], 64), np.repeat([0, 1], 20)
    # class 0 lights the first half of the pixels, class 1 the second half
    pattern = np.array([np.r_[np.ones(8), np.zeros(8)], np.r_[np.zeros(8), np.ones(8)]])
    x_train = np.clip(pattern[y_train] * rng.uniform(0.6, 1.0, (128, 16)), 0, 1).astype("float32")
    x_test = np.clip(pattern[y_test] * rng.uniform(0.6, 1.0, (40, 16)), 0, 1).astype("float32")
    calls = []

    def build():
        calls.append(1)
        inputs = keras.Input((16,))
        code = keras.layers.Dense(2, activation="relu", name="code")(inputs)
        return keras.Model(inputs, keras.layers.Dense(16, activation="sigmoid", name="out")(code))

    result = one_class_protocol(((x_train, y_train), (x_test, y_test)), build,
                                FastRecipe(epochs=30, batch_size=16, jit_compile=False), name="tiny AE",
                                baselines=("mean",), seeds=(3,))
    assert len(calls) == 2 and result.seeds == (3,)  # one model per class and seed
    assert result.methods == ("distance to the mean image", "tiny AE, MSE", "tiny AE, BCE above floor")
    assert np.all(result.values("tiny AE, MSE") > 0.9)
    assert result.settings["tiny AE"]["parameters"] == 16 * 2 + 2 + 2 * 16 + 16
    verdict = rank(result.seed_results(), "mean_auc", better="higher")
    assert "over 1 seed" in str(verdict)


def test_one_class_result_combine_and_bad_input():
    (x, y), test = one_dimensional_data()
    data = ((x + np.where(np.arange(40) % 2, 0.01, -0.01)[:, None], y), test)  # some variance for PCA
    a = one_class_protocol(data, baselines=("mean",), seeds=(0,))
    b = one_class_protocol(data, baselines=("pca",), seeds=(0,), pca_components=1)
    both = anomaly.OneClassResult.combine(a, b)
    assert both.methods == a.methods + b.methods
    with pytest.raises(ValueError, match="distinct method names"):
        anomaly.OneClassResult.combine(a, a)
    c = one_class_protocol(data, baselines=("mean",), seeds=(1,))
    with pytest.raises(ValueError, match="the same classes"):
        anomaly.OneClassResult.combine(a, c)
    with pytest.raises(TypeError, match=r"\(\(x_train, y_train\), \(x_test, y_test\)\)"):
        one_class_protocol(np.zeros((3, 4)))
    (xt, yt) = test
    with pytest.raises(ValueError, match="values in \\[0, 1\\].*Divide 8-bit images by 255"):
        one_class_protocol(((x * 255, y), (xt * 255, yt)))
    with pytest.raises(ValueError, match="`baselines` to be one of"):
        one_class_protocol(data, baselines=("knn",))
    with pytest.raises(TypeError, match="`recipe` to be a FastRecipe or a KerasRecipe"):
        one_class_protocol(data, build_model=lambda: None)
    with pytest.raises(ValueError, match="Class 7 is missing"):
        one_class_protocol(data, classes=[7])
    with pytest.raises(ValueError, match="one integer class label per image"):
        one_class_protocol(((x, y[:-1]), (xt, yt)))
