"""Variational autoencoders: the sampling layer, the ELBO's two terms, and how to score a VAE.

A variational autoencoder (Kingma and Welling, 2014) replaces the code of an
autoencoder by a probability distribution. For an input ``x`` the encoder outputs
the mean ``z_mean`` and the log-variance ``z_log_var`` of a diagonal Gaussian
``q(z | x)``; a code ``z`` is *drawn* from it and the decoder turns ``z`` into the
pixel probabilities of a Bernoulli distribution ``p(x | z)``. The prior on codes is
``p(z) = N(0, I)``. Training maximises the evidence lower bound (ELBO) on
``log p(x)``, that is, it minimises, per example and in nats,

.. math::

   -\\mathrm{ELBO}(x) = \\underbrace{\\mathbb{E}_{z \\sim q(z|x)}[-\\log p(x \\mid z)]}_{\\text{reconstruction}}
     + \\beta \\, \\underbrace{\\mathrm{KL}(q(z \\mid x) \\,\\|\\, p(z))}_{\\text{KL}}
     \\qquad (\\beta = 1: \\text{the true bound}).

- **reconstruction**: under a Bernoulli likelihood ``-log p(x | z)`` is the binary
  cross-entropy of chapter 4 *summed* over the pixels instead of averaged
  (:func:`bernoulli_nll`, :func:`bernoulli_nll_ops`): 784 times the per-pixel BCE for
  a 28 x 28 image. Its floor is the summed binary entropy of the data
  (``784 * aecourse.losses.bce_floor(x)``), not 0, unless the pixels are binary.
- **KL**, in closed form for a diagonal Gaussian against ``N(0, I)``:
  ``0.5 * sum_j (mu_j**2 + sigma_j**2 - 1 - log sigma_j**2)``
  (:func:`gaussian_kl` in NumPy, :func:`gaussian_kl_ops` in ``keras.ops``).

The pieces, bottom up:

- :class:`Reparameterization`: the layer drawing ``z = mu + exp(log_var / 2) * eps``
  with ``eps ~ N(0, I)`` from a seeded ``keras.random.SeedGenerator``; gradients flow
  to ``mu`` and ``log_var`` (the reparameterisation trick).
- :class:`NegativeELBO`: a pass-through layer after the decoder that adds
  ``mean over the batch of (reconstruction + beta * KL)`` to the model's loss and
  reports both terms as the metrics ``"reconstruction"`` and ``"kl"`` (nats per
  example).
- :func:`variational_autoencoder`: the builder (dense or convolutional, any input
  shape), whose model trains with ``compile(optimizer=...)`` and ``fit(x)``, no loss
  argument, and saves and loads as ``.keras``.
- Scoring a trained model on data: :func:`posterior`, :func:`negative_elbo` (Monte
  Carlo estimate of the two terms), :func:`importance_sampled_nll` (Burda et al.,
  2016: ``-log p(x)`` estimated with ``k`` importance samples, a bound that tightens
  as ``k`` grows), :func:`log_mean_exp` and :func:`active_units` (Burda et al.'s count
  of latent units whose posterior mean varies across the data).

Example:
    >>> import numpy as np
    >>> model = variational_autoencoder((12,), hidden_units=(8,), latent_dim=2, seed=0)
    >>> model.compile(optimizer="adam")
    >>> x = np.random.default_rng(0).random((64, 12), dtype="float32")
    >>> history = model.fit(x, epochs=2, batch_size=32, verbose=0)
    >>> sorted(history.history)
    ['kl', 'loss', 'reconstruction']
"""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np
from keras import ops

from aecourse.losses import EPSILON, bce
from aecourse.validation import (check_array, check_float, check_input_shape, check_instance, check_int,
                                 check_int_sequence, check_one_of, message)

__all__ = [
    "Reparameterization",
    "NegativeELBO",
    "gaussian_kl",
    "gaussian_kl_ops",
    "bernoulli_nll",
    "bernoulli_nll_ops",
    "variational_autoencoder",
    "posterior",
    "ELBOEstimate",
    "negative_elbo",
    "log_mean_exp",
    "importance_sampled_nll",
    "ActiveUnits",
    "active_units",
]

_LOG_2PI = math.log(2.0 * math.pi)


# ------------------------------------------------------------------- validation


def _check_seed(seed, where):
    if seed is None:
        return None
    return check_int(seed, "seed", where=where, min_value=0,
                     fix="Use a non-negative integer, or None to draw one from Keras' global seed.")


def _float_array(value, name, where, min_ndim=1):
    return check_array(value, name, where=where, min_ndim=min_ndim, dtype="float64")


def _gaussian_pair(z_mean, z_log_var, where):
    mean = _float_array(z_mean, "z_mean", where)
    log_var = _float_array(z_log_var, "z_log_var", where)
    if mean.shape != log_var.shape:
        raise ValueError(
            f"{where}: Expected `z_mean` and `z_log_var` to have the same shape (one mean and one "
            f"log-variance per latent unit). Received: z_mean of shape {mean.shape}, z_log_var of shape "
            f"{log_var.shape}."
        )
    return mean, log_var


