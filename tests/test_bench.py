"""Tests of aecourse.bench: the matrix-multiply peak, a smoke run on tiny data, the command line,
and the stored results the appendix reads.

The real benchmark (minutes) is not part of the test run: `python -m aecourse.bench`.
"""

import importlib.resources
import json

import numpy as np
import pytest

from aecourse.bench import cli
from aecourse.bench.peak import matmul_peak
from aecourse.bench.report import write_results
from aecourse.bench.suite import run_benchmark
from aecourse.data import DataSourceError
from aecourse.fast import FastRecipe


def test_matmul_peak_runs_and_validates():
    peak = matmul_peak([(8, 4), (4, 8)], batch_size=16, repeats=2, trials=1)
    assert peak["batch_size"] == 16 and peak["gflops"] > 0 and peak["seconds_per_step"] > 0
    with pytest.raises(ValueError, match="matmul_peak: Expected `repeats` to be an integer >= 1. Received: repeats=0."):
        matmul_peak([(8, 4)], batch_size=16, repeats=0)


def test_benchmark_smoke(tmp_path):
    """The whole pipeline on 512 synthetic images: runs, writes its three files, reports honestly."""
    rng = np.random.default_rng(0)
    x_train, x_test = rng.random((512, 784), dtype=np.float32), rng.random((128, 784), dtype=np.float32)
    results = run_benchmark(data=(x_train, x_test), article_epochs=2,
                            recipe=FastRecipe(epochs=2, jit_compile=False),  # no XLA compile: faster
                            ingredient_epochs=0, ablation_epochs=1, peak_repeats=1, log=None)
    assert results["data"]["n_train"] == 512 and results["model"]["parameters"] == 222_384
    assert len(results["article"]["test_loss"]) == 2
    assert "fused_adam" not in results["course_recipe"] and "fused" not in results["course"]["recipe"]
    course = results["course"]
    assert course["reached"] == (results["ratio"] is not None)
    assert 0 < course["throughput"]["fraction_of_peak"]
    paths = write_results(results, tmp_path / "out")
    assert json.loads(paths["json"].read_text())["article"]["epochs"] == 2
    text = paths["markdown"].read_text()
    assert "| ratio course / article |" in text and "fraction of peak" in text
    assert [row["epochs"] for row in results["ablation"]] == [1, 1, 1]
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"


def test_stored_results_ship_with_the_package():
    folder = importlib.resources.files("aecourse.bench") / "results"
    results = json.loads((folder / "results.json").read_text())
    assert {"article", "course", "ingredients", "ablation", "machine"} <= set(results)
    assert (folder / "results.md").read_text().startswith("# Benchmark")
    assert (folder / "loss_vs_time.png").read_bytes()[:4] == b"\x89PNG"


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
