"""The benchmark's training runs: the article's recipe and the course's, timed the same way.

Every run trains on the same fit split of the training images, computes the
validation BCE (on a split carved from the training images,
:func:`aecourse.data.split_validation`) after every epoch, and scores the test set once,
after training. **Time to target** is defined once, here, for every run of the
benchmark: the wall time from the start of training (compilation included) to the end
of the first epoch whose validation BCE is at or below the target, the validation
after every epoch included (:func:`time_to_target`). The target is the article
recipe's final validation BCE; the article recipe's own time is therefore its time to
reach that value (at the latest, its last epoch).
"""

from __future__ import annotations

import os

import numpy as np

from aecourse.validation import check_one_of, message

__all__ = ["MODELS", "build_model", "load_average", "time_to_target", "test_metrics", "run_article",
           "describe_recipe", "run_course", "throughput", "cpu_name"]

#: The models the benchmark trains, by name: the article's dense autoencoder
#: (784-128-64-32-64-128-784) and its convolutional autoencoder (3 x 3 x 128 -> 1152 -> 10).
MODELS = ("dense", "conv")


def build_model(model="dense", **kwargs):
    """A fresh, untrained copy of one of the benchmark's models.

    Args:
        model: ``"dense"`` (:func:`aecourse.models.dense_autoencoder` with its defaults,
            the article's dense model) or ``"conv"`` (:func:`aecourse.models.conv_autoencoder`
            with its defaults, the article's convolutional model).
        **kwargs: passed to the builder (e.g. ``upsampling="nearest"``).

    Returns:
        A ``keras.Model`` for 28 x 28 images: flattened (784 values) for ``"dense"``,
        ``(28, 28, 1)`` for ``"conv"``.

    Raises:
        ValueError: for another model name.

    Example:
        >>> build_model("conv").count_params(), build_model("dense").count_params()
        (209419, 222384)
    """
    from aecourse.models import conv_autoencoder, dense_autoencoder

    model = check_one_of(model, "model", MODELS, where="build_model")
    return dense_autoencoder(**kwargs) if model == "dense" else conv_autoencoder(**kwargs)


def cpu_name():
    """The CPU's model name, as results record it (Linux's /proc/cpuinfo, else the platform's).

    Returns:
        A string; ``"unknown"`` where neither source names the CPU.

    Example:
        >>> isinstance(cpu_name(), str) and cpu_name() != ""
        True
    """
    import platform
    from pathlib import Path

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average():
    """The machine's 1-minute load average (NaN where the system does not report it).

    Returns:
        A float: about the number of processes wanting a CPU, averaged over a minute.

    Example:
        >>> load_average() >= 0 or load_average() != load_average()
        True
    """
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def time_to_target(val_loss, times, target):
    """When a run first reached ``target``: ``(epochs, seconds)``, or ``(None, None)``.

    Args:
        val_loss: the validation loss after each epoch.
        times: the wall time at the end of each epoch, since the start of training
            (validation included).
        target: the validation loss to reach.

    Returns:
        ``(epochs, seconds)``: the number of the first epoch (counted from 1) whose
        validation loss is at or below ``target``, and the wall time at its end.

    Raises:
        ValueError: if ``val_loss`` and ``times`` differ in length.

    Example:
        >>> time_to_target([0.30, 0.28, 0.27, 0.275], [2.0, 3.0, 4.0, 5.0], target=0.275)
        (3, 4.0)
        >>> time_to_target([0.30], [2.0], target=0.2)
        (None, None)
    """
    if len(val_loss) != len(times):
        raise ValueError(message("time_to_target", "times", f"one time per epoch ({len(val_loss)})", times))
    for epoch, (loss, seconds) in enumerate(zip(val_loss, times), 1):
        if loss <= target:
            return epoch, float(seconds)
    return None, None


