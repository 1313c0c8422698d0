"""Sparsity penalties for autoencoder codes, and a way to measure sparsity.

A code is *sparse* when only a few of its units are active for any one input. This
module holds the two usual ways of asking for it and one way of checking you got it:

- **KL sparsity** (Andrew Ng's CS294A notes): with ``rho`` a small target activation and
  ``rho_hat_j`` the mean activation of code unit ``j`` over a batch, add

  .. math::

     \\beta \\sum_j \\mathrm{KL}(\\rho \\,\\|\\, \\hat\\rho_j), \\qquad
     \\mathrm{KL}(\\rho \\,\\|\\, \\hat\\rho_j) = \\rho \\log\\frac{\\rho}{\\hat\\rho_j}
       + (1 - \\rho) \\log\\frac{1 - \\rho}{1 - \\hat\\rho_j}

  to the loss. :func:`kl_divergence` computes the divergence in NumPy;
  :class:`KLSparsity` is the Keras layer that adds the penalty during training. The
  penalty needs activations in (0, 1), so use sigmoid code units.
- **L1 sparsity**: ``keras.regularizers.L1(l1)`` as a layer's ``activity_regularizer``.
  Nothing to add here, but mind how Keras scales it (below).
- :func:`sparsity_report` measures what a trained encoder actually does: per-unit mean
  activation, the fraction of units active per input, and dead units.

**Why KLSparsity is a layer, not a regularizer.** Keras 3.15 divides the value an
``activity_regularizer`` returns by the batch size before adding it to the loss
(``keras/src/layers/layer.py``, ``Layer.__call__``). That is right for an element-wise
penalty summed over the batch, but the KL penalty is already a function of the batch
*mean*; as a regularizer it would come out ``batch_size`` times too small, and
multiplying back would silently break again if Keras changes its scaling.
:class:`KLSparsity` is a pass-through layer instead: it returns its input unchanged and
calls ``self.add_loss`` with exactly ``beta * sum_j KL(rho || rho_hat_j)``, whatever the
batch size. Place it right after the code layer (``aecourse.models.dense_autoencoder``
does that when you pass it as ``activity_regularizer=``).

**How the installed Keras scales an L1 activity penalty.** With Keras 3.15, a layer with
``activity_regularizer=keras.regularizers.L1(l1)`` adds, for a batch of ``B`` codes
``a`` (shape ``(B, units)``),

.. math::

   \\frac{l_1}{B} \\sum_{i=1}^{B} \\sum_j |a_{ij}|
   = l_1 \\cdot \\text{(mean over the batch of the per-input sum of } |a_{ij}|\\text{)},

so the strength is per input and does not change with the batch size. Keras 3 releases
before keras-team/keras pull request 22021 (January 2026) added the batch *sum*
``l1 * sum |a|`` instead, so a strength tuned there was effectively ``B`` times
stronger than the same number is now. A published strength (such as the ``1e-4`` of
the Keras blog's sparse autoencoder) therefore only means something together with the
Keras version and batch size it was used with. ``tests/test_regularizers.py`` pins the
behaviour described here.

Both penalties are added to the loss Keras reports (``fit`` and ``evaluate`` logs show
reconstruction + penalty); compute the reconstruction error separately when you
compare models.

Example:
    >>> import keras
    >>> from aecourse.models import dense_autoencoder
    >>> model = dense_autoencoder((784,), hidden_units=(), latent_dim=196,
    ...                           latent_activation="sigmoid",
    ...                           activity_regularizer=KLSparsity(rho=0.05, beta=0.01))
    >>> model.compile(optimizer="adam", loss="binary_crossentropy")
"""

from __future__ import annotations

import dataclasses
import numbers

import keras
import numpy as np
from keras import ops

from aecourse.losses import EPSILON

__all__ = ["kl_divergence", "KLSparsity", "SparsityReport", "sparsity_report"]

# Mean activations are clipped to ``[EPSILON, 1 - EPSILON]`` (:data:`aecourse.losses.EPSILON`,
# Keras' own ``keras.config.epsilon()`` default, still distinguishable from 1 in float32)
# before taking logarithms, so that a unit whose batch mean is exactly 0 or 1 gives a
# large but finite penalty (about ``rho * log(rho / EPSILON)``) instead of ``inf``.


# ------------------------------------------------------------------- validation


