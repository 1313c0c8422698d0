"""Honest comparisons: reconstruction metrics, fit-and-score, runs over seeds, rankings.

The book's comparison rule, in code:

- score every model with the same metrics (:func:`reconstruction_metrics`: BCE, BCE
  above its floor, MSE and PSNR, from :mod:`aecourse.losses`);
- train and score a model in one call (:func:`fit_and_score`): training data only,
  with a validation split carved from the training images
  (:func:`aecourse.data.split_validation`), and the held-out test set scored once,
  at the end.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from aecourse import losses
from aecourse.data import split_validation
from aecourse.validation import check_array, check_instance, check_int, message

__all__ = [
    "reconstruction_metrics",
    "FitScore",
    "fit_and_score",
]


# ------------------------------------------------------------------- metrics


def reconstruction_metrics(x_true, x_pred, *, data_range=1.0):
    """BCE, BCE above its floor, MSE and PSNR of a reconstruction, in one dict.

    All four are means over every value (every pixel of every example), computed with
    :mod:`aecourse.losses`: ``bce`` (:func:`~aecourse.losses.bce`), ``bce_above_floor``
    (``bce`` minus :func:`~aecourse.losses.bce_floor` of the targets: what a model can
    still improve, comparable across datasets), ``mse`` (:func:`~aecourse.losses.mse`)
    and ``psnr`` in dB (:func:`~aecourse.losses.psnr` of the overall MSE). BCE is
    defined for values in [0, 1] only: when the targets or the predictions leave that
    range (a linear output layer), ``bce`` and ``bce_above_floor`` are NaN.

    Args:
        x_true: the targets (for an autoencoder, its inputs).
        x_pred: the reconstruction, same shape.
        data_range: the span of possible values, for PSNR (1.0 for images in [0, 1]).

    Returns:
        ``{"bce": ..., "bce_above_floor": ..., "mse": ..., "psnr": ...}``, floats.

    Raises:
        ValueError: as :func:`aecourse.losses.mse` (shapes differ, empty, NaN or inf).
        TypeError: for non-numeric arrays.

    Example:
        >>> x = np.array([[0.0, 0.5, 1.0]])
        >>> metrics = reconstruction_metrics(x, np.array([[0.1, 0.5, 0.9]]))
        >>> {name: round(value, 4) for name, value in metrics.items()}
        {'bce': 0.3013, 'bce_above_floor': 0.0702, 'mse': 0.0067, 'psnr': 21.7609}
    """
    mse = losses.mse(x_true, x_pred)
    psnr = losses.psnr(x_true, x_pred, data_range=data_range)
    a, b = np.asarray(x_true), np.asarray(x_pred)
    if min(a.min(), b.min()) >= 0 and max(a.max(), b.max()) <= 1:
        bce = losses.bce(a, b)
        above = bce - losses.bce_floor(a)
    else:
        bce = above = math.nan
    return {"bce": bce, "bce_above_floor": above, "mse": mse, "psnr": psnr}


# -------------------------------------------------------------- fit and score


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class FitScore:
    """A model trained on training data and scored once on held-out data: :func:`fit_and_score`.

    Attributes:
        metrics: :func:`reconstruction_metrics` on the held-out set: ``{"bce",
            "bce_above_floor", "mse", "psnr"}``.
        parameters: the model's parameter count.
        seconds: wall time of the training (validation included, scoring excluded).
        epochs: epochs trained.
        validation_loss: the loss on the validation split after the last epoch (the
            compiled loss, penalties included), or ``None`` without a validation split.
        recipe: the :class:`~aecourse.training.KerasRecipe` or
            :class:`~aecourse.fast.FastRecipe` trained with.
        fit: the :class:`~aecourse.training.FitResult` of the training.
        model: the trained model.
        predictions: the model's outputs for the held-out inputs.

    Example:
        >>> score = FitScore(metrics={"bce": 0.2, "bce_above_floor": 0.05, "mse": 0.01, "psnr": 20.0},
        ...                  parameters=100, seconds=4.0, epochs=2, validation_loss=None)
        >>> score.seconds_per_epoch, score.as_dict()["parameters"]
        (2.0, 100)
    """

    metrics: dict
    parameters: int
    seconds: float
    epochs: int
    validation_loss: float | None = None
    recipe: object = None
    fit: object = None
    model: object = None
    predictions: np.ndarray | None = None

    @property
    def seconds_per_epoch(self) -> float:
        """Training wall time divided by the number of epochs."""
        return self.seconds / self.epochs

    def as_dict(self):
        """The numbers as one flat dict: the metrics, parameters, time, validation loss.

        This is the row a function passed to :func:`over_seeds` can return.

        Returns:
            ``{"bce", "bce_above_floor", "mse", "psnr", "parameters", "seconds",
            "seconds_per_epoch"}`` and ``"validation_loss"`` when there was a validation
            split.

        Example:
            >>> FitScore({"mse": 0.01}, 10, 3.0, 3, validation_loss=0.02).as_dict()
            {'mse': 0.01, 'parameters': 10, 'seconds': 3.0, 'seconds_per_epoch': 1.0, 'validation_loss': 0.02}
        """
        row = dict(self.metrics, parameters=self.parameters, seconds=self.seconds,
                   seconds_per_epoch=self.seconds_per_epoch)
        if self.validation_loss is not None:
            row["validation_loss"] = self.validation_loss
        return row

    def __repr__(self):
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in self.metrics.items())
        return f"FitScore({metrics}, parameters={self.parameters:,}, seconds={self.seconds:.3g})"


def fit_and_score(model, x_train, x_test, *, recipe=None, y_train=None, y_test=None, loss="binary_crossentropy",
                  validation_size=0.1, seed=0, every=0):
    """Train a model with a recipe on training data, then score it once on held-out data.

    1. A validation split is carved from the training data
       (:func:`aecourse.data.split_validation` with ``validation_size`` and ``seed``);
       the model trains on the rest and reports its validation loss. Choose and stop
       on that, never on the test set.
    2. The model is compiled with ``loss`` and the recipe's optimizer and trained:
       with :func:`aecourse.training.train` (``model.fit``) for a
       :class:`~aecourse.training.KerasRecipe`, or with :func:`aecourse.fast.fit_fast`
       for a :class:`~aecourse.fast.FastRecipe`.
    3. The test inputs are reconstructed once and scored with
       :func:`reconstruction_metrics`.

    For runs that repeat, seed everything first: call
    :func:`aecourse.training.set_seed` with the same seed *before* building the model,
    so that its initial weights and the shuffles follow the seed too.

    Args:
        model: a Keras model (it is compiled here).
        x_train: training inputs, ``(n, ...)``.
        x_test: held-out inputs, scored once after training.
        recipe: a :class:`~aecourse.training.KerasRecipe` (default: its defaults, the
            article's recipe) or a :class:`~aecourse.fast.FastRecipe`.
        y_train: training targets (default: ``x_train``, an autoencoder); for a
            denoising autoencoder, the clean images of the noisy ``x_train``.
        y_test: held-out targets (default: ``x_test``).
        loss: a Keras loss, name or object.
        validation_size: the validation split, a fraction in (0, 1) or a number of
            examples; 0 trains on every training example, without validation.
        seed: seed of the validation split (and of the fast recipe's shuffles).
        every: print a progress line every this many epochs (0 for silence).

    Returns:
        A :class:`FitScore`.

    Raises:
        TypeError: for a model or recipe of the wrong type, or non-numeric data.
        ValueError: for data of mismatched lengths or shapes, or a bad
            ``validation_size``.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> from aecourse.training import KerasRecipe, set_seed
        >>> x = np.random.default_rng(0).random((40, 16), dtype="float32")
        >>> set_seed(0)
        >>> score = fit_and_score(dense_autoencoder((16,), (8,), 4), x[:30], x[30:],
        ...                       recipe=KerasRecipe(epochs=2, batch_size=8))
        >>> sorted(score.metrics), score.parameters, score.epochs, score.predictions.shape
        (['bce', 'bce_above_floor', 'mse', 'psnr'], 356, 2, (10, 16))
    """
    import keras

    from aecourse.fast import FastRecipe, fit_fast
    from aecourse.training import KerasRecipe, train

    where = "fit_and_score"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    recipe = KerasRecipe() if recipe is None else recipe
    check_instance(recipe, "recipe", (KerasRecipe, FastRecipe), where=where,
                   expected="a KerasRecipe or a FastRecipe")
    x_train = check_array(x_train, "x_train", where=where, min_ndim=2)
    x_test = check_array(x_test, "x_test", where=where, min_ndim=2)
    y_train = x_train if y_train is None else check_array(y_train, "y_train", where=where, min_ndim=2)
    y_test = x_test if y_test is None else check_array(y_test, "y_test", where=where, min_ndim=2)
    for name, x, y in (("y_train", x_train, y_train), ("y_test", x_test, y_test)):
        if len(y) != len(x):
            raise ValueError(message(where, name, f"one target per input ({len(x)})", y))
    seed = check_int(seed, "seed", where=where, min_value=0)
    every = check_int(every, "every", where=where, min_value=0)
    if isinstance(validation_size, (int, np.integer)) and not isinstance(validation_size, bool) \
            and validation_size == 0:
        validation = None
        x_fit, y_fit = x_train, y_train
    else:
        (x_fit, y_fit), validation = split_validation(x_train, y_train, validation_size=validation_size, seed=seed)

    if isinstance(recipe, FastRecipe):
        fit = fit_fast(model, x_fit, y_fit, recipe=recipe, validation_data=validation, loss=loss, seed=seed,
                       every=every)
    else:
        model.compile(optimizer=recipe.optimizer(), loss=loss)
        fit = train(model, x_fit, y_fit, epochs=recipe.epochs, batch_size=recipe.batch_size,
                    validation_data=validation, shuffle=recipe.shuffle, every=every)
    predictions = model.predict(x_test, batch_size=1024, verbose=0)
    return FitScore(
        metrics=reconstruction_metrics(y_test, predictions),
        parameters=int(model.count_params()),
        seconds=fit.seconds,
        epochs=fit.epochs,
        validation_loss=fit.history["val_loss"][-1] if validation is not None else None,
        recipe=recipe,
        fit=fit,
        model=model,
        predictions=predictions,
    )