def test_metrics(model, x_test):
    """Score ``model`` once on the test images: BCE, BCE above its floor, MSE, PSNR.

    Args:
        model: a trained autoencoder.
        x_test: the test images, shaped as the model's input.

    Returns:
        The dict of :func:`aecourse.evaluation.reconstruction_metrics`, plus ``floor``
        (:func:`aecourse.losses.bce_floor` of the test images).

    Example:
        >>> x = np.random.default_rng(0).random((8, 784), dtype="float32")
        >>> sorted(test_metrics(build_model("dense"), x))
        ['bce', 'bce_above_floor', 'floor', 'mse', 'psnr']
    """
    from aecourse.evaluation import reconstruction_metrics
    from aecourse.losses import bce_floor

    metrics = reconstruction_metrics(x_test, model.predict(x_test, batch_size=1024, verbose=0))
    return {**metrics, "floor": bce_floor(x_test)}


def _summary(result, data, model, batch_size, examples_per_epoch, recipe_text):
    """The fields every run reports, from a :class:`~aecourse.training.FitResult`."""
    from aecourse.losses import bce_floor

    val = [float(v) for v in result.history["val_loss"]]
    return {"recipe": recipe_text, "val_loss": val, "train_loss": [float(v) for v in result.history["loss"]],
            "times": [float(t) for t in result.times], "seconds": float(result.seconds),
            "eval_seconds": float(result.eval_seconds), "epoch_seconds": [float(s) for s in result.epoch_seconds],
            "final_val_loss": val[-1], "val_floor": bce_floor(data["x_val"]), "epochs": len(val),
            "batch_size": int(batch_size), "examples_per_epoch": int(examples_per_epoch),
            "test": test_metrics(model, data["x_test"]), "load": load_average()}


def _check_data(data, where):
    if not isinstance(data, dict) or not {"x_fit", "x_val", "x_test"} <= set(data):
        raise TypeError(message(where, "data", "a dict with the arrays 'x_fit', 'x_val' and 'x_test'", data,
                                "Use aecourse.bench.suite.benchmark_data()."))
    return data


def run_article(data, *, model="dense", epochs=50, batch_size=256, seed=0):
    """Train a fresh model with the article's recipe: Adam 1e-3, batch 256, Keras ``fit``.

    The model is compiled with Adam at its default rate and binary cross-entropy and
    trained with ``model.fit`` (shuffled), the validation BCE computed after every
    epoch. The run's target is its own final validation BCE, and its time to target the
    time it took to first reach that value (:func:`time_to_target`).

    Args:
        data: ``{"x_fit", "x_val", "x_test"}`` arrays shaped for ``model``.
        model: ``"dense"`` or ``"conv"`` (:func:`build_model`).
        epochs: epochs (the article's dense model: 50).
        batch_size: examples per step (the article: 256).
        seed: seed of the weights and the shuffles.

    Returns:
        A dict with ``val_loss`` and ``times`` (per epoch), ``seconds``,
        ``eval_seconds``, ``epoch_seconds``, ``final_val_loss`` (the target),
        ``reached_epoch`` and ``reached_at`` (time to target), ``val_floor``,
        ``test`` (:func:`test_metrics`), ``epochs``, ``batch_size``,
        ``examples_per_epoch``, ``load`` and ``recipe`` (a description).

    Example:
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> result = run_article({"x_fit": x, "x_val": x[:64], "x_test": x[:32]}, epochs=2)
        >>> result["epochs"], len(result["val_loss"]), result["reached_epoch"] <= 2
        (2, 2, True)
    """
    from aecourse.training import set_seed, train

    data = _check_data(data, "run_article")
    set_seed(seed, deterministic=False)
    net = build_model(model)
    net.compile(optimizer="adam", loss="binary_crossentropy")
    result = train(net, data["x_fit"], epochs=epochs, batch_size=batch_size, shuffle=True,
                   validation_data=data["x_val"], every=0)
    run = _summary(result, data, net, batch_size, len(data["x_fit"]),
                   f"Adam 1e-3, batch {batch_size}, {epochs} epochs, keras fit")
    run["reached_epoch"], run["reached_at"] = time_to_target(run["val_loss"], run["times"], run["final_val_loss"])
    run["reached"] = True
    return run


