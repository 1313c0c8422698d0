"""A benchmark's files (``<model>.json``, ``<model>.md``, ``<model>_loss_vs_time.png``) and readings of its results
(each ingredient's speed factors, the gap between two seeds of the recipe, and the ablation read against it)."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["sections", "summary", "markdown_report", "load_results", "write_results", "result_paths",
           "course_row_name", "ingredient_factors", "seed_gap", "ablation_verdicts"]

_TITLES = {"dense": "the article's dense autoencoder", "conv": "the article's convolutional autoencoder"}


def _epochs(n):
    return f"{n} epoch" + ("" if n == 1 else "s")


def _f(value, digits=4):
    return "n/a" if value is None else f"{value:.{digits}f}"


def _seconds(run):
    return f"{run['reached_at']:.1f}" if run["reached"] else f"not reached ({run['seconds']:.1f})"


def _load_text(values):
    return "n/a" if not values else " / ".join(f"{v:.2f}" for v in values)


def _main_table(results):
    a, c = results["article"], results["course"]
    ta, tc = a["throughput"], c["throughput"]
    ratio = "not reached" if results["ratio"] is None else f"{results['ratio']:.3f}"

    def val_at(run):
        return run["val_loss"][run["reached_epoch"] - 1] if run["reached"] else run["final_val_loss"]

    return [
        "| | article recipe | course recipe |",
        "| --- | --- | --- |",
        f"| recipe | {a['recipe']} | {c['recipe']} |",
        f"| epochs run | {a['epochs']} | {c['epochs']} |",
        f"| epochs to the target | {a['reached_epoch']} | {c['reached_epoch'] or 'not reached'} |",
        f"| validation BCE at that epoch | {_f(val_at(a))} | {_f(val_at(c))} |",
        f"| validation BCE above its floor ({a['val_floor']:.4f}) | {_f(val_at(a) - a['val_floor'])} | "
        f"{_f(val_at(c) - c['val_floor'])} |",
        f"| time to the target (s) | {_seconds(a)} | {_seconds(c)} |",
        f"| of which validation (s) | {a['eval_seconds']:.1f} | {c['eval_seconds']:.1f} |",
        f"| ratio course / article | | **{ratio}** (goal <= 0.25) |",
        f"| test BCE, scored once after training | {_f(a['test']['bce'])} | {_f(c['test']['bce'])} |",
        f"| test BCE above its floor ({a['test']['floor']:.4f}) | {_f(a['test']['bce_above_floor'])} | "
        f"{_f(c['test']['bce_above_floor'])} |",
        f"| test MSE | {_f(a['test']['mse'])} | {_f(c['test']['mse'])} |",
        f"| training examples/s | {ta['examples_per_second']:,.0f} | {tc['examples_per_second']:,.0f} |",
        f"| achieved GFLOP/s | {ta['gflops']:.1f} | {tc['gflops']:.1f} |",
        f"| kernel peak on the same products, fastest batch (GFLOP/s) | {ta['peak_gflops']:.1f} | "
        f"{tc['peak_gflops']:.1f} |",
        f"| fraction of the peak | {ta['fraction_of_peak']:.2f} | **{tc['fraction_of_peak']:.2f}** (goal >= 0.5) |",
    ]


def _peak_table(results):
    lines = ["| products timed | batch | TensorFlow's kernels (GFLOP/s) | XLA (GFLOP/s) |", "| --- | --- | --- | --- |"]
    keys = {}
    for key, value in results["kernel_peak"].items():
        batch, label, engine = key.split("/")
        keys.setdefault((label, int(batch)), {})[engine] = value["used"]["gflops"]
    for (label, batch), engines in keys.items():
        lines.append(f"| {label} | {batch} | {_f(engines.get('tf'), 1)} | {_f(engines.get('xla'), 1)} |")
    return lines


def _ingredient_table(results):
    rows = results["ingredients"]
    base = next((r for r in rows if "error" not in r), None)
    lines = ["| way of training (one epoch, no evaluation) | batch | s/epoch | examples/s | GFLOP/s | "
             "speed vs keras fit |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['name']} | | | | | {row['error']} |")
            continue
        speed = row["examples_per_second"] / base["examples_per_second"]
        lines.append(f"| {row['name']} | {row['batch_size']} | {row['seconds_per_epoch']:.2f} | "
                     f"{row['examples_per_second']:,.0f} | {row.get('gflops', float('nan')):.1f} | {speed:.2f}x |")
    return lines


def _reached(row):
    return (f"{row['reached_epoch']} | {row['reached_at']:.1f}" if row["reached"] else
            f"not reached in {row['epochs']} (validation BCE {row['final_val_loss']:.4f}) | ")


def _sweep_table(results):
    choice = results["sweep_choice"]
    recipe = results["course_recipe"]
    lines = ["| peak rate | schedule (epochs) | epochs to the target | time (s) | |", "| --- | --- | --- | --- | --- |"]
    for row in results["sweep"]:
        marks = []
        if choice and (row["learning_rate"], row["schedule"]) == (choice["learning_rate"], choice["schedule"]):
            marks.append("sweep's choice")
        if (row["learning_rate"], row["schedule"]) == (recipe["learning_rate"], recipe["epochs"]):
            marks.append("the course's recipe")
        lines.append(f"| {row['learning_rate']:g} | {row['schedule']} | {_reached(row)} | {', '.join(marks)} |")
    return lines


def _ablation_table(results):
    a, c = results["article"], results["course"]
    lines = ["| recipe | epochs to the target | time (s) |", "| --- | --- | --- |",
             f"| article recipe (keras fit) | {_reached(a)} |", f"| course recipe | {_reached(c)} |"]
    for row in results["ablation"]:
        lines.append(f"| course recipe {row['name']} | {_reached(row)} |")
    return lines


def sections(results):
    """A benchmark's results as Markdown, section by section.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned (or
            :func:`load_results`).

    Returns:
        A dict of Markdown strings: ``"title"``, ``"setup"`` (machine, data, model,
        target), ``"main"`` (the two recipes side by side), ``"loads"`` (load averages and
        how times are measured), ``"peak"``, and, when the run made them,
        ``"ingredients"``, ``"sweep"`` and ``"ablation"``.

    Example:
        >>> list(sections(load_results("conv")))[:4]
        ['title', 'setup', 'main', 'loads']
    """
    model = results["benchmark"]
    loads = results["machine"]["load_average"]
    m = results["machine"]
    found = {
        "title": f"# Benchmark: the article recipe and the course recipe on {_TITLES[model]} ({results['date']})",
        "setup": f"Machine: {m['processor']}, {m['cpus']} CPUs, TensorFlow {m['tensorflow']}, Keras {m['keras']}, "
                 f"TF_ENABLE_ONEDNN_OPTS={m['TF_ENABLE_ONEDNN_OPTS']}. Data: Fashion-MNIST, "
                 f"{results['data']['n_fit']:,} training images to fit, {results['data']['n_val']:,} held out for "
                 f"validation, {results['data']['n_test']:,} test images. Model: "
                 f"{results['model']['parameters']:,} parameters, "
                 f"{results['model']['flops_per_example']['training']:,} FLOPs per image per training step. "
                 f"Target: the article recipe's final validation BCE, {results['target']:.4f}.",
        "main": "\n".join(_main_table(results)),
        "loads": f"Load average (1 / 5 / 15 min) at the start: {_load_text(loads.get('start'))}; "
                 f"after the article run: {_load_text(loads.get('after_article'))}; "
                 f"after the course run: {_load_text(loads.get('after_course'))}. "
                 f"{results['timing_note'][0].upper() + results['timing_note'][1:]}.",
        "peak": "Kernel peak: the products of a training step timed alone (TensorFlow's kernels: the higher of a "
                "measurement before and one after the training runs; XLA: before), at the article's batch size, the "
                "recipe's and four times the recipe's (where TensorFlow's fixed cost per operation weighs least). "
                "The fraction of the peak divides by the fastest training step in this table.\n\n"
                + "\n".join(_peak_table(results)),
    }
    if results["ingredients"]:
        found["ingredients"] = "\n".join(_ingredient_table(results))
    if results["sweep"]:
        found["sweep"] = "Sweep on validation data (seed of its own), to the same target:\n\n" + \
            "\n".join(_sweep_table(results))
    if results["ablation"]:
        found["ablation"] = "\n".join(_ablation_table(results))
    return found


def summary(results):
    """The benchmark's headline in a few lines: target, both recipes, the ratio and the fraction of the peak.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned (or
            :func:`load_results`).

    Returns:
        A string of lines, each goal followed by "met" or "not met".

    Example:
        >>> print(summary(load_results("dense")).splitlines()[-1].split(":")[0])
        course recipe's training throughput
    """
    a, c = results["article"], results["course"]

    def run_line(run):
        reached = (f"target first reached after {_epochs(run['reached_epoch'])}, {run['reached_at']:.1f} s"
                   if run["reached"] else f"target not reached in {_epochs(run['epochs'])}")
        return (f"{reached}; test BCE {run['test']['bce']:.4f}, {run['test']['bce_above_floor']:.4f} above its "
                f"floor")

    def met(ok):
        return "met" if ok else "not met"

    ratio, fraction = results["ratio"], c["throughput"]["fraction_of_peak"]
    lines = [
        f"target: the article recipe's final validation BCE after {a['epochs']} epochs, {results['target']:.4f} "
        f"({results['target'] - a['val_floor']:.4f} above the floor of the validation images, "
        f"{a['val_floor']:.4f})",
        f"article recipe: {run_line(a)}",
        f"course recipe:  {run_line(c)}",
        "time to target, course / article: " + ("not reached (goal <= 0.25: not met)" if ratio is None else
                                                f"{ratio:.3f} (goal <= 0.25: {met(ratio <= 0.25)})"),
        f"course recipe's training throughput: {c['throughput']['gflops']:.1f} GFLOP/s = {fraction:.2f} of "
        f"the kernel peak, {c['throughput']['peak_gflops']:.1f} GFLOP/s (goal >= 0.5: {met(fraction >= 0.5)})",
    ]
    return "\n".join(lines)


def course_row_name(rows):
    """The name of the ingredient row that times the course's recipe itself.

    Args:
        rows: the ``"ingredients"`` list of a benchmark's results.

    Returns:
        The row's name (``"fit_fast + XLA (the course's recipe)"`` for the dense model,
        ``"the course's recipe: ..."`` for the conv model), or ``None`` when no row is it.

    Example:
        >>> course_row_name([{"name": "keras fit (article)"}, {"name": "fit_fast + XLA (the course's recipe)"}])
        "fit_fast + XLA (the course's recipe)"
    """
    for row in rows:
        name = row["name"]
        if "(the course's recipe)" in name or name.startswith("the course's recipe:"):
            return name
    return None


def ingredient_factors(results):
    """Each ingredient row's time per image as a factor of Keras ``fit``'s and of the recipe's.

    A factor below 1 is faster. ``vs_fit`` divides the speed of the row
    ``"keras fit (article)"`` (or of the first row that ran) by the row's speed;
    ``vs_recipe`` does the same with the course recipe's row, for the rows that are
    variants of the recipe (their names start with "the course's recipe") and ``None``
    for the others.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned (or :func:`load_results`).

    Returns:
        A list of dicts, one per row in the benchmark's order: ``name``, ``batch_size``,
        ``examples_per_second``, ``gflops``, ``load``, ``vs_fit``, ``vs_recipe``, and
        ``error`` (the reason a row could not run, else ``None``; its numbers are then ``None``).

    Example:
        >>> rows = ingredient_factors(load_results("dense"))
        >>> rows[0]["name"], rows[0]["vs_fit"]
        ('keras fit (article)', 1.0)
    """
    rows = results["ingredients"]
    speed = {r["name"]: r["examples_per_second"] for r in rows if "error" not in r}
    base = "keras fit (article)" if "keras fit (article)" in speed else next(iter(speed), None)
    course = course_row_name(rows)
    factors = []
    for row in rows:
        name = row["name"]
        if "error" in row:
            factors.append({"name": name, "batch_size": row.get("batch_size"), "examples_per_second": None,
                            "gflops": None, "load": row.get("load"), "vs_fit": None, "vs_recipe": None,
                            "error": row["error"]})
            continue
        variant = name.startswith("the course's recipe") and name != course and course in speed
        factors.append({"name": name, "batch_size": row["batch_size"], "examples_per_second": speed[name],
                        "gflops": row.get("gflops", float("nan")), "load": row["load"],
                        "vs_fit": speed[base] / speed[name],
                        "vs_recipe": speed[course] / speed[name] if variant else None, "error": None})
    return factors


def seed_gap(results):
    """How much two seeds of the full course recipe differ in validation BCE.

    The timed run (seed 0) against the sweep's row with the same peak rate and schedule
    (a seed of its own), at their last common epoch: a yardstick for one-seed differences.

    Args:
        results: a benchmark's results.

    Returns:
        ``(epoch, gap)``: the epoch compared (1-based) and ``|BCE_seed0 - BCE_seed1|``;
        ``(None, None)`` when the sweep has no row with the recipe's setting.

    Example:
        >>> epoch, gap = seed_gap(load_results("conv"))
        >>> epoch, gap < 0.01
        (3, True)
    """
    setting = (results["course_recipe"]["learning_rate"], results["course_recipe"]["epochs"])
    twin = [r for r in results["sweep"] if (r["learning_rate"], r["schedule"]) == setting]
    if not twin:
        return None, None
    a, b = results["course"]["val_loss"], twin[0]["val_loss"]
    epoch = min(len(a), len(b))
    return epoch, abs(a[epoch - 1] - b[epoch - 1])


def ablation_verdicts(results, *, factor=2.0):
    """Each ablation row read against the seed gap: did taking the ingredient out cost?

    A row that missed the target missed it by ``final validation BCE - target``; the miss
    is called a measured effect only when it is more than ``factor`` times
    :func:`seed_gap` (two seeds give only a rough yardstick of the spread).

    Args:
        results: a benchmark's results.
        factor: how many seed gaps a miss must exceed (a positive number).

    Returns:
        A list of dicts, one per ablation row: ``name``, ``reached`` (bool),
        ``epochs`` (the epoch it reached the target, else the epochs it ran), ``miss``
        (``None`` when reached) and ``measured`` (``True``/``False`` for a miss, ``None``
        when reached or when there is no seed gap).

    Raises:
        ValueError: if ``factor`` is not a positive number.

    Example:
        >>> [row["measured"] for row in ablation_verdicts(load_results("dense"))]
        [False, True]
    """
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
        raise ValueError(f"ablation_verdicts: Expected `factor` to be a positive number. Received: factor={factor!r}. "
                         f"Use 2.0, the course's rule.")
    _, gap = seed_gap(results)
    verdicts = []
    for row in results["ablation"]:
        if row["reached"]:
            verdicts.append({"name": row["name"], "reached": True, "epochs": row["reached_epoch"], "miss": None,
                             "measured": None})
            continue
        miss = row["final_val_loss"] - results["target"]
        verdicts.append({"name": row["name"], "reached": False, "epochs": row["epochs"], "miss": miss,
                         "measured": None if gap is None else bool(miss > factor * gap)})
    return verdicts


def markdown_report(results):
    """A benchmark's results as one Markdown page: every section of :func:`sections`, in order.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned.

    Returns:
        A string of Markdown.

    Example:
        >>> markdown_report(load_results("dense")).splitlines()[0][:43]
        '# Benchmark: the article recipe and the cou'
    """
    return "\n\n".join(sections(results).values()) + "\n"


def load_results(model, folder=None):
    """The stored results of a benchmark, as :func:`aecourse.bench.suite.run_benchmark` returned them.

    Args:
        model: ``"dense"`` or ``"conv"``.
        folder: where to read ``<model>.json`` (default: the results shipped with the
            package, read with :mod:`importlib.resources`).

    Returns:
        A dict.

    Raises:
        ValueError: for another model name.
        FileNotFoundError: if the folder holds no results of that model.

    Example:
        >>> load_results("conv")["benchmark"]
        'conv'
    """
    import importlib.resources

    from aecourse.validation import check_one_of

    model = check_one_of(model, "model", tuple(_TITLES), where="load_results")
    if folder is None:
        text = (importlib.resources.files("aecourse.bench") / "results" / f"{model}.json").read_text()
    else:
        text = (Path(folder) / f"{model}.json").read_text()
    return json.loads(text)


def _plot(results, path):
    # A Figure of its own, not pyplot's: no backend is chosen, no global state changes.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    target = results["target"]
    for key, label, style in (("article", "article recipe", "o-"), ("course", "course recipe", "s-")):
        run = results[key]
        ax.plot(run["times"], run["val_loss"], style, markersize=3, label=f"{label} ({run['epochs']} epochs)")
    ax.axhline(target, color="gray", linestyle="--", linewidth=1,
               label=f"target: article's final validation BCE {target:.4f}")
    if results["course"]["reached"]:
        ax.axvline(results["course"]["reached_at"], color="gray", linestyle=":", linewidth=1)
    losses = results["article"]["val_loss"] + results["course"]["val_loss"]
    ax.set_ylim(min(losses) - 0.002, min(max(losses), target + 0.04))
    ax.set_xlim(left=0)
    ax.set_xlabel("wall time (s), compilation and validation included")
    ax.set_ylabel("validation BCE")
    ax.set_title(f"Validation loss against wall time: {_TITLES[results['benchmark']]}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def result_paths(out_dir, model):
    """The three files of a benchmark of ``model`` in ``out_dir``.

    Args:
        out_dir: a folder.
        model: ``"dense"`` or ``"conv"``.

    Returns:
        ``{"json": ..., "markdown": ..., "plot": ...}``, :class:`pathlib.Path` objects.

    Example:
        >>> sorted(p.name for p in result_paths("out", "conv").values())
        ['conv.json', 'conv.md', 'conv_loss_vs_time.png']
    """
    out = Path(out_dir)
    return {"json": out / f"{model}.json", "markdown": out / f"{model}.md", "plot": out / f"{model}_loss_vs_time.png"}


def write_results(results, out_dir):
    """Write ``<model>.json``, ``<model>.md`` and ``<model>_loss_vs_time.png`` into ``out_dir``.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned.
        out_dir: a folder (created if needed).

    Returns:
        The three paths, as a dict ``{"json": ..., "markdown": ..., "plot": ...}``.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = write_results(load_results("dense"), folder)
        ...     sorted(p.name for p in Path(folder).iterdir())
        ['dense.json', 'dense.md', 'dense_loss_vs_time.png']
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    paths = result_paths(out_dir, results["benchmark"])
    paths["json"].write_text(json.dumps(results, indent=1) + "\n")
    paths["markdown"].write_text(markdown_report(results))
    _plot(results, paths["plot"])
    return paths