def _check_rho(rho, where):
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real):
        raise ValueError(
            f"{where}: rho must be a number strictly between 0 and 1 (the target mean activation, "
            f"e.g. 0.05), received {rho!r} ({type(rho).__name__})"
        )
    if not 0.0 < float(rho) < 1.0:
        raise ValueError(
            f"{where}: rho must be strictly between 0 and 1 (the target mean activation, e.g. 0.05), "
            f"received {rho!r}"
        )
    return float(rho)


def _check_beta(beta, where):
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise ValueError(
            f"{where}: beta must be a non-negative number (the weight of the penalty), "
            f"received {beta!r} ({type(beta).__name__})"
        )
    if not np.isfinite(float(beta)) or float(beta) < 0:
        raise ValueError(
            f"{where}: beta must be a finite number >= 0 (the weight of the penalty; 0 switches it off), "
            f"received {beta!r}"
        )
    return float(beta)


def _as_float_array(x, name, where):
    try:
        array = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(f"{where}: {name} must be array-like of numbers, received {type(x).__name__} ({exc})") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"{where}: {name} must hold numbers, received an array of dtype {array.dtype}")
    return array.astype(np.float64)


# ---------------------------------------------------------------- KL divergence


def kl_divergence(rho, rho_hat):
    """Bernoulli KL divergence ``KL(rho || rho_hat)``, element-wise, in NumPy.

    .. math::

       \\mathrm{KL}(\\rho \\,\\|\\, \\hat\\rho) = \\rho \\log\\frac{\\rho}{\\hat\\rho}
         + (1 - \\rho) \\log\\frac{1 - \\rho}{1 - \\hat\\rho}

    It is 0 when ``rho_hat == rho`` and grows as ``rho_hat`` moves away from ``rho`` in
    either direction (natural logarithms, so the unit is nats). ``rho_hat`` is clipped to
    ``[EPSILON, 1 - EPSILON]`` first, so a mean activation of exactly 0 or 1 gives a
    large finite value rather than ``inf``.

    Args:
        rho: target activation(s), strictly between 0 and 1; a number or an array that
            broadcasts against ``rho_hat``.
        rho_hat: mean activation(s) in [0, 1], a number or an array (for example one
            value per code unit).

    Returns:
        A float64 array of the broadcast shape (a 0-d array for two scalars; wrap it in
        ``float`` for a plain number).

    Raises:
        ValueError: if ``rho`` is not strictly inside (0, 1), ``rho_hat`` lies outside
            [0, 1] or is NaN, or the shapes do not broadcast.
        TypeError: if an argument does not hold numbers.

    Example:
        >>> float(kl_divergence(0.05, 0.05))
        0.0
        >>> round(float(kl_divergence(0.05, 0.5)), 4)
        0.4946
    """
    where = "kl_divergence"
    rho_a = _as_float_array(rho, "rho", where)
    rho_hat_a = _as_float_array(rho_hat, "rho_hat", where)
    if rho_a.size == 0 or rho_hat_a.size == 0:
        raise ValueError(f"{where}: received an empty array (rho shape {rho_a.shape}, rho_hat shape {rho_hat_a.shape})")
    if np.any(np.isnan(rho_a)) or np.any((rho_a <= 0) | (rho_a >= 1)):
        bad = rho_a[np.isnan(rho_a) | (rho_a <= 0) | (rho_a >= 1)].ravel()[0]
        raise ValueError(f"{where}: rho must be strictly between 0 and 1, received a value {float(bad)!r}")
    if np.any(np.isnan(rho_hat_a)) or np.any((rho_hat_a < 0) | (rho_hat_a > 1)):
        bad = rho_hat_a[np.isnan(rho_hat_a) | (rho_hat_a < 0) | (rho_hat_a > 1)].ravel()[0]
        raise ValueError(
            f"{where}: rho_hat must be mean activations in [0, 1] (use sigmoid code units), "
            f"received a value {float(bad)!r}"
        )
    try:
        rho_a, rho_hat_a = np.broadcast_arrays(rho_a, rho_hat_a)
    except ValueError:
        raise ValueError(
            f"{where}: shapes of rho {np.shape(rho)} and rho_hat {np.shape(rho_hat)} do not broadcast"
        ) from None
    q = np.clip(rho_hat_a, EPSILON, 1.0 - EPSILON)
    return rho_a * np.log(rho_a / q) + (1.0 - rho_a) * np.log((1.0 - rho_a) / (1.0 - q))


# ------------------------------------------------------------------ KLSparsity


