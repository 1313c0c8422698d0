"""Autoencoder builders: dense and convolutional, for any input size.

Each builder returns a ``keras.Model`` made of two nested models named ``"encoder"``
and ``"decoder"``, with every layer named, so that::

    model = dense_autoencoder()
    codes = model.get_layer("encoder").predict(x, verbose=0)
    images = model.get_layer("decoder").predict(codes, verbose=0)

The builders only build: compile and train the model yourself (or with
:mod:`aecourse.training`).

**Saving and loading.** A model saves with ``model.save("name.keras")``. The
package's own layers (:class:`aecourse.regularizers.KLSparsity`, the VAE's and the
sparse autoencoder's layers) are registered with Keras when their module is
imported; ``import aecourse`` alone imports nothing (it does not even load
TensorFlow), so load with :func:`load_model` (``aecourse.load_model(path)``), or with
Keras alone::

    keras.saving.load_model(path, custom_objects=aecourse.custom_objects())

(:func:`custom_objects` imports those modules, so after one call a plain
``keras.saving.load_model(path)`` works too.)
"""

from __future__ import annotations

import math
import numbers

import keras

from aecourse.validation import (check_input_shape, check_instance, check_int, check_int_sequence, check_one_of,
                                 message)

__all__ = ["dense_autoencoder", "conv_autoencoder", "custom_objects", "load_model", "KERAS_OBJECT_MODULES",
           "MAX_PARAMETERS"]


# ------------------------------------------------------------------- validation


def _positive_int(value, what, where):
    return check_int(value, what, where=where, min_value=1)


def _units(units, what, where, allow_empty=True):
    return check_int_sequence(units, what, where=where, min_value=1, allow_empty=allow_empty)


def _activation(value, what, where):
    if value is None:
        return None
    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(message(where, what, "a Keras activation: a name such as 'relu' or 'sigmoid', a function, "
                                 "or None", value)) from None
    return value


def _regularizer(value, where):
    """A Keras regularizer (or its name) for ``activity_regularizer``, or a Layer placed after the code."""
    if value is None or isinstance(value, keras.layers.Layer):
        return value
    try:
        return keras.regularizers.get(value)
    except (ValueError, TypeError):
        raise ValueError(message(where, "activity_regularizer", "a Keras regularizer (e.g. keras.regularizers.L1(1e-5) "
                                 "or 'l1'), a Layer placed after the code (e.g. KLSparsity()), or None",
                                 value)) from None


def _check_name(name, where):
    return check_instance(name, "name", str, where=where, expected="a string")


#: The most parameters a builder makes (4 GB of float32 weights): beyond, a size is surely a mistake.
MAX_PARAMETERS = 10**9


def _check_size(parameters, where, **sizes):
    """Refuse a model too large to build before Keras tries to allocate it."""
    if parameters > MAX_PARAMETERS:
        received = ", ".join(f"{name}={value!r}" for name, value in sizes.items())
        raise ValueError(f"{where}: Expected sizes giving at most {MAX_PARAMETERS:,} parameters. Received: {received}, "
                         f"about {parameters:,} parameters ({4 * parameters / 1e9:,.0f} GB of weights). Check "
                         "input_shape (one example, without the batch axis) and the layer sizes.")


def _check_kl_code(regularizer, latent_activation, where):
    """A KL sparsity penalty needs codes in [0, 1]; refuse it after any other code activation."""
    from aecourse.regularizers import KLSparsity, is_bounded_activation

    if isinstance(regularizer, KLSparsity) and not is_bounded_activation(latent_activation):
        raise ValueError(message(where, "latent_activation", "'sigmoid' (codes in [0, 1]) with a KLSparsity penalty",
                                 latent_activation, "The KL penalty compares each unit's mean activation with rho, "
                                 "which needs codes in [0, 1]; pass latent_activation='sigmoid', or use "
                                 "keras.regularizers.L1 for ReLU codes."))


# --------------------------------------------------------------- saving and loading

#: The modules that define aecourse's Keras objects; importing one registers its objects
#: with Keras (``keras.saving.register_keras_serializable(package="aecourse")``).
KERAS_OBJECT_MODULES = ("aecourse.regularizers", "aecourse.sae", "aecourse.vae")


