"""Tests of aecourse.bench: FLOP counting, and a smoke run of the benchmark on tiny data.

The real benchmark (minutes) is not part of the test run: `python -m aecourse.bench`.
"""

import json

import numpy as np
import pytest

from aecourse import bench
from aecourse.data import DataSourceError
from aecourse.models import dense_autoencoder


def test_the_benchmarked_recipe_is_the_default_one():
    from aecourse.training import FastRecipe

    assert bench._recipe(**bench.COURSE_RECIPE) == FastRecipe()


def test_dense_layer_shapes_of_the_article_model():
    shapes = bench.dense_layer_shapes(dense_autoencoder())
    assert shapes == [(784, 128), (128, 64), (64, 32), (32, 64), (64, 128), (128, 784)]
    with pytest.raises(ValueError, match="has no Dense layer"):
        import keras

        bench.dense_layer_shapes(keras.Sequential([keras.Input((3,)), keras.layers.ReLU()], name="plain"))


def test_training_flops_counts_the_matrix_products():
    shapes = bench.dense_layer_shapes(dense_autoencoder())
    # forward: one multiply-add per weight of each kernel, per example
    kernel_weights = sum(np.prod(w.shape) for w in dense_autoencoder().weights if w.path.endswith("kernel"))
    flops = bench.training_flops(shapes)
    assert flops["forward"] == 2 * kernel_weights == 442_368
    # training: forward + kernel gradients + input gradients of all layers but the first
    assert flops["training"] == 3 * 442_368 - 2 * 784 * 128 == 1_126_400
    with pytest.raises(ValueError, match="expected a non-empty list of \\(in_features, out_features\\) pairs"):
        bench.training_flops([(3, 0)])


def test_matmul_peak_runs_and_validates():
    peak = bench.matmul_peak([(8, 4), (4, 8)], batch_size=16, repeats=2, trials=1)
    assert peak["batch_size"] == 16 and peak["gflops"] > 0 and peak["seconds_per_step"] > 0
    with pytest.raises(ValueError, match="repeats must be a positive integer, received 0"):
        bench.matmul_peak([(8, 4)], batch_size=16, repeats=0)


def test_benchmark_smoke(tmp_path):
    """The whole pipeline on 512 synthetic images: runs, writes its three files, reports honestly."""
    rng = np.random.default_rng(0)
    x_train, x_test = rng.random((512, 784), dtype=np.float32), rng.random((128, 784), dtype=np.float32)
    results = bench.run_benchmark(data=(x_train, x_test), article_epochs=2,
                                  recipe=bench._recipe(epochs=2, jit_compile=False),  # no XLA compile: faster
                                  ingredient_epochs=0, ablation_epochs=1, peak_repeats=1, log=None)
    assert results["data"]["n_train"] == 512 and results["model"]["parameters"] == 222_384
    assert len(results["article"]["test_loss"]) == 2
    course = results["course"]
    assert course["reached"] == (results["ratio"] is not None)
    assert 0 < course["throughput"]["fraction_of_peak"]
    paths = bench.write_results(results, tmp_path / "out")
    assert json.loads(paths["json"].read_text())["article"]["epochs"] == 2
    text = paths["markdown"].read_text()
    assert "| ratio course / article |" in text and "fraction of peak" in text
    assert [row["epochs"] for row in results["ablation"]] == [1, 1, 1]
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"


def test_main_says_how_to_install_missing_data(monkeypatch, capsys, tmp_path):
    def missing(*args, **kwargs):
        raise DataSourceError("no Fashion-MNIST here")

    monkeypatch.setattr("aecourse.data.load_fashion_mnist", missing)
    assert bench.main(["--quick", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "apt-get install dataset-fashion-mnist" in err and "no Fashion-MNIST here" in err


def test_main_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--article-epochs", "0"])
    assert "--article-epochs must be a positive integer, received 0" in capsys.readouterr().err
