"""The whole benchmark in one call: :func:`run_benchmark`."""

from __future__ import annotations

import dataclasses
import os
import platform
import time
from pathlib import Path

import numpy as np

from aecourse.bench.ablation import ingredient_table, recipe_ablation
from aecourse.bench.peak import matmul_peak
from aecourse.bench.runs import load_average, run_article, run_course, throughput
from aecourse.flops import dense_layer_shapes, training_flops

__all__ = ["run_benchmark"]


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_benchmark(*, n_train=None, n_test=None, article_epochs=50, recipe=None, ingredient_epochs=3,
                  peak_repeats=50, ablation_epochs=30, seed=0, data=None, log=print):
    """Run the whole benchmark and return its results as a dict (see :mod:`aecourse.bench`).

    Args:
        n_train: use only the first ``n_train`` training images (default: all 60,000).
        n_test: use only the first ``n_test`` test images (default: all 10,000).
        article_epochs: epochs of the article's recipe (the article: 50).
        recipe: the course's :class:`~aecourse.fast.FastRecipe` (default: its defaults).
        ingredient_epochs: timed epochs per row of
            :func:`~aecourse.bench.ablation.ingredient_table` (0 skips it).
        peak_repeats: ``repeats`` of :func:`~aecourse.bench.peak.matmul_peak`.
        ablation_epochs: ``max_epochs`` of :func:`~aecourse.bench.ablation.recipe_ablation`
            (0 skips it).
        seed: seed of both runs.
        data: ``(x_train, x_test)`` arrays of flattened 784-pixel images in [0, 1] to use
            instead of Fashion-MNIST (for tests).
        log: where progress lines go (``print``, or ``None`` for silence).

    Returns:
        A JSON-serialisable dict.

    Raises:
        ValueError: if ``data`` is not two arrays of flattened 784-pixel images.
        aecourse.data.DataSourceError: if Fashion-MNIST is not available (the message
            says how to install it).

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((512, 784), dtype="float32")
        >>> results = run_benchmark(data=(x, x[:128]), article_epochs=1, ingredient_epochs=0,
        ...                         ablation_epochs=0, peak_repeats=1, log=None,
        ...                         recipe=FastRecipe(epochs=1, jit_compile=False))
        >>> results["data"]["n_train"], results["model"]["parameters"]
        (512, 222384)
    """
    import keras
    import tensorflow as tf

    from aecourse.data import load_fashion_mnist
    from aecourse.fast import FastRecipe
    from aecourse.models import dense_autoencoder

    log = log or (lambda *args, **kwargs: None)
    recipe = FastRecipe() if recipe is None else recipe
    if data is None:
        data = load_fashion_mnist(flatten=True, verbose=False)
        (x_train, _), (x_test, _) = data
        description = data.description
    else:
        x_train, x_test = (np.asarray(a, dtype="float32") for a in data)
        if x_train.ndim != 2 or x_test.ndim != 2 or x_train.shape[1] != 784 or x_test.shape[1] != 784:
            raise ValueError("run_benchmark: Expected `data` to be (x_train, x_test) shaped (n, 784). Received: "
                             f"data=arrays of shapes {x_train.shape} and {x_test.shape}.")
        description = f"given arrays: {len(x_train):,} training and {len(x_test):,} test images"
    x_train, x_test = x_train[:n_train], x_test[:n_test]
    log(description)
    log(f"training on {len(x_train):,} images, testing on {len(x_test):,}; load average {load_average():.2f}")
    shapes = dense_layer_shapes(dense_autoencoder())
    flops = training_flops(shapes)
    loads = {"start": os.getloadavg() if hasattr(os, "getloadavg") else None}

    def phase(name):
        loads[name] = os.getloadavg() if hasattr(os, "getloadavg") else None

    def peaks_now(batch_sizes):
        # TensorFlow's kernels and XLA's: the faster one is this machine's peak.
        return {b: max((matmul_peak(shapes, min(b, len(x_train)), repeats=peak_repeats, jit_compile=jit)
                        for jit in (False, True)), key=lambda p: p["gflops"]) for b in batch_sizes}

    batch_sizes = sorted({256, recipe.batch_size})
    log("0/5 matrix-multiply peak on the model's shapes, before training ...")
    peaks_before = peaks_now(batch_sizes)
    phase("after_peak_before")

    log(f"1/5 article recipe: {article_epochs} epochs of keras fit at batch 256 ...")
    article = run_article((x_train, x_test), epochs=article_epochs, seed=seed)
    phase("after_article")
    log(f"    test BCE {article['final_test_loss']:.4f} after {article['seconds']:.1f} s; load {load_average():.2f}")

    log(f"2/5 course recipe until test BCE <= {article['final_test_loss']:.4f} ...")
    course = run_course((x_train, x_test), article["final_test_loss"], recipe=recipe, seed=seed)
    phase("after_course")
    if course["reached"]:
        log(f"    reached {course['final_test_loss']:.4f} after {course['reached_at']:.1f} s "
            f"({course['epochs']} epochs); load {load_average():.2f}")
    else:
        log(f"    did NOT reach it: {course['final_test_loss']:.4f} after {course['seconds']:.1f} s "
            f"({course['epochs']} epochs); load {load_average():.2f}")
    ratio = course["reached_at"] / article["seconds"] if course["reached"] else None

    log("3/5 matrix-multiply peak on the model's shapes, after training ...")
    peaks_after = peaks_now(batch_sizes)
    phase("after_peak_after")
    # The higher of the two measurements: a busy machine can only lower a measured peak.
    peaks = {b: max(peaks_before[b], peaks_after[b], key=lambda p: p["gflops"]) for b in batch_sizes}
    article["throughput"] = throughput(article, flops["training"], peaks[article["batch_size"]]["gflops"])
    course["throughput"] = throughput(course, flops["training"], peaks[course["batch_size"]]["gflops"])
    for name, run in (("article", article), ("course", course)):
        t = run["throughput"]
        log(f"    {name}: {t['examples_per_second']:,.0f} examples/s, {t['gflops']:.1f} GFLOP/s "
            f"= {t['fraction_of_peak']:.2f} of the {t['peak_gflops']:.1f} GFLOP/s peak")

    ingredients = []
    if ingredient_epochs:
        log(f"4/5 ingredients: {ingredient_epochs} timed epochs each ...")
        ingredients = ingredient_table(x_train, epochs=ingredient_epochs, flops_per_example=flops["training"])
        phase("after_ingredients")
    ablation = []
    if ablation_epochs:
        log(f"5/5 the course recipe without each of its ingredients (at most {ablation_epochs} epochs each) ...")
        ablation = recipe_ablation((x_train, x_test), article["final_test_loss"], recipe=recipe,
                                   max_epochs=ablation_epochs, seed=seed, log=log)
        phase("after_ablation")
    log(f"ratio course/article wall time: {'not reached' if ratio is None else f'{ratio:.3f}'} (target <= 0.25)")
    log(f"course throughput: {course['throughput']['fraction_of_peak']:.2f} of the matmul peak (target >= 0.5)")
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {"platform": platform.platform(), "processor": _cpu_name(), "cpus": os.cpu_count(),
                    "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                    "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
                    "load_average": loads},
        "data": {"description": description, "n_train": len(x_train), "n_test": len(x_test)},
        "model": {"layers": shapes, "parameters": int(dense_autoencoder().count_params()),
                  "flops_per_example": flops},
        "article": article,
        "course": course,
        "course_recipe": dataclasses.asdict(recipe),
        "ratio": ratio,
        "matmul_peak": {str(b): {"before": peaks_before[b], "after": peaks_after[b], "used": peaks[b]}
                        for b in batch_sizes},
        "ingredients": ingredients,
        "ablation": ablation,
        "timing_note": ("wall times include compiling and the test-set evaluation after every epoch "
                        "(both recipes), whose time is also given alone; throughput is that of the median "
                        "training epoch after the first, evaluation excluded"),
    }
