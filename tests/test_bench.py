"""Tests of aecourse.bench: the kernel peak's products, time to target, the runs on tiny data,
the ingredient rows (in this process and in a worker process), the report, the command line
(its --quick mode for both models) and the stored results the appendix reads.

The real benchmarks (minutes) are not part of the test run: `python -m aecourse.bench`.
"""

import importlib.resources
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from aecourse.bench import cli
from aecourse.bench.ablation import choose, learning_rate_sweep, recipe_ablation
from aecourse.bench.ingredients import Way, ingredient_table, time_way, ways_for
from aecourse.bench.peak import PARTS, kernel_peak, step_products
from aecourse.bench.report import markdown_report, result_paths, write_results
from aecourse.bench.runs import build_model, run_article, run_course, time_to_target
from aecourse.bench.suite import benchmark_data, course_recipe, run_benchmark
from aecourse.data import DataSourceError
from aecourse.fast import FastRecipe
from aecourse.flops import layer_flops

RESULTS = importlib.resources.files("aecourse.bench") / "results"


def _tiny(model="dense", n=600, n_test=128, validation=88):
    """Random images split like the benchmark's data: 512 to fit, 88 for validation, 128 to test."""
    x = np.random.default_rng(0).random((n, 784), dtype=np.float32)
    return benchmark_data(model, data=(x, x[:n_test]), validation_size=validation)


# ------------------------------------------------------------------ kernel peak


def _two_layer_model(layer, input_shape):
    """``layer`` after another counted layer, so that its input gradient is part of a training step."""
    inputs = keras.Input(input_shape)
    first = keras.layers.Dense(input_shape[-1], use_bias=False, name="first")(inputs)
    return keras.Model(inputs, layer(first))


