"""The one-class anomaly benchmark: ``python -m aecourse.bench.oneclass``.

The literature's protocol for anomaly detection on image classes
(:func:`aecourse.anomaly.one_class_protocol`): each class in turn is the normal class,
a model trains on that class's training images only, and the whole test set is
scored, that class normal and the nine others anomalous; the ROC AUC per class and
its mean are reported. This module runs it on full Fashion-MNIST (60,000 training /
10,000 test images, offline from Debian's IDX files) and on MNIST as
:func:`aecourse.data.load_mnist` serves it (offline: the 5,000-image sample, about
400 training images per class instead of about 6,000; its results say which data it
used), for

* a dense autoencoder (the article's 784-128-64-32 architecture,
  :func:`aecourse.models.dense_autoencoder`) and a convolutional one
  (:func:`aecourse.models.conv_autoencoder` with filters 16 and 32 and a 32-number
  code), trained with the course's fast recipe (:func:`aecourse.fast.fit_fast`),
  3 seeds each, scored by their reconstruction MSE and by their BCE above each
  image's floor;
* the baselines: the distance to the class mean image, PCA's reconstruction error
  (32 components), an Isolation Forest (3 seeds) and a one-class SVM on the PCA
  features;

and writes ``oneclass.json`` and ``oneclass.md`` next to the course's other results
(:data:`aecourse.bench.cli.RESULTS_DIR`), with the published rows beside ours
(:data:`PUBLISHED`, the one place the package stores them, with their source and
what differs). Nothing is tuned on the test set: the recipes and the baselines'
settings are fixed in :func:`configuration`.

Usage::

    python -m aecourse.bench.oneclass            # the full run (about 20 minutes on 2 idle cores at most)
    python -m aecourse.bench.oneclass --smoke    # 2 MNIST classes, 1 seed, 2 epochs: seconds
    python -m aecourse.bench.oneclass --help

Example:
    >>> PUBLISHED["mnist"][0]["method"], len(PUBLISHED["mnist"][0]["auc"])
    ('One-Class Deep SVDD', 10)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

__all__ = ["PUBLISHED", "CLASS_NAMES", "configuration", "run_oneclass", "markdown_report", "write_results",
           "main"]

#: Display names of the classes of each dataset.
CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "fashion_mnist": ("T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                      "ankle boot"),
}

#: Published per-class ROC AUCs (in %) on the same protocol, with their source and what
#: differs from this benchmark (``std``: over seeds, where given; ``mean``: over the
#: classes, where the paper states it). The one place the package stores them.
PUBLISHED = {
    "mnist": (
        {
            "method": "One-Class Deep SVDD",
            "auc": (98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5),
            "std": (0.7, 0.1, 0.8, 1.5, 0.8, 0.9, 0.5, 0.9, 1.6, 0.3),
            "mean": None,
            "source": "Ruff, Vandermeulen, Goernitz, Deecke, Siddiqui, Binder, Mueller and Kloft, "
                      "\"Deep One-Class Classification\", ICML 2018 (PMLR 80:4393-4402), Table 1: "
                      "mean and standard deviation over 10 seeds",
            "differs": "full MNIST (about 6,000 training images per class and the official 10,000 test "
                       "images); a convolutional network trained to map the normal images close to one "
                       "point (the Deep SVDD objective), not to reconstruct them, after an autoencoder "
                       "pretraining",
        },
    ),
    "fashion_mnist": (
        {
            "method": "GEOM (geometric transformations)",
            "auc": (99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2),
            "std": None,
            "mean": 93.5,
            "source": "Golan and El-Yaniv, \"Deep Anomaly Detection Using Geometric Transformations\", "
                      "NeurIPS 2018, Table 1 (one number per class)",
            "differs": "the same data and protocol; a Wide ResNet (depth 10, width 4) trained to tell which "
                       "of 72 geometric transformations (flips, translations, rotations by multiples of 90 "
                       "degrees) was applied to a normal image, scored by how confidently it recognises them "
                       "on a test image; no reconstruction (the authors' code averages five runs)",
        },
    ),
}

_DATASETS = ("fashion_mnist", "mnist")


def _dense():
    from aecourse.models import dense_autoencoder

    return dense_autoencoder((28, 28, 1), hidden_units=(128, 64), latent_dim=32, name="dense_autoencoder")


def _conv():
    from aecourse.models import conv_autoencoder

    return conv_autoencoder((28, 28, 1), filters=(16, 32), latent_dim=32, name="conv_autoencoder")


def configuration(smoke=False):
    """The benchmark's settings, fixed before any test image is scored.

    The fast recipe (:class:`aecourse.fast.FastRecipe`: Adam with warm-up and cosine
    decay to a peak rate of 8e-3). On Fashion-MNIST (about 6,000 training images per
    class) the dense model trains with the recipe's defaults (batch 256, 20 epochs:
    about 460 steps per class) and the convolutional one, which costs several times
    more per image, with batches of 128 for 10 epochs (about 470 steps, half the
    images seen). On the MNIST sample, whose classes have about 400 training images,
    both train with batches of 32 for 40 epochs (about 480 steps). The convolutional
    model trains without XLA (XLA's CPU convolutions are slower here, and its
    max-pooling gradient has no deterministic implementation) and without the
    output-bias initialisation. The smoke configuration runs 2 MNIST classes, 1 seed,
    2 epochs and 300 test images.

    Args:
        smoke: the tiny configuration for continuous integration.

    Returns:
        A dict: ``seeds``, ``datasets`` (``{name: {"dense": recipe fields, "conv":
        recipe fields}}``), ``classes`` (``None`` for all), ``n_test`` (``None`` for
        all), ``baselines`` and ``pca_components``.

    Example:
        >>> configuration()["datasets"]["fashion_mnist"]["dense"]
        {'epochs': 20, 'batch_size': 256}
        >>> configuration(smoke=True)["seeds"]
        (0,)
    """
    conv_extra = {"init_output_bias": False, "jit_compile": False}
    if smoke:
        recipe = {"epochs": 2, "batch_size": 32}
        return {"seeds": (0,), "datasets": {"mnist": {"dense": dict(recipe, jit_compile=False),
                                                     "conv": dict(recipe, **conv_extra)}},
                "classes": (0, 1), "n_test": 300, "baselines": ("mean", "pca", "isolation_forest", "ocsvm"),
                "pca_components": 32}
    return {"seeds": (0, 1, 2),
            "datasets": {"fashion_mnist": {"dense": {"epochs": 20, "batch_size": 256},
                                           "conv": dict({"epochs": 10, "batch_size": 128}, **conv_extra)},
                         "mnist": {"dense": {"epochs": 40, "batch_size": 32},
                                   "conv": dict({"epochs": 40, "batch_size": 32}, **conv_extra)}},
            "classes": None, "n_test": None, "baselines": ("mean", "pca", "isolation_forest", "ocsvm"),
            "pca_components": 32}


def _load(name):
    from aecourse.data import load_fashion_mnist, load_mnist

    return load_fashion_mnist(verbose=False) if name == "fashion_mnist" else load_mnist(verbose=False)


def _machine():
    from aecourse.bench.runs import cpu_name

    import keras
    import tensorflow as tf

    return {"platform": platform.platform(), "processor": cpu_name(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__}


def _load_average():
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else []


def _cpu_seconds():
    """CPU time of this process so far, all threads, user and system (NaN where unknown)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_oneclass(datasets=_DATASETS, *, smoke=False, seeds=None, log=print):
    """Run the benchmark and return its results as a JSON-ready dict.

    Args:
        datasets: any of ``"fashion_mnist"`` and ``"mnist"`` (the smoke run uses MNIST only).
        smoke: the tiny configuration of :func:`configuration` (seconds).
        seeds: the seeds (default: those of the configuration).
        log: where progress lines go (``print``, or ``None`` for silence).

    Returns:
        A dict with ``date``, ``machine``, ``load_average`` (``start``, after each
        dataset, ``end``), ``seconds`` (wall time of the whole run), ``cpu_seconds``
        (CPU time of its threads, which other programs do not inflate as much),
        ``configuration``, ``published`` and, per dataset,
        ``datasets[name]`` = ``{"description", "seconds", "models", "result"}`` where
        ``result`` is :meth:`aecourse.anomaly.OneClassResult.to_dict`.

    Raises:
        ValueError: for an unknown dataset name or bad seeds.
        aecourse.data.DataSourceError: if a dataset cannot be loaded.

    Example:
        >>> results = run_oneclass(smoke=True, log=None)  # doctest: +SKIP
        >>> sorted(results["datasets"])  # doctest: +SKIP
        ['mnist']
    """
    import numpy as np

    from aecourse.anomaly import OneClassResult, one_class_protocol
    from aecourse.fast import FastRecipe
    from aecourse.validation import check_int, check_one_of

    log = log or (lambda *args, **kwargs: None)
    config = configuration(smoke)
    datasets = tuple(datasets)
    for name in datasets:
        check_one_of(name, "datasets", _DATASETS, where="run_oneclass")
    if smoke:
        datasets = tuple(d for d in datasets if d in config["datasets"]) or ("mnist",)
    seeds = config["seeds"] if seeds is None else tuple(check_int(s, "seeds", where="run_oneclass", min_value=0)
                                                         for s in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"run_oneclass: Expected distinct seeds, at least one. Received: seeds={seeds!r}.")
    started, cpu_started, loads = time.perf_counter(), _cpu_seconds(), {"start": _load_average()}
    out = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": _machine(), "smoke": bool(smoke),
           "configuration": {"seeds": list(seeds), "classes": config["classes"], "n_test": config["n_test"],
                             "baselines": list(config["baselines"]), "pca_components": config["pca_components"],
                             "datasets": {d: config["datasets"][d] for d in datasets}},
           "published": {d: list(PUBLISHED[d]) for d in datasets}, "datasets": {}}
    for name in datasets:
        began = time.perf_counter()
        data = _load(name)
        (x_train, y_train), (x_test, y_test) = data
        if config["n_test"] is not None:
            x_test, y_test = x_test[:config["n_test"]], y_test[:config["n_test"]]
        arrays = ((x_train, y_train), (x_test, y_test))
        classes = tuple(np.unique(y_train)) if config["classes"] is None else config["classes"]
        names = tuple(CLASS_NAMES[name][int(c)] for c in classes)
        description = (f"{data.description} Scored on {len(x_test):,} test images."
                       if config["n_test"] is not None else data.description)
        log(f"{name}: {description}")
        common = {"classes": classes, "class_names": names, "seeds": seeds, "dataset": description,
                  "pca_components": config["pca_components"]}
        parts = [one_class_protocol(arrays, baselines=config["baselines"], **common)]
        log(f"  baselines done ({time.perf_counter() - began:.0f} s)")
        models = {}
        for key, build, label in (("dense", _dense, "dense AE"), ("conv", _conv, "conv AE")):
            recipe = FastRecipe(**config["datasets"][name][key])
            part_began = time.perf_counter()
            parts.append(one_class_protocol(arrays, build, recipe, name=label, baselines=(), **common))
            models[label] = {"builder": key, "parameters": parts[-1].settings[label]["parameters"],
                             "recipe": config["datasets"][name][key],
                             "seconds": time.perf_counter() - part_began}
            log(f"  {label} done ({models[label]['seconds']:.0f} s)")
        result = OneClassResult.combine(*parts)
        out["datasets"][name] = {"description": description, "seconds": time.perf_counter() - began,
                                 "models": models, "result": result.to_dict()}
        loads[f"after_{name}"] = _load_average()
    out["seconds"] = time.perf_counter() - started
    out["cpu_seconds"] = _cpu_seconds() - cpu_started
    loads["end"] = _load_average()
    out["load_average"] = loads
    return out


