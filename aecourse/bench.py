"""Benchmark: the article's training recipe against the course's fast recipe, on a CPU.

Run it from a shell (it takes a few minutes on a 2-core machine)::

    python -m aecourse.bench                   # the full benchmark, results in benchmarks/
    python -m aecourse.bench --quick           # a tiny configuration, seconds
    python -m aecourse.bench --help

In one run on one machine it

1. trains the article's dense autoencoder (:func:`aecourse.models.dense_autoencoder`
   with its defaults, 784-128-64-32-64-128-784) with the article's recipe (Adam at its
   default rate, binary cross-entropy, batch 256, shuffled, 50 epochs, the test set
   evaluated after every epoch) on the full Fashion-MNIST, and records the final test
   BCE and the wall time;
2. trains the same architecture with the course's recipe
   (:func:`aecourse.training.fit_fast`) until its test BCE, measured after every epoch,
   reaches the article's final value, and records the wall time. Both wall times
   include the test-set evaluations; the time they took is also reported on its own;
3. measures each recipe's training throughput (examples/s, and GFLOP/s from the
   counted matrix-multiply FLOPs of a training step, :func:`training_flops`) and the
   matrix-multiply peak of this machine on exactly the multiplications one training
   step performs (:func:`matmul_peak`, with TensorFlow's kernels and with XLA, before
   and after the training runs; the highest value is used), and reports the fraction;
4. times each ingredient of the course's recipe on its own (a few epochs each);
5. writes ``results.json``, ``results.md`` (Markdown tables) and ``loss_vs_time.png``
   (test loss against wall time for both recipes) into the output folder.

The machine's load average (``os.getloadavg()``) is recorded before and after every
phase: other programs running at the same time slow the timings down.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

__all__ = ["dense_layer_shapes", "training_flops", "matmul_peak", "run_article", "run_course",
           "ingredient_table", "recipe_ablation", "run_benchmark", "write_results", "main", "COURSE_RECIPE"]

DEBIAN_HINT = ("Fashion-MNIST was not found. On Debian or Ubuntu install it as root with "
               "`apt-get install dataset-fashion-mnist` (or `sudo make system-data`); elsewhere run "
               "with internet access (AECOURSE_OFFLINE=0) so that Keras downloads it.")


def _recipe(**fields):
    from aecourse.training import FastRecipe

    return FastRecipe(**fields)


#: The course's recipe as benchmarked: the defaults of :class:`aecourse.training.FastRecipe`.
COURSE_RECIPE = dict(batch_size=256, learning_rate=8e-3, epochs=20)


# ------------------------------------------------------------------ FLOP counting


def dense_layer_shapes(model):
    """The ``(inputs, units)`` of every Dense layer of ``model``, nested models included.

    Args:
        model: a Keras model.

    Returns:
        A list of ``(in_features, out_features)`` tuples in the order the layers run.

    Raises:
        ValueError: if the model has no Dense layer.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> dense_layer_shapes(dense_autoencoder())[:2]
        [(784, 128), (128, 64)]
    """
    import keras

    shapes = []

    def walk(layer):
        if isinstance(layer, keras.Model):
            for inner in layer.layers:
                walk(inner)
        elif isinstance(layer, keras.layers.Dense):
            shapes.append((int(layer.kernel.shape[0]), int(layer.kernel.shape[1])))

    walk(model)
    if not shapes:
        raise ValueError(f"dense_layer_shapes: model {getattr(model, 'name', model)!r} has no Dense layer")
    return shapes


def _check_shapes(shapes):
    shapes = [tuple(s) for s in shapes]
    if not shapes or any(len(s) != 2 or min(s) < 1 for s in shapes):
        raise ValueError(f"expected a non-empty list of (in_features, out_features) pairs, received {shapes!r}")
    return shapes


def training_flops(shapes):
    """Matrix-multiply FLOPs per example of a forward pass and of a training step.

    A Dense layer with ``n`` inputs and ``m`` outputs multiplies each example by an
    ``n x m`` kernel: ``2 n m`` FLOPs (a multiply and an add per weight). A training
    step runs the forward product, the product for the kernel's gradient (same size),
    and the product for the gradient of the layer's input (same size) for every layer
    but the first, whose input (the data) needs no gradient. Training is therefore a
    little under 3 x the forward FLOPs. Biases, activations, the loss and the
    optimizer add element-wise work that is not counted.

    Args:
        shapes: ``(in_features, out_features)`` of each Dense layer, in order
            (:func:`dense_layer_shapes`).

    Returns:
        ``{"forward": ..., "training": ...}``, FLOPs per example.

    Example:
        >>> training_flops([(784, 128), (128, 784)])
        {'forward': 401408, 'training': 1003520}
    """
    shapes = _check_shapes(shapes)
    forward = sum(2 * n * m for n, m in shapes)
    first = 2 * shapes[0][0] * shapes[0][1]
    return {"forward": forward, "training": 3 * forward - first}


# -------------------------------------------------------------- matmul peak


def matmul_peak(shapes, batch_size, *, repeats=50, trials=5, jit_compile=False):
    """Time the matrix multiplications of one training step and return GFLOP/s.

    For each Dense layer ``(n, m)`` and a batch of ``b`` examples the step multiplies
    ``[b, n] x [n, m]`` (forward), ``[n, b] x [b, m]`` (kernel gradient) and, except
    for the first layer, ``[b, m] x [m, n]`` (input gradient). This function runs
    exactly these products ``repeats`` times inside one compiled TensorFlow loop and
    keeps the fastest of ``trials`` timings: the speed this machine's matrix-multiply
    kernels reach on the model's own shapes, the ceiling for training throughput. (To
    keep TensorFlow from computing a repeated product once, each repeat adds the loop
    counter to one operand and sums the product; that element-wise work is timed too,
    a few percent of the total.) TensorFlow's own kernels and XLA's
    (``jit_compile=True``) can differ in speed; measure both and take the faster.

    Args:
        shapes: ``(in_features, out_features)`` of each Dense layer.
        batch_size: examples per step.
        repeats: training steps' worth of products per timing.
        trials: timings; the fastest is kept.
        jit_compile: compile the loop with XLA.

    Returns:
        ``{"gflops": ..., "seconds_per_step": ..., "batch_size": ..., "xla": ...}``.

    Example:
        >>> matmul_peak([(8, 4)], batch_size=16, repeats=2, trials=1)["batch_size"]  # doctest: +SKIP
        16
    """
    import tensorflow as tf

    shapes = _check_shapes(shapes)
    for name, value in (("batch_size", batch_size), ("repeats", repeats), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"matmul_peak: {name} must be a positive integer, received {value!r}")
    rng = np.random.default_rng(0)
    products = []  # (a, b, transpose_a, transpose_b)
    for i, (n, m) in enumerate(shapes):
        def t(*shape):
            return tf.constant(rng.random(shape, dtype=np.float32))

        products.append((t(batch_size, n), t(n, m), False, False))  # forward
        products.append((t(batch_size, n), t(batch_size, m), True, False))  # kernel gradient
        if i > 0:
            products.append((t(batch_size, m), t(n, m), False, True))  # input gradient
    flops = batch_size * training_flops(shapes)["training"]

    @tf.function(jit_compile=bool(jit_compile))
    def run(operands):
        def body(k, total):
            shift = tf.cast(k, tf.float32)
            for (a, b), (_, _, ta, tb) in zip(operands, products):
                total += tf.reduce_sum(tf.matmul(a + shift, b, transpose_a=ta, transpose_b=tb))
            return k + 1, total

        return tf.while_loop(lambda k, _: k < repeats, body, (tf.constant(0), tf.constant(0.0)))[1]

    operands = [(a, b) for a, b, _, _ in products]
    float(run(operands))  # trace and warm up
    best = math.inf
    for _ in range(trials):
        start = time.perf_counter()
        float(run(operands))
        best = min(best, time.perf_counter() - start)
    return {"gflops": flops * repeats / best / 1e9, "seconds_per_step": best / repeats, "batch_size": batch_size,
            "xla": bool(jit_compile)}


# ------------------------------------------------------------------ the runs


def _load():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def run_article(data, *, epochs=50, batch_size=256, seed=0):
    """Train the article's model with the article's recipe; test BCE after every epoch.

    Args:
        data: ``(x_train, x_test)``, flattened float32 arrays.
        epochs: epochs (the article: 50).
        batch_size: examples per step (the article: 256).
        seed: seed for :func:`aecourse.training.set_seed`.

    Returns:
        A dict with ``test_loss`` (per epoch), ``times`` (wall time at each epoch end),
        ``seconds``, ``eval_seconds``, ``final_test_loss``, ``examples`` (trained on).

    Example:
        >>> result = run_article((x_train, x_test), epochs=2)  # doctest: +SKIP
    """
    import keras

    from aecourse.models import dense_autoencoder
    from aecourse.training import set_seed

    x_train, x_test = data
    set_seed(seed)
    model = dense_autoencoder()
    model.compile(optimizer="adam", loss="binary_crossentropy")

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.times, self.eval_seconds, self.epoch_seconds = time.perf_counter(), [], 0.0, []

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start, self.epoch_eval = time.perf_counter(), 0.0

        def on_test_begin(self, logs=None):
            self.eval_start = time.perf_counter()

        def on_test_end(self, logs=None):
            self.epoch_eval += time.perf_counter() - self.eval_start

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            self.times.append(now - self.start)
            self.epoch_seconds.append(now - self.epoch_start - self.epoch_eval)
            self.eval_seconds += self.epoch_eval

    clock = Clock()
    start = time.perf_counter()
    history = model.fit(x_train, x_train, epochs=epochs, batch_size=batch_size, shuffle=True,
                        validation_data=(x_test, x_test), verbose=0, callbacks=[clock])
    seconds = time.perf_counter() - start
    losses = [float(v) for v in history.history["val_loss"]]
    return {"recipe": f"Adam 1e-3, batch {batch_size}, {epochs} epochs, keras fit",
            "test_loss": losses, "times": clock.times, "seconds": seconds, "eval_seconds": clock.eval_seconds,
            "epoch_seconds": clock.epoch_seconds, "final_test_loss": losses[-1], "epochs": len(losses),
            "batch_size": batch_size, "examples_per_epoch": len(x_train)}


def run_course(data, target, *, recipe=None, seed=0):
    """Train the same architecture with the course's recipe until the test BCE reaches ``target``.

    Args:
        data: ``(x_train, x_test)``, flattened float32 arrays.
        target: the test BCE to reach (the article recipe's final value).
        recipe: a :class:`aecourse.training.FastRecipe` (default :data:`COURSE_RECIPE`).
        seed: seed for :func:`aecourse.training.set_seed` and the shuffles.

    Returns:
        A dict like :func:`run_article`'s, plus ``reached`` (bool) and ``reached_at``
        (wall seconds, or ``None``).

    Example:
        >>> result = run_course((x_train, x_test), target=0.28)  # doctest: +SKIP
    """
    from aecourse.models import dense_autoencoder
    from aecourse.training import fit_fast, set_seed

    recipe = _recipe(**COURSE_RECIPE) if recipe is None else recipe
    x_train, x_test = data
    set_seed(seed)
    model = dense_autoencoder()
    history = fit_fast(model, x_train, recipe=recipe, validation_data=x_test, target_loss=target, seed=seed)
    losses = history.history["val_loss"]
    steps = recipe.steps_per_epoch(len(x_train))
    return {"recipe": (f"Adam one-cycle peak {recipe.learning_rate:g}, batch {recipe.batch_size}, "
                       f"{recipe.epochs}-epoch schedule, compiled epoch loop"
                       + (", fused Adam" if recipe.fused_adam else "")
                       + (", XLA" if recipe.jit_compile else "")
                       + (", output-bias init" if recipe.init_output_bias else "")),
            "test_loss": losses, "times": history.times, "seconds": history.seconds,
            "eval_seconds": history.eval_seconds, "epoch_seconds": history.epoch_seconds,
            "final_test_loss": losses[-1], "epochs": len(losses),
            "batch_size": recipe.batch_size, "examples_per_epoch": steps * recipe.batch_size,
            "reached": history.reached_at is not None, "reached_at": history.reached_at}


def _throughput(run, flops_per_example, peak_gflops):
    # The median training epoch after the first (which also traces and compiles).
    seconds = float(np.median(run["epoch_seconds"][1:] or run["epoch_seconds"]))
    per_second = run["examples_per_epoch"] / seconds
    gflops = per_second * flops_per_example / 1e9
    return {"examples_per_second": per_second, "gflops": gflops, "peak_gflops": peak_gflops,
            "fraction_of_peak": gflops / peak_gflops, "seconds_per_epoch": seconds}


def ingredient_table(x_train, *, epochs=3, flops_per_example=None):
    """Time one training epoch for each way of running the same model (no evaluation).

    Rows, each adding one ingredient: Keras ``fit`` at batch 256 (the article); ``fit``
    running 64 steps per call (``steps_per_execution``); the course's compiled epoch
    over in-memory data (:func:`aecourse.training.fit_fast`) at batch 256 with Keras'
    Adam update, with the fused Adam kernel, with XLA and Keras' Adam, with both (the
    course's recipe), and the course's recipe at batches 512 and 1024.
    Each row reports the fastest of ``epochs`` epochs after a first, untimed epoch
    (which also compiles).

    Args:
        x_train: flattened float32 training images.
        epochs: timed epochs per row (the fastest is kept).
        flops_per_example: training FLOPs per example, for the GFLOP/s column.

    Returns:
        A list of dicts with ``name``, ``batch_size``, ``seconds_per_epoch``,
        ``examples_per_second`` and ``gflops``.

    Example:
        >>> rows = ingredient_table(x_train[:4096], epochs=1)  # doctest: +SKIP
    """
    import keras

    from aecourse.models import dense_autoencoder
    from aecourse.training import fit_fast, set_seed

    rows = []

    def record(name, batch_size, times):
        seconds = min(times)
        steps = len(x_train) // batch_size if "fit_fast" in name else math.ceil(len(x_train) / batch_size)
        examples = len(x_train) if "fit_fast" not in name else steps * batch_size
        row = {"name": name, "batch_size": batch_size, "seconds_per_epoch": seconds,
               "examples_per_second": examples / seconds, "load": _load()}
        if flops_per_example:
            row["gflops"] = row["examples_per_second"] * flops_per_example / 1e9
        rows.append(row)

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.began = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.began)

    for name, batch_size, compile_kwargs in [
        ("keras fit (article)", 256, {}),
        ("keras fit + 64 steps per execution", 256, {"steps_per_execution": 64}),
    ]:
        set_seed(0)
        model = dense_autoencoder()
        model.compile(optimizer="adam", loss="binary_crossentropy", **compile_kwargs)
        clock = Clock()
        clock.times = []
        model.fit(x_train, x_train, batch_size=batch_size, epochs=epochs + 1, verbose=0, callbacks=[clock])
        record(name, batch_size, clock.times[1:])
    for name, batch_size, fused, jit in [
        ("fit_fast: compiled epoch, in-memory data, Keras' Adam", 256, False, False),
        ("fit_fast + fused Adam", 256, True, False),
        ("fit_fast + XLA, Keras' Adam", 256, False, True),
        ("fit_fast + fused Adam + XLA (the course's recipe)", 256, True, True),
        ("the course's recipe at batch 512", 512, True, True),
        ("the course's recipe at batch 1024", 1024, True, True),
    ]:
        set_seed(0)
        model = dense_autoencoder()
        history = fit_fast(model, x_train, batch_size=batch_size, fused_adam=fused, jit_compile=jit,
                           epochs=epochs + 1)
        times = np.diff(history.times).tolist()
        record(name, batch_size, times)
    return rows


def recipe_ablation(data, target, *, recipe=None, max_epochs=30, seed=0, log=None):
    """Train the course's recipe with one ingredient taken out at a time, until ``target``.

    Variants: the full recipe's numbers come from :func:`run_course`; here each row
    drops one ingredient: the output-bias initialisation; the learning-rate schedule
    (constant rate at the recipe's peak); and the peak rate itself (the recipe's
    schedule with Adam's default peak of 1e-3). A variant that does not reach
    ``target`` within ``max_epochs`` epochs says so.

    Args:
        data: ``(x_train, x_test)``, flattened float32 arrays.
        target: the test BCE to reach.
        recipe: the full :class:`~aecourse.training.FastRecipe`.
        max_epochs: give up after this many epochs.
        seed: seed of each run.
        log: a print-like function for progress, or ``None``.

    Returns:
        A list of dicts with ``name``, ``epochs`` (run), ``reached``, ``reached_at``
        (seconds or ``None``), ``final_test_loss`` and ``test_loss``.

    Example:
        >>> rows = recipe_ablation((x_train, x_test), target=0.2763)  # doctest: +SKIP
    """
    recipe = _recipe(**COURSE_RECIPE) if recipe is None else recipe
    long = max(max_epochs, recipe.epochs)
    variants = [
        ("without output-bias init", dataclasses.replace(recipe, init_output_bias=False)),
        (f"at a constant rate {recipe.learning_rate:g} (no warm-up, no cosine)",
         dataclasses.replace(recipe, epochs=long, warmup_fraction=0.0, start_fraction=1.0, end_fraction=1.0)),
        (f"at peak rate 1e-3 (Adam's default) instead of {recipe.learning_rate:g}",
         dataclasses.replace(recipe, learning_rate=1e-3)),
    ]
    rows = []
    for name, variant in variants:
        variant = dataclasses.replace(variant, epochs=min(variant.epochs, max_epochs))
        run = run_course(data, target, recipe=variant, seed=seed)
        rows.append({"name": name, "epochs": run["epochs"], "reached": run["reached"],
                     "reached_at": run["reached_at"], "final_test_loss": run["final_test_loss"],
                     "test_loss": run["test_loss"], "times": run["times"], "load": _load()})
        if log:
            log(f"    {name}: " + (f"reached after {run['epochs']} epochs, {run['reached_at']:.1f} s" if run["reached"]
                                   else f"not reached in {run['epochs']} epochs ({run['final_test_loss']:.4f})"))
    return rows


def run_benchmark(*, n_train=None, n_test=None, article_epochs=50, recipe=None, ingredient_epochs=3,
                  peak_repeats=50, ablation_epochs=30, seed=0, data=None, log=print):
    """Run the whole benchmark and return its results as a dict (see the module docstring).

    Args:
        n_train: use only the first ``n_train`` training images (default: all 60,000).
        n_test: use only the first ``n_test`` test images (default: all 10,000).
        article_epochs: epochs of the article's recipe (the article: 50).
        recipe: the course's :class:`~aecourse.training.FastRecipe` (default
            :data:`COURSE_RECIPE`).
        ingredient_epochs: timed epochs per row of :func:`ingredient_table` (0 skips it).
        peak_repeats: ``repeats`` of :func:`matmul_peak`.
        ablation_epochs: ``max_epochs`` of :func:`recipe_ablation` (0 skips it).
        seed: seed of both runs.
        data: ``(x_train, x_test)`` arrays of flattened 784-pixel images in [0, 1] to use
            instead of Fashion-MNIST (for tests).
        log: where progress lines go (``print``, or ``None`` for silence).

    Returns:
        A JSON-serialisable dict.

    Raises:
        aecourse.data.DataSourceError: if Fashion-MNIST is not available (the message
            says how to install it).

    Example:
        >>> results = run_benchmark(n_train=2048, n_test=512, article_epochs=2)  # doctest: +SKIP
    """
    import keras
    import tensorflow as tf

    from aecourse.data import load_fashion_mnist
    from aecourse.models import dense_autoencoder

    log = log or (lambda *args, **kwargs: None)
    recipe = _recipe(**COURSE_RECIPE) if recipe is None else recipe
    if data is None:
        data = load_fashion_mnist(flatten=True, verbose=False)
        (x_train, _), (x_test, _) = data
        description = data.description
    else:
        x_train, x_test = (np.asarray(a, dtype="float32") for a in data)
        if x_train.ndim != 2 or x_test.ndim != 2 or x_train.shape[1] != 784 or x_test.shape[1] != 784:
            raise ValueError(f"run_benchmark: data must be (x_train, x_test) shaped (n, 784), received shapes "
                             f"{x_train.shape} and {x_test.shape}")
        description = f"given arrays: {len(x_train):,} training and {len(x_test):,} test images"
    x_train, x_test = x_train[:n_train], x_test[:n_test]
    log(description)
    log(f"training on {len(x_train):,} images, testing on {len(x_test):,}; load average {_load():.2f}")
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
    log(f"    test BCE {article['final_test_loss']:.4f} after {article['seconds']:.1f} s; load {_load():.2f}")

    log(f"2/5 course recipe until test BCE <= {article['final_test_loss']:.4f} ...")
    course = run_course((x_train, x_test), article["final_test_loss"], recipe=recipe, seed=seed)
    phase("after_course")
    if course["reached"]:
        log(f"    reached {course['final_test_loss']:.4f} after {course['reached_at']:.1f} s "
            f"({course['epochs']} epochs); load {_load():.2f}")
    else:
        log(f"    did NOT reach it: {course['final_test_loss']:.4f} after {course['seconds']:.1f} s "
            f"({course['epochs']} epochs); load {_load():.2f}")
    ratio = course["reached_at"] / article["seconds"] if course["reached"] else None

    log("3/5 matrix-multiply peak on the model's shapes, after training ...")
    peaks_after = peaks_now(batch_sizes)
    phase("after_peak_after")
    # The higher of the two measurements: a busy machine can only lower a measured peak.
    peaks = {b: max(peaks_before[b], peaks_after[b], key=lambda p: p["gflops"]) for b in batch_sizes}
    article["throughput"] = _throughput(article, flops["training"], peaks[article["batch_size"]]["gflops"])
    course["throughput"] = _throughput(course, flops["training"], peaks[course["batch_size"]]["gflops"])
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


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ------------------------------------------------------------------- reports


def _markdown(results):
    a, c = results["article"], results["course"]
    ta, tc = a["throughput"], c["throughput"]
    loads = results["machine"]["load_average"]

    def load_text(values):
        return "n/a" if not values else " / ".join(f"{v:.2f}" for v in values)

    ratio = "not reached" if results["ratio"] is None else f"{results['ratio']:.3f}"
    course_time = f"{c['reached_at']:.1f}" if c["reached"] else f"not reached ({c['seconds']:.1f})"
    lines = [
        f"# Benchmark: article recipe vs course recipe ({results['date']})",
        "",
        f"Machine: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, "
        f"TensorFlow {results['machine']['tensorflow']}, Keras {results['machine']['keras']}. "
        f"Data: {results['data']['n_train']:,} training / {results['data']['n_test']:,} test images "
        f"of Fashion-MNIST. Model: {results['model']['parameters']:,} parameters.",
        "",
        "| | article recipe | course recipe |",
        "| --- | --- | --- |",
        f"| recipe | {a['recipe']} | {c['recipe']} |",
        f"| epochs run | {a['epochs']} | {c['epochs']} |",
        f"| final test BCE | {a['final_test_loss']:.4f} | {c['final_test_loss']:.4f} |",
        f"| wall time to that BCE (s) | {a['seconds']:.1f} | {course_time} |",
        f"| of which test evaluation (s) | {a['eval_seconds']:.1f} | {c['eval_seconds']:.1f} |",
        f"| ratio course / article | | **{ratio}** (target <= 0.25) |",
        f"| training examples/s | {ta['examples_per_second']:,.0f} | {tc['examples_per_second']:,.0f} |",
        f"| achieved GFLOP/s | {ta['gflops']:.1f} | {tc['gflops']:.1f} |",
        f"| matmul peak on the same shapes (GFLOP/s) | {ta['peak_gflops']:.1f} | {tc['peak_gflops']:.1f} |",
        f"| fraction of peak | {ta['fraction_of_peak']:.2f} | **{tc['fraction_of_peak']:.2f}** (target >= 0.5) |",
        "",
        f"Load average (1 / 5 / 15 min) at the start: {load_text(loads.get('start'))}; "
        f"after the article run: {load_text(loads.get('after_article'))}; "
        f"after the course run: {load_text(loads.get('after_course'))}. "
        f"{results['timing_note'].capitalize()}. Matrix-multiply peak (the faster of TensorFlow's and XLA's "
        "kernels) before / after the training runs: "
        + "; ".join(f"batch {b}: {p['before']['gflops']:.1f} / {p['after']['gflops']:.1f} GFLOP/s"
                    for b, p in results["matmul_peak"].items()) + " (the higher one is used).",
    ]
    if results["ingredients"]:
        base = results["ingredients"][0]["seconds_per_epoch"]
        lines += ["", "| way of training (one epoch, no evaluation) | batch | s/epoch | examples/s | GFLOP/s | "
                      "speed-up vs keras fit |", "| --- | --- | --- | --- | --- | --- |"]
        for row in results["ingredients"]:
            lines.append(f"| {row['name']} | {row['batch_size']} | {row['seconds_per_epoch']:.2f} | "
                         f"{row['examples_per_second']:,.0f} | {row.get('gflops', float('nan')):.1f} | "
                         f"{base / row['seconds_per_epoch']:.2f}x |")
    if results.get("ablation"):
        c = results["course"]
        first = next(i for i, v in enumerate(a["test_loss"]) if v <= a["final_test_loss"])
        lines += ["", "| recipe | epochs to the article's final test BCE | wall time (s) |", "| --- | --- | --- |",
                  f"| article recipe (keras fit) | {first + 1} | {a['times'][first]:.1f} |",
                  f"| course recipe | {c['epochs'] if c['reached'] else 'not reached'} | {course_time} |"]
        for row in results["ablation"]:
            if row["reached"]:
                lines.append(f"| course recipe {row['name']} | {row['epochs']} | {row['reached_at']:.1f} |")
            else:
                lines.append(f"| course recipe {row['name']} | not reached in {row['epochs']} "
                             f"(test BCE {row['final_test_loss']:.4f}) | |")
    return "\n".join(lines) + "\n"


def _plot(results, path):
    import matplotlib

    matplotlib.use("Agg", force=False) if "matplotlib.pyplot" not in sys.modules else None
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    target = results["article"]["final_test_loss"]
    for key, label, style in (("article", "article recipe", "o-"), ("course", "course recipe", "s-")):
        run = results[key]
        ax.plot(run["times"], run["test_loss"], style, markersize=3, label=f"{label} ({run['epochs']} epochs)")
    ax.axhline(target, color="gray", linestyle="--", linewidth=1, label=f"article's final test BCE {target:.4f}")
    if results["course"]["reached"]:
        ax.axvline(results["course"]["reached_at"], color="gray", linestyle=":", linewidth=1)
    losses = results["article"]["test_loss"] + results["course"]["test_loss"]
    ax.set_ylim(min(losses) - 0.002, min(max(losses), target + 0.04))
    ax.set_xlim(left=0)
    ax.set_xlabel("wall time (s), compilation and test evaluation included")
    ax.set_ylabel("test BCE")
    ax.set_title("Test loss against wall time, same machine, same run")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_results(results, out_dir):
    """Write ``results.json``, ``results.md`` and ``loss_vs_time.png`` into ``out_dir``.

    Args:
        results: what :func:`run_benchmark` returned.
        out_dir: a folder (created if needed).

    Returns:
        The three paths, as a dict ``{"json": ..., "markdown": ..., "plot": ...}``.

    Example:
        >>> paths = write_results(results, "benchmarks")  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "results.json", "markdown": out / "results.md", "plot": out / "loss_vs_time.png"}
    paths["json"].write_text(json.dumps(results, indent=1) + "\n")
    paths["markdown"].write_text(_markdown(results))
    _plot(results, paths["plot"])
    return paths


