"""Sparse autoencoders as a microscope: a TopK layer, the model, and how to measure it.

A sparse autoencoder (SAE) for interpretability is trained on the hidden activations
``x`` (vectors of width ``d``) of *another* network. It writes each activation vector as
a sparse combination of ``n`` learned directions, ``n`` usually larger than ``d`` (an
*over-complete dictionary*)::

    z     = activation(W_enc (x - b_pre) + b_enc)     # n latents, few of them non-zero
    x_hat = W_dec z + b_pre                           # the rows of W_dec: the dictionary

with a learned *pre-encoder bias* ``b_pre`` subtracted before encoding and added back
after decoding (Gao et al. 2024, "Scaling and evaluating sparse autoencoders", eqs. 1-2;
OpenAI's ``sparse_autoencoder`` code). Two ways of making ``z`` sparse:

- **ReLU + L1**: ``activation = ReLU`` and the loss adds ``l1 * sum_j |z_j|`` per
  example (the baseline of Gao et al., from Bricken et al. 2023);
- **TopK**: ``activation = TopK(k)``, which keeps the ``k`` largest pre-activations of
  each example and zeroes the rest (:class:`TopK`); no penalty, and exactly at most
  ``k`` active latents per example.

The metrics are NumPy functions: :func:`l0` (mean active latents per example),
:func:`normalized_mse` and :func:`fraction_of_variance_explained` (Gao et al.'s
normalised MSE: the MSE divided by that of always predicting the mean),
:func:`dead_latents` (never active over a set), :func:`relative_reconstruction_bias`
(shrinkage), :func:`class_specificity` (how much of a unit's activation falls on one
class), and :func:`evaluate_spliced` (a classifier's accuracy and loss when one of its
hidden layers is replaced, e.g. by the SAE's reconstruction).

Example:
    >>> import numpy as np
    >>> sae = sparse_autoencoder(input_shape=(8,), latent_dim=32, k=4, seed=0)
    >>> x = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
    >>> sae.predict(x, verbose=0).shape
    (5, 8)
    >>> z = sae.predict_latents(x)
    >>> z.shape, l0(z) <= 4
    ((5, 32), True)
"""

from __future__ import annotations

import dataclasses
import numbers

import keras
import numpy as np
from keras import ops

from aecourse.validation import (
    check_array,
    check_bool,
    check_callable,
    check_float,
    check_input_shape,
    check_instance,
    check_int,
    check_one_of,
    message,
)

__all__ = [
    "TopK",
    "SparseAutoencoder",
    "sparse_autoencoder",
    "geometric_median",
    "l0",
    "normalized_mse",
    "fraction_of_variance_explained",
    "dead_latents",
    "relative_reconstruction_bias",
    "ClassSpecificity",
    "class_specificity",
    "SAEMetrics",
    "evaluate_sae",
    "split_model",
    "SpliceResult",
    "evaluate_spliced",
]


# ----------------------------------------------------------------------- TopK


def _topk_mask(x, k):
    """A 0/1 tensor shaped like the 2-D ``x`` with ones at the ``k`` largest entries of each row."""
    _, indices = ops.top_k(x, k)
    batch, width = ops.shape(x)[0], x.shape[-1]
    rows = ops.repeat(ops.expand_dims(ops.arange(batch), 1), k, axis=1)
    positions = ops.reshape(ops.stack([rows, ops.cast(indices, rows.dtype)], axis=-1), (-1, 2))
    return ops.scatter(positions, ops.ones((batch * k,), dtype=x.dtype), (batch, width))


@keras.saving.register_keras_serializable(package="aecourse")
class TopK(keras.layers.Layer):
    """Keep the ``k`` largest values of each example (along the last axis), zero the rest.

    The TopK activation of k-sparse autoencoders (Makhzani & Frey 2013), as Gao et al.
    (2024) use it: ``TopK(z)_j = z_j`` if ``z_j`` is among the ``k`` largest entries of
    its row, else 0; with ``relu=True`` (the default, as in OpenAI's code) a ReLU
    follows, so a kept value that is negative also becomes 0 and an example may have
    fewer than ``k`` non-zero outputs, never more. Which entries are kept is a hard
    choice: the gradient flows only through the kept entries (and is 0 for the rest).
    When several entries tie for the ``k``-th place, the one ``ops.top_k`` lists first
    is kept, so exactly ``k`` entries are kept per row.

    Args:
        k: how many entries to keep per example, an integer from 1 to the width of the
            input (checked when the layer is built).
        relu: apply a ReLU to the kept values.
        **kwargs: ``name`` and other ``keras.layers.Layer`` arguments.

    Raises:
        TypeError: if ``k`` is not an integer or ``relu`` not a bool.
        ValueError: if ``k < 1``, or (when built) ``k`` is larger than the input's width.

    Example:
        >>> import numpy as np
        >>> layer = TopK(2, name="topk")
        >>> layer(np.array([[0.5, -1.0, 2.0, 0.1], [-3.0, -2.0, 1.0, -1.0]])).numpy().tolist()
        [[0.5, 0.0, 2.0, 0.0], [0.0, 0.0, 1.0, 0.0]]
        >>> TopK(2, relu=False)(np.array([[-3.0, -2.0, 1.0, -1.0]])).numpy().tolist()
        [[0.0, 0.0, 1.0, -1.0]]
    """

    def __init__(self, k, relu=True, **kwargs):
        super().__init__(**kwargs)
        self.k = check_int(k, "k", where="TopK", min_value=1,
                           fix="k is the number of entries kept per example, e.g. TopK(32).")
        self.relu = check_bool(relu, "relu", where="TopK")

    def build(self, input_shape):
        width = input_shape[-1]
        if width is None:
            raise ValueError(f"TopK: the last axis of the input must have a known size; received input shape "
                             f"{tuple(input_shape)}. Give the Input a shape such as keras.Input(shape=(512,)).")
        if self.k > width:
            raise ValueError(message("TopK", "k", f"an integer from 1 to {width} (the width of the input)",
                                     self.k, f"Keep at most {width} entries, or make the layer before wider."))
        super().build(input_shape)

    def call(self, inputs):
        width = inputs.shape[-1]
        flat = ops.reshape(inputs, (-1, width))
        kept = ops.where(_topk_mask(flat, self.k) > 0, flat, ops.zeros_like(flat))
        if self.relu:
            kept = ops.relu(kept)
        return ops.reshape(kept, ops.shape(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"k": self.k, "relu": self.relu})
        return config


