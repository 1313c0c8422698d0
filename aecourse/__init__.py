"""aecourse: the helpers of the book "Autoencoders, explained and tested".

The package is the single home of the code the chapters run: data loaders
(:mod:`aecourse.data`), model builders (:mod:`aecourse.models`), reference losses
(:mod:`aecourse.losses`), sparsity penalties (:mod:`aecourse.regularizers`), shape
arithmetic (:mod:`aecourse.shapes`), training helpers (:mod:`aecourse.training`),
plots (:mod:`aecourse.viz`) and exercise checkers (:mod:`aecourse.exercises`).

Importing ``aecourse`` changes nothing in your process: no environment variable, no
logger, no warning filter. Chapters call :func:`aecourse.quiet_tensorflow` (from
:mod:`aecourse.environment`) first, to keep TensorFlow's log lines off the page; your
programs can do the same. Submodules are imported on first use, so ``import aecourse``
alone does not load TensorFlow.

Example:
    >>> import aecourse
    >>> (x_train, y_train), (x_test, y_test) = aecourse.data.load_mnist()  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from aecourse.environment import quiet_tensorflow

__version__ = "0.1.0"

_SUBMODULES = (
    "anomaly",
    "bench",
    "data",
    "environment",
    "exercises",
    "losses",
    "models",
    "regularizers",
    "shapes",
    "training",
    "viz",
)

__all__ = list(_SUBMODULES) + ["__version__", "quiet_tensorflow"]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aecourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