def _unit_interval(array, name, where, fix):
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(message(where, name, "an array of values in [0, 1]",
                                 f"values from {low:g} to {high:g}", fix))


# ---------------------------------------------------------------- closed-form KL


def gaussian_kl(z_mean, z_log_var):
    """KL divergence from ``N(z_mean, diag(exp(z_log_var)))`` to ``N(0, I)``, in NumPy, in nats.

    .. math::

       \\mathrm{KL} = \\tfrac12 \\sum_j \\left(\\mu_j^2 + \\sigma_j^2 - 1 - \\log \\sigma_j^2\\right),
       \\qquad \\sigma_j^2 = e^{\\text{z\\_log\\_var}_j}

    summed over the last axis (the latent units). It is 0 exactly when every unit has
    mean 0 and variance 1, the prior itself.

    Args:
        z_mean: posterior means, shape ``(..., latent_dim)``, e.g. ``(n, latent_dim)``.
        z_log_var: posterior log-variances, the same shape.

    Returns:
        A float64 array of shape ``z_mean.shape[:-1]``: one KL per example (a 0-d array
        for a single vector; wrap it in ``float``).

    Raises:
        TypeError: if an argument does not hold numbers.
        ValueError: if the shapes differ, an array is empty, or holds NaN/inf.

    Example:
        >>> float(gaussian_kl([0.0, 0.0], [0.0, 0.0]))
        0.0
        >>> float(gaussian_kl([[1.0, 0.0]], [[0.0, 0.0]])[0])  # 0.5 * 1**2
        0.5
    """
    mean, log_var = _gaussian_pair(z_mean, z_log_var, "gaussian_kl")
    return 0.5 * np.sum(mean**2 + np.exp(log_var) - 1.0 - log_var, axis=-1)


def gaussian_kl_ops(z_mean, z_log_var):
    """:func:`gaussian_kl` with ``keras.ops``, for use inside a model (any backend).

    Args:
        z_mean: a tensor of posterior means, shape ``(batch, latent_dim)``.
        z_log_var: a tensor of log-variances, the same shape.

    Returns:
        A float32 tensor of shape ``(batch,)``: the KL of each example in nats.

    Example:
        >>> import numpy as np
        >>> kl = gaussian_kl_ops(np.array([[1.0, 0.0]], "float32"), np.zeros((1, 2), "float32"))
        >>> [round(float(v), 4) for v in kl]
        [0.5]
    """
    mean = ops.cast(z_mean, "float32")
    log_var = ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


# ----------------------------------------------------- Bernoulli log-likelihood


def bernoulli_nll(x, probs):
    """``-log p(x | probs)`` under independent Bernoulli pixels, in nats per example (NumPy).

    .. math::

       -\\log p(x \\mid y) = -\\sum_i \\left[x_i \\ln y_i + (1 - x_i) \\ln(1 - y_i)\\right]

    summed over every value of an example (all axes but the first): the binary
    cross-entropy of :func:`aecourse.losses.bce` *summed* instead of averaged, so for
    a 28 x 28 image it is exactly 784 times the per-pixel BCE, with the same clipping of
    ``probs`` to ``[EPSILON, 1 - EPSILON]``. For grey-level targets (not 0 or 1) it
    cannot reach 0: its floor is the summed binary entropy of ``x``,
    ``784 * aecourse.losses.bce_floor(x)`` for MNIST-sized images.

    Args:
        x: targets in [0, 1], shape ``(n, ...)``.
        probs: predicted pixel probabilities in [0, 1], the same shape.

    Returns:
        A float64 array of shape ``(n,)``.

    Raises:
        TypeError: if an argument does not hold numbers.
        ValueError: for fewer than 2 axes, different shapes, NaN/inf, or values
            outside [0, 1].

    Example:
        >>> import numpy as np
        >>> round(float(bernoulli_nll(np.array([[1.0, 0.0]]), np.array([[0.8, 0.1]]))[0]), 4)
        0.3285
    """
    where = "bernoulli_nll"
    x = _float_array(x, "x", where, min_ndim=2)
    probs = _float_array(probs, "probs", where, min_ndim=2)
    if x.shape != probs.shape:
        raise ValueError(
            f"{where}: Expected `x` and `probs` to have the same shape (one probability per value). "
            f"Received: x of shape {x.shape}, probs of shape {probs.shape}."
        )
    _unit_interval(x, "x", where, "Scale the data to [0, 1] first.")
    _unit_interval(probs, "probs", where, "These are probabilities: if they are logits, apply a sigmoid first.")
    values_per_example = x.size // x.shape[0]
    return bce(x, probs, per_example=True) * values_per_example


