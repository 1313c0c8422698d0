"""The README's commands as the tests run them: ``make TARGET`` in the repository.

The command uses the Python environment the tests run in (``VENV`` = this interpreter's
prefix) and never reinstalls it (``-o`` marks the install stamp as up to date), so a
test runs exactly the recipe a reader runs, without touching the environment.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_command(target: str, **variables: str) -> list[str]:
    """The argument list of ``make TARGET NAME=value ...`` run from the repository root."""
    make = shutil.which("make")
    if make is None:
        raise RuntimeError("`make` is not installed; the README's commands need it")
    venv = Path(sys.prefix)
    return [make, "--no-print-directory", "-C", str(ROOT), "-o", str(venv / ".aecourse-installed"),
            target, f"VENV={venv}", *(f"{name}={value}" for name, value in variables.items())]
