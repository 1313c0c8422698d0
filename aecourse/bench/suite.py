"""A whole benchmark in one call: :func:`run_benchmark` (dense or conv)."""

from __future__ import annotations

import dataclasses
import os
import platform
import time

import numpy as np

from aecourse.bench.ablation import choose, learning_rate_sweep, recipe_ablation
from aecourse.bench.ingredients import ingredient_table, ways_for
from aecourse.bench.peak import kernel_peak
from aecourse.bench.runs import (MODELS, build_model, cpu_name, load_average, run_article, run_course,
                                 throughput)
from aecourse.validation import check_one_of, message

__all__ = ["ARTICLE_EPOCHS", "SWEEP", "course_recipe", "benchmark_data", "run_benchmark"]

#: Epochs of the article recipe, the reference run: the article's 50 for the dense
#: model; for the conv model, for which the article gives no count, 20: long enough for
#: its validation loss to improve by well under 0.001 per epoch at the end, short
#: enough for the whole conv benchmark to run in under half an hour on 2 cores.
ARTICLE_EPOCHS = {"dense": 50, "conv": 20}

#: The sweep's grid per model: peak learning rates (at the recipe's schedule length)
#: and schedule lengths (at the recipe's peak rate).
SWEEP = {"dense": {"learning_rates": (1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2), "schedules": (10, 15, 30)},
         "conv": {"learning_rates": (4e-3, 8e-3, 1.6e-2, 3.2e-2), "schedules": (3, 6)}}


def course_recipe(model="dense"):
    """The course's fast recipe for one of the benchmark's models.

    The dense model trains with :class:`aecourse.fast.FastRecipe`'s defaults. The conv
    model's recipe differs in three settings, each measured by the benchmark: no XLA
    (XLA's CPU convolution gradients are many times slower than TensorFlow's own
    kernels), batch 128, and its peak rate and schedule length, chosen by
    :func:`aecourse.bench.ablation.learning_rate_sweep` on validation data.

    Args:
        model: ``"dense"`` or ``"conv"``.

    Returns:
        A :class:`aecourse.fast.FastRecipe`.

    Example:
        >>> course_recipe("dense").learning_rate, course_recipe("conv").jit_compile
        (0.008, False)
    """
    from aecourse.fast import FastRecipe

    model = check_one_of(model, "model", MODELS, where="course_recipe")
    if model == "dense":
        return FastRecipe()
    return FastRecipe(batch_size=128, learning_rate=1.6e-2, epochs=4, jit_compile=False)


def benchmark_data(model="dense", *, n_train=None, n_test=None, validation_size=6000, data=None, seed=0):
    """Fashion-MNIST split for the benchmark: fit, validation (from the training images) and test.

    Args:
        model: ``"dense"`` (flattened images) or ``"conv"`` (``28 x 28 x 1`` images).
        n_train: use only the first ``n_train`` training images (default: all 60,000),
            before the validation split.
        n_test: use only the first ``n_test`` test images (default: all 10,000).
        validation_size: images of the training set held out for validation (or a
            fraction), :func:`aecourse.data.split_validation`.
        data: ``(x_train, x_test)`` arrays of images in [0, 1] to use instead of
            Fashion-MNIST (for tests), shaped ``(n, 784)`` or ``(n, 28, 28[, 1])``.
        seed: seed of the validation split.

    Returns:
        ``{"x_fit", "x_val", "x_test", "description"}``.

    Raises:
        ValueError: if ``data`` does not hold 28 x 28 images.
        aecourse.data.DataSourceError: if Fashion-MNIST is not available.

    Example:
        >>> x = np.random.default_rng(0).random((100, 784), dtype="float32")
        >>> split = benchmark_data("conv", data=(x, x[:10]), validation_size=20)
        >>> split["x_fit"].shape, split["x_val"].shape, split["x_test"].shape
        ((80, 28, 28, 1), (20, 28, 28, 1), (10, 28, 28, 1))
    """
    from aecourse.data import load_fashion_mnist, split_validation

    model = check_one_of(model, "model", MODELS, where="benchmark_data")
    if data is None:
        loaded = load_fashion_mnist(verbose=False)
        (x_train, _), (x_test, _) = loaded
        description = loaded.description
    else:
        x_train, x_test = (np.asarray(a, dtype="float32") for a in data)
        description = f"given arrays: {len(x_train):,} training and {len(x_test):,} test images"
    shaped = []
    for name, x in (("x_train", x_train), ("x_test", x_test)):
        if x.size == 0 or x[0].size != 784:
            raise ValueError(message("benchmark_data", "data", "(x_train, x_test), arrays of 28 x 28 images",
                                     x, f"{name} has examples of shape {x.shape[1:]}."))
        shaped.append(x.reshape((-1, 784) if model == "dense" else (-1, 28, 28, 1)))
    x_train, x_test = shaped[0][:n_train], shaped[1][:n_test]
    x_fit, x_val = split_validation(x_train, validation_size=validation_size, seed=seed)
    return {"x_fit": x_fit, "x_val": x_val, "x_test": x_test, "description": description}


