"""Measure how much the chapters' checked numbers move between machines.

Seeded training gives the same numbers twice on one machine, but not on another CPU:
different instruction sets give different kernels and different rounding. This tool
runs chapters twice in fresh kernels, once as this machine runs them and once with
the CPU features oneDNN and XLA may use capped (by default at AVX2, as on a machine
without AVX-512), and compares every number printed by the cells tagged
``nbval-check-output``. It prints, per cell, the largest relative and absolute change,
the tolerance the cell states (``nbval-tolerance`` in its metadata) and whether the
stated tolerance covers the change. Nothing is written to the chapters.

Usage (from the repository root, in the project's environment)::

    python tools/measure_spread.py book/01_dense_autoencoder.ipynb book/06_*.ipynb
    python tools/measure_spread.py --isa AVX --json spread.json      # every chapter

The second run sets ``ONEDNN_MAX_CPU_ISA`` and ``XLA_FLAGS=--xla_cpu_max_isa=...``; on
a machine without AVX-512 the two runs may agree, and agreement on one machine is no
proof that the numbers hold elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conftest import NUMBER, parse_tolerance  # noqa: E402  (the chapter checks' own parsing)

TIMING = re.compile(r"\d+(\.\d+)?\s?(s|ms|us|µs|sec|seconds|min)\b")


def checked_texts(nb):
    """``{cell index: (source's first line, tolerance, plain text of its outputs)}`` of tagged cells."""
    found = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "nbval-check-output" not in cell.metadata.get("tags", []):
            continue
        parts = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                parts.append(out["text"])
            elif "data" in out and "text/plain" in out["data"]:
                parts.append(out["data"]["text/plain"])
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        found[index] = (first[:70], parse_tolerance(cell.metadata), TIMING.sub("<TIME>", "".join(parts)))
    return found


def run(path, env):
    nb = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        start = time.perf_counter()
        NotebookClient(nb, timeout=1800, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        return nb, time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def compare(a, b):
    """Largest relative and absolute difference between the numbers of two texts."""
    if NUMBER.sub("<n>", a) != NUMBER.sub("<n>", b):
        return None
    rel = abs_ = 0.0
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        x, y = float(x.replace(",", "")), float(y.replace(",", ""))
        abs_ = max(abs_, abs(x - y))
        rel = max(rel, abs(x - y) / abs(x) if x else (0.0 if y == 0 else float("inf")))
    return rel, abs_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapters (default: every book/*.ipynb)")
    parser.add_argument("--isa", default="AVX2", help="the instruction-set cap of the second run (default AVX2)")
    parser.add_argument("--json", type=Path, help="also write the per-cell results to this file")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "book").glob("*.ipynb"))
    capped = {"ONEDNN_MAX_CPU_ISA": args.isa, "XLA_FLAGS": f"--xla_cpu_max_isa={args.isa}"}
    rows = []
    for path in notebooks:
        print(f"{path.name}: running as this machine does, then with {args.isa} as the CPU cap ...", flush=True)
        native, t1 = run(path, {})
        other, t2 = run(path, capped)
        print(f"  {t1:.0f} s and {t2:.0f} s")
        a, b = checked_texts(native), checked_texts(other)
        for index in sorted(a):
            first, tolerance, text_a = a[index]
            result = compare(text_a, b[index][2])
            row = {"chapter": path.name, "cell": index, "source": first, "tolerance": tolerance}
            if result is None:
                row.update(status="text differs", native=text_a, capped=b[index][2])
            else:
                rel, abs_ = result
                row.update(max_rel=rel, max_abs=abs_)
                if rel == 0:
                    row["status"] = "identical"
                elif tolerance is None:
                    row["status"] = "CHANGED, exact check"
                else:
                    rtol, atol = tolerance
                    ok = all(abs(float(y.replace(",", "")) - float(x.replace(",", "")))
                             <= atol + rtol * abs(float(x.replace(",", "")))
                             for x, y in zip(NUMBER.findall(text_a), NUMBER.findall(b[index][2])))
                    row["status"] = "within tolerance" if ok else "OUTSIDE tolerance"
            rows.append(row)
            if row["status"] != "identical":
                extra = (f"rel {row['max_rel']:.4f} abs {row['max_abs']:.4g}" if "max_rel" in row else "")
                print(f"  cell {index:>3} {row['status']:<20} {extra:<28} tol={tolerance}  | {first}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    changed = [r for r in rows if r["status"] in ("CHANGED, exact check", "OUTSIDE tolerance", "text differs")]
    print(f"{len(rows)} checked cells, {sum(r['status'] != 'identical' for r in rows)} changed, "
          f"{len(changed)} not covered by their check")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
