"""Quiet TensorFlow for notebooks and pages: an explicit, opt-in call.

Importing :mod:`aecourse` changes nothing in your process. The book's chapters, its
tests and its benchmark call :func:`quiet_tensorflow` once, before TensorFlow loads,
so that no TensorFlow log line reaches a page; your own programs get TensorFlow's
defaults unless they make the same call.
"""

from __future__ import annotations

import logging
import os
import sys

__all__ = ["TF_LOG_LEVEL", "quiet_tensorflow"]

#: The value :func:`quiet_tensorflow` gives ``TF_CPP_MIN_LOG_LEVEL``: 3 hides TensorFlow's
#: C++ info, warning and error lines (Python exceptions are unaffected). Level 3 rather
#: than 2, because TensorFlow 2.21 with Keras 3.15 logs a harmless error-level line
#: ("NodeDef mentions attribute use_unbounded_threadpool ...") at the start of every ``fit``.
TF_LOG_LEVEL = "3"


class _ErrorsOnly(logging.Filter):
    """Lets through only records of level ERROR and above."""

    def filter(self, record):
        return record.levelno >= logging.ERROR


def quiet_tensorflow():
    """Hide TensorFlow's log lines (C++ and Python) for the rest of this process.

    Sets the environment variable ``TF_CPP_MIN_LOG_LEVEL`` to :data:`TF_LOG_LEVEL`,
    ``TF_ENABLE_ONEDNN_OPTS`` to ``"0"`` unless it is already set (TensorFlow 2.21
    announces its oneDNN custom operations on stderr whatever the log level; switching
    them off also gives the numbers the chapters' stored outputs were made with), and
    attaches a filter to the ``"tensorflow"`` logger that drops its warnings and info
    records (such as "tf.function retracing"); errors still show. TensorFlow reads the
    variable when it loads, so call this before the first ``import keras`` or
    ``import tensorflow`` (calling it again does nothing more).

    Returns:
        A dict with what the call did: ``{"TF_CPP_MIN_LOG_LEVEL": previous value or None,
        "tensorflow_already_loaded": bool}``. When TensorFlow was already loaded, its
        C++ start-up lines may already have been printed.

    Example:
        >>> import aecourse
        >>> done = aecourse.quiet_tensorflow()  # first, before keras or tensorflow
        >>> import os; os.environ["TF_CPP_MIN_LOG_LEVEL"]
        '3'
    """
    previous = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = TF_LOG_LEVEL
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _ErrorsOnly) for f in logger.filters):
        logger.addFilter(_ErrorsOnly())
    return {"TF_CPP_MIN_LOG_LEVEL": previous, "tensorflow_already_loaded": "tensorflow" in sys.modules}