def custom_objects():
    """Every Keras object aecourse defines, ``{registered name: class}``, for loading saved models.

    Importing :data:`KERAS_OBJECT_MODULES` registers the objects with Keras for the
    rest of the process; the dict is what ``keras.saving.load_model`` takes as
    ``custom_objects``, for code that loads with Keras alone.

    Returns:
        A dict such as ``{"aecourse>KLSparsity": KLSparsity, ...}``.

    Example:
        >>> import os, tempfile, keras
        >>> objects = custom_objects()
        >>> objects["aecourse>KLSparsity"].__name__
        'KLSparsity'
        >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
        >>> dense_autoencoder((8,), (), 2).save(path)
        >>> keras.saving.load_model(path, custom_objects=objects).name
        'dense_autoencoder'
    """
    return _aecourse_objects()


def _aecourse_objects():
    import importlib

    for module in KERAS_OBJECT_MODULES:
        importlib.import_module(module)
    return {name: obj for name, obj in keras.saving.get_custom_objects().items() if name.startswith("aecourse>")}


def _keras_reason(text):
    """The part of a Keras loading error that says what went wrong, without the config dumps."""
    import re

    found = re.search(r"Could not locate (class|function) '([^']+)'", text)
    if found:
        kind, name = found.groups()
        return (f"it uses the {kind} '{name}', which is neither one of aecourse's objects nor registered with Keras. "
                f"Import the module that defines '{name}' (decorated with "
                f"@keras.saving.register_keras_serializable()) before loading, or pass "
                f"custom_objects={{'{name}': {name}}}.")
    last = text.rsplit("Exception encountered:", 1)[-1].strip()
    return last.split("Full object config", 1)[0].strip().splitlines()[0] if last else type(text).__name__


