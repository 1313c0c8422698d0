"""The benchmark's files: ``results.json``, ``results.md`` and ``loss_vs_time.png``."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["markdown_report", "write_results"]


def markdown_report(results):
    """The benchmark's results as Markdown: a title, the main table, the machine, two more tables.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned.

    Returns:
        A string of Markdown.

    Example:
        >>> import importlib.resources
        >>> stored = importlib.resources.files("aecourse.bench") / "results" / "results.json"
        >>> markdown_report(json.loads(stored.read_text())).splitlines()[0][:42]
        '# Benchmark: article recipe vs course reci'
    """
    a, c = results["article"], results["course"]
    ta, tc = a["throughput"], c["throughput"]
    loads = results["machine"]["load_average"]

    def load_text(values):
        return "n/a" if not values else " / ".join(f"{v:.2f}" for v in values)

    ratio = "not reached" if results["ratio"] is None else f"{results['ratio']:.3f}"
    course_time = f"{c['reached_at']:.1f}" if c["reached"] else f"not reached ({c['seconds']:.1f})"
    lines = [
        f"# Benchmark: article recipe vs course recipe ({results['date']})",
        "",
        f"Machine: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, "
        f"TensorFlow {results['machine']['tensorflow']}, Keras {results['machine']['keras']}. "
        f"Data: {results['data']['n_train']:,} training / {results['data']['n_test']:,} test images "
        f"of Fashion-MNIST. Model: {results['model']['parameters']:,} parameters.",
        "",
        "| | article recipe | course recipe |",
        "| --- | --- | --- |",
        f"| recipe | {a['recipe']} | {c['recipe']} |",
        f"| epochs run | {a['epochs']} | {c['epochs']} |",
        f"| final test BCE | {a['final_test_loss']:.4f} | {c['final_test_loss']:.4f} |",
        f"| wall time to that BCE (s) | {a['seconds']:.1f} | {course_time} |",
        f"| of which test evaluation (s) | {a['eval_seconds']:.1f} | {c['eval_seconds']:.1f} |",
        f"| ratio course / article | | **{ratio}** (target <= 0.25) |",
        f"| training examples/s | {ta['examples_per_second']:,.0f} | {tc['examples_per_second']:,.0f} |",
        f"| achieved GFLOP/s | {ta['gflops']:.1f} | {tc['gflops']:.1f} |",
        f"| matmul peak on the same shapes (GFLOP/s) | {ta['peak_gflops']:.1f} | {tc['peak_gflops']:.1f} |",
        f"| fraction of peak | {ta['fraction_of_peak']:.2f} | **{tc['fraction_of_peak']:.2f}** (target >= 0.5) |",
        "",
        f"Load average (1 / 5 / 15 min) at the start: {load_text(loads.get('start'))}; "
        f"after the article run: {load_text(loads.get('after_article'))}; "
        f"after the course run: {load_text(loads.get('after_course'))}. "
        f"{results['timing_note'].capitalize()}. Matrix-multiply peak (the faster of TensorFlow's and XLA's "
        "kernels) before / after the training runs: "
        + "; ".join(f"batch {b}: {p['before']['gflops']:.1f} / {p['after']['gflops']:.1f} GFLOP/s"
                    for b, p in results["matmul_peak"].items()) + " (the higher one is used).",
    ]
    if results["ingredients"]:
        base = results["ingredients"][0]["seconds_per_epoch"]
        lines += ["", "| way of training (one epoch, no evaluation) | batch | s/epoch | examples/s | GFLOP/s | "
                      "speed-up vs keras fit |", "| --- | --- | --- | --- | --- | --- |"]
        for row in results["ingredients"]:
            lines.append(f"| {row['name']} | {row['batch_size']} | {row['seconds_per_epoch']:.2f} | "
                         f"{row['examples_per_second']:,.0f} | {row.get('gflops', float('nan')):.1f} | "
                         f"{base / row['seconds_per_epoch']:.2f}x |")
    if results.get("ablation"):
        first = next(i for i, v in enumerate(a["test_loss"]) if v <= a["final_test_loss"])
        lines += ["", "| recipe | epochs to the article's final test BCE | wall time (s) |", "| --- | --- | --- |",
                  f"| article recipe (keras fit) | {first + 1} | {a['times'][first]:.1f} |",
                  f"| course recipe | {c['epochs'] if c['reached'] else 'not reached'} | {course_time} |"]
        for row in results["ablation"]:
            if row["reached"]:
                lines.append(f"| course recipe {row['name']} | {row['epochs']} | {row['reached_at']:.1f} |")
            else:
                lines.append(f"| course recipe {row['name']} | not reached in {row['epochs']} "
                             f"(test BCE {row['final_test_loss']:.4f}) | |")
    return "\n".join(lines) + "\n"


def _plot(results, path):
    # A Figure of its own, not pyplot's: no backend is chosen, no global state changes.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    target = results["article"]["final_test_loss"]
    for key, label, style in (("article", "article recipe", "o-"), ("course", "course recipe", "s-")):
        run = results[key]
        ax.plot(run["times"], run["test_loss"], style, markersize=3, label=f"{label} ({run['epochs']} epochs)")
    ax.axhline(target, color="gray", linestyle="--", linewidth=1, label=f"article's final test BCE {target:.4f}")
    if results["course"]["reached"]:
        ax.axvline(results["course"]["reached_at"], color="gray", linestyle=":", linewidth=1)
    losses = results["article"]["test_loss"] + results["course"]["test_loss"]
    ax.set_ylim(min(losses) - 0.002, min(max(losses), target + 0.04))
    ax.set_xlim(left=0)
    ax.set_xlabel("wall time (s), compilation and test evaluation included")
    ax.set_ylabel("test BCE")
    ax.set_title("Test loss against wall time, same machine, same run")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_results(results, out_dir):
    """Write ``results.json``, ``results.md`` and ``loss_vs_time.png`` into ``out_dir``.

    Args:
        results: what :func:`aecourse.bench.suite.run_benchmark` returned.
        out_dir: a folder (created if needed).

    Returns:
        The three paths, as a dict ``{"json": ..., "markdown": ..., "plot": ...}``.

    Example:
        >>> import importlib.resources, tempfile
        >>> stored = importlib.resources.files("aecourse.bench") / "results" / "results.json"
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = write_results(json.loads(stored.read_text()), folder)
        ...     sorted(p.name for p in Path(folder).iterdir())
        ['loss_vs_time.png', 'results.json', 'results.md']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "results.json", "markdown": out / "results.md", "plot": out / "loss_vs_time.png"}
    paths["json"].write_text(json.dumps(results, indent=1) + "\n")
    paths["markdown"].write_text(markdown_report(results))
    _plot(results, paths["plot"])
    return paths