#: The selections of products whose peak is measured.
PARTS = (("training step", ("forward", "kernel_gradient", "input_gradient")), ("forward", ("forward",)),
         ("backward", ("kernel_gradient", "input_gradient")))


def _peaks(rows, batch_sizes, repeats, xla_batch):
    """Kernel peaks: TensorFlow's kernels at each batch size (a training step's products,
    the forward ones, the backward ones), and XLA's on a training step at ``xla_batch``."""
    found = {}
    for b in batch_sizes:
        for label, parts in PARTS:
            found[f"{b}/{label}/tf"] = kernel_peak(rows, b, parts=parts, repeats=repeats)
    if xla_batch:
        found[f"{xla_batch}/training step/xla"] = kernel_peak(rows, xla_batch, repeats=repeats, jit_compile=True)
    return found


def run_benchmark(model="dense", *, n_train=None, n_test=None, validation_size=6000, article_epochs=None,
                  recipe=None, sweep=True, ingredient_epochs=2, ingredient_examples=None, ways=None, processes=True,
                  peak_repeats=None, peak_xla=True, ablation_epochs=None, seed=0, data=None, log=print):
    """Run one of the benchmarks and return its results as a dict (see :mod:`aecourse.bench`).

    Args:
        model: ``"dense"`` or ``"conv"``.
        n_train: use only the first ``n_train`` training images (default: all 60,000).
        n_test: use only the first ``n_test`` test images (default: all 10,000).
        validation_size: training images held out for validation.
        article_epochs: epochs of the article's recipe (default :data:`ARTICLE_EPOCHS`).
        recipe: the course's :class:`~aecourse.fast.FastRecipe` (default
            :func:`course_recipe`).
        sweep: run the learning-rate sweep (:data:`SWEEP`); a dict
            ``{"learning_rates": ..., "schedules": ...}`` gives another grid.
        ingredient_epochs: timed epochs per ingredient row (0 skips the table).
        ingredient_examples: time the ingredient rows on this many training images
            (default: 8,192 for the conv model, all for the dense one).
        ways: the ingredient rows (default :func:`~aecourse.bench.ingredients.ways_for`).
        processes: time each ingredient row in a process of its own.
        peak_repeats: ``repeats`` of :func:`~aecourse.bench.peak.kernel_peak` (default:
            about a second of products per timing).
        peak_xla: also measure the peak of a training step with XLA (at the recipe's
            batch size, before the training runs only: XLA compiles convolution
            gradients slowly).
        ablation_epochs: ``max_epochs`` of :func:`~aecourse.bench.ablation.recipe_ablation`
            (default: twice the recipe's schedule; 0 skips it).
        seed: seed of the timed comparison (the sweep uses ``seed + 1``).
        data: ``(x_train, x_test)`` arrays of 28 x 28 images in [0, 1] to use instead of
            Fashion-MNIST (for tests).
        log: where progress lines go (``print``, or ``None`` for silence).

    Returns:
        A JSON-serialisable dict.

    Raises:
        ValueError: for an unknown model or ``data`` that is not 28 x 28 images.
        aecourse.data.DataSourceError: if Fashion-MNIST is not available (the message
            says how to install it).

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((600, 784), dtype="float32")
        >>> results = run_benchmark(data=(x, x[:128]), validation_size=88, article_epochs=1, sweep=False,
        ...                         ingredient_epochs=0, ablation_epochs=0, peak_repeats=1, peak_xla=False,
        ...                         log=None, recipe=FastRecipe(epochs=1, jit_compile=False))
        >>> results["data"]["n_fit"], results["data"]["n_val"], results["model"]["parameters"]
        (512, 88, 222384)
    """
    import keras
    import tensorflow as tf

    from aecourse.flops import model_flops

    log = log or (lambda *args, **kwargs: None)
    model = check_one_of(model, "model", MODELS, where="run_benchmark")
    recipe = course_recipe(model) if recipe is None else recipe
    article_epochs = ARTICLE_EPOCHS[model] if article_epochs is None else article_epochs
    ablation_epochs = 2 * recipe.epochs if ablation_epochs is None else ablation_epochs
    split = benchmark_data(model, n_train=n_train, n_test=n_test, validation_size=validation_size, data=data)
    log(split["description"])
    log(f"{model} model: fit on {len(split['x_fit']):,} images, validation {len(split['x_val']):,}, "
        f"test {len(split['x_test']):,}; load average {load_average():.2f}")
    counts = model_flops(build_model(model))
    loads = {"start": os.getloadavg() if hasattr(os, "getloadavg") else None}

    def phase(name):
        loads[name] = os.getloadavg() if hasattr(os, "getloadavg") else None

    # The article's batch, the recipe's, and four times the recipe's: at small batches TensorFlow's
    # fixed cost per operation weighs on the timed products, so the fastest of the three is the peak.
    batch_sizes = sorted({256, recipe.batch_size, 4 * recipe.batch_size})
    log("0/6 kernel peak on the model's products, before training ...")
    peaks_before = _peaks(counts.layers, batch_sizes, peak_repeats, peak_xla and recipe.batch_size)
    phase("after_peak_before")

    log(f"1/6 article recipe: {article_epochs} epochs of keras fit at batch 256 ...")
    article = run_article(split, model=model, epochs=article_epochs, seed=seed)
    target = article["final_val_loss"]
    phase("after_article")
    log(f"    validation BCE {target:.4f} (first reached after {article['reached_epoch']} epochs, "
        f"{article['reached_at']:.1f} s); test BCE {article['test']['bce']:.4f}; load {load_average():.2f}")

    sweep_rows, chosen = [], None
    if sweep:
        grid = SWEEP[model] if sweep is True else sweep
        log(f"2/6 sweep of the peak rate and schedule length, to validation BCE {target:.4f} (seed {seed + 1}) ...")
        sweep_rows = learning_rate_sweep(split, target, model=model, recipe=recipe, seed=seed + 1, log=log, **grid)
        chosen = choose(sweep_rows)
        phase("after_sweep")

    log(f"3/6 course recipe until validation BCE <= {target:.4f} ...")
    course = run_course(split, target, model=model, recipe=recipe, seed=seed)
    phase("after_course")
    if course["reached"]:
        log(f"    reached {course['val_loss'][course['reached_epoch'] - 1]:.4f} after {course['reached_at']:.1f} s "
            f"({course['reached_epoch']} epochs); test BCE {course['test']['bce']:.4f}; load {load_average():.2f}")
    else:
        log(f"    did NOT reach it: {course['final_val_loss']:.4f} after {course['seconds']:.1f} s "
            f"({course['epochs']} epochs); load {load_average():.2f}")
    ratio = course["reached_at"] / article["reached_at"] if course["reached"] else None

    log("4/6 kernel peak on the model's products, after training ...")
    peaks_after = _peaks(counts.layers, batch_sizes, peak_repeats, None)  # XLA's once: it compiles slowly
    phase("after_peak_after")
    # The higher of the two measurements: a busy machine can only lower a measured peak.
    peaks = {k: max([peaks_before[k]] + ([peaks_after[k]] if k in peaks_after else []), key=lambda p: p["gflops"])
             for k in peaks_before}

    # The machine's limit for this model: the fastest a training step's products ran, at any batch size.
    peak = max((p for k, p in peaks.items() if k.split("/")[1] == "training step"), key=lambda p: p["gflops"])
    for run in (article, course):
        run["throughput"] = throughput(run, counts.training, peak["gflops"])
    for name, run in (("article", article), ("course", course)):
        t = run["throughput"]
        log(f"    {name}: {t['examples_per_second']:,.0f} examples/s, {t['gflops']:.1f} GFLOP/s "
            f"= {t['fraction_of_peak']:.2f} of the {t['peak_gflops']:.1f} GFLOP/s peak")

    ingredients = []
    if ingredient_epochs:
        examples = ingredient_examples or (8192 if model == "conv" else None)
        log(f"5/6 ingredients: {ingredient_epochs} timed epochs each ...")
        ingredients = ingredient_table(split["x_fit"][:examples], ways or ways_for(model, recipe), epochs=ingredient_epochs,
                                       flops_per_example=counts.training, seed=seed, processes=processes, log=log)
        phase("after_ingredients")
    ablation = []
    if ablation_epochs:
        log(f"6/6 the course recipe without each of its ingredients (at most {ablation_epochs} epochs each) ...")
        ablation = recipe_ablation(split, target, model=model, recipe=recipe, max_epochs=ablation_epochs,
                                   seed=seed, log=log)
        phase("after_ablation")
    log(f"ratio course/article time to target: {'not reached' if ratio is None else f'{ratio:.3f}'} "
        "(goal <= 0.25)")
    log(f"course throughput: {course['throughput']['fraction_of_peak']:.2f} of the kernel peak (goal >= 0.5)")
    return {
        "benchmark": model,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {"platform": platform.platform(), "processor": cpu_name(), "cpus": os.cpu_count(),
                    "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                    "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
                    "load_average": loads},
        "data": {"description": split["description"], "n_fit": len(split["x_fit"]), "n_val": len(split["x_val"]),
                 "n_test": len(split["x_test"])},
        "model": {"name": build_model(model).name, "parameters": int(build_model(model).count_params()),
                  "flops_per_example": {"forward": counts.forward, "training": counts.training},
                  "layers": [dataclasses.asdict(row) for row in counts.layers]},
        "target": target,
        "article": article,
        "course": course,
        "course_recipe": dataclasses.asdict(recipe),
        "ratio": ratio,
        "kernel_peak": {k: {"before": peaks_before[k], "after": peaks_after.get(k), "used": peaks[k]} for k in peaks},
        "sweep": sweep_rows,
        "sweep_choice": None if chosen is None else {"learning_rate": chosen["learning_rate"],
                                                     "schedule": chosen["schedule"]},
        "ingredients": ingredients,
        "ablation": ablation,
        "timing_note": ("time to target runs from the start of training (compilation included) to the end of the "
                        "first epoch whose validation BCE is at or below the target, the validation after every "
                        "epoch included (its time is also given alone); throughput is that of the median training "
                        "epoch after the first, validation excluded"),
    }
