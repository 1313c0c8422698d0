"""The command line: ``python -m aecourse.bench [--quick] [--out DIR] ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main", "default_out_dir", "RESULTS_DIR"]

#: Where the course's committed results live: the folder ``results`` of this package.
RESULTS_DIR = Path(__file__).resolve().parent / "results"

DEBIAN_HINT = ("Fashion-MNIST was not found. On Debian or Ubuntu install it as root with "
               "`apt-get install dataset-fashion-mnist` (or `sudo make system-data`); elsewhere run "
               "with internet access (AECOURSE_OFFLINE=0) so that Keras downloads it.")


def _in_a_clone():
    """Whether the package runs from a clone of the repository (not an installed copy)."""
    root = RESULTS_DIR.parents[2]
    return (root / "pyproject.toml").is_file() and (root / ".git").exists()


def default_out_dir(quick=False):
    """Where the command writes its files when ``--out`` is not given.

    A full run from a clone of the repository replaces the committed results that the
    appendix reads (:data:`RESULTS_DIR`); a quick run, or a run of an installed copy,
    writes to ``benchmark-results`` in the current folder.

    Args:
        quick: whether this is a ``--quick`` run (its numbers mean nothing).

    Returns:
        A :class:`pathlib.Path`.

    Example:
        >>> str(default_out_dir(quick=True))
        'benchmark-results'
    """
    return RESULTS_DIR if _in_a_clone() and not quick else Path("benchmark-results")


def main(argv=None):
    """Command-line entry point: ``python -m aecourse.bench [--quick] [--out DIR] ...``.

    Args:
        argv: the arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 2 if Fashion-MNIST is missing.

    Example:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    from aecourse.fast import FastRecipe

    defaults = FastRecipe()
    parser = argparse.ArgumentParser(
        prog="python -m aecourse.bench",
        description="Train the article's dense autoencoder with the article's recipe and with the course's "
                    "fast recipe on Fashion-MNIST, on this machine, and compare wall time and throughput.")
    parser.add_argument("--out", default=None,
                        help="folder for results.json, results.md and loss_vs_time.png (default: the package's "
                             "results folder for a full run from a clone of the repository, else "
                             "./benchmark-results)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny configuration to check that everything runs (4,096 training images, "
                             "3 article epochs); its numbers mean nothing")
    parser.add_argument("--n-train", type=int, default=None, help="training images to use (default: all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images to use (default: all)")
    parser.add_argument("--article-epochs", type=int, default=None, help="epochs of the article recipe (default 50)")
    parser.add_argument("--course-epochs", type=int, default=None,
                        help=f"length of the course recipe's schedule (default {defaults.epochs})")
    parser.add_argument("--ingredient-epochs", type=int, default=None,
                        help="timed epochs per ingredient row, 0 to skip (default 3)")
    parser.add_argument("--ablation-epochs", type=int, default=None,
                        help="at most this many epochs per recipe variant without one ingredient, 0 to skip "
                             "(default 30)")
    args = parser.parse_args(argv)

    from aecourse.bench.report import markdown_report, write_results
    from aecourse.bench.suite import run_benchmark
    from aecourse.data import DataSourceError

    quick = dict(n_train=4096, n_test=1024, article_epochs=3, course_epochs=3, ingredient_epochs=1, peak_repeats=5,
                 ablation_epochs=2)
    full = dict(n_train=None, n_test=None, article_epochs=50, course_epochs=defaults.epochs,
                ingredient_epochs=3, peak_repeats=50, ablation_epochs=30)
    settings = quick if args.quick else full
    for key in ("n_train", "n_test", "article_epochs", "course_epochs", "ingredient_epochs", "ablation_epochs"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    for key in ("n_train", "n_test", "article_epochs", "course_epochs"):
        if settings[key] is not None and settings[key] < 1:
            parser.error(f"--{key.replace('_', '-')} must be a positive integer, received {settings[key]}")
    recipe = {"epochs": settings.pop("course_epochs")}
    if settings["n_train"] is not None:
        recipe["batch_size"] = min(defaults.batch_size, settings["n_train"])
    out = Path(args.out) if args.out is not None else default_out_dir(quick=args.quick)
    try:
        results = run_benchmark(recipe=FastRecipe(**recipe), **settings)
    except DataSourceError as exc:
        print(f"{DEBIAN_HINT}\n\nDetails: {exc}", file=sys.stderr)
        return 2
    results["command"] = "python -m aecourse.bench " + " ".join(argv if argv is not None else sys.argv[1:])
    paths = write_results(results, out)
    print(markdown_report(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
