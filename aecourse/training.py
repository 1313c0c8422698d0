"""Training helpers: reproducible seeds, compact progress, and one result type.

Keras' default progress bar prints a line per batch; on a rendered page 50 epochs of
it bury the chapter. :class:`CompactProgress` prints one short line every few epochs
instead, and :func:`train` wraps ``model.fit`` with it. Every training function of the
package (:func:`train`, :func:`aecourse.fast.fit_fast`) returns a :class:`FitResult`:
the per-epoch logs and how long each part took.
"""

from __future__ import annotations

import dataclasses
import sys
import time

import keras

from aecourse.validation import check_bool, check_float, check_int, message

__all__ = ["set_seed", "CompactProgress", "FitResult", "KerasRecipe", "train"]


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
    seed = check_int(seed, "seed", where="set_seed", min_value=0, max_value=2**32 - 1)
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
        metrics: names of the logged values to show (default: all of them, in the
            order Keras logs them).
        stream: where to print (default ``sys.stdout``).

    Raises:
        TypeError: if ``every`` is not an integer.
        ValueError: if ``every`` is below 1.

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
        self.every = check_int(every, "every", where="CompactProgress", min_value=1)
        self.metrics = None if metrics is None else list(metrics)
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
        values = "  ".join(f"{k} {_format_value(float(logs[k]))}" for k in names if k in logs)
        return f"epoch {epoch:>{width}}/{total}  {values}  [{elapsed:.1f} s]"

    def on_epoch_end(self, epoch, logs=None):
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
        if not self.history.get(name):
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


def train(model, x, y=None, *, epochs, batch_size=256, validation_data=None, shuffle=True,
          every=10, callbacks=(), **fit_kwargs):
    """``model.fit`` with compact progress instead of Keras' per-batch bar, and timings.

    Args:
        model: a compiled Keras model.
        x: training inputs.
        y: training targets; for an autoencoder leave it ``None`` to use ``x``.
        epochs: number of epochs.
        batch_size: examples per gradient step.
        validation_data: ``(x_val, y_val)``, or just ``x_val`` for an autoencoder
            (never the test set: carve it from the training data with
            :func:`aecourse.data.split_validation`).
        shuffle: shuffle the training data every epoch.
        every: print a progress line every this many epochs (0 for silence).
        callbacks: more Keras callbacks.
        **fit_kwargs: passed to ``model.fit``.

    Returns:
        A :class:`FitResult`: ``result.history["loss"]`` and the other logged values,
        ``result.seconds`` (wall time of the whole ``fit``), the time of each epoch and
        of validation.

    Raises:
        ValueError: if the model is not compiled, or ``epochs``/``batch_size`` are
            below 1.
        TypeError: if ``epochs``, ``batch_size`` or ``every`` are not integers.

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
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError(message("train", "model", "a compiled model", getattr(model, "name", model),
                                 "Call model.compile(optimizer=..., loss=...) first."))
    epochs = check_int(epochs, "epochs", where="train", min_value=1)
    batch_size = check_int(batch_size, "batch_size", where="train", min_value=1)
    every = check_int(every, "every", where="train", min_value=0)
    if y is None:
        y = x
    if validation_data is not None and not isinstance(validation_data, tuple):
        validation_data = (validation_data, validation_data)
    clock = _Clock()
    callbacks = list(callbacks) + [clock]
    if every:
        callbacks.append(CompactProgress(every=every))
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                        validation_data=validation_data, verbose=0, callbacks=callbacks, **fit_kwargs)
    seconds = time.perf_counter() - start
    logs = {name: [float(v) for v in values] for name, values in history.history.items()}
    return FitResult(history=logs, seconds=seconds, times=tuple(clock.times),
                     epoch_seconds=tuple(clock.epoch_seconds), eval_seconds=clock.eval_seconds)
