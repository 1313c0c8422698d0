"""Training helpers: reproducible seeds, compact progress, and one result type.

Keras' default progress bar prints a line per batch; on a rendered page 50 epochs of
it bury the chapter. :class:`CompactProgress` prints one short line every few epochs
instead, and :func:`train` wraps ``model.fit`` with it. Every training function of the
package (:func:`train`, :func:`aecourse.fast.fit_fast`) returns a :class:`FitResult`:
the per-epoch logs and how long each part took.
"""

from __future__ import annotations

import dataclasses
import numbers
import sys
import time
import warnings

import keras
import numpy as np

from aecourse.validation import (check_array, check_bool, check_float, check_instance, check_int, check_loss,
                                 check_names, check_values, message)

__all__ = ["set_seed", "CompactProgress", "FitResult", "KerasRecipe", "train", "check_fit_data", "check_data_shape"]


def set_seed(seed=0, deterministic=True):
    """Seed Python, NumPy and the Keras backend, and make TensorFlow ops deterministic.

    Call it once at the top of a notebook or script; two runs on the same machine then
    print the same numbers.

    Args:
        seed: an integer seed.
        deterministic: also ask TensorFlow for deterministic kernels
            (``tf.config.experimental.enable_op_determinism``), so that multi-threaded
            reductions add up in the same order every time.

    Raises:
        TypeError: if ``seed`` is not an integer or ``deterministic`` not a bool.
        ValueError: if ``seed`` is negative or above ``2**32 - 1``.

    Example:
        >>> set_seed(0)
    """
    seed = check_int(seed, "seed", where="set_seed", min_value=0, max_value=2**32 - 1,
                     fix="NumPy's seeds stop at 2**32 - 1; use a small integer such as 0.")
    deterministic = check_bool(deterministic, "deterministic", where="set_seed")
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def _format_value(value):
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


class CompactProgress(keras.callbacks.Callback):
    """Print one line every ``every`` epochs: epoch, logged values, elapsed time.

    The line reads, for example::

        epoch  10/50  loss 0.1534  val_loss 0.1529  [12.3 s]

    The first and the last epoch are always printed.

    Args:
        every: print every this many epochs.
        metrics: the name (a string) or names of the logged values to show
            (default: all of them, in the order Keras logs them). A ``"val_..."``
            name shows ``n/a`` in an epoch without validation (``validation_freq``).
        stream: where to print, anything with a ``write`` method (default
            ``sys.stdout``).

    Raises:
        TypeError: if ``every`` is not an integer, ``metrics`` not names, or
            ``stream`` has no ``write`` method.
        ValueError: if ``every`` is below 1; at the end of the first epoch, if a
            name in ``metrics`` is not logged at all (the message lists what is).

    Example:
        >>> import numpy as np
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder((4,), (), 2)
        >>> model.compile(optimizer="adam", loss="mse")
        >>> x = np.zeros((8, 4), "float32")
        >>> _ = model.fit(x, x, epochs=4, verbose=0, callbacks=[CompactProgress(every=2)])  # doctest: +ELLIPSIS
        epoch 1/4  loss 0...  [... s]
        epoch 2/4  loss 0...  [... s]
        epoch 4/4  loss 0...  [... s]
    """

    def __init__(self, every=10, metrics=None, stream=None):
        super().__init__()
        where = "CompactProgress"
        self.every = check_int(every, "every", where=where, min_value=1)
        self.metrics = check_names(metrics, "metrics", where=where)
        if stream is not None and not callable(getattr(stream, "write", None)):
            raise TypeError(message(where, "stream", "a stream with a write method (a file, sys.stderr, io.StringIO) "
                                    "or None", stream))
        self.stream = stream
        self._start = None
        self._epochs = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs = self.params.get("epochs") if self.params else None

    def format_line(self, epoch, logs, elapsed):
        """The printed line for ``epoch`` (1-based) with ``logs`` after ``elapsed`` seconds.

        Args:
            epoch: the epoch number, counted from 1.
            logs: the logged values, ``{name: value}``.
            elapsed: seconds since training began.

        Returns:
            The line, without a newline.

        Example:
            >>> CompactProgress().format_line(3, {"loss": 0.25, "val_loss": 0.00002}, 4.56)
            'epoch 3/3  loss 0.2500  val_loss 2.000e-05  [4.6 s]'
        """
        total = self._epochs or epoch
        width = len(str(total))
        names = self.metrics if self.metrics is not None else [k for k in logs if k != "learning_rate"]
        values = "  ".join(f"{k} {_format_value(float(logs[k])) if k in logs else 'n/a'}" for k in names)
        return f"epoch {epoch:>{width}}/{total}  {values}  [{elapsed:.1f} s]"

    def _check_names(self, logs):
        """After the first epoch: every requested name is logged, or is the val_ twin of a logged one."""
        unknown = [name for name in self.metrics
                   if name not in logs and not (name.startswith("val_") and name[4:] in logs)]
        if unknown:
            raise ValueError(message("CompactProgress", "metrics", f"names of logged values ({', '.join(logs)})",
                                     self.metrics, f"Not logged: {', '.join(unknown)}. Check the spelling, or leave "
                                     "metrics=None to show every logged value."))

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0 and self.metrics is not None:
            self._check_names(logs or {})
        done = epoch + 1
        if done == 1 or done % self.every == 0 or done == self._epochs:
            line = self.format_line(done, logs or {}, time.perf_counter() - self._start)
            print(line, file=self.stream or sys.stdout, flush=True)


