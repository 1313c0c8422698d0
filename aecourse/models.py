"""Autoencoder builders: dense and convolutional, for any input size.

Each builder returns a ``keras.Model`` made of two nested models named ``"encoder"``
and ``"decoder"``, with every layer named, so that::

    model = dense_autoencoder()
    codes = model.get_layer("encoder").predict(x, verbose=0)
    images = model.get_layer("decoder").predict(codes, verbose=0)

The builders only build: compile and train the model yourself (or with
:mod:`aecourse.training`).
"""

from __future__ import annotations

import math
import numbers

import keras

__all__ = ["dense_autoencoder", "conv_autoencoder"]


# ------------------------------------------------------------------- validation


def _positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be a positive integer, received {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{what} must be a positive integer, received {value}")
    return int(value)


def _shape(input_shape, what="input_shape"):
    if isinstance(input_shape, numbers.Integral) and not isinstance(input_shape, bool):
        input_shape = (input_shape,)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) == 0:
        raise ValueError(
            f"{what} must be a tuple of positive integers such as (784,) or (28, 28, 1), received {input_shape!r}"
        )
    return tuple(_positive_int(s, f"{what}[{i}]") for i, s in enumerate(input_shape))


def _units(units, what, allow_empty=True):
    if isinstance(units, numbers.Integral) and not isinstance(units, bool):
        units = (units,)
    if not isinstance(units, (tuple, list)):
        raise ValueError(f"{what} must be a sequence of positive integers such as (128, 64), received {units!r}")
    if not units and not allow_empty:
        raise ValueError(f"{what} must hold at least one value, received {units!r}")
    return tuple(_positive_int(u, f"{what}[{i}]") for i, u in enumerate(units))


def _activation(value, what):
    if value is None:
        return None
    try:
        keras.activations.get(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what}={value!r} is not a Keras activation ({exc})") from None
    return value


def _regularizer(value):
    """A Keras regularizer (or its name) for ``activity_regularizer``, or a Layer placed after the code."""
    if value is None or isinstance(value, keras.layers.Layer):
        return value
    try:
        return keras.regularizers.get(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"activity_regularizer={value!r} is neither a Keras regularizer nor a Layer ({exc})"
        ) from None


# ------------------------------------------------------------------------ dense


def dense_autoencoder(input_shape=(784,), hidden_units=(128, 64), latent_dim=32, *,
                      activation="relu", latent_activation="relu", output_activation="sigmoid",
                      activity_regularizer=None, name="dense_autoencoder"):
    """Build a fully connected autoencoder with a mirrored decoder.

    The encoder maps the (flattened) input through ``Dense`` layers of
    ``hidden_units`` to a ``latent_dim`` code; the decoder mirrors it
    (``reversed(hidden_units)``) back to the input size and reshapes to
    ``input_shape``. The defaults are the source article's 784-128-64-32-64-128-784
    model with 222,384 parameters.

    Args:
        input_shape: shape of one example, e.g. ``(784,)``, ``(64,)``, ``(28, 28, 1)``
            or ``(32, 32, 3)``; an image shape is flattened inside the encoder and
            restored at the decoder's output. An int means ``(int,)``.
        hidden_units: sizes of the encoder's hidden layers, outermost first (may be
            empty for a single-layer encoder and decoder).
        latent_dim: size of the code.
        activation: activation of the hidden layers.
        latent_activation: activation of the code layer (``None`` for a linear code,
            ``"sigmoid"`` for codes in (0, 1) as a KL sparsity penalty needs).
        output_activation: activation of the output (``"sigmoid"`` for data in [0, 1]).
        activity_regularizer: a Keras regularizer (e.g. ``keras.regularizers.L1(1e-5)``)
            applied to the code, or a Keras ``Layer`` (such as
            :class:`aecourse.regularizers.KLSparsity`) inserted right after the code layer.
        name: name of the returned model.

    Returns:
        A ``keras.Model`` (not compiled) whose layers are the nested models
        ``"encoder"`` (input -> code) and ``"decoder"`` (code -> reconstruction).

    Raises:
        ValueError: for non-positive or non-integer sizes, or unknown activations.

    Example:
        >>> model = dense_autoencoder()
        >>> model.count_params()
        222384
        >>> model.get_layer("encoder").output.shape
        (None, 32)
    """
    input_shape = _shape(input_shape)
    hidden_units = _units(hidden_units, "hidden_units")
    latent_dim = _positive_int(latent_dim, "latent_dim")
    activation = _activation(activation, "activation")
    latent_activation = _activation(latent_activation, "latent_activation")
    output_activation = _activation(output_activation, "output_activation")
    regularizer = _regularizer(activity_regularizer)
    size = math.prod(input_shape)

    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units, 1):
        x = keras.layers.Dense(units, activation=activation, name=f"encoder_dense_{i}")(x)
    dense_regularizer = None if isinstance(regularizer, keras.layers.Layer) else regularizer
    code = keras.layers.Dense(latent_dim, activation=latent_activation,
                              activity_regularizer=dense_regularizer, name="code")(x)
    if isinstance(regularizer, keras.layers.Layer):
        code = regularizer(code)
    encoder = keras.Model(inputs, code, name="encoder")

    code_in = keras.Input(shape=(latent_dim,), name="decoder_input")
    y = code_in
    for i, units in enumerate(reversed(hidden_units), 1):
        y = keras.layers.Dense(units, activation=activation, name=f"decoder_dense_{i}")(y)
    y = keras.layers.Dense(size, activation=output_activation, name="reconstruction")(y)
    if len(input_shape) > 1:
        y = keras.layers.Reshape(input_shape, name="unflatten")(y)
    decoder = keras.Model(code_in, y, name="decoder")

    model_in = keras.Input(shape=input_shape, name="input")
    return keras.Model(model_in, decoder(encoder(model_in)), name=name)
