"""Re-execute the book's chapters in place, top to bottom, in a fresh kernel each.

This is the project's only way of producing the outputs stored in ``book/*.ipynb``:
every code cell runs once, in order, so execution counts read 1..n. Usage:

    python tools/execute_chapters.py                   # every chapter in _toc.yml
    python tools/execute_chapters.py book/01_*.ipynb   # some chapters

Run it through ``make execute``, which sets the environment the book is built with.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from toc import ROOT, chapter_paths


def merge_streams(outputs):
    """Consecutive prints to one stream as one output (the kernel may send them in pieces)."""
    merged = []
    for out in outputs:
        if merged and out.get("output_type") == "stream" and merged[-1].get("output_type") == "stream" \
                and merged[-1].get("name") == out.get("name"):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def execute(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nbformat.write(nb, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapters to run (default: all in _toc.yml)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if os.environ.get("MPLBACKEND"):
        print(f"note: ignoring MPLBACKEND={os.environ.pop('MPLBACKEND')} so that figures stay inline")
    notebooks = [p.resolve() for p in args.notebooks] or chapter_paths()
    total = 0.0
    for path in notebooks:
        print(f"executing {path.relative_to(ROOT)} ...", flush=True)
        elapsed = execute(path, args.timeout)
        total += elapsed
        print(f"  done in {elapsed:.1f} s", flush=True)
    print(f"{len(notebooks)} chapter(s) executed in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
