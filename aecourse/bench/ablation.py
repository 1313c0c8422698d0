"""What each ingredient of the course's recipe is worth: epoch times and an ablation."""

from __future__ import annotations

import dataclasses

from aecourse.bench.runs import load_average, run_course

__all__ = ["ingredient_table", "recipe_ablation"]


def ingredient_table(x_train, *, epochs=3, flops_per_example=None):
    """Time one training epoch for each way of running the same model (no evaluation).

    Rows, each adding one ingredient: Keras ``fit`` at batch 256 (the article); ``fit``
    running 64 steps per call (``steps_per_execution``); the course's compiled epoch
    over in-memory data (:func:`aecourse.fast.fit_fast`) at batch 256 without XLA; with
    XLA (the course's recipe); and the course's recipe at batches 512 and 1024.
    Each row reports the fastest of ``epochs`` epochs after a first, untimed epoch
    (which also compiles).

    Args:
        x_train: flattened float32 training images, shaped ``(n, 784)`` with ``n`` at
            least 1024.
        epochs: timed epochs per row (the fastest is kept).
        flops_per_example: training FLOPs per example, for the GFLOP/s column.

    Returns:
        A list of dicts with ``name``, ``batch_size``, ``seconds_per_epoch``,
        ``examples_per_second``, ``load`` and (with ``flops_per_example``) ``gflops``.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).random((1024, 784), dtype="float32")
        >>> rows = ingredient_table(x, epochs=1)
        >>> [row["batch_size"] for row in rows]
        [256, 256, 256, 256, 512, 1024]
    """
    from aecourse.fast import fit_fast
    from aecourse.models import dense_autoencoder
    from aecourse.training import set_seed, train

    rows = []

    def record(name, batch_size, result, *, whole_batches_only):
        # the fastest epoch after the first (which traces and compiles); fit_fast drops
        # the last partial batch of an epoch, keras fit trains on it
        seconds = min(result.epoch_seconds[1:])
        examples = (len(x_train) // batch_size) * batch_size if whole_batches_only else len(x_train)
        row = {"name": name, "batch_size": batch_size, "seconds_per_epoch": seconds,
               "examples_per_second": examples / seconds, "load": load_average()}
        if flops_per_example:
            row["gflops"] = row["examples_per_second"] * flops_per_example / 1e9
        rows.append(row)

    for name, batch_size, compile_kwargs in [
        ("keras fit (article)", 256, {}),
        ("keras fit + 64 steps per execution", 256, {"steps_per_execution": 64}),
    ]:
        set_seed(0)
        model = dense_autoencoder()
        model.compile(optimizer="adam", loss="binary_crossentropy", **compile_kwargs)
        result = train(model, x_train, batch_size=batch_size, epochs=epochs + 1, every=0)
        record(name, batch_size, result, whole_batches_only=False)
    for name, batch_size, jit in [
        ("fit_fast: compiled epoch, in-memory data", 256, False),
        ("fit_fast + XLA (the course's recipe)", 256, True),
        ("the course's recipe at batch 512", 512, True),
        ("the course's recipe at batch 1024", 1024, True),
    ]:
        set_seed(0)
        model = dense_autoencoder()
        result = fit_fast(model, x_train, batch_size=batch_size, jit_compile=jit, epochs=epochs + 1)
        record(name, batch_size, result, whole_batches_only=True)
    return rows


def recipe_ablation(data, target, *, recipe=None, max_epochs=30, seed=0, log=None):
    """Train the course's recipe with one ingredient taken out at a time, until ``target``.

    Variants: the full recipe's numbers come from
    :func:`aecourse.bench.runs.run_course`; here each row drops one ingredient: the
    output-bias initialisation; the learning-rate schedule (constant rate at the
    recipe's peak); and the peak rate itself (the recipe's schedule with Adam's default
    peak of 1e-3). A variant that does not reach ``target`` within ``max_epochs``
    epochs says so.

    Args:
        data: ``(x_train, x_test)``, flattened float32 arrays.
        target: the test BCE to reach.
        recipe: the full :class:`~aecourse.fast.FastRecipe` (default: its defaults).
        max_epochs: give up after this many epochs.
        seed: seed of each run.
        log: a print-like function for progress, or ``None``.

    Returns:
        A list of dicts with ``name``, ``epochs`` (run), ``reached``, ``reached_at``
        (seconds or ``None``), ``final_test_loss``, ``test_loss``, ``times`` and ``load``.

    Example:
        >>> import numpy as np
        >>> from aecourse.fast import FastRecipe
        >>> x = np.random.default_rng(0).random((256, 784), dtype="float32")
        >>> rows = recipe_ablation((x, x[:64]), target=0.5, max_epochs=1,
        ...                        recipe=FastRecipe(jit_compile=False))
        >>> [row["epochs"] for row in rows]
        [1, 1, 1]
    """
    from aecourse.fast import FastRecipe

    recipe = FastRecipe() if recipe is None else recipe
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
                     "test_loss": run["test_loss"], "times": run["times"], "load": load_average()})
        if log:
            log(f"    {name}: " + (f"reached after {run['epochs']} epochs, {run['reached_at']:.1f} s" if run["reached"]
                                   else f"not reached in {run['epochs']} epochs ({run['final_test_loss']:.4f})"))
    return rows
