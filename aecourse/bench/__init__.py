"""Benchmarks: the article's training recipe against the course's fast recipe, on a CPU.

Tooling, not part of the course's code path: run it from a shell::

    python -m aecourse.bench                   # the dense autoencoder (a few minutes on 2 cores)
    python -m aecourse.bench --model conv      # the convolutional autoencoder (about 20 minutes on 2 cores)
    python -m aecourse.bench --quick           # a tiny configuration, to check that it runs
    python -m aecourse.bench --help

Each benchmark, in one run on one machine, on Fashion-MNIST (60,000 training images, of
which 6,000 are held out for validation with :func:`aecourse.data.split_validation`,
and 10,000 test images):

1. measures the speed of this machine's kernels on exactly the products of one
   training step of the model (:func:`~aecourse.bench.peak.kernel_peak`: forward and
   backward, TensorFlow's kernels and XLA's), before and after the training runs;
2. trains the article's model (:func:`aecourse.models.dense_autoencoder` or
   :func:`aecourse.models.conv_autoencoder` with their defaults) with the article's
   recipe (Adam at 1e-3, batch 256, Keras ``fit``; 50 epochs for the dense model, 20
   for the conv model), the validation BCE computed after every epoch
   (:func:`~aecourse.bench.runs.run_article`); its final validation BCE is the target;
3. sweeps the course recipe's peak learning rate and schedule length on the same
   validation data, with a seed of its own (:func:`~aecourse.bench.ablation.learning_rate_sweep`);
4. trains the same architecture with the course's recipe
   (:func:`aecourse.fast.fit_fast` with :func:`~aecourse.bench.suite.course_recipe`)
   until its validation BCE reaches the target (:func:`~aecourse.bench.runs.run_course`);
   both recipes' test BCE is computed once, after training;
5. times each ingredient on its own, each row in a process of its own
   (:mod:`aecourse.bench.ingredients`), and trains the recipe without each ingredient
   (:func:`~aecourse.bench.ablation.recipe_ablation`);
6. writes ``<model>.json``, ``<model>.md`` (Markdown tables) and
   ``<model>_loss_vs_time.png`` (validation loss against wall time for both recipes)
   (:mod:`aecourse.bench.report`).

**Time to target** is defined once, for every run (:func:`~aecourse.bench.runs.time_to_target`):
the wall time from the start of training, compilation included, to the end of the
first epoch whose validation BCE is at or below the target, the validation after
every epoch included. The machine's load average is recorded before and after every
phase: other programs running at the same time slow the timings down. The benchmark
runs with TensorFlow's default kernels (on x86, oneDNN's; ``TF_ENABLE_ONEDNN_OPTS=0``
measures without them), which the ingredient table also switches the other way.

The results of the course's own runs ship with the package, in the folder
``results`` of this package: read them with :mod:`importlib.resources`, e.g.
``importlib.resources.files("aecourse.bench") / "results" / "conv.json"``.

Modules: :mod:`~aecourse.bench.peak` (kernel peak), :mod:`~aecourse.bench.runs` (the
runs and time to target), :mod:`~aecourse.bench.ablation` (sweep and ablation),
:mod:`~aecourse.bench.ingredients` and :mod:`~aecourse.bench.worker` (ingredient rows),
:mod:`~aecourse.bench.suite` (a whole benchmark), :mod:`~aecourse.bench.report` (files)
and :mod:`~aecourse.bench.cli` (the command).

Example:
    >>> import importlib.resources, json
    >>> stored = importlib.resources.files("aecourse.bench") / "results" / "conv.json"
    >>> sorted(json.loads(stored.read_text()))[:3]
    ['ablation', 'article', 'benchmark']
"""

from __future__ import annotations

__all__ = []
