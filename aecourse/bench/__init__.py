"""Benchmark: the article's training recipe against the course's fast recipe, on a CPU.

Tooling, not part of the course's code path: run it from a shell (a few minutes on a
2-core machine)::

    python -m aecourse.bench                   # the full benchmark
    python -m aecourse.bench --quick           # a tiny configuration, seconds
    python -m aecourse.bench --help

In one run on one machine it

1. trains the article's dense autoencoder (:func:`aecourse.models.dense_autoencoder`
   with its defaults, 784-128-64-32-64-128-784) with the article's recipe (Adam at its
   default rate, binary cross-entropy, batch 256, shuffled, 50 epochs, the test set
   evaluated after every epoch) on the full Fashion-MNIST, and records the final test
   BCE and the wall time (:func:`~aecourse.bench.runs.run_article`);
2. trains the same architecture with the course's recipe
   (:func:`aecourse.fast.fit_fast` with :class:`aecourse.fast.FastRecipe`'s defaults)
   until its test BCE, measured after every epoch, reaches the article's final value,
   and records the wall time (:func:`~aecourse.bench.runs.run_course`). Both wall times
   include the test-set evaluations; the time they took is also reported on its own;
3. measures each recipe's training throughput (examples/s, and GFLOP/s from the
   counted matrix-multiply FLOPs of a training step, :func:`aecourse.flops.training_flops`)
   and the matrix-multiply peak of this machine on exactly the multiplications one
   training step performs (:func:`~aecourse.bench.peak.matmul_peak`, with TensorFlow's
   kernels and with XLA, before and after the training runs; the highest value is
   used), and reports the fraction;
4. times each ingredient of the course's recipe on its own, and trains the recipe
   without each ingredient (:mod:`aecourse.bench.ablation`);
5. writes ``results.json``, ``results.md`` (Markdown tables) and ``loss_vs_time.png``
   (test loss against wall time for both recipes) (:mod:`aecourse.bench.report`).

The machine's load average (``os.getloadavg()``) is recorded before and after every
phase: other programs running at the same time slow the timings down.

The results of the course's own run ship with the package, in the folder
``results`` of this package: read them with :mod:`importlib.resources`, e.g.
``importlib.resources.files("aecourse.bench") / "results" / "results.json"``.

Modules: :mod:`~aecourse.bench.peak` (matrix-multiply peak),
:mod:`~aecourse.bench.runs` (the two recipes' runs), :mod:`~aecourse.bench.ablation`
(ingredients), :mod:`~aecourse.bench.suite` (the whole benchmark),
:mod:`~aecourse.bench.report` (files) and :mod:`~aecourse.bench.cli` (the command).

Example:
    >>> import importlib.resources, json
    >>> stored = importlib.resources.files("aecourse.bench") / "results" / "results.json"
    >>> sorted(json.loads(stored.read_text()))[:3]
    ['ablation', 'article', 'command']
"""

from __future__ import annotations

__all__ = []