# -------------------------------------------------------------- the autoencoder


def _unit_rows(w):
    return w / ops.sqrt(ops.sum(ops.square(w), axis=1, keepdims=True) + 1e-12)


def _checked_settings(where, *, latent_dim, k, l1, tied, unit_norm, pre_bias, aux_k, aux_coefficient, dead_after,
                      seed):
    """The settings :class:`SparseAutoencoder` and :func:`sparse_autoencoder` share, checked (errors name ``where``)."""
    latent_dim = check_int(latent_dim, "latent_dim", where=where, min_value=1)
    if k is not None:
        expected = f"an integer from 1 to latent_dim={latent_dim}, or None for ReLU + L1"
        fix = "k counts the latents kept per example."
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
            raise TypeError(message(where, "k", expected, k, fix))
        if not 1 <= k <= latent_dim:
            raise ValueError(message(where, "k", expected, k, fix))
        k = int(k)
    if aux_k is not None:
        aux_k = check_int(aux_k, "aux_k", where=where, min_value=1, max_value=latent_dim,
                          fix=f"aux_k counts the dead latents used by the auxiliary loss: at most "
                              f"latent_dim={latent_dim}.")
    return {
        "latent_dim": latent_dim,
        "k": k,
        "l1": check_float(l1, "l1", where=where, min_value=0.0,
                          fix="l1 is the weight of the L1 penalty on the latents (0 switches it off)."),
        "tied": check_bool(tied, "tied", where=where),
        "unit_norm": check_bool(unit_norm, "unit_norm", where=where),
        "pre_bias": check_bool(pre_bias, "pre_bias", where=where),
        "aux_k": aux_k,
        "aux_coefficient": check_float(aux_coefficient, "aux_coefficient", where=where, min_value=0.0),
        "dead_after": check_int(dead_after, "dead_after", where=where, min_value=1,
                                fix="dead_after counts training examples without firing, e.g. 10000."),
        "seed": None if seed is None else check_int(seed, "seed", where=where, min_value=0),
    }


