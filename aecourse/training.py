"""Training helpers: reproducible seeds and compact progress for notebooks.

Keras' default progress bar prints a line per batch; on a rendered page 50 epochs of
it bury the chapter. :class:`CompactProgress` prints one short line every few epochs
instead, and :func:`train` wraps ``model.fit`` with it.
"""

from __future__ import annotations

import numbers
import sys
import time

import keras

__all__ = ["set_seed", "CompactProgress", "train"]


def set_seed(seed=0, deterministic=True):
    """Seed Python, NumPy and the Keras backend, and make TensorFlow ops deterministic.

    Call it once at the top of a notebook or script; two runs on the same machine then
    print the same numbers.

    Args:
        seed: an integer seed.
        deterministic: also ask TensorFlow for deterministic kernels
            (``tf.config.experimental.enable_op_determinism``), so that multi-threaded
            reductions add up in the same order every time.

    Example:
        >>> set_seed(0)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"set_seed(seed={seed!r}): expected a non-negative integer")
    keras.utils.set_random_seed(int(seed))
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

    Example:
        >>> model.fit(x, x, epochs=50, verbose=0, callbacks=[CompactProgress(every=10)])  # doctest: +SKIP
    """

    def __init__(self, every=10, metrics=None, stream=None):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
            raise ValueError(f"CompactProgress(every={every!r}): expected a positive integer")
        self.every = int(every)
        self.metrics = None if metrics is None else list(metrics)
        self.stream = stream
        self._start = None
        self._epochs = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs = self.params.get("epochs") if self.params else None

    def format_line(self, epoch, logs, elapsed):
        """The printed line for ``epoch`` (1-based) with ``logs`` after ``elapsed`` seconds."""
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


def train(model, x, y=None, *, epochs, batch_size=256, validation_data=None, shuffle=True,
          every=10, callbacks=(), **fit_kwargs):
    """``model.fit`` with compact progress instead of Keras' per-batch bar.

    Args:
        model: a compiled Keras model.
        x: training inputs.
        y: training targets; for an autoencoder leave it ``None`` to use ``x``.
        epochs: number of epochs.
        batch_size: examples per gradient step.
        validation_data: ``(x_val, y_val)``, or just ``x_val`` for an autoencoder.
        shuffle: shuffle the training data every epoch.
        every: print a progress line every this many epochs (0 for silence).
        callbacks: more Keras callbacks.
        **fit_kwargs: passed to ``model.fit``.

    Returns:
        The ``keras.callbacks.History``; its extra attribute ``seconds`` holds the
        wall-clock time of the whole ``fit``.

    Example:
        >>> history = train(model, x_train, epochs=50, validation_data=x_test)  # doctest: +SKIP
    """
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError("train: the model is not compiled; call model.compile(optimizer=..., loss=...) first")
    if y is None:
        y = x
    if validation_data is not None and not isinstance(validation_data, tuple):
        validation_data = (validation_data, validation_data)
    callbacks = list(callbacks)
    if every:
        callbacks.append(CompactProgress(every=every))
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                        validation_data=validation_data, verbose=0, callbacks=callbacks, **fit_kwargs)
    history.seconds = time.perf_counter() - start
    return history