def describe_recipe(recipe):
    """A one-line description of a :class:`~aecourse.fast.FastRecipe`.

    Args:
        recipe: a ``FastRecipe``.

    Returns:
        A string.

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> describe_recipe(FastRecipe())
        'Adam one-cycle peak 0.008, batch 256, 20-epoch schedule, compiled epoch loop, XLA, output-bias init'
    """
    return (f"Adam one-cycle peak {recipe.learning_rate:g}, batch {recipe.batch_size}, "
            f"{recipe.epochs}-epoch schedule, compiled epoch loop" + (", XLA" if recipe.jit_compile else "")
            + (", output-bias init" if recipe.init_output_bias else ""))


def run_course(data, target, *, model="dense", recipe=None, seed=0):
    """Train a fresh model with the course's recipe until the validation BCE reaches ``target``.

    Trains with :func:`aecourse.fast.fit_fast`, which stops at the end of the first
    epoch whose validation BCE is at or below ``target``; then scores the test set once.

    Args:
        data: ``{"x_fit", "x_val", "x_test"}`` arrays shaped for ``model``.
        target: the validation BCE to reach (the article recipe's final value).
        model: ``"dense"`` or ``"conv"`` (:func:`build_model`).
        recipe: a :class:`aecourse.fast.FastRecipe` (default: its defaults).
        seed: seed of the weights and the shuffles.

    Returns:
        A dict like :func:`run_article`'s; ``reached`` says whether the target was
        reached (``reached_epoch`` and ``reached_at`` are ``None`` if not).

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> data = {"x_fit": x, "x_val": x[:64], "x_test": x[:32]}
        >>> result = run_course(data, target=0.5, recipe=FastRecipe(epochs=2, jit_compile=False))
        >>> result["reached"], result["epochs"]
        (False, 2)
    """
    from aecourse.fast import FastRecipe, fit_fast
    from aecourse.training import set_seed

    data = _check_data(data, "run_course")
    recipe = FastRecipe() if recipe is None else recipe
    set_seed(seed, deterministic=False)
    net = build_model(model)
    result = fit_fast(net, data["x_fit"], recipe=recipe, validation_data=data["x_val"], target_loss=target,
                      seed=seed)
    steps = recipe.steps_per_epoch(len(data["x_fit"]))
    run = _summary(result, data, net, recipe.batch_size, steps * recipe.batch_size, describe_recipe(recipe))
    run["reached_epoch"], run["reached_at"] = time_to_target(run["val_loss"], run["times"], target)
    run["reached"] = run["reached_epoch"] is not None
    return run


def throughput(run, flops_per_example, peak_gflops):
    """Training speed of a run: its median epoch after the first, against a peak.

    Args:
        run: a dict from :func:`run_article` or :func:`run_course`.
        flops_per_example: training FLOPs per example (:func:`aecourse.flops.model_flops`).
        peak_gflops: the machine's peak on the model's products
            (:func:`aecourse.bench.peak.kernel_peak`).

    Returns:
        ``{"examples_per_second", "gflops", "peak_gflops", "fraction_of_peak",
        "seconds_per_epoch"}``.

    Example:
        >>> run = {"epoch_seconds": [3.0, 1.0, 1.0], "examples_per_epoch": 1000}
        >>> throughput(run, flops_per_example=2e6, peak_gflops=4.0)["fraction_of_peak"]
        0.5
    """
    # The median training epoch after the first (which also traces and compiles).
    seconds = float(np.median(run["epoch_seconds"][1:] or run["epoch_seconds"]))
    per_second = run["examples_per_epoch"] / seconds
    gflops = per_second * flops_per_example / 1e9
    return {"examples_per_second": per_second, "gflops": gflops, "peak_gflops": peak_gflops,
            "fraction_of_peak": gflops / peak_gflops, "seconds_per_epoch": seconds}