@dataclasses.dataclass(frozen=True, eq=False)
class FitResult:
    """What a training run gives back: the per-epoch logs and how long each part took.

    :func:`train` and :func:`aecourse.fast.fit_fast` return one. It reads like Keras'
    ``History`` where it matters (``result.history["loss"]``) and
    :func:`aecourse.viz.plot_history` draws it; unlike a ``History`` it holds no model,
    and it cannot be changed after the fact.

    Attributes:
        history: the logged values, ``{name: [one float per epoch]}``: ``"loss"``, the
            compiled metrics, and their ``"val_"`` twins when there was validation data.
        seconds: wall time of the whole run, in seconds.
        times: wall time at the end of each epoch, since the start (validation included).
        epoch_seconds: the training part of each epoch (validation excluded); the first
            also holds tracing and compiling.
        eval_seconds: total time spent on validation.
        reached_at: the wall time at which ``target_loss`` was reached, or ``None``
            (never reached, or no target).
        target_loss: the validation loss the run stopped at, if one was given.
        recipe: the :class:`aecourse.fast.FastRecipe` used, or ``None`` for ``model.fit``.

    Example:
        >>> result = FitResult(history={"loss": [0.3, 0.2]}, seconds=2.5, times=(1.5, 2.5),
        ...                    epoch_seconds=(1.5, 1.0))
        >>> result.epochs, result.final("loss")
        (2, 0.2)
        >>> result
        FitResult(epochs=2, seconds=2.5, final: loss 0.2)
    """

    history: dict
    seconds: float
    times: tuple
    epoch_seconds: tuple
    eval_seconds: float = 0.0
    reached_at: float | None = None
    target_loss: float | None = None
    recipe: object = None

    @property
    def epochs(self) -> int:
        """The number of epochs run."""
        return len(self.history.get("loss", ()))

    def final(self, name="loss"):
        """The last epoch's value of ``name`` (``"loss"``, ``"val_loss"``, a metric).

        Args:
            name: a key of :attr:`history`.

        Returns:
            A float.

        Raises:
            ValueError: if nothing was logged under ``name``.

        Example:
            >>> FitResult({"loss": [0.3, 0.2]}, 1.0, (0.5, 1.0), (0.5, 0.5)).final()
            0.2
        """
        if not isinstance(name, str) or not self.history.get(name):
            raise ValueError(message("FitResult.final", "name", f"one of {sorted(self.history)}", name))
        return self.history[name][-1]

    def __repr__(self):
        last = "  ".join(f"{k} {v[-1]:.4g}" for k, v in self.history.items() if v)
        reached = "" if self.reached_at is None else f", reached_at={self.reached_at:.4g}"
        return f"FitResult(epochs={self.epochs}, seconds={self.seconds:.4g}{reached}, final: {last})"