@keras.saving.register_keras_serializable(package="aecourse")
class SparseAutoencoder(keras.Model):
    """An over-complete sparse autoencoder for vectors (see :func:`sparse_autoencoder`).

    Weights (``d`` = ``input_dim``, ``n`` = ``latent_dim``): ``encoder_kernel`` (d, n),
    ``latent_bias`` (n,), ``decoder_kernel`` (n, d; absent when ``tied``) and
    ``pre_bias`` (d,; not trained when ``pre_bias=False``). The model maps ``x`` to its
    reconstruction; :meth:`encode`, :meth:`decode` and :meth:`pre_activations` give the
    parts, :meth:`predict_latents` the latents as a NumPy array and
    :attr:`dictionary` the decoder's rows (the directions the latents stand for).

    Build it with :func:`sparse_autoencoder`, which checks the arguments and documents
    them.
    """

    def __init__(self, input_dim, latent_dim, k=None, l1=0.0, tied=False, unit_norm=True, pre_bias=True,
                 aux_k=None, aux_coefficient=1 / 32, dead_after=10_000, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = "SparseAutoencoder"
        self.input_dim = check_int(input_dim, "input_dim", where=where, min_value=1)
        settings = _checked_settings(where, latent_dim=latent_dim, k=k, l1=l1, tied=tied, unit_norm=unit_norm,
                                     pre_bias=pre_bias, aux_k=aux_k, aux_coefficient=aux_coefficient,
                                     dead_after=dead_after, seed=seed)
        self.latent_dim, self.k, self.l1 = settings["latent_dim"], settings["k"], settings["l1"]
        self.tied, self.unit_norm, self.use_pre_bias = settings["tied"], settings["unit_norm"], settings["pre_bias"]
        self.aux_k, self.aux_coefficient = settings["aux_k"], settings["aux_coefficient"]
        self.dead_after, self.seed = settings["dead_after"], settings["seed"]
        k = self.k
        if k is not None:
            self.activation = TopK(k, name="topk")
        else:
            self.activation = keras.layers.ReLU(name="relu")
        self.build((None, self.input_dim))

    def build(self, input_shape):
        if self.built:  # built in __init__; loading a saved model asks again
            return
        d, n = self.input_dim, self.latent_dim
        if input_shape[-1] is not None and input_shape[-1] != d:
            raise ValueError(f"SparseAutoencoder: built for input_dim={d}, received input shape {tuple(input_shape)}")
        # Gao et al.'s initialisation: random unit-norm dictionary rows, encoder = its transpose.
        rows = keras.initializers.RandomNormal(seed=self.seed)((n, d))
        rows = ops.convert_to_numpy(_unit_rows(rows)).astype("float32")
        self.encoder_kernel = self.add_weight(name="encoder_kernel", shape=(d, n),
                                              initializer=keras.initializers.Constant(rows.T))
        self.latent_bias = self.add_weight(name="latent_bias", shape=(n,), initializer="zeros")
        self.decoder_kernel = None if self.tied else self.add_weight(
            name="decoder_kernel", shape=(n, d), initializer=keras.initializers.Constant(rows))
        self.pre_bias = self.add_weight(name="pre_bias", shape=(d,), initializer="zeros",
                                        trainable=self.use_pre_bias)
        # training examples seen since each latent last fired (for the auxiliary loss)
        self.examples_since_fired = self.add_weight(name="examples_since_fired", shape=(n,),
                                                    initializer="zeros", trainable=False)
        self.activation.build((None, n))
        self.built = True

    # the model's parts, in Keras ops (usable inside other models and training steps)

    def _decoder_rows(self):
        rows = ops.transpose(self.encoder_kernel) if self.tied else self.decoder_kernel
        return _unit_rows(rows) if self.unit_norm else rows

    def _encoder_kernel(self):
        return ops.transpose(self._decoder_rows()) if self.tied else self.encoder_kernel

    def pre_activations(self, x):
        """``W_enc (x - b_pre) + b_enc``: the latents before the activation, shape ``(batch, n)``."""
        x = ops.cast(x, self.compute_dtype)
        return ops.matmul(x - self.pre_bias, self._encoder_kernel()) + self.latent_bias

    def encode(self, x):
        """The latents ``z`` of a batch ``x``, shape ``(batch, latent_dim)`` (a tensor)."""
        return self.activation(self.pre_activations(x))

    def decode(self, z):
        """The reconstruction ``W_dec z + b_pre`` of a batch of latents (a tensor)."""
        z = ops.cast(z, self.compute_dtype)
        return ops.matmul(z, self._decoder_rows()) + self.pre_bias

    def call(self, inputs, training=False):
        pre = self.pre_activations(inputs)
        z = self.activation(pre)
        x_hat = self.decode(z)
        if self.l1 > 0:
            self.add_loss(self.l1 * ops.mean(ops.sum(ops.abs(z), axis=-1)))
        if training and self.aux_k is not None:
            self.add_loss(self.aux_coefficient * self._aux_loss(inputs, pre, z, x_hat))
        return x_hat

    def _aux_loss(self, inputs, pre, z, x_hat):
        """Gao et al.'s AuxK loss: the ``aux_k`` largest dead latents model the residual (normalised MSE)."""
        fired = ops.cast(ops.any(z > 0, axis=0), "float32")
        batch = ops.cast(ops.shape(inputs)[0], "float32")
        since = (self.examples_since_fired + batch) * (1.0 - fired)
        self.examples_since_fired.assign(since)
        dead = ops.expand_dims(since > self.dead_after, 0)
        masked = ops.where(dead, pre, ops.full_like(pre, -1e9))
        z_aux = ops.relu(ops.where(_topk_mask(masked, self.aux_k) > 0, masked, ops.zeros_like(masked)))
        residual = ops.stop_gradient(ops.cast(inputs, self.compute_dtype) - x_hat)
        error = ops.mean(ops.square(residual - ops.matmul(z_aux, self._decoder_rows())))
        spread = ops.mean(ops.square(residual - ops.mean(residual, axis=0, keepdims=True)))
        return error / ops.maximum(spread, 1e-12)

    def compute_output_shape(self, input_shape):
        return input_shape

    @property
    def dictionary(self):
        """The decoder's rows as a NumPy array ``(latent_dim, input_dim)``: row ``j`` is the
        direction latent ``j`` adds to the reconstruction (unit length when ``unit_norm``)."""
        return ops.convert_to_numpy(self._decoder_rows())

    def predict_latents(self, x, batch_size=1024):
        """The latents of ``x`` as a NumPy float32 array ``(examples, latent_dim)``.

        Args:
            x: activations, shape ``(examples, input_dim)``.
            batch_size: examples encoded at a time.

        Returns:
            A NumPy array.

        Raises:
            ValueError: if ``x`` is not ``(examples, input_dim)``.
        """
        x = _matrix(x, "x", "predict_latents", width=self.input_dim)
        batch_size = check_int(batch_size, "batch_size", where="predict_latents", min_value=1)
        parts = [ops.convert_to_numpy(self.encode(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate(parts).astype("float32")

    def init_pre_bias(self, x, method="geometric_median"):
        """Set ``b_pre`` from data: its geometric median (Bricken et al. 2023) or its mean.

        Args:
            x: training activations, shape ``(examples, input_dim)``.
            method: ``"geometric_median"`` (see :func:`geometric_median`) or ``"mean"``.

        Returns:
            The new ``b_pre`` as a NumPy array.
        """
        x = _matrix(x, "x", "init_pre_bias", width=self.input_dim)
        check_one_of(method, "method", ("geometric_median", "mean"), where="init_pre_bias")
        value = geometric_median(x) if method == "geometric_median" else x.mean(axis=0, dtype="float64")
        self.pre_bias.assign(value.astype("float32"))
        return np.asarray(value, dtype="float32")

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "input_dim": self.input_dim,
                "latent_dim": self.latent_dim, "k": self.k, "l1": self.l1, "tied": self.tied,
                "unit_norm": self.unit_norm, "pre_bias": self.use_pre_bias, "aux_k": self.aux_k,
                "aux_coefficient": self.aux_coefficient, "dead_after": self.dead_after, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        """Rebuild the model from :meth:`get_config` (what ``keras.saving.load_model`` calls)."""
        return cls(**config)


def sparse_autoencoder(input_shape, latent_dim, *, k=None, l1=0.0, tied=False, unit_norm=True, pre_bias=True,
                       aux_k=None, aux_coefficient=1 / 32, dead_after=10_000, seed=None,
                       name="sparse_autoencoder"):
    """Build a sparse autoencoder for vectors: TopK (``k=``) or ReLU + L1 (``l1=``).

    The model computes (Gao et al. 2024, eqs. 1-2)::

        z     = activation(W_enc (x - b_pre) + b_enc)
        x_hat = W_dec z + b_pre

    with ``activation = TopK(k)`` followed by a ReLU when ``k`` is given, else a ReLU;
    ``l1 > 0`` adds ``l1 * sum_j |z_j|`` per example (averaged over the batch) to the
    loss, as an ``activity_regularizer`` does in Keras 3.15. Train it with plain
    ``compile``/``fit`` on ``(x, x)`` with ``loss="mse"`` (Keras averages the squared
    error over the ``d`` features; Gao et al. sum it, so their L1 weights are ``d``
    times larger for the same trade-off), or with the course's fast recipe (give it
    ``init_output_bias=False``: the output bias here is ``b_pre``, see
    :meth:`SparseAutoencoder.init_pre_bias`).

    Design choices, all from Gao et al.'s recipe:

    - the dictionary starts as random unit-length rows and the encoder as its
      transpose (their "tied" initialisation, which keeps latents alive);
    - ``unit_norm=True`` keeps every decoder row at unit length, so the latents' sizes
      mean something and L1 cannot be dodged by shrinking ``z`` and growing
      ``W_dec``. Gao et al. renormalise the rows after each step and remove the
      gradient's component along each row; here the decoder uses ``W / ||W||`` row by
      row, which gives the same function and, at unit length, the same projected
      gradient, and works with any optimizer;
    - ``pre_bias=True`` learns ``b_pre``; start it at the data's geometric median with
      :meth:`SparseAutoencoder.init_pre_bias`;
    - ``aux_k`` switches on their auxiliary loss against dead latents (AuxK): during
      training, a latent that has not fired for ``dead_after`` training examples counts
      as dead, and the ``aux_k`` largest dead pre-activations (through a ReLU) are asked
      to reconstruct what the model missed, ``e = x - x_hat`` (held fixed), adding
      ``aux_coefficient`` times the normalised MSE of that fit,
      ``mean((e - W_dec z_aux)^2) / mean((e - mean(e))^2)`` over the batch, to the loss
      (as in OpenAI's code). Dead latents then get a gradient and can come back. Gao et al. use ``aux_coefficient = 1/32``, ``aux_k``
      a power of two near ``d / 2`` and 10 million tokens for ``dead_after``. The term is
      part of the loss ``fit`` logs (a constant when no latent is dead); predictions
      and :func:`evaluate_sae` never include it.

    Args:
        input_shape: the width ``d`` of the activation vectors, as ``(d,)`` or ``d``
            (checked by :func:`aecourse.validation.check_input_shape`: not the shape of
            the whole set of activations).
        latent_dim: the number of latents ``n`` (the dictionary size), usually several
            times ``d``.
        k: keep the ``k`` largest pre-activations per example (1 to ``latent_dim``), or
            ``None`` for a ReLU.
        l1: weight of the L1 penalty on the latents, >= 0 (usually 0 with TopK).
        tied: use the encoder's kernel, transposed, as the decoder (``W_dec = W_enc^T``;
            with ``unit_norm`` both use the unit-length rows).
        unit_norm: keep the decoder's rows at unit length.
        pre_bias: learn the pre-encoder bias ``b_pre`` (else it stays at its value).
        aux_k: number of dead latents the auxiliary loss uses (1 to ``latent_dim``), or
            ``None`` for no auxiliary loss.
        aux_coefficient: weight of the auxiliary loss, >= 0.
        dead_after: training examples without firing after which a latent counts as
            dead for the auxiliary loss.
        seed: seed of the initial dictionary (``None``: Keras' global seed).
        name: the model's name.

    Returns:
        A built, uncompiled :class:`SparseAutoencoder` (a ``keras.Model``).

    Raises:
        TypeError: for arguments of the wrong type.
        ValueError: for an input shape that is not one vector width (or that holds the
            batch axis), sizes below 1, ``k > latent_dim``, or a negative ``l1``.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(64, 6)).astype("float32")
        >>> sae = sparse_autoencoder((6,), latent_dim=24, k=3, seed=1)
        >>> sae.compile(optimizer="adam", loss="mse")
        >>> _ = sae.fit(x, x, epochs=2, batch_size=32, verbose=0)
        >>> sae.dictionary.shape, round(float(np.linalg.norm(sae.dictionary[0])), 4)
        ((24, 6), 1.0)
        >>> sparse_autoencoder((6,), latent_dim=24, k=30)
        Traceback (most recent call last):
        ...
        ValueError: sparse_autoencoder: Expected `k` to be an integer from 1 to latent_dim=24, or None for ReLU + L1. Received: k=30. k counts the latents kept per example.
    """
    where = "sparse_autoencoder"
    shape = check_input_shape(input_shape, "input_shape", where=where)  # catches a batch axis passed by mistake
    if len(shape) != 1:
        raise ValueError(message(where, "input_shape", "the width of one activation vector, such as (64,)",
                                 shape, "Flatten the activations to (examples, width) first."))
    (width,) = shape
    settings = _checked_settings(where, latent_dim=latent_dim, k=k, l1=l1, tied=tied, unit_norm=unit_norm,
                                 pre_bias=pre_bias, aux_k=aux_k, aux_coefficient=aux_coefficient,
                                 dead_after=dead_after, seed=seed)
    check_instance(name, "name", str, where=where)
    return SparseAutoencoder(width, **settings, name=name)


# -------------------------------------------------------------------- NumPy


def _matrix(x, name, where, width=None, dtype="float64"):
    array = check_array(x, name, where=where, min_ndim=2, dtype=dtype)
    if array.ndim != 2:
        raise ValueError(message(where, name, "a 2-D array (examples, features)", array,
                                 "Flatten each example first: x.reshape(len(x), -1)."))
    if array.shape[1] == 0:
        raise ValueError(message(where, name, "an array with at least one feature", array))
    if width is not None and array.shape[1] != width:
        raise ValueError(message(where, name, f"an array of shape (examples, {width})", array,
                                 f"The model was built for vectors of width {width}."))
    return array


def _pair(x, x_hat, where):
    x = _matrix(x, "x", where)
    x_hat = _matrix(x_hat, "x_hat", where)
    if x.shape != x_hat.shape:
        raise ValueError(f"{where}: Expected `x` and `x_hat` to have the same shape. Received: x of shape "
                         f"{x.shape} and x_hat of shape {x_hat.shape}. Pass the activations and their "
                         "reconstructions, in that order.")
    return x, x_hat


def _threshold(threshold, where):
    return check_float(threshold, "threshold", where=where, min_value=0.0,
                       fix="A latent counts as active when its absolute value exceeds the threshold (0: non-zero).")


def geometric_median(x, *, max_iter=200, tol=1e-7):
    """The geometric median of the rows of ``x``: the point with the least summed distance to them.

    Computed with Weiszfeld's algorithm (iteratively re-weighted means, weights
    ``1 / distance``), started at the mean. Unlike the mean it is not pulled far by a
    few outlying rows. Bricken et al. (2023) start a sparse autoencoder's ``b_pre``
    there.

    Args:
        x: array ``(examples, features)``.
        max_iter: the most iterations.
        tol: stop when the point moves less than ``tol`` times its norm (plus ``tol``).

    Returns:
        A float64 array ``(features,)``.

    Raises:
        ValueError: if ``x`` is not a non-empty 2-D array of finite numbers.

    Example:
        >>> x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [10.0, 10.0]])
        >>> geometric_median(x).round(4).tolist(), x.mean(axis=0).tolist()
        ([0.5, 0.5], [2.75, 2.75])
    """
    x = _matrix(x, "x", "geometric_median")
    max_iter = check_int(max_iter, "max_iter", where="geometric_median", min_value=1)
    tol = check_float(tol, "tol", where="geometric_median", min_value=0.0)
    point = x.mean(axis=0)
    for _ in range(max_iter):
        distance = np.linalg.norm(x - point, axis=1)
        if np.any(distance < 1e-12):  # the median sits on a data point: stop there
            break
        weights = 1.0 / distance
        new = (weights[:, None] * x).sum(axis=0) / weights.sum()
        moved = np.linalg.norm(new - point)
        point = new
        if moved <= tol * (1.0 + np.linalg.norm(point)):
            break
    return point


def l0(latents, threshold=0.0):
    """L0: the mean number of active latents per example.

    A latent is active for an example when ``|z| > threshold``; with the default 0 that
    is every non-zero value (ReLU and TopK latents are exactly 0 when off).

    Args:
        latents: array ``(examples, latents)``.
        threshold: a latent is active above this absolute value, >= 0.

    Returns:
        A float.

    Raises:
        ValueError: if ``latents`` is not a 2-D array of finite numbers, or the
            threshold is negative.

    Example:
        >>> l0(np.array([[0.0, 1.5, 0.2], [0.0, 0.0, 3.0]]))
        1.5
    """
    z = _matrix(latents, "latents", "l0")
    return float(np.mean(np.sum(np.abs(z) > _threshold(threshold, "l0"), axis=1)))


def normalized_mse(x, x_hat):
    """Normalised MSE: the reconstruction's squared error over that of predicting the mean.

    ``sum ||x_i - x_hat_i||^2 / sum ||x_i - mean(x)||^2``, the mean taken over the same
    rows ``x`` (Gao et al. 2024 report "a normalized version of all MSE numbers, where we
    divide by a baseline reconstruction error of always predicting the mean
    activations"). 0 is perfect, 1 is no better than the mean. (OpenAI's released code
    divides by ``||x_i||^2`` per example instead, on layer-normalised inputs; the two
    differ when the mean is not 0.)

    Args:
        x: activations ``(examples, features)``.
        x_hat: their reconstructions, the same shape.

    Returns:
        A float.

    Raises:
        ValueError: for arrays of different shapes, fewer than two rows, non-finite
            values, or an ``x`` whose rows are all equal (no variance to explain).

    Example:
        >>> x = np.array([[0.0, 2.0], [2.0, 0.0]])
        >>> normalized_mse(x, np.ones_like(x)), normalized_mse(x, x)
        (1.0, 0.0)
    """
    where = "normalized_mse"
    x, x_hat = _pair(x, x_hat, where)
    if len(x) < 2:
        raise ValueError(message(where, "x", "at least 2 examples (the mean of 1 example explains it)", x))
    total = float(np.sum((x - x.mean(axis=0)) ** 2))
    if total == 0.0:
        raise ValueError(f"{where}: every row of x is the same, so there is no variance to explain and the "
                         "normalised MSE is undefined. Pass a set of different activation vectors.")
    return float(np.sum((x - x_hat) ** 2)) / total


def fraction_of_variance_explained(x, x_hat):
    """``1 - normalized_mse(x, x_hat)``: 1 for a perfect reconstruction, 0 for the mean.

    It can be negative for reconstructions worse than predicting the mean.

    Args:
        x: activations ``(examples, features)``.
        x_hat: their reconstructions, the same shape.

    Returns:
        A float.

    Raises:
        ValueError: as :func:`normalized_mse`.

    Example:
        >>> x = np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
        >>> round(fraction_of_variance_explained(x, np.array([[0.5, 1.5], [1.5, 0.5], [1.0, 1.0]])), 4)
        0.75
    """
    return 1.0 - normalized_mse(x, x_hat)


def dead_latents(latents, threshold=0.0):
    """The latents that are active for no example of a set: their indices.

    Args:
        latents: array ``(examples, latents)``.
        threshold: a latent is active above this absolute value, >= 0.

    Returns:
        An int64 array of latent indices (empty when every latent fires somewhere).
        "Dead" is relative to the set: a latent dead on 1,000 examples may fire on
        the 1,001st; Gao et al. call a latent dead when it has not fired for 10
        million tokens.

    Raises:
        ValueError: if ``latents`` is not a 2-D array of finite numbers.

    Example:
        >>> dead_latents(np.array([[0.0, 1.5, 0.0], [0.0, 0.0, 3.0]])).tolist()
        [0]
    """
    z = _matrix(latents, "latents", "dead_latents")
    return np.flatnonzero(np.all(np.abs(z) <= _threshold(threshold, "dead_latents"), axis=0)).astype(np.int64)


def relative_reconstruction_bias(x, x_hat, center=None):
    """Shrinkage: how long the reconstructions are relative to the best rescaling of them.

    ``gamma = sum ||x_hat_i - c||^2 / sum <x_hat_i - c, x_i - c>``, the ``gamma`` for which
    ``x_hat / gamma`` (around the centre ``c``) fits ``x`` best in squared error (the
    "relative reconstruction bias" of Rajamanoharan et al. 2024, "Improving dictionary
    learning with gated sparse autoencoders"). ``gamma = 1``: no systematic bias;
    ``gamma < 1``: the reconstructions are too short, the latents' values *shrunk*
    (what an L1 penalty does); ``gamma > 1``: too long.

    Args:
        x: activations ``(examples, features)``.
        x_hat: their reconstructions, the same shape.
        center: the point ``c`` both are measured from, a vector ``(features,)``, e.g. a
            sparse autoencoder's ``b_pre``, so that ``x_hat - c = W_dec z``; ``None`` for 0.

    Returns:
        A float.

    Raises:
        ValueError: for mismatched shapes, non-finite values, or reconstructions with no
            component along the data (the ratio is undefined).

    Example:
        >>> x = np.array([[2.0, 0.0], [0.0, 4.0]])
        >>> relative_reconstruction_bias(x, 0.5 * x)
        0.5
    """
    where = "relative_reconstruction_bias"
    x, x_hat = _pair(x, x_hat, where)
    if center is not None:
        c = check_array(center, "center", where=where, min_ndim=1, dtype="float64")
        if c.shape != (x.shape[1],):
            raise ValueError(message(where, "center", f"a vector of shape ({x.shape[1]},)", c,
                                     "Pass one point, e.g. the sparse autoencoder's pre_bias."))
        x, x_hat = x - c, x_hat - c
    along = float(np.sum(x_hat * x))
    if along <= 0.0:
        raise ValueError(f"{where}: the reconstructions have no positive component along the data (sum of "
                         f"<x_hat - c, x - c> = {along:.3g}), so no rescaling fits; check the argument order "
                         "and the centre.")
    return float(np.sum(x_hat ** 2)) / along


# ------------------------------------------------------------ class specificity


@dataclasses.dataclass(frozen=True)
class ClassSpecificity:
    """How class-specific each unit is: the result of :func:`class_specificity`.

    Attributes:
        classes: the class labels, in the order of ``class_means``' rows.
        class_means: mean activation of each unit over the examples of each class,
            shape ``(classes, units)``.
        share: for each unit, the largest class mean over the sum of its class means:
            1 when the unit fires for one class only, ``1 / classes`` when it fires
            equally for all; NaN for a unit that never fires.
        top_class: for each unit, the class with the largest mean (-1 when it never fires).
    """

    classes: np.ndarray
    class_means: np.ndarray
    share: np.ndarray
    top_class: np.ndarray

    @property
    def n_units(self) -> int:
        """Number of units."""
        return int(self.share.shape[0])

    @property
    def alive(self) -> np.ndarray:
        """Boolean mask of the units that fire for some example."""
        return ~np.isnan(self.share)

    @property
    def overall(self) -> float:
        """The layer's summary share: ``sum_j max_c m[c, j] / sum_j sum_c m[c, j]``.

        Of all the class-averaged activation of the layer, the fraction that sits on
        each unit's top class; the same as the units' shares averaged with weights
        ``sum_c m[c, j]`` (their activation mass), so units that rarely fire count
        little and never-firing units not at all.
        """
        total = float(self.class_means.sum())
        return float(self.class_means.max(axis=0).sum()) / total if total > 0 else float("nan")

    @property
    def median(self) -> float:
        """Median share over the units that fire (NaN if none does)."""
        return float(np.median(self.share[self.alive])) if self.alive.any() else float("nan")

    def fraction_above(self, level=0.5) -> float:
        """Fraction of the firing units whose share exceeds ``level``."""
        level = check_float(level, "level", where="ClassSpecificity.fraction_above", min_value=0.0, max_value=1.0)
        return float(np.mean(self.share[self.alive] > level)) if self.alive.any() else float("nan")


def class_specificity(activations, labels):
    """For each unit, the share of its (class-averaged) activation that falls on its top class.

    For unit ``j`` and class ``c`` let ``m[c, j]`` be the mean of ``activations[:, j]`` over
    the examples of class ``c``. The unit's share is ``max_c m[c, j] / sum_c m[c, j]``.
    Using class *means* rather than sums makes it independent of how many examples each
    class has. With 10 classes a unit that fires equally for all scores 0.1, one that
    fires for one class only scores 1.

    Args:
        activations: non-negative activations ``(examples, units)``, such as ReLU
            neurons or sparse-autoencoder latents.
        labels: integer class labels ``(examples,)``; at least two classes.

    Returns:
        A :class:`ClassSpecificity`.

    Raises:
        ValueError: for negative activations, mismatched lengths, non-integer labels
            or fewer than two classes.

    Example:
        >>> acts = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [3.0, 0.5, 0.0]])
        >>> result = class_specificity(acts, np.array([0, 0, 1]))
        >>> result.share.tolist(), result.top_class.tolist()  # the third unit never fires
        ([0.75, 0.5, nan], [1, 0, -1])
        >>> round(result.overall, 4)  # (3 + 0.5) / (4 + 1)
        0.7
    """
    where = "class_specificity"
    a = _matrix(activations, "activations", where)
    if np.any(a < 0):
        raise ValueError(f"{where}: activations must be non-negative (the share of a unit's activation mass is "
                         f"only meaningful for units that are 0 when off, such as ReLU or TopK outputs); the "
                         f"smallest value received is {a.min():.4g}.")
    y = np.asarray(labels)
    if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_):
        raise ValueError(message(where, "labels", "a 1-D array of integer class labels", y,
                                 "Pass labels such as y_test, not one-hot rows or class names."))
    if len(y) != len(a):
        raise ValueError(f"{where}: activations has {len(a)} examples but labels has {len(y)}; pass the labels "
                         "of the same examples, in the same order.")
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(message(where, "labels", "labels of at least 2 classes", y))
    means = np.stack([a[y == c].mean(axis=0) for c in classes])
    total = means.sum(axis=0)
    alive = total > 0
    share = np.full(a.shape[1], np.nan)
    share[alive] = means.max(axis=0)[alive] / total[alive]
    top = np.where(alive, classes[np.argmax(means, axis=0)], -1)
    return ClassSpecificity(classes=classes, class_means=means, share=share, top_class=top)


# ------------------------------------------------------------ evaluate an SAE


@dataclasses.dataclass(frozen=True)
class SAEMetrics:
    """A sparse autoencoder measured on a set of activations: the result of :func:`evaluate_sae`.

    Attributes:
        l0: mean number of active latents per example.
        normalized_mse: squared error over that of predicting the set's mean.
        fraction_of_variance_explained: ``1 - normalized_mse``.
        dead_latents: indices of the latents active for no example of the set.
        n_latents: number of latents.
        relative_bias: :func:`relative_reconstruction_bias` around ``b_pre`` (1: no
            shrinkage, below 1: shrunk latents).
    """

    l0: float
    normalized_mse: float
    fraction_of_variance_explained: float
    dead_latents: np.ndarray
    n_latents: int
    relative_bias: float

    @property
    def n_dead(self) -> int:
        """Number of dead latents."""
        return int(self.dead_latents.shape[0])

    @property
    def dead_fraction(self) -> float:
        """Fraction of the latents that are dead."""
        return self.n_dead / self.n_latents

    def as_dict(self) -> dict:
        """The numbers as a dict of plain values (one row of a table)."""
        return {"l0": self.l0, "normalized_mse": self.normalized_mse,
                "fraction_of_variance_explained": self.fraction_of_variance_explained,
                "dead": self.n_dead, "dead_fraction": self.dead_fraction, "relative_bias": self.relative_bias}


def evaluate_sae(model, x, threshold=0.0):
    """Measure a sparse autoencoder on activations ``x``: L0, normalised MSE, dead latents, shrinkage.

    Args:
        model: a :class:`SparseAutoencoder`.
        x: activations ``(examples, input_dim)``, ideally held out from its training.
        threshold: a latent is active above this absolute value.

    Returns:
        A :class:`SAEMetrics`.

    Raises:
        TypeError: if ``model`` is not a :class:`SparseAutoencoder`.
        ValueError: for activations of the wrong shape.

    Example:
        >>> sae = sparse_autoencoder((4,), latent_dim=8, k=2, seed=0)
        >>> x = np.random.default_rng(1).normal(size=(50, 4))
        >>> metrics = evaluate_sae(sae, x)
        >>> metrics.l0 <= 2, metrics.n_latents
        (True, 8)
    """
    where = "evaluate_sae"
    check_instance(model, "model", SparseAutoencoder, where=where, expected="a SparseAutoencoder",
                   fix="Build one with aecourse.sae.sparse_autoencoder.")
    x = _matrix(x, "x", where, width=model.input_dim, dtype="float32")
    z = model.predict_latents(x)
    x_hat = ops.convert_to_numpy(model.decode(z)).astype("float64")
    nmse = normalized_mse(x, x_hat)
    return SAEMetrics(l0=l0(z, threshold), normalized_mse=nmse, fraction_of_variance_explained=1.0 - nmse,
                      dead_latents=dead_latents(z, threshold), n_latents=model.latent_dim,
                      relative_bias=relative_reconstruction_bias(x, x_hat, ops.convert_to_numpy(model.pre_bias)))


# ------------------------------------------------------------------ splicing


def split_model(model, layer):
    """Cut a chain-shaped Keras model after one of its layers: ``(head, tail)``.

    ``head`` maps the model's input to the named layer's output (the activations to
    study); ``tail`` maps such activations to the model's output through the layers
    after it, with the same weights (shared, not copied). ``tail(head(x))`` equals
    ``model(x)``.

    Args:
        model: a ``keras.Model`` (Sequential or functional) whose layers after
            ``layer`` form a chain, each taking the previous one's output.
        layer: the name of the layer to cut after.

    Returns:
        A pair of ``keras.Model``: ``head`` and ``tail``.

    Raises:
        TypeError: if ``model`` is not a Keras model or ``layer`` not a string.
        ValueError: if no layer has that name, it is the output layer, or the layers
            after it do not form a chain.

    Example:
        >>> clf = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="hidden"),
        ...                         keras.layers.Dense(2, activation="softmax", name="output")])
        >>> head, tail = split_model(clf, "hidden")
        >>> head.output.shape, tail.input.shape
        ((None, 3), (None, 3))
    """
    where = "split_model"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    check_instance(layer, "layer", str, where=where, expected="a layer name (a string)")
    layers = [l for l in model.layers if not isinstance(l, keras.layers.InputLayer)]
    names = [l.name for l in layers]
    if layer not in names:
        raise ValueError(message(where, "layer", "the name of one of the model's layers", layer,
                                 f"Its layers are {names}."))
    start = names.index(layer)
    after = layers[start + 1:]
    if not after:
        raise ValueError(message(where, "layer", "a hidden layer (not the output layer)", layer,
                                 f"Its layers are {names}."))
    cut = layers[start]
    previous = cut.output
    for later in after:
        if later.input is not previous:
            raise ValueError(f"{where}: the layers after {layer!r} do not form a chain (layer {later.name!r} does "
                             "not take the previous layer's output), so the model cannot be cut there. Cut a "
                             "model whose layers after the cut run one after the other.")
        previous = later.output
    if previous is not model.outputs[0] or len(model.outputs) != 1:
        raise ValueError(f"{where}: the chain after {layer!r} does not end at the model's single output.")
    head = keras.Model(model.inputs, cut.output, name=f"{model.name}_to_{layer}")
    tail_input = keras.Input(shape=tuple(cut.output.shape[1:]), name=f"{layer}_activations")
    y = tail_input
    for later in after:
        y = later(y)
    tail = keras.Model(tail_input, y, name=f"{model.name}_after_{layer}")
    return head, tail


@dataclasses.dataclass(frozen=True)
class SpliceResult:
    """A classifier scored with one hidden layer replaced: the result of :func:`evaluate_spliced`.

    Attributes:
        layer: the name of the replaced layer.
        accuracy: fraction of examples classified correctly.
        loss: mean cross-entropy (natural log) of the true class.
        n_examples: number of examples scored.
    """

    layer: str
    accuracy: float
    loss: float
    n_examples: int


def evaluate_spliced(classifier, layer, replace, x, y, *, batch_size=1024, from_logits=False):
    """Score a classifier with the output of one hidden layer replaced by ``replace(activations)``.

    The classifier runs up to ``layer``; its activations ``a`` (NumPy, ``(examples,
    width)``) go through ``replace``; the result goes through the rest of the
    classifier. Useful replacements: a sparse autoencoder's reconstruction
    (``lambda a: sae.predict(a, verbose=0)``), zeros (zero ablation), the mean
    activation of the training set (mean ablation), a PCA reconstruction; ``None``
    keeps the activations (the original classifier).

    Args:
        classifier: a ``keras.Model`` ending in class probabilities (softmax), or in
            logits with ``from_logits=True``; the layers after ``layer`` must form a
            chain (see :func:`split_model`).
        layer: the name of the hidden layer to replace.
        replace: a function from activations to replacements of the same shape, or ``None``.
        x: the classifier's inputs.
        y: integer class labels ``(examples,)``.
        batch_size: examples per prediction batch.
        from_logits: the classifier outputs logits rather than probabilities.

    Returns:
        A :class:`SpliceResult` (accuracy and mean cross-entropy).

    Raises:
        TypeError: for a ``replace`` that is not callable.
        ValueError: for a layer that cannot be cut at, labels of the wrong shape, a
            replacement of the wrong shape or with non-finite values, or outputs that
            are not probabilities without ``from_logits=True``.

    Example:
        >>> clf = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="hidden"),
        ...                         keras.layers.Dense(2, activation="softmax", name="output")])
        >>> x, y = np.random.default_rng(0).normal(size=(10, 4)), np.arange(10) % 2
        >>> zero = evaluate_spliced(clf, "hidden", np.zeros_like, x, y)
        >>> zero.accuracy, zero.n_examples  # zeros in, one fixed prediction out
        (0.5, 10)
    """
    where = "evaluate_spliced"
    if replace is not None:
        check_callable(replace, "replace", where=where, expected="a function from activations to replacements, or None",
                       fix="For example replace=lambda a: sae.predict(a, verbose=0).")
    from_logits = check_bool(from_logits, "from_logits", where=where)
    batch_size = check_int(batch_size, "batch_size", where=where, min_value=1)
    head, tail = split_model(classifier, layer)
    x = check_array(x, "x", where=where, min_ndim=2, dtype="float32")
    labels = np.asarray(y)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(message(where, "y", "a 1-D array of integer class labels", labels,
                                 "Pass labels such as y_test (use y.argmax(axis=1) for one-hot rows)."))
    if len(labels) != len(x):
        raise ValueError(f"{where}: x has {len(x)} examples but y has {len(labels)}.")
    activations = head.predict(x, batch_size=batch_size, verbose=0)
    if replace is not None:
        replaced = np.asarray(replace(activations))
        if replaced.shape != activations.shape:
            raise ValueError(f"{where}: replace returned an array of shape {replaced.shape}; expected the shape of "
                             f"the activations it received, {activations.shape}.")
        if not np.issubdtype(replaced.dtype, np.number) or not np.all(np.isfinite(replaced)):
            raise ValueError(f"{where}: replace returned non-finite or non-numeric values.")
        activations = replaced.astype("float32")
    out = np.asarray(tail.predict(activations, batch_size=batch_size, verbose=0), dtype="float64")
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"{where}: the classifier's output has shape {out.shape}; expected (examples, classes).")
    if labels.min() < 0 or labels.max() >= out.shape[1]:
        raise ValueError(f"{where}: labels must lie in [0, {out.shape[1] - 1}] for {out.shape[1]} classes; received "
                         f"labels from {labels.min()} to {labels.max()}.")
    if from_logits:
        out = np.exp(out - out.max(axis=1, keepdims=True))
        out /= out.sum(axis=1, keepdims=True)
    elif np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(f"{where}: the classifier's outputs are not probabilities (rows do not sum to 1); if it "
                         "ends in logits, pass from_logits=True.")
    p_true = np.clip(out[np.arange(len(labels)), labels], 1e-7, 1.0)
    return SpliceResult(layer=layer, accuracy=float(np.mean(out.argmax(axis=1) == labels)),
                        loss=float(-np.mean(np.log(p_true))), n_examples=int(len(labels)))