def load_model(path, *, custom_objects=None, compile=True, safe_mode=True):
    """``keras.saving.load_model`` with every aecourse layer known, and errors that say why first.

    Args:
        path: a ``.keras`` file written by ``model.save``.
        custom_objects: more ``{name: class}`` for objects that are not aecourse's.
        compile: compile the model as it was saved (Keras' argument).
        safe_mode: refuse to load Python lambdas (Keras' argument).

    Returns:
        The ``keras.Model``.

    Raises:
        TypeError: if ``path`` is not a path, or (from Keras) a class cannot be found:
            the message starts with which one and what to do, Keras' own message follows.
        ValueError: if there is no such file, or Keras cannot read it (same layout).

    Example:
        >>> import os, tempfile
        >>> from aecourse.regularizers import KLSparsity
        >>> model = dense_autoencoder((8,), (), 3, latent_activation="sigmoid",
        ...                           activity_regularizer=KLSparsity(name="kl_sparsity"))
        >>> path = os.path.join(tempfile.mkdtemp(), "sparse.keras")
        >>> model.save(path)
        >>> load_model(path).get_layer("encoder").get_layer("kl_sparsity").rho
        0.05
    """
    import os

    where = "load_model"
    check_instance(path, "path", (str, os.PathLike), where=where, expected="the path of a .keras file")
    if not os.path.isfile(path):
        raise ValueError(message(where, "path", "the path of an existing .keras file", os.fspath(path),
                                 "No such file: save one with model.save('name.keras')."))
    objects = _aecourse_objects()
    if custom_objects is not None:
        objects.update(check_instance(custom_objects, "custom_objects", dict, where=where, expected="a dict"))
    try:
        return keras.saving.load_model(path, custom_objects=objects, compile=compile, safe_mode=safe_mode)
    except (TypeError, ValueError) as exc:
        text = str(exc)
        raise type(exc)(f"load_model: {os.fspath(path)} could not be loaded: {_keras_reason(text)}\n\n"
                        f"Keras' message:\n{text}") from None


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
        hidden_units: sizes of the encoder's hidden layers, outermost first (a tuple,
            list or 1-D NumPy array; may be empty for a single-layer encoder and
            decoder).
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
        ValueError: for sizes below 1, unknown activations, a ``KLSparsity`` penalty
            after a code that is not in [0, 1] (use ``latent_activation="sigmoid"``),
            or an ``input_shape`` that includes the batch axis (``x.shape`` instead of
            ``x.shape[1:]``; see :func:`aecourse.validation.check_input_shape`).
        TypeError: for sizes that are not integers (NumPy integers and 1-D integer
            arrays are accepted) or a ``name`` that is not a string.

    Example:
        >>> model = dense_autoencoder()
        >>> model.count_params()
        222384
        >>> model.get_layer("encoder").output.shape
        (None, 32)
    """
    where = "dense_autoencoder"
    input_shape = check_input_shape(input_shape, "input_shape", where=where)
    hidden_units = _units(hidden_units, "hidden_units", where)
    latent_dim = _positive_int(latent_dim, "latent_dim", where)
    activation = _activation(activation, "activation", where)
    latent_activation = _activation(latent_activation, "latent_activation", where)
    output_activation = _activation(output_activation, "output_activation", where)
    regularizer = _regularizer(activity_regularizer, where)
    name = _check_name(name, where)
    _check_kl_code(regularizer, latent_activation, where)
    size = math.prod(input_shape)
    chain = (size,) + hidden_units + (latent_dim,)
    _check_size(2 * sum((a + 1) * b for a, b in zip(chain[:-1], chain[1:])), where,
                input_shape=input_shape, hidden_units=hidden_units, latent_dim=latent_dim)

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


def _kernel(kernel_size, where):
    if isinstance(kernel_size, numbers.Integral) or kernel_size is None or isinstance(kernel_size, (float, str)):
        k = _positive_int(kernel_size, "kernel_size", where)
        return (k, k)
    return check_int_sequence(kernel_size, "kernel_size", where=where, min_value=1, allow_scalar=False, length=2,
                              example="3 or (3, 3)")


def _upsampling_kernel(kernel_size, upsampling, where):
    """``kernel_size`` as a pair and ``upsampling`` checked, together: a transposed convolution needs a kernel >= 2."""
    kernel = _kernel(kernel_size, where)
    upsampling = check_one_of(upsampling, "upsampling", _UPSAMPLING, where=where)
    if upsampling == "transpose" and min(kernel) < 2:
        raise ValueError(message(where, "kernel_size", ">= 2 with upsampling='transpose'", kernel_size,
                                 "A 1-wide kernel with stride 2 leaves every other row and column of the output "
                                 "empty. Use a larger kernel or upsampling='nearest' or 'bilinear'."))
    return kernel, upsampling


def _encoder_sizes(height_width, blocks, input_shape, where="conv_autoencoder"):
    """Spatial sizes before and after each 2 x 2 pooling: [(28, 28), (14, 14), (7, 7), (3, 3)]."""
    from aecourse.shapes import pool_output_size

    need = 2 ** blocks
    if min(height_width) < need:
        largest = int(math.log2(min(height_width))) if min(height_width) >= 2 else 0
        expected = (f"at least {need} x {need} pixels for {blocks} convolution block(s): each block's 2 x 2 pooling "
                    "halves the height and width, rounding down")
        fix = (f"Use at most {largest} block(s) (filters with {largest} entries) or a larger input." if largest
               else "No block fits an image narrower than 2 pixels: use a larger input.")
        raise ValueError(message(where, "input_shape", expected, tuple(input_shape), fix))
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
        ValueError: for an input that is not ``(height, width, channels)`` (channels
            first, such as ``(3, 32, 32)``, and the batch axis included, such as
            ``x.shape``, are named with the shape to pass), an input too small for the
            number of blocks, an unknown ``upsampling``, sizes below 1 or unknown
            activations.
        TypeError: for sizes that are not integers or a ``name`` that is not a string.

    Example:
        >>> model = conv_autoencoder()
        >>> model.get_layer("encoder").get_layer("flatten").output.shape
        (None, 1152)
        >>> model.output.shape
        (None, 28, 28, 1)
        >>> conv_autoencoder((27, 31, 2), upsampling="bilinear").output.shape
        (None, 27, 31, 2)
    """
    where = "conv_autoencoder"
    input_shape = check_input_shape(input_shape, "input_shape", where=where, image=True)
    filters = _units(filters, "filters", where, allow_empty=False)
    latent_dim = _positive_int(latent_dim, "latent_dim", where)
    kernel, upsampling = _upsampling_kernel(kernel_size, upsampling, where)
    activation = _activation(activation, "activation", where)
    latent_activation = _activation(latent_activation, "latent_activation", where)
    output_activation = _activation(output_activation, "output_activation", where)
    name = _check_name(name, where)
    sizes = _encoder_sizes(input_shape[:2], len(filters), input_shape)
    channels = input_shape[2]
    final_shape = sizes[-1] + (filters[-1],)
    chain = (channels,) + filters
    _check_size(2 * sum(math.prod(kernel) * (a + 1) * b for a, b in zip(chain[:-1], chain[1:]))
                + 2 * (math.prod(final_shape) + 1) * latent_dim, where,
                input_shape=input_shape, filters=filters, latent_dim=latent_dim)

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
