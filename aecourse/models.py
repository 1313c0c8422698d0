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


# ---------------------------------------------------------------- convolutional

_UPSAMPLING = ("transpose", "nearest", "bilinear")


def _kernel(kernel_size):
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(
                f"kernel_size must be an int or a (height, width) pair such as (3, 3), received {kernel_size!r}"
            )
        return tuple(_positive_int(k, f"kernel_size[{i}]") for i, k in enumerate(kernel_size))
    k = _positive_int(kernel_size, "kernel_size")
    return (k, k)


def _image_shape(input_shape):
    shape = _shape(input_shape)
    if len(shape) != 3:
        hint = f"; for grey images add a channel axis: {shape + (1,)}" if len(shape) == 2 else ""
        raise ValueError(
            f"input_shape must be (height, width, channels) for a convolutional autoencoder, "
            f"received {shape} with {len(shape)} axes{hint}"
        )
    return shape


def _encoder_sizes(height_width, blocks, input_shape):
    """Spatial sizes before and after each 2 x 2 pooling: [(28, 28), (14, 14), (7, 7), (3, 3)]."""
    from aecourse.shapes import pool_output_size

    need = 2 ** blocks
    if min(height_width) < need:
        largest = int(math.log2(min(height_width))) if min(height_width) >= 2 else 0
        raise ValueError(
            f"input_shape={input_shape} is too small for {blocks} convolution blocks: each block's 2 x 2 "
            f"pooling halves the height and width (rounding down), so {blocks} blocks need an input of at "
            f"least {need} x {need} pixels (2**{blocks}), received {height_width[0]} x {height_width[1]}. "
            f"Use at most {largest} block(s) (fewer filters) or a larger input."
        )
    sizes = [tuple(height_width)]
    for _ in range(blocks):
        sizes.append(pool_output_size(sizes[-1], pool_size=2))
    return sizes


def _transpose_plan(size_in, target, kernel):
    """Padding, output padding and cropping that take a stride-2 transposed convolution
    from ``size_in`` to exactly ``target`` (per axis: ``2 n`` or ``2 n + 1``).

    Candidates are tried in a fixed order and the first that needs the least cropping
    wins: ``'same'`` (gives ``2 n``), ``'valid'`` (gives ``2 n + max(k - 2, 0)``), then
    either padding with an explicit ``output_padding`` of 0 or 1 per axis.
    """
    from aecourse.shapes import conv_transpose_output_size

    best = None
    for padding in ("same", "valid"):
        # the output padding (0 or 1 per axis) that brings the output closest to the target
        base = [(n - 1) * 2 + (k if padding == "valid" else k % 2) for n, k in zip(size_in, kernel)]
        options = [None, tuple(min(max(t - b, 0), 1) for t, b in zip(target, base))]
        for output_padding in options:
            try:
                out = conv_transpose_output_size(size_in, kernel, strides=2, padding=padding,
                                                 output_padding=output_padding)
            except ValueError:  # an empty output (size 1, even kernel, 'same', output_padding 0)
                continue
            crop = tuple(o - t for o, t in zip(out, target))
            if min(crop) < 0:
                continue
            if best is None or sum(crop) < sum(best[2]):
                best = (padding, output_padding, crop)
    return best


