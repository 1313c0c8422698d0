"""aecourse: the helpers of the book "Autoencoders, explained and tested".

The package is the single home of the code the chapters run, in layers (a module
imports only from its own layer or from the layers listed before it):

- validation and references: :mod:`aecourse.validation` (argument checks),
  :mod:`aecourse.losses` (mse, bce, bce_floor, psnr), :mod:`aecourse.shapes` (size
  arithmetic, trace_shapes), :mod:`aecourse.flops` (FLOP counting),
  :mod:`aecourse.nested` (walking nested models);
- data: :mod:`aecourse.data` (loaders, validation splits), :mod:`aecourse.noise`;
- Keras pieces: :mod:`aecourse.regularizers`, :mod:`aecourse.models` and the layers
  they use;
- training: :mod:`aecourse.training` (seeds, progress, train),
  :mod:`aecourse.fast` (the fast recipe), :mod:`aecourse.evaluation` (metrics,
  fit-and-score, seeds, honest rankings), :mod:`aecourse.anomaly`;
- presentation: :mod:`aecourse.viz`;
- exercises: :mod:`aecourse.exercises`;
- tooling: :mod:`aecourse.bench` (``python -m aecourse.bench``).

Importing ``aecourse`` changes nothing in your process: no environment variable, no
logger, no warning filter. Chapters call :func:`aecourse.quiet_tensorflow` (from
:mod:`aecourse.environment`) first, to keep TensorFlow's log lines off the page; your
programs can do the same. Submodules are imported on first use
(``aecourse.losses`` works after ``import aecourse``), so ``import aecourse`` alone
does not load TensorFlow.

Example:
    >>> import aecourse
    >>> aecourse.losses.mse([[0.0, 1.0]], [[0.5, 0.5]])
    0.25
"""

from __future__ import annotations

import importlib
import pkgutil

from aecourse.environment import quiet_tensorflow

__version__ = "0.1.0"

#: The submodules, found on disk; each is imported when first used as an attribute.
_SUBMODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))

__all__ = list(_SUBMODULES) + ["__version__", "quiet_tensorflow"]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aecourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
