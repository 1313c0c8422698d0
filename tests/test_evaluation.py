"""Tests of aecourse.evaluation: metrics against NumPy, fit-and-score, seeds, honest rankings."""

import dataclasses
import math

import keras
import numpy as np
import pytest

from aecourse.data import split_validation
from aecourse.evaluation import FitScore, fit_and_score, reconstruction_metrics
from aecourse.fast import FastRecipe
from aecourse.models import dense_autoencoder
from aecourse.training import FitResult, KerasRecipe, set_seed

RNG = np.random.default_rng(0)
X = RNG.random((60, 12), dtype=np.float32)


def small_model():
    return dense_autoencoder((12,), (6,), 3)


# -------------------------------------------------------------------- metrics


def numpy_metrics(x, y):
    """The four metrics written out in NumPy, independently of aecourse.losses."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    p = np.clip(y, 1e-7, 1 - 1e-7)
    bce = np.mean(-(x * np.log(p) + (1 - x) * np.log(1 - p)))
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -(np.where(x > 0, x * np.log(x), 0) + np.where(x < 1, (1 - x) * np.log(1 - x), 0))
    mse = np.mean((x - y) ** 2)
    return {"bce": bce, "bce_above_floor": bce - entropy.mean(), "mse": mse, "psnr": 10 * np.log10(1 / mse)}


@pytest.mark.parametrize("shape", [(7, 5), (3, 4, 4, 1), (1, 784)])
def test_reconstruction_metrics_match_numpy(shape):
    x, y = RNG.random(shape), RNG.random(shape)
    x[0, 0] = 0.0  # binary values in the targets: their floor term is 0
    got = reconstruction_metrics(x, y)
    assert list(got) == ["bce", "bce_above_floor", "mse", "psnr"]
    for name, value in numpy_metrics(x, y).items():
        assert got[name] == pytest.approx(value, rel=1e-9), name


def test_reconstruction_metrics_psnr_range_and_values_outside_the_unit_interval():
    x, y = RNG.random((4, 6)), RNG.random((4, 6))
    assert reconstruction_metrics(255 * x, 255 * y, data_range=255)["psnr"] == pytest.approx(
        reconstruction_metrics(x, y)["psnr"])
    linear = reconstruction_metrics(x, y * 1.5 - 0.2)  # a linear output leaves [0, 1]: BCE is undefined
    assert math.isnan(linear["bce"]) and math.isnan(linear["bce_above_floor"])
    assert linear["mse"] == pytest.approx(np.mean((x - (y * 1.5 - 0.2)) ** 2))
    with pytest.raises(ValueError, match=r"^reconstruction_metrics: Expected `x_pred` to be an array of the shape of x_true, \(4, 6\)"):
        reconstruction_metrics(x, y[:, :5])


# -------------------------------------------------------------- fit and score


def test_fit_and_score_trains_on_the_training_split_only():
    recipe = KerasRecipe(epochs=2, batch_size=8, learning_rate=0.01)
    set_seed(0)
    score = fit_and_score(small_model(), X[:40], X[40:], recipe=recipe, validation_size=0.25, seed=3)
    # the same run by hand: the validation split from split_validation, model.fit, one prediction
    set_seed(0)
    model = small_model()
    (x_fit, _), (x_val, _) = split_validation(X[:40], X[:40], validation_size=0.25, seed=3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(x_fit, x_fit, epochs=2, batch_size=8, validation_data=(x_val, x_val), verbose=0)
    for a, b in zip(score.model.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert score.validation_loss == pytest.approx(history.history["val_loss"][-1], rel=1e-5)
    predictions = model.predict(X[40:], verbose=0)
    np.testing.assert_allclose(score.predictions, predictions, rtol=1e-5, atol=1e-7)
    for name, value in numpy_metrics(X[40:], predictions).items():
        assert score.metrics[name] == pytest.approx(value, rel=1e-4), name
    assert score.parameters == model.count_params() and score.epochs == 2 and score.recipe is recipe
    assert isinstance(score.fit, FitResult) and score.seconds == score.fit.seconds > 0


def test_fit_and_score_with_the_fast_recipe_and_without_validation():
    set_seed(0)
    score = fit_and_score(small_model(), X[:48], X[48:], recipe=FastRecipe(epochs=2, batch_size=16,
                                                                             jit_compile=False),
                          validation_size=0)
    assert score.validation_loss is None and "val_loss" not in score.fit.history
    assert score.fit.recipe.epochs == 2 and score.epochs == 2
    assert sorted(score.as_dict()) == ["bce", "bce_above_floor", "mse", "parameters", "psnr", "seconds",
                                       "seconds_per_epoch"]


def test_fit_and_score_scores_against_the_targets_given():
    noisy_train, noisy_test = np.clip(X[:40] + 0.1, 0, 1), np.clip(X[40:] + 0.1, 0, 1)
    set_seed(0)
    score = fit_and_score(small_model(), noisy_train, noisy_test, y_train=X[:40], y_test=X[40:],
                          recipe=KerasRecipe(epochs=1, batch_size=8))
    assert score.metrics["mse"] == pytest.approx(np.mean((X[40:] - score.predictions) ** 2), rel=1e-5)


def test_fit_score_is_frozen_and_reads_well():
    score = FitScore({"bce": 0.2, "mse": 0.01}, 1234, 3.0, 3, validation_loss=0.25)
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.parameters = 1
    assert repr(score) == "FitScore(bce=0.2, mse=0.01, parameters=1,234, seconds=3)"
    assert score.as_dict() == {"bce": 0.2, "mse": 0.01, "parameters": 1234, "seconds": 3.0,
                               "seconds_per_epoch": 1.0, "validation_loss": 0.25}


@pytest.mark.parametrize("kwargs, error, text", [
    ({"model": "model"}, TypeError, "fit_and_score: Expected `model` to be a keras.Model. Received: model='model'"),
    ({"recipe": {"epochs": 1}}, TypeError, "Expected `recipe` to be a KerasRecipe or a FastRecipe"),
    ({"y_train": X[:5]}, ValueError, r"Expected `y_train` to be one target per input \(40\)"),
    ({"validation_size": 40}, ValueError, r"Expected `validation_size` to be an integer in \[1, 39\]"),
    ({"validation_size": 1.0}, ValueError, r"Expected `validation_size` to be a finite number in \(0, 1\)"),
    ({"x_test": X[0]}, ValueError, "Expected `x_test` to be an array with at least 2 axes"),
    ({"seed": -1}, ValueError, "Expected `seed` to be an integer >= 0"),
])
def test_fit_and_score_rejects_bad_input(kwargs, error, text):
    arguments = dict(model=small_model(), x_train=X[:40], x_test=X[40:], recipe=KerasRecipe(epochs=1))
    arguments.update(kwargs)
    with pytest.raises(error, match=text):
        fit_and_score(arguments.pop("model"), arguments.pop("x_train"), arguments.pop("x_test"), **arguments)


# ----------------------------------------------------------------------- seeds

from aecourse.evaluation import Verdict, SeedResults, over_seeds, rank  # noqa: E402


def noisy_run(seed):
    values = np.random.default_rng(seed).normal(0.1, 0.01, 50)
    return {"mse": float(values.mean()), "count": 50}


def test_over_seeds_statistics_match_numpy():
    results = over_seeds(noisy_run, seeds=(0, 1, 2, 5))
    per_seed = np.array([noisy_run(s)["mse"] for s in (0, 1, 2, 5)])
    assert results.seeds == (0, 1, 2, 5) and results.metrics == ("mse", "count") and results.name == "noisy_run"
    assert results.values["mse"] == tuple(per_seed)
    assert results.mean["mse"] == pytest.approx(per_seed.mean())
    assert results.std["mse"] == pytest.approx(per_seed.std(ddof=1))
    assert results.min["mse"] == per_seed.min() and results.max["mse"] == per_seed.max()
    assert results.spread["mse"] == pytest.approx(per_seed.max() - per_seed.min())
    assert results.rows()[3] == {"seed": 5, "mse": per_seed[3], "count": 50}
    assert math.isnan(over_seeds(noisy_run, seeds=[7]).std["mse"])  # one seed: no standard deviation


def test_over_seeds_tables():
    results = over_seeds(noisy_run, seeds=range(3), name="noise")
    text = str(results)
    lines = text.splitlines()
    assert lines[0] == "noise, 3 seeds" and lines[1].split() == ["seed", "mse", "count"]
    assert [line.split()[0] for line in lines[2:]] == ["0", "1", "2", "mean", "std", "spread"]
    assert lines[-1].split()[2] == "0" and lines[2].split()[2] == "50"  # integers stay whole
    assert float(lines[5].split()[1]) == pytest.approx(results.mean["mse"], rel=1e-3)
    html = results._repr_html_()
    assert html.startswith("<table") and html.count("<tr") == 7 and "noise, 3 seeds" in html
    frame = results.to_pandas()
    assert list(frame.index) == [0, 1, 2] and list(frame.columns) == ["mse", "count"]
    assert repr(results) == "SeedResults(name='noise', seeds=(0, 1, 2), metrics=['mse', 'count'])"


def test_over_seeds_without_pandas(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    results = over_seeds(noisy_run, seeds=(0, 1))
    assert "mean" in str(results)  # everything but to_pandas works
    with pytest.raises(ImportError, match="needs pandas, which aecourse does not require"):
        results.to_pandas()


def test_over_seeds_takes_fit_scores():
    score = FitScore({"bce": 0.2, "mse": 0.01}, 100, 2.0, 2)
    results = over_seeds(lambda seed: score, seeds=(0, 1))
    assert results.name == "run" and results.values["parameters"] == (100, 100)


@pytest.mark.parametrize("run, seeds, error, text", [
    ("run", (0,), TypeError, "Expected `run` to be a function of the seed"),
    (noisy_run, (), ValueError, r"Expected `seeds` to be at least one seed"),
    (noisy_run, (0, 0), ValueError, "Expected `seeds` to be distinct seeds.*A repeated seed repeats a run"),
    (noisy_run, (0, -1), ValueError, "Expected `seeds` to be an integer >= 0. Received: seeds=-1."),
    (noisy_run, 3, TypeError, "Expected `seeds` to be a sequence of integers"),
    (noisy_run, (0.5,), TypeError, "Received: seeds=0.5."),
    (lambda s: 0.3, (0,), TypeError, r"a non-empty dict of numbers \(or a FitScore\). Received: run=.run\(0\) returned 0.3"),
    (lambda s: {"mse": "low"}, (0,), TypeError, "holds only numbers. Received: run=.run\\(0\\) returned mse='low'"),
    (lambda s: {"mse": 1.0} if s == 0 else {"bce": 1.0}, (0, 1), ValueError,
     r"the same metrics for every seed \(\['mse'\]\)"),
])
def test_over_seeds_rejects_bad_input(run, seeds, error, text):
    with pytest.raises(error, match="^over_seeds: .*" + text):
        over_seeds(run, seeds)


# --------------------------------------------------------------------- ranking


def results(name, values, seeds=(0, 1, 2), metric="bce"):
    return SeedResults(name, tuple(seeds), {metric: tuple(values)})


def test_rank_better_on_every_seed_decides_even_with_a_small_gap():
    a, b = results("a", [0.10, 0.20, 0.30]), results("b", [0.11, 0.21, 0.31])
    verdict = rank([b, a], "bce")
    # gap 0.01 < spread 0.2, but a is lower on each of the three seeds
    assert verdict.winner == "a" and verdict.comparisons[0].wins == 3 and verdict.comparisons[0].decided
    assert str(verdict) == "a has a lower bce than b (mean 0.2 vs 0.21 over 3 seeds)."


def test_rank_a_gap_beyond_the_spread_decides_without_winning_every_seed():
    a = results("a", [0.10, 0.12, 0.11])
    b = results("b", [0.20, 0.05, 0.50], seeds=(3, 4, 5))  # no shared seeds: only the gap counts
    verdict = rank({"model A": a, "model B": b}, "bce", label="test BCE")
    c = verdict.comparisons[0]
    assert (c.shared_seeds, c.wins) == (0, 0)
    assert c.gap == pytest.approx(0.25 - 0.11) and c.spread == pytest.approx(0.45)
    assert verdict.winner is None  # gap 0.14 < spread 0.45
    b_far = results("b", [0.30, 0.32, 0.31], seeds=(3, 4, 5))  # no seed to compare on, but a gap of 0.2
    verdict = rank([a, b_far], "bce")
    assert verdict.comparisons[0].shared_seeds == 0 and verdict.winner == "a"
    # seeds shared only in part: the every-seed rule does not apply, the gap rule does
    b_part = results("b", [0.125, 0.13, 0.121], seeds=(0, 1, 7))
    verdict = rank([a, b_part], "bce")
    assert verdict.comparisons[0].wins == 2 and verdict.comparisons[0].shared_seeds == 2
    assert verdict.winner is None  # gap 0.0143 < spread 0.02


def test_rank_within_the_spread_says_so_in_the_order_given():
    a, b = results("conv", [0.150, 0.152, 0.151]), results("dense", [0.153, 0.149, 0.154])
    for order in ([a, b], [b, a]):
        verdict = rank(order, "bce", label="test BCE")
        assert verdict.winner is None and set(verdict.tied) == {"conv", "dense"}
    assert str(rank([b, a], "bce", label="test BCE")) == (
        "dense and conv do not differ in test BCE beyond the spread over seeds "
        "(mean 0.152 vs 0.151 over 3 seeds).")


def test_a_flip_changes_the_sentence():
    a, b = results("a", [0.1, 0.1, 0.1]), results("b", [0.2, 0.2, 0.2])
    before = str(rank([a, b], "bce"))
    after = str(rank([results("a", [0.3, 0.3, 0.3]), b], "bce"))
    assert before.startswith("a has a lower bce than b") and after.startswith("b has a lower bce than a")


def test_rank_higher_is_better():
    a = results("a", [20.0, 21.0, 22.0], metric="psnr")
    b = results("b", [25.0, 26.0, 27.0], metric="psnr")
    verdict = rank([a, b], "psnr", better="higher", label="PSNR")
    assert verdict.winner == "b" and str(verdict).startswith("b has a higher PSNR than a")
    assert "b higher on 3 of 3 shared seeds" in verdict.details


def test_rank_three_results():
    best, close, far = (results("conv, transpose", [0.10, 0.11, 0.12]), results("pca", [0.105, 0.115, 0.125]),
                        results("dense", [0.30, 0.31, 0.32]))
    verdict = rank([far, best, close], "bce", label="test BCE")
    assert verdict.winner == "conv, transpose" and isinstance(verdict, Verdict)  # lower than pca on every seed
    assert str(verdict) == ('"conv, transpose" has the lowest test BCE of the 3 (means over 3 seeds: '
                            'dense 0.31, "conv, transpose" 0.11, pca 0.115).')
    tie = results("pca", [0.09, 0.12, 0.115])
    verdict = rank([far, best, tie], "bce", label="test BCE")
    assert verdict.winner is None and verdict.tied == ("conv, transpose", "pca")
    assert str(verdict).startswith('No single result has the lowest test BCE: "conv, transpose" and pca are '
                                   "within the spread over seeds of the best")
    assert len(verdict.details.splitlines()) == 2


def test_min_gap_ranks_against_a_deterministic_baseline():
    noisy = results("noisy", [22.7, 22.7, 22.7], metric="psnr")       # no randomness: spread 0
    model = results("model", [22.8, 22.9, 22.8], metric="psnr")       # ahead on every seed, by little
    plain = rank([model, noisy], "psnr", better="higher", label="PSNR")
    assert plain.winner == "model" and rank([model, noisy], "psnr", better="higher", label="PSNR", min_gap=0) == plain
    verdict = rank([model, noisy], "psnr", better="higher", label="PSNR", min_gap=0.3)
    assert verdict.winner is None and verdict.tied == ("model", "noisy") and verdict.min_gap == 0.3
    assert str(verdict) == ("model and noisy do not differ in PSNR beyond the spread over seeds and the margin 0.3 "
                            "(mean 22.83 vs 22.7 over 3 seeds).")
    comparison = verdict.comparisons[0]
    assert comparison.wins == 3 and not comparison.decided and comparison.min_gap == 0.3
    assert verdict.details.endswith("gap of the means 0.1333 (min_gap 0.3), spread 0.1: below min_gap")
    far = results("model", [23.2, 23.3, 23.1], metric="psnr")
    assert rank([far, noisy], "psnr", better="higher", min_gap=0.3).winner == "model"


def test_min_gap_adds_to_the_rule_and_does_not_replace_it():
    a, b = results("a", [0.10, 0.20, 0.30]), results("b", [0.15, 0.10, 0.50])   # gap 0.05 < spread 0.4
    assert rank([a, b], "bce").winner is None
    assert rank([a, b], "bce", min_gap=0.01).winner is None               # a large enough gap alone is not enough
    exact = results("c", [0.35, 0.45, 0.55])                              # worse on every seed by exactly 0.25
    verdict = rank([a, exact], "bce", min_gap=0.25)
    assert verdict.comparisons[0].gap == pytest.approx(0.25)
    assert rank([a, exact], "bce", min_gap=0.2499).winner == "a"
    assert rank([a, exact], "bce", min_gap=0.2501).winner is None


def test_min_gap_with_three_results_ties_those_within_it_of_the_best():
    best, close, far = (results("best", [1.0, 1.0, 1.0]), results("close", [1.1, 1.1, 1.1]),
                        results("far", [2.0, 2.0, 2.0]))
    assert rank([far, close, best], "bce").winner == "best"
    verdict = rank([far, close, best], "bce", min_gap=0.2)
    assert verdict.winner is None and verdict.tied == ("close", "best")
    assert [c.decided for c in verdict.comparisons] == [False, True]
    assert str(verdict).startswith("No single result has the lowest bce: close and best are within the spread "
                                   "over seeds and the margin 0.2 of the best")


def test_verdict_is_frozen():
    verdict = rank([results("a", [1, 1, 1]), results("b", [2, 2, 2])], "bce")
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.winner = "b"
    assert repr(verdict).startswith("Verdict('a has a lower bce")


@pytest.mark.parametrize("args, kwargs, error, text", [
    (([results("a", [1, 2, 3])], "bce"), {}, ValueError, "Expected `results` to be at least two results"),
    (([results("a", [1, 2, 3]), results("a", [1, 2, 3])], "bce"), {}, ValueError, "results with distinct names"),
    (([results("a", [1, 2, 3]), results("b", [1, 2, 3])], "mse"), {}, ValueError,
     r"Expected `metric` to be a metric of every result \('a' has \['bce'\]\). Received: metric='mse'"),
    (([results("a", [1, 2, 3]), results("b", [1, 2, 3])], "bce"), {"better": "less"}, ValueError,
     "Expected `better` to be one of 'lower', 'higher'. Received: better='less'"),
    (([results("a", [1, float("nan"), 3]), results("b", [1, 2, 3])], "bce"), {}, ValueError,
     "finite values on every seed"),
    (([{"bce": 1}, {"bce": 2}], "bce"), {}, TypeError, "Expected `results` to be SeedResults"),
    (("ab", "bce"), {}, TypeError, "Expected `results` to be a list of SeedResults or a dict"),
    (([results("a", [1, 2, 3]), results("b", [1, 2, 3])], "bce"), {"min_gap": -0.1}, ValueError,
     "Expected `min_gap` to be a finite number >= 0. Received: min_gap=-0.1"),
    (([results("a", [1, 2, 3]), results("b", [1, 2, 3])], "bce"), {"min_gap": float("nan")}, ValueError,
     "Received: min_gap=nan"),
    (([results("a", [1, 2, 3]), results("b", [1, 2, 3])], "bce"), {"min_gap": "0.3"}, TypeError,
     "Received: min_gap='0.3'"),
])
def test_rank_rejects_bad_input(args, kwargs, error, text):
    with pytest.raises(error, match="^rank: .*" + text):
        rank(*args, **kwargs)


def test_reconstruction_metrics_refuse_8_bit_images_next_to_unit_data():
    x8 = (RNG.random((4, 6)) * 255).astype(np.uint8)
    with pytest.raises(ValueError, match=r"^reconstruction_metrics: Expected `x_true` to be data spanning at most "
                                         r"data_range=1\. .*divide by 255 first.* Or pass data_range=255\."):
        reconstruction_metrics(x8, RNG.random((4, 6)))
    with pytest.raises(ValueError, match=r"^reconstruction_metrics: Expected `x_pred` to be values on the scale of x_true"):
        reconstruction_metrics(RNG.random((4, 6)), x8, data_range=255)
    with pytest.raises(TypeError, match=r"^reconstruction_metrics: Expected `data_range` to be a finite number > 0"):
        reconstruction_metrics(RNG.random((4, 6)), RNG.random((4, 6)), data_range="1")


@pytest.mark.parametrize("kwargs, error, text", [
    ({"loss": "bogus"}, ValueError, r"^fit_and_score: Expected `loss` to be a Keras loss: .* Received: loss='bogus'\.$"),
    ({"loss": 3}, TypeError, r"^fit_and_score: Expected `loss` to be a Keras loss"),
    ({"x_train": (X[:40] * 255).round().astype(np.uint8)}, ValueError,
     r"^fit_and_score: Expected `x_train` to be values in \[0, 1\]\. .*divide by 255 first"),
    ({"x_train": np.where(X[:40] > 0.99, np.nan, X[:40])}, ValueError,
     r"^fit_and_score: Expected `x_train` to be an array of finite numbers"),
])
def test_fit_and_score_checks_the_loss_and_the_data_before_training(kwargs, error, text):
    arguments = dict(model=small_model(), x_train=X[:40], x_test=X[40:], recipe=KerasRecipe(epochs=1))
    arguments.update(kwargs)
    with pytest.raises(error, match=text):
        fit_and_score(arguments.pop("model"), arguments.pop("x_train"), arguments.pop("x_test"), **arguments)


@pytest.mark.parametrize("args, error, text", [
    (("m", (0, 1), {"mse": (0.1,)}), ValueError, r"Expected `values` to be one value per seed \(2\) for every metric\. "
                                                 r"Received: values='mse with 1 values'"),
    (("m", (0, -1), {"mse": (0.1, 0.2)}), ValueError, r"Expected `seeds` to be an integer >= 0"),
    (("m", 3, {"mse": (0.1,)}), TypeError, r"Expected `seeds` to be a sequence of integers"),
    ((3, (0,), {"mse": (0.1,)}), TypeError, r"Expected `name` to be a string"),
    (("m", (0,), {"mse": ("a",)}), TypeError, r"Expected `values` to be numbers"),
    (("m", (0,), [0.1]), TypeError, r"Expected `values` to be a dict"),
])
def test_seed_results_check_what_they_hold(args, error, text):
    with pytest.raises(error, match="^SeedResults: " + text):
        SeedResults(*args)
    assert SeedResults("m", [np.int64(0), 1], {"mse": [0.1, np.float32(0.2)]}).seeds == (0, 1)


def test_fit_and_score_refuses_data_the_model_cannot_take_before_training():
    model = dense_autoencoder((16,), (), 2)
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(0).random((20, 16), dtype="float32")
    recipe = KerasRecipe(epochs=1, batch_size=4)
    with pytest.raises(ValueError, match=r"^fit_and_score: Expected `x_test` to be an array shaped like the model's "
                                         r"input, \(examples,\) \+ \(16,\). Received: x_test=array of shape \(4, 4, 4\)"):
        fit_and_score(model, x, x[:4].reshape(4, 4, 4), recipe=recipe)
    with pytest.raises(ValueError, match=r"^fit_and_score: Expected `x_train` to be an array shaped like the model's "
                                         r"input"):
        fit_and_score(model, x.reshape(20, 4, 4), x, recipe=recipe)
    with pytest.raises(ValueError, match=r"^fit_and_score: Expected `y_test` to be an array shaped like the model's "
                                         r"output, \(examples,\) \+ \(16,\)"):
        fit_and_score(model, x, x[:4], y_test=x[:4, :8], recipe=recipe)
    # the sigmoid output's targets, named as the caller named them, with an MSE loss too
    with pytest.raises(ValueError, match=r"^fit_and_score: Expected `x_train` to be values in \[0, 1\], as the "
                                         r"targets \(an autoencoder's are x_train itself\) of a model whose output "
                                         r"layer 'reconstruction' has a sigmoid activation must be"):
        fit_and_score(model, x * 3, x[:4], recipe=recipe, loss="mse")
    with pytest.raises(ValueError, match=r"^fit_and_score: Expected `y_train` to be values in \[0, 1\]"):
        fit_and_score(model, x, x[:4], y_train=x * 3, recipe=recipe, loss="mse")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # nothing was trained