class _Clock(keras.callbacks.Callback):
    """Wall time at each epoch's end, and the share of each epoch spent on validation."""

    def on_train_begin(self, logs=None):
        self.start, self.times, self.epoch_seconds, self.eval_seconds = time.perf_counter(), [], [], 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start, self.epoch_eval = time.perf_counter(), 0.0

    def on_test_begin(self, logs=None):
        self.eval_start = time.perf_counter()

    def on_test_end(self, logs=None):
        self.epoch_eval += time.perf_counter() - self.eval_start

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.times.append(now - self.start)
        self.epoch_seconds.append(now - self.epoch_start - self.epoch_eval)
        self.eval_seconds += self.epoch_eval


@dataclasses.dataclass(frozen=True)
class KerasRecipe:
    """Plain Keras training: ``model.fit`` with Adam at a constant learning rate.

    The article's recipe with its defaults (Adam at 1e-3, batch 256, shuffled, 50
    epochs). :func:`aecourse.evaluation.fit_and_score` trains with it, or with the
    course's fast recipe (:class:`aecourse.fast.FastRecipe`), so that two models are
    compared under the same recipe.

    Attributes:
        epochs: passes over the training data.
        batch_size: examples per gradient step.
        learning_rate: Adam's learning rate.
        shuffle: shuffle the training data every epoch.

    Raises:
        TypeError: for a field of the wrong type.
        ValueError: for a field out of its range.

    Example:
        >>> recipe = KerasRecipe(epochs=4, batch_size=64, learning_rate=2e-3)
        >>> float(recipe.optimizer().learning_rate)
        0.002
    """

    epochs: int = 50
    batch_size: int = 256
    learning_rate: float = 1e-3
    shuffle: bool = True

    def __post_init__(self):
        check_int(self.epochs, "epochs", where="KerasRecipe", min_value=1)
        check_int(self.batch_size, "batch_size", where="KerasRecipe", min_value=1)
        check_float(self.learning_rate, "learning_rate", where="KerasRecipe", min_value=0, min_inclusive=False)
        check_bool(self.shuffle, "shuffle", where="KerasRecipe")

    def optimizer(self):
        """A fresh ``keras.optimizers.Adam`` at :attr:`learning_rate`.

        Returns:
            A ``keras.optimizers.Adam``.

        Example:
            >>> type(KerasRecipe().optimizer()).__name__
            'Adam'
        """
        return keras.optimizers.Adam(learning_rate=self.learning_rate)


def _per_example_shape(model, side):
    """The shape of one example of the model's single input or output, or ``None`` when
    the model has several, or does not know it before a call (a subclassed model)."""
    try:
        tensor = model.input if side == "input" else model.output
    except (AttributeError, ValueError):
        return None
    if isinstance(tensor, (list, tuple, dict)) or not hasattr(tensor, "shape"):
        return None
    return tuple(tensor.shape[1:])