@pytest.mark.parametrize("layer, input_shape", [
    (keras.layers.Dense(5, use_bias=False, name="layer"), (7,)),
    (keras.layers.Conv2D(4, 3, padding="same", use_bias=False, name="layer"), (6, 7, 3)),
    (keras.layers.Conv2D(4, 3, strides=2, padding="valid", use_bias=False, name="layer"), (7, 7, 3)),
    (keras.layers.Conv2DTranspose(4, 3, strides=2, padding="valid", use_bias=False, name="layer"), (3, 3, 5)),
    (keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same", use_bias=False, name="layer"), (7, 7, 5)),
])
def test_step_products_are_the_products_of_a_training_step(layer, input_shape):
    """Each timed product equals what TensorFlow computes for the layer: output and both gradients."""
    model = _two_layer_model(layer, input_shape)
    products = {(name, part): (operands, function) for name, part, operands, function, _ in
                step_products(layer_flops(model), batch_size=2)}
    assert ("first", "input_gradient") not in products  # the data needs no gradient
    (x, kernel), forward = products[("layer", "forward")]
    layer.kernel.assign(kernel)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer(x)
    np.testing.assert_allclose(forward(x, kernel), y, rtol=1e-5, atol=1e-5)
    dy = tf.random.stateless_normal(y.shape, seed=(1, 2))
    kernel_grad = tape.gradient(y, layer.kernel, output_gradients=dy)
    input_grad = tape.gradient(y, x, output_gradients=dy)
    (a, _), function = products[("layer", "kernel_gradient")]
    mine = function(dy, x) if isinstance(layer, keras.layers.Conv2DTranspose) else function(x, dy)
    np.testing.assert_allclose(mine, kernel_grad, rtol=1e-4, atol=1e-4)
    (_, _), function = products[("layer", "input_gradient")]
    np.testing.assert_allclose(function(dy, layer.kernel), input_grad, rtol=1e-4, atol=1e-4)


def test_kernel_peak_runs_and_validates():
    rows = layer_flops(build_model("conv"))
    peak = kernel_peak(rows, batch_size=2, parts=("forward",), repeats=1, trials=1)
    assert peak["flops_per_step"] == 2 * 18_194_688 and peak["gflops"] > 0 and peak["parts"] == ["forward"]
    assert kernel_peak(rows, batch_size=2, seconds=0.01, trials=1)["flops_per_step"] == 2 * 54_132_480
    assert set(PARTS) == {"forward", "kernel_gradient", "input_gradient"}
    with pytest.raises(ValueError, match="kernel_peak: Expected `repeats` to be an integer >= 1. Received: repeats=0."):
        kernel_peak(rows, batch_size=2, repeats=0)
    with pytest.raises(ValueError, match="Expected `parts` to be a non-empty selection of"):
        step_products(rows, 2, parts=("backward",))
    with pytest.raises(TypeError, match="Use aecourse.flops.layer_flops"):
        step_products([(784, 128)], 2)


# ------------------------------------------------------------- time to target


def test_time_to_target_is_the_first_epoch_at_or_below_it():
    assert time_to_target([0.3, 0.25, 0.26, 0.25], [1.0, 2.0, 3.0, 4.0], 0.25) == (2, 2.0)
    assert time_to_target([0.3, 0.29], [1.0, 2.0], 0.25) == (None, None)
    with pytest.raises(ValueError, match="one time per epoch"):
        time_to_target([0.3], [1.0, 2.0], 0.25)


def test_runs_use_validation_data_and_score_the_test_set_after():
    data = _tiny()
    article = run_article(data, epochs=2)
    assert len(article["val_loss"]) == 2 and article["reached"]
    # the article's time to target is the time at which it first reached its own final value
    assert article["reached_at"] == article["times"][article["reached_epoch"] - 1]
    assert set(article["test"]) == {"bce", "bce_above_floor", "mse", "psnr", "floor"}
    assert article["test"]["bce_above_floor"] == pytest.approx(article["test"]["bce"] - article["test"]["floor"])
    course = run_course(data, article["final_val_loss"], recipe=FastRecipe(epochs=3, jit_compile=False))
    assert course["epochs"] <= 3 and course["reached"] == (course["reached_epoch"] is not None)
    if course["reached"]:
        assert course["val_loss"][course["reached_epoch"] - 1] <= article["final_val_loss"]
    with pytest.raises(TypeError, match="Expected `data` to be a dict with the arrays"):
        run_course((data["x_fit"], data["x_test"]), 0.5)


def test_benchmark_data_carves_validation_from_the_training_images():
    x = np.arange(300 * 784, dtype=np.float32).reshape(300, 784) / (300 * 784)
    split = benchmark_data("conv", data=(x[:200], x[200:]), validation_size=50)
    assert split["x_fit"].shape == (150, 28, 28, 1) and split["x_val"].shape == (50, 28, 28, 1)
    train_rows = {row.tobytes() for row in x[:200]}
    assert all(row.tobytes() in train_rows for row in split["x_val"].reshape(50, 784))
    assert not {row.tobytes() for row in split["x_val"].reshape(50, 784)} & {r.tobytes() for r in x[200:]}
    with pytest.raises(ValueError, match="arrays of 28 x 28 images"):
        benchmark_data(data=(np.zeros((10, 5)), np.zeros((10, 5))))


# ------------------------------------------------------------ sweep, ablation


def test_sweep_grid_and_choice():
    data = _tiny()
    rows = learning_rate_sweep(data, 0.9, recipe=FastRecipe(epochs=1, jit_compile=False),
                               learning_rates=(1e-3,), schedules=(2,))
    assert [(row["learning_rate"], row["schedule"]) for row in rows] == [(0.001, 1), (0.008, 1), (0.008, 2)]
    # all reach a loose target after 1 epoch: the one furthest below it wins
    assert choose(rows) == min(rows, key=lambda row: row["val_loss"][0])
    assert choose([dict(row, reached=False) for row in rows]) is None


def test_ablation_adds_the_batch_row_when_the_recipe_changes_it():
    rows = recipe_ablation(_tiny(), 0.1, recipe=FastRecipe(epochs=1, batch_size=128, jit_compile=False),
                           max_epochs=1)
    assert [row["name"] for row in rows][-1] == "at batch 256 (the article's) instead of 128"
    assert not any(row["reached"] for row in rows)


# ---------------------------------------------------------------- ingredients


def test_ways_cover_the_practitioners_list():
    names = [way.name for way in ways_for("conv", course_recipe("conv"))]
    for expected in ("keras fit (article)", "fit_fast + XLA", "channels-first", "nearest upsampling",
                     "1 thread", "oneDNN", "at batch 512"):
        assert any(expected in name for name in names), expected
    assert course_recipe("conv").jit_compile is False and course_recipe("dense") == FastRecipe()


def test_time_way_for_both_models_in_this_process():
    x = np.random.default_rng(0).random((256, 28, 28, 1), dtype=np.float32)
    row = time_way(Way("fast", batch_size=64, upsampling="transpose"), x, epochs=1)
    assert row["examples"] == 256 and row["seconds_per_epoch"] > 0
    cf = time_way(Way("channels first", trainer="fit", batch_size=128, upsampling="transpose",
                      channels_first=True, n_examples=128), x, epochs=1) if _channels_first_runs() else None
    assert cf is None or cf["examples"] == 128


def _channels_first_runs():
    try:
        keras.layers.Conv2D(2, 3, data_format="channels_first")(np.zeros((1, 1, 4, 4), "float32"))
        return True
    except Exception:  # TensorFlow's CPU kernels without oneDNN support channels-last only
        return False


def test_ingredient_rows_run_in_a_worker_process():
    x = np.random.default_rng(0).random((256, 784), dtype=np.float32)
    rows = ingredient_table(x, [Way("no oneDNN", onednn=False, batch_size=64, n_examples=128),
                                Way("bad", batch_size=1024)], epochs=1, flops_per_example=1_126_400)
    assert rows[0]["examples"] == 128 and rows[0]["gflops"] > 0
    assert "at least one batch" in rows[1]["error"]
    in_process = ingredient_table(x, [Way("threads", threads=(1, 1))], epochs=1, processes=False)
    assert in_process[0]["error"] == "needs a process of its own (skipped)"


# ---------------------------------------------------------- suite and report


def test_benchmark_smoke(tmp_path, model="dense"):
    """The whole pipeline on synthetic images: runs, writes its three files, reports honestly.

    (The conv model's pipeline runs in test_quick_mode_runs_from_the_command_line.)"""
    rng = np.random.default_rng(0)
    images = (rng.random((600, 784), dtype=np.float32), rng.random((128, 784), dtype=np.float32))
    results = run_benchmark(model, data=images, validation_size=88, article_epochs=2,
                            recipe=FastRecipe(epochs=2, jit_compile=False, batch_size=128),
                            sweep={"learning_rates": (1e-3,), "schedules": ()}, ingredient_epochs=1,
                            ways=[Way("keras fit (article)", trainer="fit",
                                      upsampling="transpose" if model == "conv" else None)],
                            processes=False, ablation_epochs=1, peak_repeats=1, peak_xla=False, log=None)
    assert results["benchmark"] == model and results["data"]["n_fit"] == 512 and results["data"]["n_val"] == 88
    assert results["model"]["parameters"] == build_model(model).count_params()
    assert results["target"] == results["article"]["final_val_loss"]
    assert results["course"]["reached"] == (results["ratio"] is not None)
    assert 0 < results["course"]["throughput"]["fraction_of_peak"]
    assert len(results["sweep"]) == 2 and len(results["ablation"]) == 3
    paths = write_results(results, tmp_path / "out")
    assert paths == result_paths(tmp_path / "out", model)
    assert json.loads(paths["json"].read_text())["article"]["epochs"] == 2
    text = paths["markdown"].read_text()
    for line in ("| ratio course / article |", "| fraction of the peak |", "| test BCE above its floor",
                 "| validation BCE above its floor", "Sweep on validation data", "| keras fit (article) |"):
        assert line in text, line
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"


# ---------------------------------------------------------------- command line


def _have_fashion_mnist():
    from aecourse.data import load_fashion_mnist

    previous = os.environ.get("AECOURSE_OFFLINE")
    os.environ["AECOURSE_OFFLINE"] = "1"
    try:
        load_fashion_mnist(verbose=False)
        return True
    except DataSourceError:
        return False
    finally:
        if previous is None:
            os.environ.pop("AECOURSE_OFFLINE")
        else:
            os.environ["AECOURSE_OFFLINE"] = previous


@pytest.mark.parametrize("model", ["dense", "conv"])
def test_quick_mode_runs_from_the_command_line(tmp_path, model):
    if not _have_fashion_mnist():
        pytest.skip("Fashion-MNIST is not available here (make data)")
    env = dict(os.environ, AECOURSE_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "aecourse.bench", "--quick", "--model", model,
                           "--out", str(tmp_path)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / f"{model}.json").read_text())
    assert results["data"]["n_val"] == 256 and results["article"]["epochs"] == 2
    assert results["command"].startswith("python -m aecourse.bench --quick")
    assert "| ratio course / article |" in done.stdout