@keras.saving.register_keras_serializable(package="aecourse")
class KLSparsity(keras.layers.Layer):
    """Pass-through layer adding the KL sparsity penalty of its input to the model's loss.

    On every call it returns its input unchanged and adds

    ``beta * sum_j KL(rho || rho_hat_j)``, with ``rho_hat_j = mean over the batch of
    input[:, j]``

    with ``self.add_loss``, exactly, for any batch size (no division by the batch size,
    unlike an ``activity_regularizer``; see the module docstring). The batch means are
    clipped to ``[EPSILON, 1 - EPSILON]`` as in :func:`kl_divergence`. The input must be
    activations in (0, 1): put the layer right after a sigmoid code layer. For inputs
    of rank above 2 every non-batch position counts as a unit.

    The penalty is part of the loss ``fit`` minimises and of the loss ``evaluate``
    reports; it does not change predictions.

    Args:
        rho: target mean activation, strictly between 0 and 1 (Ng's notes use 0.05).
        beta: weight of the penalty, >= 0. Its useful size depends on the
            reconstruction loss it is added to and on the number of units: Keras
            losses average over pixels, so the values that work are far smaller than
            in formulations that sum the error over pixels. The default 0.01 suits a
            BCE loss and a code of a few hundred sigmoid units on MNIST-sized images;
            the course's sparsity chapter sweeps it.
        **kwargs: ``name`` and other ``keras.layers.Layer`` arguments.

    Raises:
        ValueError: if ``rho`` is not strictly between 0 and 1, or ``beta`` is negative,
            not finite or not a number.

    Example:
        >>> import numpy as np
        >>> layer = KLSparsity(rho=0.05, beta=0.5, name="kl_sparsity")
        >>> codes = np.full((8, 3), 0.5, dtype="float32")
        >>> _ = layer(codes)
        >>> round(float(layer.losses[0]), 4)  # 0.5 * 3 * KL(0.05 || 0.5)
        0.7419
    """

    def __init__(self, rho=0.05, beta=0.01, **kwargs):
        super().__init__(**kwargs)
        self.rho = _check_rho(rho, "KLSparsity")
        self.beta = _check_beta(beta, "KLSparsity")

    def penalty(self, activations):
        """``beta * sum_j KL(rho || rho_hat_j)`` of a batch of activations, as a scalar tensor.

        Args:
            activations: a batch of activations in (0, 1), shape ``(batch, units)``.

        Returns:
            A float32 scalar tensor.

        Example:
            >>> layer = KLSparsity(rho=0.05, beta=1.0)
            >>> round(float(layer.penalty(np.full((4, 2), 0.05, "float32"))), 6)  # on target: no penalty
            0.0
        """
        x = ops.cast(activations, "float32")
        rho_hat = ops.clip(ops.mean(x, axis=0), EPSILON, 1.0 - EPSILON)
        rho = self.rho
        kl = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat))
        return self.beta * ops.sum(kl)

    def call(self, inputs):
        self.add_loss(self.penalty(inputs))
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "beta": self.beta})
        return config


# ------------------------------------------------------------- sparsity report