# ----------------------------------------------------------------------- CLI


def main(argv=None):
    """Command-line entry point: ``python -m aecourse.bench [--quick] [--out DIR] ...``.

    Args:
        argv: the arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 2 if Fashion-MNIST is missing.

    Example:
        >>> main(["--quick", "--out", "/tmp/bench"])  # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(
        prog="python -m aecourse.bench",
        description="Train the article's dense autoencoder with the article's recipe and with the course's "
                    "fast recipe on Fashion-MNIST, on this machine, and compare wall time and throughput.")
    parser.add_argument("--out", default="benchmarks", help="folder for results.json, results.md and "
                        "loss_vs_time.png (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny configuration to check that everything runs (4,096 training images, "
                             "3 article epochs); its numbers mean nothing")
    parser.add_argument("--n-train", type=int, default=None, help="training images to use (default: all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images to use (default: all)")
    parser.add_argument("--article-epochs", type=int, default=None, help="epochs of the article recipe (default 50)")
    parser.add_argument("--course-epochs", type=int, default=None,
                        help=f"length of the course recipe's schedule (default {COURSE_RECIPE['epochs']})")
    parser.add_argument("--ingredient-epochs", type=int, default=None,
                        help="timed epochs per ingredient row, 0 to skip (default 3)")
    parser.add_argument("--ablation-epochs", type=int, default=None,
                        help="at most this many epochs per recipe variant without one ingredient, 0 to skip "
                             "(default 30)")
    args = parser.parse_args(argv)

    from aecourse.data import DataSourceError

    quick = dict(n_train=4096, n_test=1024, article_epochs=3, course_epochs=3, ingredient_epochs=1, peak_repeats=5,
                 ablation_epochs=2)
    full = dict(n_train=None, n_test=None, article_epochs=50, course_epochs=COURSE_RECIPE["epochs"],
                ingredient_epochs=3, peak_repeats=50, ablation_epochs=30)
    settings = quick if args.quick else full
    for key in ("n_train", "n_test", "article_epochs", "course_epochs", "ingredient_epochs", "ablation_epochs"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    for key in ("n_train", "n_test", "article_epochs", "course_epochs"):
        if settings[key] is not None and settings[key] < 1:
            parser.error(f"--{key.replace('_', '-')} must be a positive integer, received {settings[key]}")
    recipe = dict(COURSE_RECIPE, epochs=settings.pop("course_epochs"))
    if settings["n_train"] is not None:
        recipe["batch_size"] = min(recipe["batch_size"], settings["n_train"])
    try:
        results = run_benchmark(recipe=_recipe(**recipe), **settings)
    except DataSourceError as exc:
        print(f"{DEBIAN_HINT}\n\nDetails: {exc}", file=sys.stderr)
        return 2
    results["command"] = "python -m aecourse.bench " + " ".join(argv if argv is not None else sys.argv[1:])
    paths = write_results(results, args.out)
    print(_markdown(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