def check_data_shape(model, array, name, *, where, side="input"):
    """Check that an array of examples has the shape of the model's input (or output).

    Axes the model leaves open (``None``) take any size. Models with several inputs or
    outputs, and models that do not know their shapes before a call, are not checked.

    Args:
        model: a Keras model.
        array: a NumPy array of examples, ``(n, ...)``; anything else is not checked.
        name: the argument's name, for the message.
        where: the function that received it, for the message.
        side: ``"input"`` (data fed to the model) or ``"output"`` (targets compared with
            its output).

    Raises:
        ValueError: if the shape of one example differs from the model's.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder((16,), (), 2)
        >>> check_data_shape(model, np.zeros((5, 16)), "x", where="demo")
        >>> check_data_shape(model, np.zeros((5, 4, 4)), "x", where="demo")
        Traceback (most recent call last):
        ...
        ValueError: demo: Expected `x` to be an array shaped like the model's input, (examples,) + (16,). Received: x=array of shape (5, 4, 4) and dtype float64. Reshape it: 5 examples of (16,), e.g. x.reshape((-1,) + (16,)).
    """
    if side not in ("input", "output"):
        raise ValueError(message("check_data_shape", "side", "'input' or 'output'", side))
    shape = _per_example_shape(model, side)
    if shape is None or not isinstance(array, np.ndarray):
        return
    if len(shape) == array.ndim - 1 and all(s is None or s == t for s, t in zip(shape, array.shape[1:])):
        return
    if None not in shape and int(np.prod(shape)) == int(np.prod(array.shape[1:])):
        variable = name if name.isidentifier() else "data"
        fix = f"Reshape it: {len(array)} examples of {shape}, e.g. {variable}.reshape((-1,) + {shape})."
    else:
        fix = "Pass the data the model was built for, or build the model for this data."
    raise ValueError(message(where, name, f"an array shaped like the model's {side}, (examples,) + {shape}",
                             array, fix))


def _is_array(value):
    return isinstance(value, (np.ndarray, list)) or (hasattr(value, "__array__") and hasattr(value, "shape"))


_DATA_EXPECTED = ("an array of examples (a NumPy array or a tensor), a dict or tuple of them, or a dataset "
                  "Keras' fit takes (tf.data.Dataset, keras.utils.PyDataset, a generator)")


def _checked_data(value, name, where):
    """Arrays (NumPy, tensors, nested lists) checked in one min/max pass: numeric, finite.

    A dict or a tuple of inputs has each of its arrays checked; a ``tf.data.Dataset``, a
    ``keras.utils.PyDataset`` or a generator is passed on to Keras unchanged; anything
    else is refused. Returns ``(data, array or None, (min, max) or None)``.
    """
    if value is None or isinstance(value, (numbers.Number, str, bytes, np.generic)):
        raise TypeError(message(where, name, _DATA_EXPECTED, value))
    if isinstance(value, dict):  # one array per named input of the model
        if not value:
            raise ValueError(message(where, name, "a dict with an array for each input of the model", value))
        for key, part in value.items():
            if not _is_array(part):
                raise TypeError(message(where, f"{name}[{key!r}]", "an array of examples for the model's input "
                                        f"{key!r}", part, "A dict of inputs maps each input's name to an array."))
            _checked_data(part, f"{name}[{key!r}]", where)
        return value, None, None
    if isinstance(value, tuple) and value and all(hasattr(part, "shape") for part in value):
        for i, part in enumerate(value):  # one array per input of a model with several
            _checked_data(part, f"{name}[{i}]", where)
        return value, None, None
    if not _is_array(value) and not isinstance(value, tuple):  # (a tuple of numbers reads as an array)
        if not isinstance(value, (set, frozenset, range)) and (hasattr(value, "__iter__") or
                                                                hasattr(value, "__getitem__")):
            return value, None, None  # a tf.data.Dataset, a keras.utils.PyDataset, a generator
        raise TypeError(message(where, name, _DATA_EXPECTED, value))
    array = check_array(value, name, where=where, min_ndim=1, dtype=None, finite=False)
    if array.dtype == np.bool_:
        return array, array, (float(array.min()), float(array.max()))
    value_range = check_values(array, name, where=where)
    if not (array is value) and isinstance(value, (list, tuple)):
        value = array
    return value, array, value_range


def _needs_unit_targets(loss):
    """Whether the loss is a binary cross-entropy, which needs targets in [0, 1]."""
    bce = (keras.losses.binary_crossentropy, keras.losses.binary_focal_crossentropy)
    if isinstance(loss, (keras.losses.BinaryCrossentropy, keras.losses.BinaryFocalCrossentropy)):
        return True
    if isinstance(loss, str):
        try:
            return keras.losses.get(loss) in bce
        except (ValueError, TypeError):
            return False
    return loss in bce or getattr(loss, "fn", None) in bce