def bernoulli_nll_ops(x, probs):
    """:func:`bernoulli_nll` with ``keras.ops``, for use inside a model (any backend).

    Args:
        x: a tensor of targets in [0, 1], shape ``(batch, ...)``.
        probs: a tensor of probabilities, the same shape (e.g. a sigmoid output).

    Returns:
        A float32 tensor of shape ``(batch,)``: the summed BCE of each example, in nats.

    Example:
        >>> import numpy as np
        >>> nll = bernoulli_nll_ops(np.array([[1.0, 0.0]], "float32"), np.array([[0.8, 0.1]], "float32"))
        >>> [round(float(v), 4) for v in nll]
        [0.3285]
    """
    x = ops.cast(x, "float32")
    probs = ops.clip(ops.cast(probs, "float32"), EPSILON, 1.0 - EPSILON)
    terms = x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs)
    axes = tuple(range(1, len(terms.shape)))
    return -ops.sum(terms, axis=axes) if axes else -terms


# ------------------------------------------------------------------ the layers


@keras.saving.register_keras_serializable(package="aecourse")
class Reparameterization(keras.layers.Layer):
    """Draw ``z = z_mean + exp(z_log_var / 2) * eps`` with ``eps ~ N(0, I)``: the reparameterisation trick.

    The randomness enters only through ``eps``, drawn from a
    ``keras.random.SeedGenerator``, so ``z`` is a differentiable function of
    ``z_mean`` and ``z_log_var``: gradients reach the encoder (``dz/dz_mean = 1``,
    ``dz/dz_log_var = 0.5 * exp(z_log_var / 2) * eps``). With an integer ``seed`` the
    sequence of draws is the same on every run; each call advances it. The position
    in the sequence is saved with the model's weights (``.keras``), so a reloaded
    model continues with the same draws as the original.

    The layer samples in training and in inference alike: a VAE's forward pass is
    random. For a deterministic code use ``z_mean`` itself.

    Args:
        seed: a non-negative integer seed of the draws, or ``None`` to take one from
            Keras' global random state (``keras.utils.set_random_seed``).
        **kwargs: ``name`` and other ``keras.layers.Layer`` arguments.

    Call arguments:
        inputs: a list ``[z_mean, z_log_var]`` of two tensors of the same shape.

    Raises:
        TypeError, ValueError: for a seed that is not a non-negative integer or None.

    Example:
        >>> import numpy as np
        >>> layer = Reparameterization(seed=1, name="sampling")
        >>> z = layer([np.zeros((4, 2), "float32"), np.full((4, 2), -100.0, "float32")])
        >>> bool(np.abs(np.asarray(z)).max() < 1e-12)  # a variance of e**-100: z is the mean
        True
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = _check_seed(seed, "Reparameterization")
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def _split(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                f"Reparameterization: Expected `inputs` to be a list [z_mean, z_log_var] of two tensors. "
                f"Received: a {type(inputs).__name__}"
                + (f" of {len(inputs)}" if isinstance(inputs, (list, tuple)) else "") + "."
            )
        return inputs

    def build(self, input_shape):
        shapes = self._split(input_shape)
        if not all(isinstance(shape, (list, tuple)) for shape in shapes):
            raise ValueError("Reparameterization: Expected `inputs` to be a list [z_mean, z_log_var] of two "
                             f"tensors. Received: one tensor of shape {tuple(input_shape)}.")
        mean_shape, log_var_shape = shapes
        if tuple(mean_shape) != tuple(log_var_shape):
            raise ValueError(
                f"Reparameterization: Expected z_mean and z_log_var of the same shape. Received: "
                f"{tuple(mean_shape)} and {tuple(log_var_shape)}."
            )

    def call(self, inputs):
        z_mean, z_log_var = self._split(inputs)
        eps = keras.random.normal(ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def compute_output_shape(self, input_shape):
        return tuple(self._split(input_shape)[0])

    def save_own_variables(self, store):
        # The draws' position, so that a saved and reloaded model continues the same sequence.
        store["seed_state"] = ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        if "seed_state" in store:
            self.seed_generator.state.assign(store["seed_state"])

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config


@keras.saving.register_keras_serializable(package="aecourse")
class NegativeELBO(keras.layers.Layer):
    """Pass-through layer that adds a VAE's loss, ``reconstruction + beta * KL``, to the model.

    Called on ``[x, reconstruction, z_mean, z_log_var]`` it returns ``reconstruction``
    unchanged and adds, with ``self.add_loss``, the batch mean of

    ``bernoulli_nll(x, reconstruction) + beta * gaussian_kl(z_mean, z_log_var)``

    in nats per example. It also keeps the two terms (without ``beta``) as the metrics
    ``"reconstruction"`` and ``"kl"``, which ``fit`` and ``evaluate`` report next to
    ``"loss"``. With ``beta = 1`` the loss is the negative ELBO, an upper bound on
    ``-log p(x)``; other values trade reconstruction against KL (the beta-VAE of
    Higgins et al., 2017) and the loss is then no bound on anything.

    Compile the model *without* a loss: this layer supplies it.

    Args:
        beta: the weight of the KL term, a finite number >= 0.
        **kwargs: ``name`` and other ``keras.layers.Layer`` arguments.

    Raises:
        TypeError, ValueError: for a ``beta`` that is not a finite number >= 0.

    Example:
        >>> import numpy as np
        >>> layer = NegativeELBO(beta=2.0, name="negative_elbo")
        >>> x = np.array([[1.0, 0.0]], "float32")
        >>> out = layer([x, np.array([[0.8, 0.1]], "float32"), np.ones((1, 1), "float32"),
        ...              np.zeros((1, 1), "float32")])
        >>> round(float(layer.losses[0]), 4)  # 0.3285 + 2 * 0.5
        1.3285
    """

    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = check_float(beta, "beta", where="NegativeELBO", min_value=0,
                                fix="beta weighs the KL term: 1 for the ELBO, 0 switches the KL off.")
        self.reconstruction_metric = keras.metrics.Mean(name="reconstruction")
        self.kl_metric = keras.metrics.Mean(name="kl")

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 4:
            raise ValueError("NegativeELBO: Expected `inputs` to be a list [x, reconstruction, z_mean, "
                             f"z_log_var]. Received: {type(inputs).__name__}.")
        x, reconstruction, z_mean, z_log_var = inputs
        rec = bernoulli_nll_ops(x, reconstruction)
        kl = gaussian_kl_ops(z_mean, z_log_var)
        self.add_loss(ops.mean(rec + self.beta * kl))
        self.reconstruction_metric.update_state(rec)
        self.kl_metric.update_state(kl)
        return reconstruction

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[1])

    def get_config(self):
        config = super().get_config()
        config.update({"beta": self.beta})
        return config


# --------------------------------------------------------------------- builder

_ARCHITECTURES = ("dense", "conv")


def variational_autoencoder(input_shape=(784,), hidden_units=None, latent_dim=16, *, beta=1.0,
                            architecture="dense", filters=None, kernel_size=3, upsampling="transpose",
                            activation="relu", seed=None, name="variational_autoencoder"):
    """Build a variational autoencoder with a Bernoulli decoder, dense or convolutional, for any input shape.

    The encoder and decoder bodies are those of
    :func:`aecourse.models.dense_autoencoder` (``architecture="dense"``: ``Dense``
    layers of ``hidden_units``, mirrored in the decoder) or
    :func:`aecourse.models.conv_autoencoder` (``architecture="conv"``: one
    convolution + pooling block per entry of ``filters``, mirrored with upsampling).
    Where those have a single code layer, the encoder here has two ``Dense`` heads,
    ``"z_mean"`` and ``"z_log_var"`` (both linear). The model then runs::

        input -> encoder -> [z_mean, z_log_var] -> sampling -> z -> decoder -> negative_elbo

    where ``"sampling"`` is a :class:`Reparameterization` layer and
    ``"negative_elbo"`` a :class:`NegativeELBO` layer that adds
    ``reconstruction + beta * KL`` (nats per example) to the loss. The decoder ends in
    a sigmoid: its outputs are the Bernoulli probabilities of the pixels, so the data
    must lie in [0, 1].

    Train it without a loss argument::

        model.compile(optimizer="adam")
        model.fit(x_train, epochs=20, batch_size=128, validation_data=(x_val,))

    ``fit`` and ``evaluate`` report ``loss``, ``reconstruction`` and ``kl`` (nats per
    example; the last two without ``beta``). The model's output (``predict``) is the
    decoding of a *sampled* code; for a deterministic reconstruction decode the
    posterior mean: ``decoder(encoder(x)[0])``.

    Args:
        input_shape: shape of one example, e.g. ``(784,)`` or ``(28, 28, 1)``; the
            convolutional architecture needs ``(height, width, channels)``.
        hidden_units: sizes of the dense encoder's hidden layers, outermost first
            (default ``(256,)``); only for ``architecture="dense"``.
        latent_dim: number of latent units (size of ``z``).
        beta: weight of the KL term (1: the ELBO), a finite number >= 0.
        architecture: ``"dense"`` or ``"conv"``.
        filters: filters of each convolution block (default ``(32, 64)``); only for
            ``architecture="conv"``.
        kernel_size: convolution kernel size (``"conv"`` only).
        upsampling: ``"transpose"``, ``"nearest"`` or ``"bilinear"`` (``"conv"`` only).
        activation: activation of the hidden layers.
        seed: seed of the sampling layer's draws (a non-negative integer), or ``None``
            to take one from Keras' global random state.
        name: name of the returned model.

    Returns:
        A ``keras.Model`` (not compiled) whose layers include the nested models
        ``"encoder"`` (input -> ``[z_mean, z_log_var]``) and ``"decoder"``
        (``z`` -> pixel probabilities, shaped like the input).

    Raises:
        ValueError: for non-positive sizes, an ``input_shape`` with the batch axis (see
            :func:`aecourse.validation.check_input_shape`), an unknown ``architecture``,
            ``activation`` or ``upsampling``, an input too small for the convolution
            blocks, a negative ``beta``, or sizes given for the other architecture.
        TypeError: for arguments of the wrong type.

    Example:
        >>> model = variational_autoencoder((784,), hidden_units=(256,), latent_dim=16)
        >>> [layer.name for layer in model.layers]
        ['input', 'encoder', 'sampling', 'decoder', 'negative_elbo']
        >>> [tuple(t.shape) for t in model.get_layer("encoder").outputs]
        [(None, 16), (None, 16)]
        >>> conv = variational_autoencoder((28, 28, 1), latent_dim=8, architecture="conv")
        >>> conv.output.shape
        (None, 28, 28, 1)
        >>> variational_autoencoder((28, 28, 1), architecture="conv", filters=(8, 16, 32, 64, 128))
        Traceback (most recent call last):
        ...
        ValueError: variational_autoencoder: Expected `input_shape` to be at least 32 x 32 pixels for 5 convolution block(s): each block's 2 x 2 pooling halves the height and width, rounding down. Received: input_shape=(28, 28, 1). Use at most 4 block(s) (filters with 4 entries) or a larger input.
    """
    from aecourse import models  # models re-exports this builder, so import it here, not at the top

    # Every argument is checked here, under this builder's name, before the plain builders see it.
    where = "variational_autoencoder"
    architecture = check_one_of(architecture, "architecture", _ARCHITECTURES, where=where)
    if architecture == "dense" and filters is not None:
        raise ValueError(f"{where}: `filters` sets the convolution blocks of architecture='conv'. "
                         f"Received: filters={filters!r} with architecture='dense'. Use hidden_units for "
                         "the dense encoder, or architecture='conv'.")
    if architecture == "conv" and hidden_units is not None:
        raise ValueError(f"{where}: `hidden_units` sets the layers of architecture='dense'. "
                         f"Received: hidden_units={hidden_units!r} with architecture='conv'. Use filters "
                         "for the convolution blocks, or architecture='dense'.")
    input_shape = check_input_shape(input_shape, "input_shape", where=where, image=architecture == "conv")
    latent_dim = check_int(latent_dim, "latent_dim", where=where, min_value=1)
    beta = check_float(beta, "beta", where=where, min_value=0,
                       fix="beta weighs the KL term: 1 for the ELBO, 0 switches the KL off.")
    seed = _check_seed(seed, where)
    activation = models._activation(activation, "activation", where)
    check_instance(name, "name", str, where=where, expected="a string")
    if architecture == "dense":
        hidden_units = check_int_sequence((256,) if hidden_units is None else hidden_units, "hidden_units",
                                          where=where, min_value=1)
        body = models.dense_autoencoder(input_shape, hidden_units, latent_dim, activation=activation,
                                        latent_activation=None, output_activation="sigmoid", name="body")
    else:
        filters = check_int_sequence((32, 64) if filters is None else filters, "filters", where=where, min_value=1,
                                     allow_empty=False, example="(32, 64)")
        kernel, upsampling = models._upsampling_kernel(kernel_size, upsampling, where)
        models._encoder_sizes(input_shape[:2], len(filters), input_shape, where=where)
        body = models.conv_autoencoder(input_shape, filters, latent_dim, kernel_size=kernel,
                                       upsampling=upsampling, activation=activation, latent_activation=None,
                                       output_activation="sigmoid", name="body")
    body_encoder = body.get_layer("encoder")
    features = body_encoder.get_layer("code").input  # what the plain autoencoder's code layer reads
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(features)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(features)
    encoder = keras.Model(body_encoder.inputs, [z_mean, z_log_var], name="encoder")
    decoder = body.get_layer("decoder")

    inputs = keras.Input(shape=tuple(body.input.shape[1:]), name="input")
    mean, log_var = encoder(inputs)
    z = Reparameterization(seed=seed, name="sampling")([mean, log_var])
    reconstruction = decoder(z)
    outputs = NegativeELBO(beta=beta, name="negative_elbo")([inputs, reconstruction, mean, log_var])
    return keras.Model(inputs, outputs, name=name)


# ------------------------------------------------------------- scoring a model


def _parts(model, where):
    """The encoder and decoder of a VAE built like :func:`variational_autoencoder`."""
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model",
                   fix="Pass the model returned by variational_autoencoder(...).")
    names = [layer.name for layer in model.layers]
    if "encoder" not in names or "decoder" not in names:
        raise ValueError(f"{where}: Expected a model with nested models named 'encoder' and 'decoder'. "
                         f"Received: model {model.name!r} with layers {names}. Pass the model returned by "
                         "variational_autoencoder(...).")
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    if len(encoder.outputs) != 2:
        raise TypeError(f"{where}: Expected a variational autoencoder, whose encoder outputs [z_mean, "
                        f"z_log_var]. Received: model {model.name!r}, whose encoder has "
                        f"{len(encoder.outputs)} output(s) (a plain autoencoder?). Build one with "
                        "variational_autoencoder(...).")
    return encoder, decoder


def _data(x, model, where):
    x = check_array(x, "x", where=where, min_ndim=2, dtype="float32")
    expected = tuple(model.input.shape[1:])
    if tuple(x.shape[1:]) != expected:
        raise ValueError(message(where, "x", f"an array of shape (n, {', '.join(map(str, expected))}), "
                                 "the model's input shape", x,
                                 "Reshape the data (e.g. x.reshape(len(x), -1) to flatten images)."))
    _unit_interval(x, "x", where, "A Bernoulli decoder models values in [0, 1]: scale the data first.")
    return x


def _batch_size(batch_size, where):
    return check_int(batch_size, "batch_size", where=where, min_value=1)


def posterior(model, x, *, batch_size=1000):
    """The posterior parameters ``(z_mean, z_log_var)`` the encoder gives each example.

    Args:
        model: a model built by :func:`variational_autoencoder` (trained or not).
        x: data shaped like the model's input, ``(n, ...)``, values in [0, 1].
        batch_size: examples per encoder call.

    Returns:
        Two float64 arrays of shape ``(n, latent_dim)``: the means and log-variances.

    Raises:
        TypeError: if ``model`` is not a variational autoencoder, or ``x`` not numbers.
        ValueError: if ``x`` does not match the model's input shape or lies outside [0, 1].

    Example:
        >>> import numpy as np
        >>> model = variational_autoencoder((6,), hidden_units=(), latent_dim=3, seed=0)
        >>> mean, log_var = posterior(model, np.zeros((5, 6)))
        >>> mean.shape, log_var.shape
        ((5, 3), (5, 3))
    """
    where = "posterior"
    encoder, _ = _parts(model, where)
    x = _data(x, model, where)
    batch_size = _batch_size(batch_size, where)
    mean, log_var = encoder.predict(x, batch_size=batch_size, verbose=0)
    return np.asarray(mean, dtype=np.float64), np.asarray(log_var, dtype=np.float64)


def _decoded_nll(decoder, x_rows, z, batch_size):
    """``-log p(x | z)`` of each row, decoding ``z`` in batches (float32 arithmetic, float64 result)."""
    out = np.empty(len(z), dtype=np.float64)
    for start in range(0, len(z), batch_size):
        stop = start + batch_size
        probs = decoder(z[start:stop].astype("float32"), training=False)
        out[start:stop] = ops.convert_to_numpy(bernoulli_nll_ops(x_rows[start:stop], probs))
    return out


def _rng(seed, where):
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_int(seed, "seed", where=where, min_value=0,
                                           fix="Use a non-negative integer or a numpy.random.Generator."))


def _sampling_setup(model, x, seed, batch_size, where):
    """What the sampling estimators start from, their arguments checked: the decoder, the data,
    the decoding batch size, the random generator, and each example's posterior mean and
    log-variance (float64)."""
    encoder, decoder = _parts(model, where)
    x = _data(x, model, where)
    batch_size = _batch_size(batch_size, where)
    rng = _rng(seed, where)
    mean, log_var = (np.asarray(a, dtype=np.float64) for a in encoder.predict(x, batch_size=1000, verbose=0))
    return decoder, x, batch_size, rng, mean, log_var


@dataclasses.dataclass(frozen=True)
class ELBOEstimate:
    """The two terms of a VAE's negative ELBO on some data: the result of :func:`negative_elbo`.

    Attributes:
        reconstruction: ``E_q[-log p(x | z)]`` of each example in nats, estimated with
            ``samples`` codes drawn from ``q(z | x)``; shape ``(n,)``.
        kl: ``KL(q(z | x) || N(0, I))`` of each example in nats, in closed form; ``(n,)``.
        samples: codes drawn per example for the reconstruction term.
    """

    reconstruction: np.ndarray
    kl: np.ndarray
    samples: int

    @property
    def negative_elbo(self) -> np.ndarray:
        """``reconstruction + kl`` of each example (beta = 1: an upper bound on ``-log p(x)``)."""
        return self.reconstruction + self.kl

    def as_dict(self) -> dict:
        """Means over the examples, as plain floats: ``negative_elbo``, ``reconstruction``, ``kl``."""
        return {"negative_elbo": float(np.mean(self.negative_elbo)),
                "reconstruction": float(np.mean(self.reconstruction)),
                "kl": float(np.mean(self.kl))}

    def __str__(self) -> str:
        d = self.as_dict()
        return (f"negative ELBO {d['negative_elbo']:.2f} nats = reconstruction {d['reconstruction']:.2f} "
                f"+ KL {d['kl']:.2f} (mean of {len(self.kl)} examples, {self.samples} sample(s) each)")


def negative_elbo(model, x, *, samples=1, seed=0, batch_size=2000):
    """Estimate the negative ELBO of each example, with its reconstruction and KL terms, in nats.

    The KL term is exact (:func:`gaussian_kl` of the encoder's outputs). The
    reconstruction term ``E_q[-log p(x | z)]`` is a Monte Carlo average over
    ``samples`` codes ``z = z_mean + exp(z_log_var / 2) * eps`` per example, with
    ``eps`` drawn by NumPy from ``seed`` (independent of the model's sampling layer,
    so the estimate is reproducible). The sum (beta = 1) is an upper bound on
    ``-log p(x)``, whatever beta the model was trained with.

    Args:
        model: a model built by :func:`variational_autoencoder`.
        x: data shaped like the model's input, ``(n, ...)``, values in [0, 1].
        samples: codes drawn per example (>= 1).
        seed: a non-negative integer or a ``numpy.random.Generator``.
        batch_size: codes decoded per decoder call.

    Returns:
        An :class:`ELBOEstimate` (per-example arrays; ``.as_dict()`` for the means).

    Raises:
        TypeError: if ``model`` is not a variational autoencoder, or an argument has
            the wrong type.
        ValueError: if ``x`` does not match the model's input or lies outside [0, 1],
            or ``samples``/``batch_size`` is below 1.

    Example:
        >>> import numpy as np
        >>> model = variational_autoencoder((6,), hidden_units=(), latent_dim=2, seed=0)
        >>> x = np.random.default_rng(0).random((10, 6))
        >>> estimate = negative_elbo(model, x, samples=3)
        >>> estimate.reconstruction.shape, estimate.kl.shape
        ((10,), (10,))
        >>> bool(np.all(estimate.negative_elbo > estimate.reconstruction))
        True
    """
    where = "negative_elbo"
    samples = check_int(samples, "samples", where=where, min_value=1)
    decoder, x, batch_size, rng, mean, log_var = _sampling_setup(model, x, seed, batch_size, where)
    std = np.exp(0.5 * log_var)
    total = np.zeros(len(x), dtype=np.float64)
    for _ in range(samples):
        z = mean + std * rng.standard_normal(mean.shape)
        total += _decoded_nll(decoder, x, z, batch_size)
    return ELBOEstimate(reconstruction=total / samples, kl=gaussian_kl(mean, log_var), samples=samples)


def log_mean_exp(values, axis=-1):
    """``log(mean(exp(values)))`` along ``axis``, computed without overflow or underflow.

    Subtracts the largest value first: ``m + log(mean(exp(values - m)))``. The naive
    formula overflows for values above about 709 and gives ``-inf`` below about -745
    in float64 (below about -104 in float32), where the log-weights of images lie:
    about minus their log-likelihood in nats.

    Args:
        values: an array of numbers (``-inf`` allowed: a weight of 0).
        axis: the axis to average over.

    Returns:
        A float64 array with ``axis`` removed (a 0-d array for 1-D input).

    Raises:
        TypeError: if ``values`` does not hold numbers, or ``axis`` is not an integer.
        ValueError: for NaN or ``+inf``, an empty axis, or an axis out of range.

    Example:
        >>> float(log_mean_exp([-1000.0, -1000.0]))  # the naive formula gives -inf
        -1000.0
        >>> round(float(log_mean_exp([0.0, np.log(3.0)])), 6)  # log((1 + 3) / 2)
        0.693147
    """
    where = "log_mean_exp"
    a = check_array(values, "values", where=where, min_ndim=1, dtype="float64", finite=False)
    axis = check_int(axis, "axis", where=where, min_value=-a.ndim, max_value=a.ndim - 1,
                     fix=f"The array has {a.ndim} axis/axes.")
    if np.any(np.isnan(a)) or np.any(a == np.inf):
        raise ValueError(message(where, "values", "numbers below +inf (log-weights; -inf is allowed)", a,
                                 "Remove NaN and +inf values first."))
    if a.shape[axis] == 0:
        raise ValueError(message(where, "values", f"at least one value along axis {axis}", a))
    top = np.max(a, axis=axis, keepdims=True)
    safe_top = np.where(np.isfinite(top), top, 0.0)  # an all -inf slice stays -inf
    with np.errstate(divide="ignore"):
        result = np.log(np.mean(np.exp(a - safe_top), axis=axis, keepdims=True)) + safe_top
    return np.squeeze(result, axis=axis)


def importance_sampled_nll(model, x, *, k=100, seed=0, batch_size=5000):
    """Estimate ``-log p(x)`` of each example with ``k`` importance samples (Burda et al., 2016), in nats.

    With ``z_1, ..., z_k`` drawn from the encoder's ``q(z | x)``,

    .. math::

       -\\log p(x) \\approx -\\log \\frac1k \\sum_{i=1}^{k}
         \\frac{p(x \\mid z_i)\\, p(z_i)}{q(z_i \\mid x)} .

    In expectation this is an upper bound on ``-log p(x)`` that tightens as ``k``
    grows: ``k = 1`` gives the negative ELBO (in expectation), and ``k -> infinity``
    gives ``-log p(x)`` itself. The average is taken with :func:`log_mean_exp`, in
    float64. The draws come from NumPy with ``seed``.

    Args:
        model: a model built by :func:`variational_autoencoder`.
        x: data shaped like the model's input, ``(n, ...)``, values in [0, 1].
        k: importance samples per example (>= 1).
        seed: a non-negative integer or a ``numpy.random.Generator``.
        batch_size: codes decoded per decoder call (the work is ``n * k`` decodings).

    Returns:
        A float64 array of shape ``(n,)``: the estimate for each example (nats).

    Raises:
        TypeError: if ``model`` is not a variational autoencoder, or an argument has
            the wrong type.
        ValueError: if ``x`` does not match the model's input or lies outside [0, 1],
            or ``k``/``batch_size`` is below 1.

    Example:
        >>> import numpy as np
        >>> model = variational_autoencoder((6,), hidden_units=(), latent_dim=2, seed=0)
        >>> x = np.random.default_rng(0).random((10, 6))
        >>> importance_sampled_nll(model, x, k=5).shape
        (10,)
    """
    where = "importance_sampled_nll"
    k = check_int(k, "k", where=where, min_value=1)
    decoder, x, batch_size, rng, mean, log_var = _sampling_setup(model, x, seed, batch_size, where)
    std = np.exp(0.5 * log_var)
    latent_dim = mean.shape[1]
    result = np.empty(len(x), dtype=np.float64)
    per_chunk = max(1, batch_size // k)
    for start in range(0, len(x), per_chunk):
        stop = min(len(x), start + per_chunk)
        m, s, lv = mean[start:stop, None, :], std[start:stop, None, :], log_var[start:stop, None, :]
        eps = rng.standard_normal((stop - start, k, latent_dim))
        z = m + s * eps
        x_rows = np.repeat(x[start:stop], k, axis=0)
        log_px_z = -_decoded_nll(decoder, x_rows, z.reshape(-1, latent_dim), batch_size)
        log_pz = -0.5 * np.sum(z**2 + _LOG_2PI, axis=-1)
        log_qz = -0.5 * np.sum(eps**2 + _LOG_2PI + lv, axis=-1)
        log_w = log_px_z.reshape(stop - start, k) + log_pz - log_qz
        result[start:stop] = -log_mean_exp(log_w, axis=1)
    return result


# ---------------------------------------------------------------- active units


@dataclasses.dataclass(frozen=True)
class ActiveUnits:
    """Which latent units carry information: the result of :func:`active_units`.

    Attributes:
        threshold: a unit is active when its variance exceeds this.
        variances: variance across the examples of each unit's posterior mean, ``(latent_dim,)``.
    """

    threshold: float
    variances: np.ndarray

    @property
    def active(self) -> np.ndarray:
        """Boolean mask of the active units."""
        return self.variances > self.threshold

    @property
    def count(self) -> int:
        """Number of active units."""
        return int(np.count_nonzero(self.active))

    @property
    def indices(self) -> np.ndarray:
        """Indices of the active units."""
        return np.flatnonzero(self.active)

    def __str__(self) -> str:
        return f"{self.count} of {len(self.variances)} latent units active (variance of the mean > {self.threshold:g})"


def active_units(z_mean, threshold=0.01):
    """Count the latent units whose posterior mean varies across the data (Burda et al., 2016).

    A unit ``u`` is active when ``Var_x(E_q[z_u | x]) > threshold`` (Burda et al. use
    ``10**-2``): the encoder moves it with the input. An inactive unit has the same
    posterior for every input, so the decoder can learn nothing from it; with a
    large KL weight the posterior of more and more units collapses onto the prior
    ("posterior collapse").

    Args:
        z_mean: posterior means of many examples, shape ``(n, latent_dim)`` with
            ``n >= 2`` (the first output of :func:`posterior`).
        threshold: the variance above which a unit counts as active, >= 0.

    Returns:
        An :class:`ActiveUnits` (``.count``, ``.indices``, ``.variances``).

    Raises:
        TypeError: if ``z_mean`` does not hold numbers.
        ValueError: if ``z_mean`` is not 2-D with at least two rows, holds NaN/inf, or
            ``threshold`` is negative.

    Example:
        >>> import numpy as np
        >>> means = np.array([[0.0, 1.0, 0.5], [0.01, -1.0, 0.5], [-0.01, 0.3, 0.5]])
        >>> result = active_units(means)
        >>> result.count, result.indices.tolist()
        (1, [1])
    """
    where = "active_units"
    means = check_array(z_mean, "z_mean", where=where, min_ndim=2, dtype="float64", min_length=2)
    if means.ndim != 2:
        raise ValueError(message(where, "z_mean", "a 2-D array (examples, latent units)", means))
    threshold = check_float(threshold, "threshold", where=where, min_value=0)
    return ActiveUnits(threshold=threshold, variances=np.var(means, axis=0))
