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

import keras
import numpy as np
from keras import ops

from aecourse.losses import EPSILON
from aecourse.validation import check_array, check_float, check_int, check_values, message

__all__ = ["kl_divergence", "KLSparsity", "SparsityReport", "sparsity_report", "BOUNDED_ACTIVATIONS",
           "is_bounded_activation"]

# Mean activations are clipped to ``[EPSILON, 1 - EPSILON]`` (:data:`aecourse.losses.EPSILON`,
# Keras' own ``keras.config.epsilon()`` default, still distinguishable from 1 in float32)
# before taking logarithms, so that a unit whose batch mean is exactly 0 or 1 gives a
# large but finite penalty (about ``rho * log(rho / EPSILON)``) instead of ``inf``.


# ------------------------------------------------------------------- validation


def _check_rho(rho, where):
    return check_float(rho, "rho", where=where, min_value=0, max_value=1, min_inclusive=False, max_inclusive=False,
                       fix="It is the target mean activation of a code unit, e.g. 0.05.")


def _check_beta(beta, where):
    return check_float(beta, "beta", where=where, min_value=0,
                       fix="It is the weight of the penalty, e.g. 0.01; 0 switches it off.")


def _as_float_array(x, name, where, min_ndim=0):
    return check_array(x, name, where=where, min_ndim=min_ndim, dtype="float64", finite=False, min_length=0)


_SIGMOID_FIX = ("The KL penalty compares mean activations with rho, so the code must lie in [0, 1]: "
                "use a sigmoid code layer (latent_activation='sigmoid').")


def _concrete(values):
    """``values`` as a NumPy array if they are concrete (NumPy, or an eager TensorFlow tensor), else ``None``.

    Inside a traced graph (``fit``) the values are not known and nothing can be checked.
    """
    if isinstance(values, np.ndarray):
        return values
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if tf.executing_eagerly() and isinstance(values, tf.Tensor):
            return values.numpy()
    return None


def _check_activations(values, where):
    """Reject concrete activations outside [0, 1] (one min and one max)."""
    array = _concrete(values)
    if array is not None and array.size:
        check_values(array, "activations", where=where, min_value=0, max_value=1, fix=_SIGMOID_FIX, images=False)


#: Activations whose outputs lie in [0, 1], the range the KL penalty needs.
BOUNDED_ACTIVATIONS = ("sigmoid", "hard_sigmoid", "softmax")


def is_bounded_activation(activation):
    """Whether a Keras activation (a name or a function) has outputs in [0, 1].

    Args:
        activation: a name such as ``"sigmoid"``, a Keras activation function, or ``None``.

    Returns:
        ``True`` for sigmoid, hard sigmoid and softmax; ``False`` otherwise (``None``,
        the linear activation, ReLU, ...).

    Example:
        >>> is_bounded_activation("sigmoid"), is_bounded_activation("relu"), is_bounded_activation(None)
        (True, False, False)
    """
    if activation is None:
        return False
    try:
        function = keras.activations.get(activation)
    except (ValueError, TypeError):
        return False
    return any(function is keras.activations.get(name) for name in BOUNDED_ACTIVATIONS)


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
            [0, 1] or is NaN or infinite, an array is empty, or the shapes do not
            broadcast.
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
    for name, array in (("rho", rho_a), ("rho_hat", rho_hat_a)):
        if array.size == 0:
            raise ValueError(message(where, name, "a number or a non-empty array", array))
    low, high = check_values(rho_a, "rho", where=where, fix="It is the target mean activation, e.g. 0.05.")
    if not (0.0 < low and high < 1.0):
        raise ValueError(message(where, "rho", "values strictly between 0 and 1", rho_a,
                                 "It is the target mean activation, e.g. 0.05.",
                                 received=f"{rho!r}" if rho_a.ndim == 0 else
                                 f"array of shape {rho_a.shape} with values from {low:g} to {high:g}"))
    check_values(rho_hat_a, "rho_hat", where=where, min_value=0, max_value=1, images=False,
                 fix="They are mean activations of sigmoid code units, in [0, 1].")
    try:
        rho_a, rho_hat_a = np.broadcast_arrays(rho_a, rho_hat_a)
    except ValueError:
        raise ValueError(message(where, "rho_hat", f"an array that broadcasts against rho (shape {rho_a.shape})",
                                 rho_hat_a, "Pass one rho, or one per unit.")) from None
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

    Codes outside [0, 1] (after a ReLU or a linear code layer) make the penalty
    meaningless. Concrete values (a NumPy array, or an eager call such as
    ``layer(codes)``) are checked and rejected; inside a traced graph (``fit``) values
    cannot be checked, so the checks are made on the model instead:
    :func:`aecourse.models.dense_autoencoder` refuses a ``KLSparsity`` after a code
    activation that is not in [0, 1] (see :func:`is_bounded_activation`), and
    :func:`aecourse.training.train` warns once about a ``KLSparsity`` placed after
    such a layer.

    Raises:
        ValueError: if ``rho`` is not strictly between 0 and 1, ``beta`` is negative or
            not finite, or concrete activations lie outside [0, 1].
        TypeError: if ``rho`` or ``beta`` is not a number.

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

        Raises:
            ValueError: for concrete activations outside [0, 1].

        Example:
            >>> layer = KLSparsity(rho=0.05, beta=1.0)
            >>> round(float(layer.penalty(np.full((4, 2), 0.05, "float32"))), 6)  # on target: no penalty
            0.0
        """
        _check_activations(activations, "KLSparsity")
        x = ops.cast(activations, "float32")
        rho_hat = ops.clip(ops.mean(x, axis=0), EPSILON, 1.0 - EPSILON)
        rho = self.rho
        kl = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat))
        return self.beta * ops.sum(kl)

    def __call__(self, inputs, *args, **kwargs):
        # concrete values are checked before Keras wraps the call, so the error reads first
        _check_activations(inputs, "KLSparsity")
        return super().__call__(inputs, *args, **kwargs)

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
            digits: decimals of the rounded fractions, an integer from 0 to 17.

        Returns:
            A string of four lines (also what ``print(report)`` shows).

        Raises:
            TypeError: if ``digits`` is not an integer.
            ValueError: if it is outside 0..17.

        Example:
            >>> print(sparsity_report(np.array([[0.9, 0.0], [0.7, 0.05]])).summary(digits=2))
            2 units, 2 inputs, active = activation > 0.1
            mean activation (mean of rho_hat): 0.41
            active units per input: 1.0 of 2 (fraction 0.50)
            dead units (never active): 1
        """
        d = check_int(digits, "digits", where="SparsityReport.summary", min_value=0, max_value=17,
                      fix="Use a number of decimals such as 3.")
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
    threshold = check_float(threshold, "threshold", where=where, fix="Use 0.1 for sigmoid codes, 0 for ReLU codes.")
    x = check_array(codes, "codes", where=where, min_ndim=2, dtype="float64", min_length=1)
    if x.ndim != 2:
        raise ValueError(message(where, "codes", "a 2-D array of shape (inputs, units)", x,
                                 "Reshape feature maps with codes.reshape(len(codes), -1) first."))
    if x.shape[1] == 0:
        raise ValueError(message(where, "codes", "at least one unit", x))
    active = x > threshold
    unit_active_rate = active.mean(axis=0)
    return SparsityReport(
        threshold=threshold,
        rho_hat=x.mean(axis=0),
        unit_active_rate=unit_active_rate,
        active_fraction=active.mean(axis=1),
        dead_units=np.flatnonzero(unit_active_rate == 0),
    )