def _output_activation(model):
    """``(layer name, activation)`` of the layer that makes the model's output, or ``(None, None)``.

    Walking back from the output, layers without weights and without an activation
    (reshaping, cropping, a loss layer) are passed over; the first layer with an
    activation gives it, and a layer with weights but no activation means unknown.
    """
    from aecourse.nested import leaf_layers

    for layer in reversed(leaf_layers(model)):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return layer.name, activation
        if layer.weights:
            break
    return None, None


def _check_targets(model, y, y_array, y_range, name, where, autoencoder=False):
    """Targets a BCE loss or a sigmoid output can reach: values in [0, 1]."""
    if y_array is None or y_range is None or (0.0 <= y_range[0] and y_range[1] <= 1.0):
        return
    from aecourse.regularizers import is_bounded_activation

    targets = f"the targets (an autoencoder's are {name} itself)" if autoencoder else "the targets"
    if _needs_unit_targets(model.loss):
        check_values(y_array, name, where=where, min_value=0, max_value=1, value_range_=y_range,
                     expected=f"values in [0, 1], as {targets} of a binary cross-entropy loss must be",
                     fix="Scale the data to [0, 1], or compile with loss='mse' for real-valued data.")
    layer, activation = _output_activation(model)
    function = getattr(activation, "__name__", activation)
    same_shape = tuple(y_array.shape[1:]) == tuple(model.output.shape[1:]) if hasattr(model, "output") else False
    if activation is not None and is_bounded_activation(activation) and function != "softmax" and same_shape:
        check_values(y_array, name, where=where, min_value=0, max_value=1, value_range_=y_range,
                     expected=f"values in [0, 1], as {targets} of a model whose output layer {layer!r} has a "
                              f"{function} activation must be",
                     fix="Scale the data to [0, 1], or use output_activation=None for real-valued data.")


_warned_kl: set = set()


def _warn_kl_after_unbounded(model, where):
    """Warn once per layer about a KLSparsity after a layer whose outputs can leave [0, 1]."""
    from aecourse.nested import leaf_layers
    from aecourse.regularizers import KLSparsity, is_bounded_activation

    layers = leaf_layers(model)
    for before, layer in zip(layers, layers[1:]):
        activation = getattr(before, "activation", None)
        if (isinstance(layer, KLSparsity) and activation is not None and not is_bounded_activation(activation)
                and id(layer) not in _warned_kl):
            _warned_kl.add(id(layer))
            warnings.warn(f"{where}: the KLSparsity layer {layer.name!r} follows {before.name!r}, whose "
                          f"{getattr(activation, '__name__', activation)} activation is not limited to [0, 1]; the "
                          "KL penalty needs codes in [0, 1] (its values cannot be checked inside fit). Use a sigmoid "
                          "code layer.", UserWarning, stacklevel=3)


def _validation_pair(validation_data, x_array, where):
    """``(x_val, y_val[, weights])`` from a tuple, a list ``[x_val, y_val]`` or ``x_val`` alone."""
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3) \
            and all(_is_array(v) and not isinstance(v, list) for v in validation_data):
        first = np.ndim(validation_data[0])
        if x_array is None or first == x_array.ndim:
            return tuple(validation_data)
    if isinstance(validation_data, tuple):
        raise ValueError(message(where, "validation_data", "(x_val, y_val), (x_val, y_val, sample_weight) or x_val "
                                 "alone for an autoencoder", validation_data))
    return (validation_data, validation_data)