def test_default_output_folder():
    # this test runs from a clone: a full run replaces the stored results, a quick one does not
    assert cli.default_out_dir() == cli.RESULTS_DIR
    assert str(cli.default_out_dir(quick=True)) == "benchmark-results"


def test_main_says_how_to_install_missing_data(monkeypatch, capsys, tmp_path):
    def missing(*args, **kwargs):
        raise DataSourceError("no Fashion-MNIST here")

    monkeypatch.setattr("aecourse.data.load_fashion_mnist", missing)
    assert cli.main(["--quick", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "apt-get install dataset-fashion-mnist" in err and "no Fashion-MNIST here" in err


def test_main_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--article-epochs", "0"])
    assert "--article-epochs must be a positive integer, received 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--model", "cnn"])
    assert "invalid choice: 'cnn'" in capsys.readouterr().err


# ------------------------------------------------------------- stored results


@pytest.mark.parametrize("model", ["dense", "conv"])
def test_stored_results_ship_with_the_package(model):
    results = json.loads((RESULTS / f"{model}.json").read_text())
    assert {"article", "course", "ingredients", "ablation", "sweep", "machine", "kernel_peak"} <= set(results)
    assert results["benchmark"] == model and results["data"]["n_fit"] + results["data"]["n_val"] == 60_000
    assert (RESULTS / f"{model}.md").read_text() == markdown_report(results)
    assert (RESULTS / f"{model}_loss_vs_time.png").read_bytes()[:4] == b"\x89PNG"
    # the stored run measured the recipe the package defines
    recipe = course_recipe(model)
    assert {k: results["course_recipe"][k] for k in ("batch_size", "learning_rate", "epochs", "jit_compile")} == \
        {"batch_size": recipe.batch_size, "learning_rate": recipe.learning_rate, "epochs": recipe.epochs,
         "jit_compile": recipe.jit_compile}


