"""Tests of aecourse.bench.oneclass: the published numbers (stored once, with their source),
a smoke run of the benchmark on the MNIST sample, its command line and its stored results.

The full run (minutes) is not part of the test run: `python -m aecourse.bench.oneclass`.
"""

import importlib.resources
import json
from pathlib import Path

import numpy as np
import pytest

from aecourse.anomaly import OneClassResult
from aecourse.bench import oneclass


def test_published_numbers_carry_their_source_and_what_differs():
    assert set(oneclass.PUBLISHED) == {"mnist", "fashion_mnist"}
    for dataset, rows in oneclass.PUBLISHED.items():
        assert rows, dataset
        for row in rows:
            assert set(row) == {"method", "auc", "std", "mean", "source", "differs"}
            assert len(row["auc"]) == 10 and all(50 <= v <= 100 for v in row["auc"])
            assert row["std"] is None or len(row["std"]) == 10
            assert ("2018" in row["source"]) and row["differs"]
    deep_svdd = oneclass.PUBLISHED["mnist"][0]
    assert deep_svdd["auc"] == (98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5)
    assert "Ruff" in deep_svdd["source"] and "ICML 2018" in deep_svdd["source"]
    assert "Golan" in oneclass.PUBLISHED["fashion_mnist"][0]["source"]
    geom = oneclass.PUBLISHED["fashion_mnist"][0]
    assert geom["mean"] == 93.5 and abs(float(np.mean(geom["auc"])) - geom["mean"]) < 0.1  # rounding


def test_published_numbers_are_stored_in_one_place():
    package = Path(oneclass.__file__).resolve().parents[1]
    needles = ["98.0, 99.7, 91.7", "99.4, 97.6, 91.1"]
    holders = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if any(n in p.read_text() for n in needles))
    assert holders == ["bench/oneclass.py"]


def test_configuration_is_fixed_and_small_for_smoke():
    full, smoke = oneclass.configuration(), oneclass.configuration(smoke=True)
    assert full["seeds"] == (0, 1, 2) and set(full["datasets"]) == {"fashion_mnist", "mnist"}
    assert full["datasets"]["fashion_mnist"]["conv"]["jit_compile"] is False
    assert smoke["seeds"] == (0,) and smoke["classes"] == (0, 1) and smoke["n_test"] == 300


def test_smoke_run_writes_its_files(tmp_path, monkeypatch):
    monkeypatch.setenv("AECOURSE_OFFLINE", "1")
    results = oneclass.run_oneclass(smoke=True, log=None)
    assert results["smoke"] and list(results["datasets"]) == ["mnist"]
    result = OneClassResult.from_dict(results["datasets"]["mnist"]["result"])
    assert result.classes == (0, 1) and result.seeds == (0,)
    assert result.methods == ("distance to the mean image", "PCA (32), reconstruction MSE",
                              "Isolation Forest on PCA (32)", "one-class SVM on PCA (32)", "dense AE, MSE",
                              "dense AE, BCE above floor", "conv AE, MSE", "conv AE, BCE above floor")
    for method in result.methods:
        assert result.values(method).shape == (1, 2)
        assert np.all((result.values(method) >= 0) & (result.values(method) <= 1))
    assert results["datasets"]["mnist"]["models"]["dense AE"]["parameters"] == 222_384
    paths = oneclass.write_results(results, tmp_path / "out")
    assert json.loads(paths["json"].read_text())["configuration"]["seeds"] == [0]
    text = paths["markdown"].read_text()
    assert "Smoke run" in text and "| normal class | mean image | PCA |" in text
    assert "One-Class Deep SVDD" in text and "What differs" in text


def test_command_line(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as stop:
        oneclass.main(["--help"])
    assert stop.value.code == 0
    assert "--smoke" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        oneclass.main(["--datasets", "cifar10"])
    assert "invalid choice: 'cifar10'" in capsys.readouterr().err


def test_stored_results_ship_with_the_package():
    folder = importlib.resources.files("aecourse.bench") / "results"
    results = json.loads((folder / "oneclass.json").read_text())
    assert not results["smoke"] and set(results["datasets"]) == {"fashion_mnist", "mnist"}
    for name, block in results["datasets"].items():
        result = OneClassResult.from_dict(block["result"])
        assert result.classes == tuple(range(10)) and result.seeds == (0, 1, 2)
        assert {"dense AE, MSE", "conv AE, MSE", "distance to the mean image"} <= set(result.methods)
        assert result.class_names == oneclass.CLASS_NAMES[name]
    assert "5,000-image MNIST sample" in results["datasets"]["mnist"]["description"]
    assert results["command"] == results["command"].strip() and results["command"].startswith(
        "python -m aecourse.bench.oneclass")
    assert (folder / "oneclass.md").read_text().startswith("# One-class anomaly detection")
