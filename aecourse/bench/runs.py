"""The benchmark's two training runs: the article's recipe and the course's, timed."""

from __future__ import annotations

import os

import numpy as np

__all__ = ["run_article", "run_course", "throughput", "load_average"]


def load_average():
    """The machine's 1-minute load average (NaN where the system does not report it).

    Returns:
        A float: about the number of processes wanting a CPU, averaged over a minute.

    Example:
        >>> load_average() >= 0 or load_average() != load_average()
        True
    """
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
        ``seconds``, ``eval_seconds``, ``epoch_seconds``, ``final_test_loss``,
        ``epochs``, ``batch_size``, ``examples_per_epoch`` and ``recipe`` (a description).

    Example:
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> result = run_article((x, x[:64]), epochs=1)
        >>> result["epochs"], len(result["test_loss"])
        (1, 1)
    """
    from aecourse.models import dense_autoencoder
    from aecourse.training import set_seed, train

    x_train, x_test = data
    set_seed(seed)
    model = dense_autoencoder()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    result = train(model, x_train, epochs=epochs, batch_size=batch_size, shuffle=True,
                   validation_data=x_test, every=0)
    losses = result.history["val_loss"]
    return {"recipe": f"Adam 1e-3, batch {batch_size}, {epochs} epochs, keras fit",
            "test_loss": losses, "times": list(result.times), "seconds": result.seconds,
            "eval_seconds": result.eval_seconds, "epoch_seconds": list(result.epoch_seconds),
            "final_test_loss": losses[-1], "epochs": len(losses), "batch_size": batch_size,
            "examples_per_epoch": len(x_train)}


def run_course(data, target, *, recipe=None, seed=0):
    """Train the same architecture with the course's recipe until the test BCE reaches ``target``.

    Args:
        data: ``(x_train, x_test)``, flattened float32 arrays.
        target: the test BCE to reach (the article recipe's final value).
        recipe: a :class:`aecourse.fast.FastRecipe` (default: its defaults, the
            course's recipe).
        seed: seed for :func:`aecourse.training.set_seed` and the shuffles.

    Returns:
        A dict like :func:`run_article`'s, plus ``reached`` (bool) and ``reached_at``
        (wall seconds, or ``None``).

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> result = run_course((x, x[:64]), target=0.5, recipe=FastRecipe(epochs=2, jit_compile=False))
        >>> result["reached"], result["epochs"]
        (False, 2)
    """
    from aecourse.fast import FastRecipe, fit_fast
    from aecourse.models import dense_autoencoder
    from aecourse.training import set_seed

    recipe = FastRecipe() if recipe is None else recipe
    x_train, x_test = data
    set_seed(seed)
    model = dense_autoencoder()
    result = fit_fast(model, x_train, recipe=recipe, validation_data=x_test, target_loss=target, seed=seed)
    losses = result.history["val_loss"]
    steps = recipe.steps_per_epoch(len(x_train))
    return {"recipe": (f"Adam one-cycle peak {recipe.learning_rate:g}, batch {recipe.batch_size}, "
                       f"{recipe.epochs}-epoch schedule, compiled epoch loop"
                       + (", XLA" if recipe.jit_compile else "")
                       + (", output-bias init" if recipe.init_output_bias else "")),
            "test_loss": losses, "times": list(result.times), "seconds": result.seconds,
            "eval_seconds": result.eval_seconds, "epoch_seconds": list(result.epoch_seconds),
            "final_test_loss": losses[-1], "epochs": len(losses),
            "batch_size": recipe.batch_size, "examples_per_epoch": steps * recipe.batch_size,
            "reached": result.reached_at is not None, "reached_at": result.reached_at}


def throughput(run, flops_per_example, peak_gflops):
    """Training speed of a run: its median epoch after the first, against a peak.

    Args:
        run: a dict from :func:`run_article` or :func:`run_course`.
        flops_per_example: training FLOPs per example
            (:func:`aecourse.flops.training_flops`).
        peak_gflops: the machine's matrix-multiply peak
            (:func:`aecourse.bench.peak.matmul_peak`).

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
