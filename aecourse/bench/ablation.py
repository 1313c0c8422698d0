"""Fewer epochs: the learning-rate sweep that chose the recipe, and the recipe without each ingredient.

Both train the course's recipe (:func:`aecourse.bench.runs.run_course`) until the
validation BCE reaches the target (the article recipe's final validation BCE), so
every row answers the same question: how many epochs, and how much time, to the
article's quality.

- :func:`learning_rate_sweep` tries a small grid of peak learning rates and schedule
  lengths with a seed of its own (not the seed of the timed comparison), and
  :func:`choose` picks the setting that reaches the target in the fewest epochs (ties:
  the one furthest below the target at that epoch). The choice rests on validation
  data only.
- :func:`recipe_ablation` takes one ingredient out at a time: the output-bias
  initialisation, the schedule (a constant rate), and for a recipe whose batch size
  differs from the article's, that batch size.
"""

from __future__ import annotations

import dataclasses

from aecourse.bench.runs import load_average, run_course

__all__ = ["learning_rate_sweep", "choose", "recipe_ablation"]


def _row(name, run, **extra):
    return {"name": name, **extra, "epochs": run["epochs"], "reached": run["reached"],
            "reached_epoch": run["reached_epoch"], "reached_at": run["reached_at"],
            "final_val_loss": run["final_val_loss"], "val_loss": run["val_loss"], "times": run["times"],
            "load": load_average()}


def learning_rate_sweep(data, target, *, model="dense", recipe=None, learning_rates=(), schedules=(), seed=1,
                        log=None):
    """Train the recipe at each peak rate and each schedule length, until ``target``.

    The grid is the recipe's own setting, the rates of ``learning_rates`` at the
    recipe's schedule length, and the lengths of ``schedules`` at the recipe's rate.

    Args:
        data: ``{"x_fit", "x_val", "x_test"}`` (the test images are scored after each
            run by :func:`~aecourse.bench.runs.run_course` but play no part in the choice).
        target: the validation BCE to reach.
        model: ``"dense"`` or ``"conv"``.
        recipe: the course's :class:`~aecourse.fast.FastRecipe` for the model.
        learning_rates: peak rates to try.
        schedules: schedule lengths (epochs) to try.
        seed: the sweep's seed (use another one than the timed comparison's).
        log: a print-like function for progress, or ``None``.

    Returns:
        A list of dicts with ``learning_rate``, ``schedule`` (epochs), ``epochs`` run,
        ``reached``, ``reached_epoch``, ``reached_at``, ``final_val_loss``, ``val_loss``,
        ``times``, ``load``, ``name``.

    Example:
        >>> import numpy as np
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> rows = learning_rate_sweep({"x_fit": x, "x_val": x[:64], "x_test": x[:32]}, 0.5,
        ...                            recipe=FastRecipe(epochs=1, jit_compile=False), learning_rates=[1e-3])
        >>> [(row["learning_rate"], row["schedule"]) for row in rows]
        [(0.001, 1), (0.008, 1)]
    """
    from aecourse.fast import FastRecipe

    recipe = FastRecipe() if recipe is None else recipe
    grid = sorted({(float(rate), recipe.epochs) for rate in learning_rates}
                  | {(recipe.learning_rate, int(epochs)) for epochs in schedules}
                  | {(recipe.learning_rate, recipe.epochs)})
    rows = []
    for rate, epochs in grid:
        variant = dataclasses.replace(recipe, learning_rate=rate, epochs=epochs)
        run = run_course(data, target, model=model, recipe=variant, seed=seed)
        rows.append(_row(f"peak {rate:g}, {epochs}-epoch schedule", run, learning_rate=rate, schedule=epochs))
        if log:
            log(f"    peak {rate:g}, {epochs}-epoch schedule: " + (
                f"reached after {run['reached_epoch']} epochs, {run['reached_at']:.1f} s" if run["reached"]
                else f"not reached in {run['epochs']} epochs ({run['final_val_loss']:.4f})"))
    return rows


def choose(rows):
    """The sweep's choice: the row that reached the target in the fewest epochs.

    Among rows that reached it after the same number of epochs, the one whose
    validation BCE at that epoch is lowest (furthest below the target) wins; rows that
    never reached the target are not chosen. Time is not used (it depends on the
    machine's load; epochs do not).

    Args:
        rows: the rows of :func:`learning_rate_sweep`.

    Returns:
        The chosen row, or ``None`` if no row reached the target.

    Example:
        >>> choose([{"reached": True, "reached_epoch": 5, "val_loss": [0.3, 0.28, 0.27, 0.266, 0.262]},
        ...         {"reached": True, "reached_epoch": 5, "val_loss": [0.3, 0.28, 0.27, 0.265, 0.261]},
        ...         {"reached": False, "reached_epoch": None, "val_loss": [0.3, 0.29]}])["val_loss"][-1]
        0.261
    """
    reached = [row for row in rows if row["reached"]]
    if not reached:
        return None
    return min(reached, key=lambda row: (row["reached_epoch"], row["val_loss"][row["reached_epoch"] - 1]))


def recipe_ablation(data, target, *, model="dense", recipe=None, max_epochs=30, seed=0, log=None):
    """Train the course's recipe with one ingredient taken out at a time, until ``target``.

    Variants: without the output-bias initialisation; at a constant rate (the recipe's
    peak, no warm-up and no cosine); and, if the recipe's batch size is not the
    article's 256, at batch 256. A variant that does not reach ``target`` within
    ``max_epochs`` epochs says so.

    Args:
        data: ``{"x_fit", "x_val", "x_test"}``.
        target: the validation BCE to reach.
        model: ``"dense"`` or ``"conv"``.
        recipe: the full :class:`~aecourse.fast.FastRecipe` (default: its defaults).
        max_epochs: give up after this many epochs.
        seed: seed of each run (the timed comparison's, so that only the ingredient
            changes).
        log: a print-like function for progress, or ``None``.

    Returns:
        A list of dicts with ``name``, ``epochs`` (run), ``reached``, ``reached_epoch``,
        ``reached_at`` (seconds or ``None``), ``final_val_loss``, ``val_loss``,
        ``times`` and ``load``.

    Example:
        >>> import numpy as np
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> rows = recipe_ablation({"x_fit": x, "x_val": x[:64], "x_test": x[:32]}, target=0.5, max_epochs=1,
        ...                        recipe=FastRecipe(jit_compile=False))
        >>> [row["epochs"] for row in rows]
        [1, 1]
    """
    from aecourse.fast import FastRecipe

    recipe = FastRecipe() if recipe is None else recipe
    long = max(max_epochs, recipe.epochs)
    variants = [
        ("without output-bias init", dataclasses.replace(recipe, init_output_bias=False)),
        (f"at a constant rate {recipe.learning_rate:g} (no warm-up, no cosine)",
         dataclasses.replace(recipe, epochs=long, warmup_fraction=0.0, start_fraction=1.0, end_fraction=1.0)),
    ]
    if recipe.batch_size != 256:
        variants.append((f"at batch 256 (the article's) instead of {recipe.batch_size}",
                         dataclasses.replace(recipe, batch_size=256)))
    rows = []
    for name, variant in variants:
        variant = dataclasses.replace(variant, epochs=min(variant.epochs, max_epochs))
        run = run_course(data, target, model=model, recipe=variant, seed=seed)
        rows.append(_row(name, run))
        if log:
            log(f"    {name}: " + (f"reached after {run['reached_epoch']} epochs, {run['reached_at']:.1f} s"
                                   if run["reached"] else
                                   f"not reached in {run['epochs']} epochs ({run['final_val_loss']:.4f})"))
    return rows