def check_fit_data(model, x, y=None, validation_data=None, *, where="check_fit_data", names=("x", "y")):
    """The checks :func:`train` makes on its data before anything runs, for any trainer.

    Arrays are checked with one ``min`` and one ``max`` each: numbers, finite, inputs
    shaped like the model's input (:func:`check_data_shape`), inputs and targets of
    the same length; targets in [0, 1] for a binary cross-entropy loss,
    or of the output's shape for a sigmoid output (8-bit images: divide by 255). A
    ``KLSparsity`` layer after an unbounded activation is warned about once. A dataset
    or a generator is passed on unchecked.

    Args:
        model: the compiled model that will be trained.
        x: training inputs.
        y: training targets, or ``None`` for an autoencoder (``x`` itself).
        validation_data: ``(x_val, y_val)`` (tuple or list), ``x_val`` alone, or ``None``.
        where: the name the messages give (the trainer's).
        names: the names the messages give ``x`` and ``y`` (the caller's argument names).

    Returns:
        ``(x, y, validation_data)``, with ``y`` filled in for arrays (``None`` stays
        ``None`` for a dataset or a generator) and ``validation_data`` as a tuple
        ``(x_val, y_val[, sample_weight])``, a dataset, or ``None``.

    Raises:
        ValueError: for NaN or infinite values, inputs of another shape than the model's,
            lengths that differ, or targets out of [0, 1] as above.
        TypeError: for data that are not numbers.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder((4,), (), 2)
        >>> model.compile(optimizer="adam", loss="binary_crossentropy")
        >>> x, y, val = check_fit_data(model, np.zeros((8, 4)), validation_data=[np.zeros((2, 4))] * 2)
        >>> y is x, len(val)
        (True, 2)
    """
    x_name, y_name = names
    x, x_array, x_range = _checked_data(x, x_name, where)
    check_data_shape(model, x_array, x_name, where=where)
    if y is None and isinstance(x, dict):
        raise ValueError(message(where, y_name, f"the targets, since {x_name} is a dict of inputs", None,
                                 f"Pass them: the targets of an autoencoder are its input, e.g. {x_name}[name]."))
    if y is None and x_array is not None:  # an autoencoder: x is its own target
        y, y_array, y_range = x, x_array, x_range
        _check_targets(model, y, y_array, y_range, x_name, where, autoencoder=True)
    elif y is not None:  # (none for a dataset or a generator: it yields its own targets)
        y, y_array, y_range = _checked_data(y, y_name, where)
        if x_array is not None and y_array is not None and len(y_array) != len(x_array):
            raise ValueError(message(where, y_name, f"one target per example of {x_name} ({len(x_array)})", y_array))
        _check_targets(model, y, y_array, y_range, y_name, where)
    if validation_data is not None and not isinstance(validation_data, (tuple, list, dict)) \
            and not _is_array(validation_data):
        _checked_data(validation_data, "validation_data", where)  # a dataset yields its own pairs
    elif validation_data is not None:
        pair = _validation_pair(validation_data, x_array, where)
        x_val, x_val_array, x_val_range = _checked_data(pair[0], "validation_data[0]", where)
        check_data_shape(model, x_val_array, "validation_data[0]", where=where)
        y_val, y_val_array, y_val_range = _checked_data(pair[1], "validation_data[1]", where)
        if x_val_array is not None and y_val_array is not None and len(x_val_array) != len(y_val_array):
            raise ValueError(message(where, "validation_data", f"one target per validation input ({len(x_val_array)})",
                                     y_val_array))
        _check_targets(model, y_val, y_val_array, y_val_range, "validation_data", where)
        validation_data = (x_val, y_val) + tuple(pair[2:])
    _warn_kl_after_unbounded(model, where)
    return x, y, validation_data