# ----------------------------------------------------------------------- report

_SHORT = {"distance to the mean image": "mean image", "PCA (32), reconstruction MSE": "PCA",
          "Isolation Forest on PCA (32)": "IForest", "one-class SVM on PCA (32)": "OC-SVM",
          "dense AE, MSE": "dense MSE", "dense AE, BCE above floor": "dense BCE-floor",
          "conv AE, MSE": "conv MSE", "conv AE, BCE above floor": "conv BCE-floor"}


def _verdicts(result):
    from aecourse.evaluation import rank

    by_name = {r.name: r for r in result.seed_results()}
    pairs = [("conv AE, MSE", "dense AE, MSE"), ("dense AE, MSE", "PCA (32), reconstruction MSE"),
             ("conv AE, MSE", "PCA (32), reconstruction MSE"), ("dense AE, MSE", "distance to the mean image"),
             ("dense AE, BCE above floor", "dense AE, MSE")]
    lines = []
    for a, b in pairs:
        if a in by_name and b in by_name:
            lines.append(str(rank([by_name[a], by_name[b]], "mean_auc", better="higher", label="mean AUC")))
    return lines


def markdown_report(results):
    """The benchmark's results as Markdown: per dataset, the AUC table beside the published rows.

    Args:
        results: what :func:`run_oneclass` returned (or its JSON, read back).

    Returns:
        A string of Markdown.

    Example:
        >>> import importlib.resources
        >>> stored = importlib.resources.files("aecourse.bench") / "results" / "oneclass.json"
        >>> markdown_report(json.loads(stored.read_text())).splitlines()[0]
        '# One-class anomaly detection: per-class ROC AUC'
    """
    from aecourse.anomaly import OneClassResult

    loads = results.get("load_average", {})
    lines = ["# One-class anomaly detection: per-class ROC AUC", "",
             f"Run on {results['date']}: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, "
             f"TensorFlow {results['machine']['tensorflow']}, Keras {results['machine']['keras']}; "
             f"{results['seconds'] / 60:.1f} minutes in all (CPU time {results.get('cpu_seconds', float('nan')) / 60:.1f} "
             "minutes); load average (1 / 5 / 15 min) at the start "
             + " / ".join(f"{v:.2f}" for v in loads.get("start", [])) + ", at the end "
             + " / ".join(f"{v:.2f}" for v in loads.get("end", [])) + "."
             + (f" {results['note']}" if results.get("note") else ""),
             "",
             "Protocol: each class in turn is normal; the models train on that class's training images only "
             "and score the whole test set (that class normal, the others anomalous). ROC AUC in %, mean and "
             "standard deviation over the seeds "
             f"({', '.join(str(s) for s in results['configuration']['seeds'])}); methods without randomness show "
             "one number. Nothing was tuned on the test set.",
             "",
             "Baselines: the distance to the class's mean training image; PCA with 32 components fitted on the "
             "class (its reconstruction MSE); scikit-learn's Isolation Forest (100 trees, 3 seeds) and one-class "
             "SVM (RBF kernel, gamma='scale', nu=0.1) on those 32 PCA features, with their defaults. On PCA "
             "features, an image that the class's principal directions cannot represent lands near the centre and "
             "looks normal: what makes it anomalous lies in the residual PCA drops, which is what the "
             "reconstruction error measures. Published one-class SVM rows use raw pixels and choose the kernel "
             "width and nu with labelled anomalies (Golan and El-Yaniv's code keeps the best test AUC of a grid)."]
    if results.get("smoke"):
        lines += ["", "**Smoke run: a tiny configuration that only checks that everything runs; its numbers "
                      "mean nothing.**"]
    for name, block in results["datasets"].items():
        result = OneClassResult.from_dict(block["result"])
        published = results["published"].get(name, [])
        extra = {}
        for row in published:
            values = [row["auc"][int(c)] for c in result.classes]
            if row.get("mean") is not None and len(values) == len(row["auc"]):
                values.append(row["mean"])
            extra[row["method"]] = values
        methods = list(result.methods)
        title = {"fashion_mnist": "Fashion-MNIST", "mnist": "MNIST"}.get(name, name)
        lines += ["", f"## {title}", "", f"Data: {block['description']}", ""]
        for label, info in block["models"].items():
            recipe = ", ".join(f"{k}={v}" for k, v in info["recipe"].items())
            lines.append(f"- {label}: {info['parameters']:,} parameters, FastRecipe({recipe}), "
                         f"{info['seconds']:.0f} s for all classes and seeds.")
        lines += ["", _markdown_table(result, methods, extra), ""]
        lines += ["Average precision in % (anomalies as the positive class; random scores would get the share "
                  "of anomalies in the test set, about 90% with ten balanced classes):", "",
                  _markdown_table(result, methods, {}, metric="average_precision"), ""]
        lines += ["Rankings (mean AUC over the classes, compared seed by seed; the book's rule):", ""]
        lines += [f"- {v}" for v in _verdicts(result)]
        for method in ("dense AE, MSE", "conv AE, MSE"):
            if method in result.methods:
                hardest = "; ".join(f"{a}: {b} ({100 * v:.1f})" for a, b, v in result.hardest(method))
                lines += ["", f"Hardest other class for each normal class ({method}, pairwise AUC in %): "
                              f"{hardest}."]
        for row in published:
            lines += ["", f"Published: **{row['method']}**, {row['source']}. What differs: {row['differs']}."]
    return "\n".join(lines) + "\n"