@dataclasses.dataclass(frozen=True)
class SparsityReport:
    """How sparse a batch of codes is: the result of :func:`sparsity_report`.

    Attributes:
        threshold: a unit counts as active for an input when its activation exceeds this.
        rho_hat: mean activation of each unit over the inputs, shape ``(units,)``.
        unit_active_rate: fraction of inputs for which each unit is active, ``(units,)``.
        active_fraction: fraction of units active for each input, shape ``(inputs,)``.
        dead_units: indices of the units active for no input at all.

    Example:
        >>> report = sparsity_report(np.array([[0.9, 0.0], [0.7, 0.05]]))
        >>> report.n_units, report.n_dead, report.mean_active_units
        (2, 1, 1.0)
    """

    threshold: float
    rho_hat: np.ndarray
    unit_active_rate: np.ndarray
    active_fraction: np.ndarray
    dead_units: np.ndarray

    @property
    def n_units(self) -> int:
        """Number of code units."""
        return int(self.rho_hat.shape[0])

    @property
    def n_inputs(self) -> int:
        """Number of inputs the report was computed on."""
        return int(self.active_fraction.shape[0])

    @property
    def n_dead(self) -> int:
        """Number of dead units (never active)."""
        return int(self.dead_units.shape[0])

    @property
    def mean_activation(self) -> float:
        """Mean activation over all units and inputs (the mean of ``rho_hat``)."""
        return float(np.mean(self.rho_hat))

    @property
    def mean_active_fraction(self) -> float:
        """Fraction of units active for an input, averaged over the inputs."""
        return float(np.mean(self.active_fraction))

    @property
    def mean_active_units(self) -> float:
        """Number of units active for an input, averaged over the inputs."""
        return self.mean_active_fraction * self.n_units

    def as_dict(self) -> dict:
        """The summary numbers as a dict of plain Python values (one row of a table).

        Returns:
            ``{"units", "inputs", "threshold", "mean_activation",
            "mean_active_fraction", "mean_active_units", "dead_units"}``, the last
            one a count.

        Example:
            >>> sparsity_report(np.array([[0.9, 0.0], [0.7, 0.05]])).as_dict()["dead_units"]
            1
        """
        return {
            "units": self.n_units,
            "inputs": self.n_inputs,
            "threshold": self.threshold,
            "mean_activation": self.mean_activation,
            "mean_active_fraction": self.mean_active_fraction,
            "mean_active_units": self.mean_active_units,
            "dead_units": self.n_dead,
        }

    def summary(self, digits=3) -> str:
        """A few lines of text with the summary numbers, rounded to ``digits`` decimals.

        Args:
            digits: decimals of the rounded fractions.

        Returns:
            A string of four lines (also what ``print(report)`` shows).

        Example:
            >>> print(sparsity_report(np.array([[0.9, 0.0], [0.7, 0.05]])).summary(digits=2))
            2 units, 2 inputs, active = activation > 0.1
            mean activation (mean of rho_hat): 0.41
            active units per input: 1.0 of 2 (fraction 0.50)
            dead units (never active): 1
        """
        d = int(digits)
        return (
            f"{self.n_units} units, {self.n_inputs} inputs, active = activation > {self.threshold:g}\n"
            f"mean activation (mean of rho_hat): {self.mean_activation:.{d}f}\n"
            f"active units per input: {self.mean_active_units:.1f} of {self.n_units} "
            f"(fraction {self.mean_active_fraction:.{d}f})\n"
            f"dead units (never active): {self.n_dead}"
        )

    def __str__(self) -> str:
        return self.summary()


def sparsity_report(codes, threshold=0.1):
    """Measure the sparsity of a batch of codes: mean activations, active and dead units.

    Args:
        codes: array of shape ``(inputs, units)``, for example
            ``model.get_layer("encoder").predict(x, verbose=0)``.
        threshold: a unit is *active* for an input when its activation is greater than
            this. The default 0.1 suits sigmoid codes; for ReLU codes ``threshold=0``
            counts every non-zero activation.

    Returns:
        A :class:`SparsityReport`; ``print`` it for a summary, use ``.as_dict()`` for a
        table row, and :func:`aecourse.viz.plot_rho_hat` for the histogram of ``rho_hat``.

    Raises:
        ValueError: if ``codes`` is not a non-empty 2-D array of finite numbers, or
            ``threshold`` is not a finite number.
        TypeError: if ``codes`` does not hold numbers.

    Example:
        >>> codes = np.array([[0.9, 0.0, 0.0], [0.8, 0.3, 0.0]])
        >>> report = sparsity_report(codes, threshold=0.1)
        >>> report.rho_hat.round(2).tolist(), report.active_fraction.round(3).tolist()
        ([0.85, 0.15, 0.0], [0.333, 0.667])
        >>> report.dead_units.tolist()
        [2]
    """
    where = "sparsity_report"
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(float(threshold)):
        raise ValueError(f"{where}: threshold must be a finite number such as 0.1, received {threshold!r}")
    x = _as_float_array(codes, "codes", where)
    if x.ndim != 2:
        raise ValueError(
            f"{where}: codes must be a 2-D array of shape (inputs, units), received shape {x.shape}; "
            "reshape feature maps with codes.reshape(len(codes), -1) first"
        )
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{where}: codes must hold at least one input and one unit, received shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{where}: codes hold NaN or infinite values")
    active = x > float(threshold)
    unit_active_rate = active.mean(axis=0)
    return SparsityReport(
        threshold=float(threshold),
        rho_hat=x.mean(axis=0),
        unit_active_rate=unit_active_rate,
        active_fraction=active.mean(axis=1),
        dead_units=np.flatnonzero(unit_active_rate == 0),
    )