def _results_to_read():
    # a hand-made benchmark result: only the fields the readings use
    return {
        "target": 0.30,
        "course_recipe": {"learning_rate": 0.01, "epochs": 4},
        "course": {"val_loss": [0.40, 0.33, 0.305, 0.299], "reached_epoch": 4},
        "sweep": [{"learning_rate": 0.02, "schedule": 4, "val_loss": [0.5, 0.4]},
                  {"learning_rate": 0.01, "schedule": 4, "val_loss": [0.41, 0.32, 0.306]}],
        "ablation": [{"name": "without A", "reached": True, "reached_epoch": 5, "epochs": 8},
                     {"name": "without B", "reached": False, "reached_epoch": None, "epochs": 8,
                      "final_val_loss": 0.3011},
                     {"name": "without C", "reached": False, "reached_epoch": None, "epochs": 8,
                      "final_val_loss": 0.3025}],
        "ingredients": [
            {"name": "keras fit (article)", "batch_size": 256, "examples_per_second": 100.0, "gflops": 1.0,
             "load": 1.5},
            {"name": "the course's recipe: fit_fast", "batch_size": 128, "examples_per_second": 400.0,
             "gflops": 4.0, "load": 1.6},
            {"name": "the course's recipe at batch 64", "batch_size": 64, "examples_per_second": 200.0,
             "gflops": 2.0, "load": 1.7},
            {"name": "fit_fast + XLA", "batch_size": 256, "error": "compilation failed"},
        ],
    }


def test_readings_of_a_benchmark_result():
    from aecourse.bench.report import ablation_verdicts, course_row_name, ingredient_factors, seed_gap

    results = _results_to_read()
    assert course_row_name(results["ingredients"]) == "the course's recipe: fit_fast"
    assert course_row_name([{"name": "keras fit (article)"}]) is None
    rows = ingredient_factors(results)
    assert [r["vs_fit"] for r in rows] == [1.0, 0.25, 0.5, None]
    assert [r["vs_recipe"] for r in rows] == [None, None, 2.0, None]
    assert rows[3]["error"] == "compilation failed" and rows[3]["examples_per_second"] is None
    # the seeds' last common epoch is 3: |0.305 - 0.306|
    epoch, gap = seed_gap(results)
    assert epoch == 3 and gap == pytest.approx(0.001)
    verdicts = ablation_verdicts(results)
    assert [(v["reached"], v["epochs"]) for v in verdicts] == [(True, 5), (False, 8), (False, 8)]
    assert verdicts[0]["miss"] is None and verdicts[0]["measured"] is None
    assert verdicts[1]["miss"] == pytest.approx(0.0011) and verdicts[1]["measured"] is False  # < 2 gaps
    assert verdicts[2]["miss"] == pytest.approx(0.0025) and verdicts[2]["measured"] is True
    assert ablation_verdicts(results, factor=1)[1]["measured"] is True
    results["sweep"] = results["sweep"][:1]  # no second seed of the recipe
    assert seed_gap(results) == (None, None)
    assert [v["measured"] for v in ablation_verdicts(results)] == [None, None, None]
    for factor in (0, -1, "2", True, float("nan")):
        with pytest.raises(ValueError, match=r"^ablation_verdicts: Expected `factor` to be a positive number"):
            ablation_verdicts(results, factor=factor)