def _markdown_table(result, methods, extra, metric="auc"):
    import numpy as np

    head = ["normal class"] + [_SHORT.get(m, m) for m in methods] + list(extra)
    rows = []
    for i, name in enumerate(list(result.class_names) + ["mean"]):
        cells = [name]
        for m in methods:
            v = result.values(m, metric) * 100
            column = v[:, i] if i < len(result.classes) else v.mean(axis=1)
            sd = float(np.std(column, ddof=1)) if len(column) > 1 else 0.0
            cells.append(f"{column.mean():.1f}" + (f" ± {sd:.1f}" if round(sd, 1) > 0 else ""))
        for values in extra.values():
            mean = values[len(result.classes)] if len(values) > len(result.classes) else np.mean(values)
            cells.append(f"{values[i]:.1f}" if i < len(result.classes) else f"{mean:.1f}")
        rows.append(cells)
    return "\n".join(["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
                     + ["| " + " | ".join(r) + " |" for r in rows])


def write_results(results, out_dir):
    """Write ``oneclass.json`` and ``oneclass.md`` into ``out_dir``.

    Args:
        results: what :func:`run_oneclass` returned.
        out_dir: a folder (created if needed).

    Returns:
        ``{"json": path, "markdown": path}``.

    Example:
        >>> import importlib.resources, tempfile
        >>> stored = importlib.resources.files("aecourse.bench") / "results" / "oneclass.json"
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = write_results(json.loads(stored.read_text()), folder)
        ...     sorted(p.name for p in Path(folder).iterdir())
        ['oneclass.json', 'oneclass.md']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "oneclass.json", "markdown": out / "oneclass.md"}
    paths["json"].write_text(json.dumps(results, indent=1) + "\n")
    paths["markdown"].write_text(markdown_report(results))
    return paths


def main(argv=None):
    """Command-line entry point: ``python -m aecourse.bench.oneclass [--smoke] [--out DIR] ...``.

    Args:
        argv: the arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 2 if a dataset is missing.

    Example:
        >>> main(["--help"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    from aecourse.bench.cli import DEBIAN_HINT, default_out_dir

    parser = argparse.ArgumentParser(
        prog="python -m aecourse.bench.oneclass",
        description="One-class anomaly detection on Fashion-MNIST and MNIST: each class normal in turn, dense and "
                    "convolutional autoencoders (3 seeds) against the distance to the mean image, PCA, an "
                    "Isolation Forest and a one-class SVM; per-class ROC AUC beside the published numbers.")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny configuration (2 MNIST classes, 1 seed, 2 epochs): seconds; its numbers mean "
                             "nothing")
    parser.add_argument("--out", default=None,
                        help="folder for oneclass.json and oneclass.md (default: the package's results folder for a "
                             "full run from a clone of the repository, else ./benchmark-results)")
    parser.add_argument("--datasets", nargs="+", choices=_DATASETS, default=list(_DATASETS),
                        help="which datasets (default: both)")
    parser.add_argument("--seeds", nargs="+", type=int, default=None, help="seeds (default: 0 1 2)")
    args = parser.parse_args(argv)

    from aecourse.data import DataSourceError

    out = Path(args.out) if args.out is not None else default_out_dir(quick=args.smoke or args.seeds is not None
                                                                      or len(args.datasets) < 2)
    try:
        results = run_oneclass(args.datasets, smoke=args.smoke, seeds=args.seeds)
    except DataSourceError as exc:
        print(f"{DEBIAN_HINT}\n\nDetails: {exc}", file=sys.stderr)
        return 2
    results["command"] = " ".join(["python -m aecourse.bench.oneclass",
                                   *(argv if argv is not None else sys.argv[1:])])
    paths = write_results(results, out)
    print(markdown_report(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


if __name__ == "__main__":
    import aecourse

    aecourse.quiet_tensorflow()  # before TensorFlow loads: no log lines in the report
    sys.exit(main())
