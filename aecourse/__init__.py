"""aecourse: the helpers of the book "Autoencoders, explained and tested".

The package is the single home of the code the chapters run: data loaders
(:mod:`aecourse.data`), model builders (:mod:`aecourse.models`), reference losses
(:mod:`aecourse.losses`), sparsity penalties (:mod:`aecourse.regularizers`), shape
arithmetic (:mod:`aecourse.shapes`), training helpers (:mod:`aecourse.training`),
plots (:mod:`aecourse.viz`) and exercise checkers (:mod:`aecourse.exercises`).

Importing ``aecourse`` before TensorFlow keeps TensorFlow's C++ log lines out of
notebooks: it sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` unless you
have already set them yourself. Level 3 rather than 2, because TensorFlow 2.21 with
Keras 3.15 logs a harmless error-level line ("NodeDef mentions attribute
use_unbounded_threadpool ...") at the start of every ``fit``; Python exceptions are
unaffected. TensorFlow's Python-side warnings (such as "tf.function retracing") are
filtered out too; set ``AECOURSE_TF_WARNINGS=1`` before importing ``aecourse`` to keep them. Submodules are imported on first use, so
``import aecourse`` alone does not load TensorFlow.

Example:
    >>> import aecourse
    >>> (x_train, y_train), (x_test, y_test) = aecourse.data.load_mnist()  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import logging
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


class _TensorFlowErrorsOnly(logging.Filter):
    """Drops TensorFlow's Python-side warnings and info (e.g. "tf.function retracing").

    TensorFlow sets its logger to INFO when it first logs in Jupyter, so a level set
    here would not last; a filter does. Set AECOURSE_TF_WARNINGS=1 to keep them all.
    """

    def filter(self, record):
        return record.levelno >= logging.ERROR


if os.environ.get("AECOURSE_TF_WARNINGS", "").strip() not in {"1", "true", "yes"}:
    _tf_logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _TensorFlowErrorsOnly) for f in _tf_logger.filters):
        _tf_logger.addFilter(_TensorFlowErrorsOnly())

__version__ = "0.1.0"

_SUBMODULES = (
    "anomaly",
    "bench",
    "data",
    "exercises",
    "losses",
    "models",
    "regularizers",
    "shapes",
    "training",
    "viz",
)

__all__ = list(_SUBMODULES) + ["__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aecourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