def train(model, x, y=None, *, epochs, batch_size=256, validation_data=None, shuffle=True,
          every=10, callbacks=(), **fit_kwargs):
    """``model.fit`` with compact progress instead of Keras' per-batch bar, and timings.

    Before anything runs, the data are checked with one ``min`` and one ``max`` per
    array: NaN or infinite values are refused (they would train to a NaN loss), and so
    are targets outside [0, 1] when the loss is a binary cross-entropy, or when they
    have the shape of the output and the output is a sigmoid (8-bit images: divide by
    255). A loss name Keras does not
    know is refused in one line. A ``tf.data.Dataset`` or a generator is passed to
    Keras unchecked.

    Args:
        model: a compiled Keras model.
        x: training inputs (a NumPy array, a tensor, or something Keras' ``fit`` takes).
        y: training targets; for an autoencoder leave it ``None`` to use ``x``.
        epochs: number of epochs.
        batch_size: examples per gradient step.
        validation_data: ``(x_val, y_val)`` (a tuple or a list), or just ``x_val`` for
            an autoencoder (never the test set: carve it from the training data with
            :func:`aecourse.data.split_validation`).
        shuffle: shuffle the training arrays every epoch (a dataset or a generator keeps
            its own order).
        every: print a progress line every this many epochs (0 for silence).
        callbacks: more Keras callbacks.
        **fit_kwargs: passed to ``model.fit``.

    Returns:
        A :class:`FitResult`: ``result.history["loss"]`` and the other logged values,
        ``result.seconds`` (wall time of the whole ``fit``), the time of each epoch and
        of validation.

    Raises:
        ValueError: if the model is not compiled or its loss is unknown to Keras,
            ``epochs``/``batch_size`` are below 1, the data hold NaN or infinite values,
            targets are outside [0, 1] for a BCE loss or a sigmoid output, or the
            lengths of inputs and targets differ.
        TypeError: if ``model`` is not a Keras model, ``epochs``, ``batch_size`` or
            ``every`` are not integers, ``shuffle`` not a bool, a callback is not a
            ``keras.callbacks.Callback``, or the data are not numbers.

    Warns:
        UserWarning: once, for a ``KLSparsity`` layer placed after a layer whose
            activation is not limited to [0, 1].

    Example:
        >>> import numpy as np
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder((4,), (), 2)
        >>> model.compile(optimizer="adam", loss="mse")
        >>> x = np.random.default_rng(0).random((32, 4), dtype="float32")
        >>> result = train(model, x, epochs=3, batch_size=8, validation_data=x[:8], every=0)
        >>> sorted(result.history), result.epochs, len(result.times)
        (['loss', 'val_loss'], 3, 3)
    """
    where = "train"
    check_instance(model, "model", keras.Model, where=where, expected="a compiled keras.Model")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError(message(where, "model", "a compiled model", getattr(model, "name", model),
                                 "Call model.compile(optimizer=..., loss=...) first."))
    if model.loss is not None:  # None: the model adds its own loss (add_loss), as the VAE does
        check_loss(model.loss, "loss", where=where,
                   fix="Compile the model again, e.g. model.compile(optimizer='adam', loss='binary_crossentropy').")
    epochs = check_int(epochs, "epochs", where=where, min_value=1)
    batch_size = check_int(batch_size, "batch_size", where=where, min_value=1,
                           fix="Use a batch size such as 256.")
    every = check_int(every, "every", where=where, min_value=0)
    shuffle = check_bool(shuffle, "shuffle", where=where)
    if isinstance(callbacks, keras.callbacks.Callback) or not hasattr(callbacks, "__iter__"):
        raise TypeError(message(where, "callbacks", "a list of keras.callbacks.Callback", callbacks,
                                "Wrap a single callback in a list: callbacks=[callback]."))
    callbacks = list(callbacks)
    for callback in callbacks:
        check_instance(callback, "callbacks", keras.callbacks.Callback, where=where,
                       expected="a list of keras.callbacks.Callback")

    x, y, validation_data = check_fit_data(model, x, y, validation_data, where=where)

    clock = _Clock()
    callbacks = callbacks + [clock]
    if every:
        callbacks.append(CompactProgress(every=every))
    start = time.perf_counter()
    # a dataset or a generator keeps its own order (Keras would warn that it ignores shuffle)
    shuffle = shuffle and (_is_array(x) or isinstance(x, (dict, tuple)))
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                        validation_data=validation_data, verbose=0, callbacks=callbacks, **fit_kwargs)
    seconds = time.perf_counter() - start
    logs = {name: [float(v) for v in values] for name, values in history.history.items()}
    return FitResult(history=logs, seconds=seconds, times=tuple(clock.times),
                     epoch_seconds=tuple(clock.epoch_seconds), eval_seconds=clock.eval_seconds)
