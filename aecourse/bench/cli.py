"""The command line: ``python -m aecourse.bench [--model dense|conv] [--quick] [--out DIR] ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main", "default_out_dir", "RESULTS_DIR", "QUICK"]

#: Where the course's committed results live: the folder ``results`` of this package.
RESULTS_DIR = Path(__file__).resolve().parent / "results"

DEBIAN_HINT = ("Fashion-MNIST was not found. On Debian or Ubuntu install it as root with "
               "`apt-get install dataset-fashion-mnist` (or `sudo make data`); elsewhere run "
               "with internet access (AECOURSE_OFFLINE=0) so that Keras downloads it.")

#: The ``--quick`` configuration: a few thousand images, one or two epochs everywhere,
#: one sweep point besides the recipe, the ingredient rows that run in this process
#: (without XLA for the conv model, whose XLA compilation alone takes minutes).
QUICK = {"n_train": 1536, "n_test": 256, "validation_size": 256, "article_epochs": 2, "course_epochs": 2,
         "ingredient_epochs": 1, "ingredient_examples": 1024, "ablation_epochs": 1, "peak_repeats": 1,
         "sweep": {"learning_rates": (1e-3,), "schedules": ()}, "processes": False}


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


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m aecourse.bench",
        description="Train one of the article's autoencoders on Fashion-MNIST with the article's recipe and with "
                    "the course's fast recipe, on this machine: time to the article's final validation loss, "
                    "throughput against the machine's kernel peak, and what each ingredient is worth.")
    parser.add_argument("--model", choices=("dense", "conv"), default="dense",
                        help="the article's dense autoencoder (default; a few minutes) or its convolutional "
                             "autoencoder (about 20 minutes on 2 cores)")
    parser.add_argument("--out", default=None,
                        help="folder for <model>.json, <model>.md and <model>_loss_vs_time.png (default: the "
                             "package's results folder for a full run from a clone of the repository, else "
                             "./benchmark-results)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny configuration to check that everything runs (seconds); its numbers mean "
                             "nothing")
    parser.add_argument("--n-train", type=int, default=None, help="training images to use (default: all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images to use (default: all)")
    parser.add_argument("--article-epochs", type=int, default=None,
                        help="epochs of the article recipe (default: 50 dense, 20 conv)")
    parser.add_argument("--course-epochs", type=int, default=None,
                        help="length of the course recipe's schedule (default: the recipe's)")
    parser.add_argument("--ingredient-epochs", type=int, default=None,
                        help="timed epochs per ingredient row, 0 to skip (default 2)")
    parser.add_argument("--ablation-epochs", type=int, default=None,
                        help="at most this many epochs per recipe variant without one ingredient, 0 to skip "
                             "(default: twice the recipe's schedule)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep of the peak rate and schedule")
    return parser


def main(argv=None):
    """Command-line entry point: ``python -m aecourse.bench [--model dense|conv] [--quick] ...``.

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
    import dataclasses

    parser = _parser()
    args = parser.parse_args(argv)
    for key in ("n_train", "n_test", "article_epochs", "course_epochs"):
        value = getattr(args, key)
        if value is not None and value < 1:
            parser.error(f"--{key.replace('_', '-')} must be a positive integer, received {value}")
    for key in ("ingredient_epochs", "ablation_epochs"):
        value = getattr(args, key)
        if value is not None and value < 0:
            parser.error(f"--{key.replace('_', '-')} must be 0 or a positive integer, received {value}")

    from aecourse.bench.ingredients import ways_for
    from aecourse.bench.report import markdown_report, write_results
    from aecourse.bench.suite import course_recipe, run_benchmark
    from aecourse.data import DataSourceError

    recipe = course_recipe(args.model)
    settings = dict(QUICK) if args.quick else {}
    course_epochs = settings.pop("course_epochs", None)
    if args.quick:
        ways = [w for w in ways_for(args.model, recipe) if not w.needs_process
                and not (args.model == "conv" and w.jit_compile)]
        settings.update(ways=ways, peak_xla=args.model == "dense")
    for key in ("n_train", "n_test", "article_epochs", "ingredient_epochs", "ablation_epochs"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    if args.no_sweep:
        settings["sweep"] = False
    if args.course_epochs is not None or course_epochs is not None:
        recipe = dataclasses.replace(recipe, epochs=args.course_epochs or course_epochs)
    if settings.get("n_train") is not None:
        recipe = dataclasses.replace(recipe, batch_size=min(recipe.batch_size, settings["n_train"] // 4))
    out = Path(args.out) if args.out is not None else default_out_dir(quick=args.quick)
    try:
        results = run_benchmark(args.model, recipe=recipe, **settings)
    except DataSourceError as exc:
        print(f"{DEBIAN_HINT}\n\nDetails: {exc}", file=sys.stderr)
        return 2
    results["command"] = "python -m aecourse.bench " + " ".join(argv if argv is not None else sys.argv[1:])
    paths = write_results(results, out)
    print(markdown_report(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
