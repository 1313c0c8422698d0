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
does not load TensorFlow. Models that use the package's layers load with
:func:`aecourse.load_model`, or with Keras alone as
``keras.saving.load_model(path, custom_objects=aecourse.custom_objects())``.

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

__all__ = list(_SUBMODULES) + ["__version__", "quiet_tensorflow", "custom_objects", "load_model"]


def custom_objects():
    """Every Keras object aecourse defines, for ``keras.saving.load_model(path, custom_objects=...)``.

    ``import aecourse`` registers nothing with Keras (it does not load TensorFlow);
    this call imports the modules that define the package's layers, which registers
    them, and returns them (:func:`aecourse.models.custom_objects`). With Keras alone::

        keras.saving.load_model(path, custom_objects=aecourse.custom_objects())

    Returns:
        ``{registered name: class}``, e.g. ``{"aecourse>KLSparsity": KLSparsity, ...}``.

    Example:
        >>> "aecourse>KLSparsity" in custom_objects()
        True
    """
    from aecourse.models import custom_objects as objects

    return objects()


def load_model(path, **kwargs):
    """Load a ``.keras`` model that uses aecourse's layers (:func:`aecourse.models.load_model`).

    Args:
        path: the ``.keras`` file written by ``model.save``.
        **kwargs: ``custom_objects``, ``compile`` and ``safe_mode``, as Keras takes them.

    Returns:
        The ``keras.Model``.

    Raises:
        TypeError: for a path that is not a path, or a class Keras cannot find (the
            message says which one and what to do first).
        ValueError: for a missing or unreadable file.

    Example:
        >>> load_model("missing.keras")
        Traceback (most recent call last):
        ...
        ValueError: load_model: Expected `path` to be the path of an existing .keras file. Received: path='missing.keras'. No such file: save one with model.save('name.keras').
    """
    from aecourse.models import load_model as load

    return load(path, **kwargs)


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'aecourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