def _crop_amounts(crop):
    return tuple((c // 2, c - c // 2) for c in crop)


def conv_autoencoder(input_shape=(28, 28, 1), filters=(32, 64, 128), latent_dim=10, *, kernel_size=3,
                     upsampling="transpose", activation="relu", latent_activation=None,
                     output_activation="sigmoid", name="conv_autoencoder"):
    """Build a convolutional autoencoder with a dense bottleneck, for any image size.

    **Encoder**: one block per entry of ``filters``, each a ``Conv2D`` (``padding="same"``,
    so the size is kept) followed by a 2 x 2 ``MaxPooling2D`` that halves the height and
    width, rounding down; then ``Flatten`` and a ``Dense`` layer to the ``latent_dim``
    code. With the defaults: 28 -> 14 -> 7 -> 3, a 3 x 3 x 128 feature map, 1152 values,
    a 10-d code.

    **Decoder**: a ``Dense`` layer back to the same number of values, ``Reshape`` to the
    last feature map (``(3, 3, 128)``), then one upsampling block per encoder block, in
    reverse, each doubling the size back to the size the encoder recorded at that level
    and mapping the channels back (128 -> 64 -> 32 -> the input's channels, mirroring the
    encoder). The last block uses ``output_activation``. ``upsampling`` chooses the block:

    - ``"transpose"``: a stride-2 ``Conv2DTranspose``. Where pooling dropped an odd row
      (7 -> 3), ``padding="valid"`` or an ``output_padding`` restores it (3 -> 7); a
      ``Cropping2D`` trims the excess where no setting lands exactly (one axis odd and
      the other even, or kernels of 4 or more);
    - ``"nearest"`` or ``"bilinear"``: ``UpSampling2D`` with that interpolation, then a
      ``ZeroPadding2D`` of one row/column at the bottom/right where pooling dropped
      one, then a ``Conv2D`` with ``padding="same"``.

    Every upsampling mode has the same number of parameters. The output shape always
    equals ``input_shape``.

    Args:
        input_shape: ``(height, width, channels)`` of one image, e.g. ``(28, 28, 1)`` or
            ``(32, 32, 3)``; any size of at least ``2**len(filters)`` pixels per side.
        filters: number of filters of each encoder block (one block per entry).
        latent_dim: size of the code.
        kernel_size: kernel size of every convolution, an int or ``(height, width)``;
            ``upsampling="transpose"`` needs at least 2.
        upsampling: ``"transpose"``, ``"nearest"`` or ``"bilinear"``.
        activation: activation of the hidden convolutions and of the decoder's ``Dense``.
        latent_activation: activation of the code (``None``: a linear code).
        output_activation: activation of the output (``"sigmoid"`` for pixels in [0, 1]).
        name: name of the returned model.

    Returns:
        A ``keras.Model`` (not compiled) made of the nested models ``"encoder"``
        (image -> code) and ``"decoder"`` (code -> image).

    Raises:
        ValueError: for an input that is not ``(height, width, channels)``, an input too
            small for the number of blocks, an unknown ``upsampling``, non-positive
            sizes or unknown activations.

    Example:
        >>> model = conv_autoencoder()
        >>> model.get_layer("encoder").get_layer("flatten").output.shape
        (None, 1152)
        >>> model.output.shape
        (None, 28, 28, 1)
        >>> conv_autoencoder((27, 31, 2), upsampling="bilinear").output.shape
        (None, 27, 31, 2)
    """
    input_shape = _image_shape(input_shape)
    filters = _units(filters, "filters", allow_empty=False)
    latent_dim = _positive_int(latent_dim, "latent_dim")
    kernel = _kernel(kernel_size)
    if not isinstance(upsampling, str) or upsampling not in _UPSAMPLING:
        raise ValueError(
            f"upsampling must be one of {', '.join(repr(u) for u in _UPSAMPLING)}, received {upsampling!r}"
        )
    if upsampling == "transpose" and min(kernel) < 2:
        raise ValueError(
            f"upsampling='transpose' needs kernel_size >= 2 (received {kernel_size!r}): a 1-wide kernel "
            "with stride 2 leaves every other row and column of the output empty. Use a larger kernel "
            "or upsampling='nearest' or 'bilinear'."
        )
    activation = _activation(activation, "activation")
    latent_activation = _activation(latent_activation, "latent_activation")
    output_activation = _activation(output_activation, "output_activation")
    sizes = _encoder_sizes(input_shape[:2], len(filters), input_shape)
    channels = input_shape[2]
    final_shape = sizes[-1] + (filters[-1],)

    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = inputs
    for i, f in enumerate(filters, 1):
        x = keras.layers.Conv2D(f, kernel, padding="same", activation=activation, name=f"encoder_conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"encoder_pool_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    code = keras.layers.Dense(latent_dim, activation=latent_activation, name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    code_in = keras.Input(shape=(latent_dim,), name="decoder_input")
    y = keras.layers.Dense(math.prod(final_shape), activation=activation, name="decoder_dense")(code_in)
    y = keras.layers.Reshape(final_shape, name="unflatten")(y)
    out_channels = (channels,) + filters[:-1]
    for j, level in enumerate(range(len(filters) - 1, -1, -1), 1):
        size_in, target = sizes[level + 1], sizes[level]
        f = out_channels[level]
        act = output_activation if level == 0 else activation
        if upsampling == "transpose":
            padding, output_padding, crop = _transpose_plan(size_in, target, kernel)
            y = keras.layers.Conv2DTranspose(f, kernel, strides=2, padding=padding, output_padding=output_padding,
                                             activation=act, name=f"decoder_upconv_{j}")(y)
            if any(crop):
                y = keras.layers.Cropping2D(_crop_amounts(crop), name=f"decoder_crop_{j}")(y)
        else:
            y = keras.layers.UpSampling2D(2, interpolation=upsampling, name=f"decoder_upsample_{j}")(y)
            extra = tuple(t - 2 * n for t, n in zip(target, size_in))
            if any(extra):
                y = keras.layers.ZeroPadding2D(((0, extra[0]), (0, extra[1])), name=f"decoder_pad_{j}")(y)
            y = keras.layers.Conv2D(f, kernel, padding="same", activation=act, name=f"decoder_conv_{j}")(y)
    decoder = keras.Model(code_in, y, name="decoder")

    model_in = keras.Input(shape=input_shape, name="input")
    return keras.Model(model_in, decoder(encoder(model_in)), name=name)

from aecourse.sae import TopK, sparse_autoencoder  # re-exported from aecourse.sae  # noqa: E402,F401
from aecourse.vae import variational_autoencoder  # re-exported from aecourse.vae  # noqa: E402,F401
