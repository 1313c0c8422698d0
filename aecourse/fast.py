"""The course's fast training recipe for small autoencoders on a CPU.

The article's recipe (Adam at 1e-3, batch 256, 50 epochs through ``model.fit``) spends
much of its time outside the matrix multiplications: Keras' data pipeline hands over
one batch per Python step. The fast recipe keeps the data in memory as one tensor,
runs a whole epoch inside one XLA-compiled TensorFlow function (Keras' own Adam
update, through the optimizer's public ``apply``), starts from the best constant
output (:func:`init_output_bias`), and uses a higher peak learning rate with warm-up
and cosine decay (:class:`FastRecipe`). :func:`fit_fast` applies it. The appendix
"Training fast on a CPU" and ``python -m aecourse.bench`` measure what each
ingredient is worth.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np

from aecourse.nested import leaf_layers
from aecourse.training import CompactProgress, FitResult, check_data_shape
from aecourse.validation import (check_array, check_bool, check_float, check_instance, check_int, check_loss,
                                 check_values, message)

__all__ = ["FastRecipe", "fit_fast", "init_output_bias"]


@dataclasses.dataclass(frozen=True)
class FastRecipe:
    """The course's fast training recipe for small autoencoders on a CPU.

    Adam with a learning rate that warms up linearly from
    ``learning_rate * start_fraction`` to ``learning_rate`` over the first
    ``warmup_fraction`` of the steps, then follows a cosine down to
    ``learning_rate * end_fraction`` at the last step (a "one-cycle" schedule,
    :class:`keras.optimizers.schedules.CosineDecay` with warm-up). The schedule is laid
    out for ``epochs`` epochs, so stopping earlier (at a target loss) leaves the rate
    where it was. :func:`fit_fast` applies the recipe; its defaults are the recipe the
    course benchmarks.

    Attributes:
        batch_size: examples per gradient step.
        learning_rate: the peak learning rate, reached at the end of the warm-up.
        epochs: the length of the schedule, in passes over the training data.
        warmup_fraction: fraction of all steps spent warming up, in [0, 1).
        start_fraction: the first step's rate as a fraction of ``learning_rate``.
        end_fraction: the last step's rate as a fraction of ``learning_rate``.
        init_output_bias: before training, set the output layer's bias so that the
            untrained model outputs the mean training example
            (:func:`init_output_bias`).
        jit_compile: compile the training loop with XLA, which fuses the element-wise
            work (activations, loss, optimizer) around the matrix products. With
            TensorFlow's deterministic ops on (:func:`aecourse.training.set_seed`), XLA
            has no implementation of some gradients (max pooling's, so the
            convolutional autoencoders'): :func:`fit_fast` then trains without XLA and
            its result's ``recipe`` says ``jit_compile=False``. On a CPU, XLA's own
            convolutions are far slower than TensorFlow's (oneDNN) kernels: train
            convolutional models with ``jit_compile=False``.

    Raises:
        TypeError: for a field of the wrong type.
        ValueError: for a field out of its range.

    Example:
        >>> recipe = FastRecipe(epochs=10)
        >>> recipe.steps_per_epoch(60000)
        234
        >>> round(float(recipe.learning_rate_schedule(234)(0)), 6)
        0.00032
    """

    batch_size: int = 256
    learning_rate: float = 8e-3
    epochs: int = 20
    warmup_fraction: float = 0.1
    start_fraction: float = 0.04
    end_fraction: float = 0.0
    init_output_bias: bool = True
    jit_compile: bool = True

    def __post_init__(self):
        where = "FastRecipe"
        check_int(self.batch_size, "batch_size", where=where, min_value=1, max_value=1 << 20)
        check_float(self.learning_rate, "learning_rate", where=where, min_value=0, max_value=10,
                    min_inclusive=False)
        check_int(self.epochs, "epochs", where=where, min_value=1, max_value=100_000)
        check_float(self.warmup_fraction, "warmup_fraction", where=where, min_value=0, max_value=1,
                    max_inclusive=False)
        check_float(self.start_fraction, "start_fraction", where=where, min_value=0, max_value=1)
        check_float(self.end_fraction, "end_fraction", where=where, min_value=0, max_value=1)
        for name in ("init_output_bias", "jit_compile"):
            check_bool(getattr(self, name), name, where=where)

    def steps_per_epoch(self, n_examples):
        """Gradient steps in one pass over ``n_examples`` (a last partial batch is dropped).

        Args:
            n_examples: number of training examples.

        Returns:
            ``n_examples // batch_size``.

        Raises:
            ValueError: if ``n_examples`` is smaller than one batch.

        Example:
            >>> FastRecipe(batch_size=512).steps_per_epoch(60000)
            117
        """
        n = check_int(n_examples, "n_examples", where="FastRecipe.steps_per_epoch", min_value=1)
        if n < self.batch_size:
            raise ValueError(message("FastRecipe.steps_per_epoch", "n_examples",
                                     f"at least one batch ({self.batch_size} examples)", n,
                                     "Use a smaller batch_size."))
        return n // self.batch_size

    def learning_rate_schedule(self, steps_per_epoch):
        """The warm-up + cosine schedule over ``epochs * steps_per_epoch`` steps.

        Args:
            steps_per_epoch: gradient steps per epoch.

        Returns:
            A :class:`keras.optimizers.schedules.CosineDecay` (serializable; called with a
            step number it returns the learning rate).

        Example:
            >>> schedule = FastRecipe(epochs=10).learning_rate_schedule(100)
            >>> round(float(schedule(100)), 6)  # the peak, at the end of the warm-up
            0.008
        """
        steps = check_int(steps_per_epoch, "steps_per_epoch", where="FastRecipe.learning_rate_schedule",
                          min_value=1)
        total = self.epochs * steps
        warmup = int(round(self.warmup_fraction * total))
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=self.learning_rate * self.start_fraction,
            decay_steps=max(total - warmup, 1),
            alpha=self.end_fraction,
            warmup_target=self.learning_rate,
            warmup_steps=warmup,
            name="fast_recipe_schedule",
        )

    def optimizer(self, steps_per_epoch):
        """A fresh Adam optimizer following :meth:`learning_rate_schedule`.

        Args:
            steps_per_epoch: gradient steps per epoch.

        Returns:
            A ``keras.optimizers.Adam``.

        Example:
            >>> type(FastRecipe().optimizer(234)).__name__
            'Adam'
        """
        return keras.optimizers.Adam(learning_rate=self.learning_rate_schedule(steps_per_epoch))


_CONV_LAYERS = ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                "SeparableConv1D", "SeparableConv2D")
_RESHAPING_LAYERS = ("Reshape", "Flatten")  # change the shape, keep every value in order
_CROPPING_LAYERS = ("Cropping1D", "Cropping2D", "Cropping3D")  # drop border positions, keep the channels
_SUPPORTED = ("a Dense or convolution layer with a bias and a 'sigmoid' or 'linear' activation, optionally "
              "followed by Reshape, Flatten, Cropping or one Activation layer")


def _is_pass_through(layer):
    """Layers that hand their input on unchanged (``keras.layers.Identity``, the VAE's loss layer)."""
    if isinstance(layer, keras.layers.Identity):
        return True
    from aecourse.vae import NegativeELBO  # the VAE's loss layer returns the reconstruction as it is

    return isinstance(layer, NegativeELBO)


def _activation_name(activation):
    name = keras.activations.serialize(activation)
    return name if isinstance(name, str) else name.get("config", {}).get("name", str(name))


def _output_layer(model):
    """The layer that produces ``model``'s output values, and what lies between it and the output.

    Walks the model's layers (nested models opened, :func:`aecourse.nested.leaf_layers`)
    back from the last one, stepping over layers that only reshape, crop, pass their
    input through or apply an activation.

    Returns:
        ``(layer, activation, cropped, last)``: the Dense or convolution layer, or
        ``None``; the activation name of the output; whether a cropping layer lies in
        between; the last computing layer of the model (for messages).
    """
    layers = leaf_layers(model)
    last = layers[-1] if layers else None
    after_activation, cropped = None, False
    while layers:
        layer = layers[-1]
        kind = type(layer).__name__
        if kind in _RESHAPING_LAYERS or _is_pass_through(layer):
            layers.pop()
        elif kind in _CROPPING_LAYERS:
            cropped = True
            layers.pop()
        elif isinstance(layer, keras.layers.Activation) and after_activation is None:
            after_activation = _activation_name(layer.activation)
            layers.pop()
        else:
            break
    conv_classes = tuple(getattr(keras.layers, k) for k in _CONV_LAYERS if hasattr(keras.layers, k))
    if not layers or not isinstance(layer, (keras.layers.Dense,) + conv_classes):
        return None, None, cropped, last
    own = _activation_name(layer.activation)
    if after_activation is None or after_activation == "linear":
        activation = own
    elif own == "linear":
        activation = after_activation
    else:
        activation = f"{own}, then {after_activation}"
    return layer, activation, cropped, last


def _describe(layer):
    return f"layer {layer.name!r} ({type(layer).__name__})" if layer is not None else "no layer"


def _mean_per_bias_entry(layer, cropped, y, where):
    """The mean of the targets ``y`` for each entry of ``layer``'s bias (a unit or a channel)."""
    per_example = tuple(layer.output.shape[1:])
    conv = not isinstance(layer, keras.layers.Dense)
    channels_first = conv and getattr(layer, "data_format", "channels_last") == "channels_first"
    size = int(layer.bias.shape[0])
    n = len(y)
    if not cropped and None not in per_example and int(np.prod(per_example)) == int(np.prod(y.shape[1:])):
        values = y.reshape((n,) + per_example)
        if channels_first:
            values = np.moveaxis(values, 1, -1)
        if values.shape[-1] == size:
            return values.reshape(-1, size).mean(axis=0, dtype="float64")
    elif cropped and conv and not channels_first and y.shape[-1] == size:
        return y.reshape(-1, size).mean(axis=0, dtype="float64")
    if conv:
        expected = (f"images with {size} channel(s), the output channels of {_describe(layer)}, which outputs "
                    f"{per_example} per example")
    else:
        expected = f"an array of shape (n, ...) with {size} values per example, the outputs of {_describe(layer)}"
    raise ValueError(message(where, "x", expected, y, "Pass the targets the model reconstructs."))


def init_output_bias(model, x):
    """Set the output layer's bias so that the untrained model outputs the mean example.

    The output layer is found by walking the model (nested models opened) back from its
    last layer over layers that only reshape, crop or pass their input through. It can
    be a ``Dense`` layer (one bias per output value: each value starts at its own mean
    over ``x``) or a convolution (``Conv2D``, ``Conv2DTranspose``, ``Conv1D``, ...; one
    bias per output channel: each channel starts at the mean of that channel over
    every pixel of every image of ``x``). For a sigmoid output the bias becomes
    ``logit(mean)`` (the mean clipped to [1e-3, 1 - 1e-3]); for a linear output, the
    mean itself. The model then starts from the best constant reconstruction (per value
    for a Dense output, per channel for a convolution) instead of 0.5 everywhere,
    which saves the first epoch or so of training.

    Models whose output comes from anything else (a ``TopK`` layer, a custom layer, an
    output without a bias, another activation) are refused with a message naming the
    layer: train them with ``init_output_bias=False``.

    Args:
        model: a ``keras.Model`` whose output comes from a ``Dense`` or convolution
            layer with a bias and a sigmoid or linear activation, possibly inside nested
            models such as ``"decoder"`` and possibly followed by ``Reshape``,
            ``Flatten``, ``Cropping2D`` or one ``Activation`` layer.
        x: the training targets (for an autoencoder, the training inputs), shaped like
            the model's output; in [0, 1] for a sigmoid output.

    Returns:
        The layer whose bias was set.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model`` or ``x`` not an array of numbers.
        ValueError: if the model's output does not come from such a layer, if ``x``
            does not match the output, holds NaN or infinite values, or (for a sigmoid
            output) leaves [0, 1].

    Example:
        >>> from aecourse.models import conv_autoencoder, dense_autoencoder
        >>> model = dense_autoencoder(input_shape=(4,), hidden_units=(), latent_dim=2)
        >>> layer = init_output_bias(model, np.full((10, 4), 0.5, dtype="float32"))
        >>> layer.bias.numpy().round(6).tolist()
        [0.0, 0.0, 0.0, 0.0]
        >>> conv = conv_autoencoder((8, 8, 2), filters=(4,), latent_dim=2)
        >>> images = np.stack([np.full((5, 8, 8), 0.5), np.full((5, 8, 8), 0.9)], axis=-1)
        >>> layer = init_output_bias(conv, images)  # one bias per channel: logit(0.5), logit(0.9)
        >>> layer.name, layer.bias.numpy().round(4).tolist()
        ('decoder_upconv_1', [0.0, 2.1972])
    """
    where = "init_output_bias"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    original = x
    x = check_array(x, "x", where=where, min_ndim=2)
    layer, activation, cropped, last = _output_layer(model)
    fix = "Train it with init_output_bias=False."
    if layer is None:
        raise ValueError(message(where, "model", f"a model whose output comes from {_SUPPORTED}", model.name,
                                 f"Its output comes from {_describe(last)}, which has no bias to set. {fix}"))
    if not layer.use_bias:
        raise ValueError(message(where, "model", f"a model whose output comes from {_SUPPORTED}", model.name,
                                 f"Its output layer {layer.name!r} has no bias (use_bias=False). {fix}"))
    if activation not in ("sigmoid", "linear"):
        raise ValueError(message(where, "model", f"an output layer with a 'sigmoid' or 'linear' activation "
                                 f"(layer {layer.name!r} has {activation!r})", model.name, fix))
    mean = _mean_per_bias_entry(layer, cropped, x, where)
    if activation == "sigmoid":
        _check_unit_range(original, "x", where, "the model's sigmoid output")
        mean = np.clip(mean, 1e-3, 1 - 1e-3)
        mean = np.log(mean / (1 - mean))
    layer.bias.assign(mean.astype("float32"))
    return layer


def _check_unit_range(original, name, where, reason):
    """Values in [0, 1] (:func:`aecourse.validation.check_values`), with the divide-by-255 hint."""
    original = np.asarray(original)
    if original.size:
        check_values(original, name, where=where, finite=False, min_value=0, max_value=1,
                     expected=f"values in [0, 1] for {reason}",
                     fix="Scale the data into [0, 1] (pixels from 0 to 255: divide by 255), or use a loss "
                         "such as 'mse' with a linear output.")


_BCE_NAMES = ("binary_crossentropy", "bce", "BinaryCrossentropy", "binary_focal_crossentropy",
              "BinaryFocalCrossentropy")


def _check_loss(loss, where):
    """``(loss, is_bce)``: a usable Keras loss (:func:`aecourse.validation.check_loss`), or ``None``
    for a model that adds its own."""
    if loss is None:
        return None, False
    check_loss(loss, where=where, fix="Or None, for a model that adds its own loss.")
    if isinstance(loss, str):
        return loss, loss in _BCE_NAMES or keras.losses.get(loss) in (keras.losses.binary_crossentropy,
                                                                       keras.losses.binary_focal_crossentropy)
    is_bce = isinstance(loss, (keras.losses.BinaryCrossentropy, keras.losses.BinaryFocalCrossentropy)) or \
        loss in (keras.losses.binary_crossentropy, keras.losses.binary_focal_crossentropy)
    return loss, is_bce


def _check_no_second_loss(model, loss, where):
    """Refuse a Keras loss for a model that already adds its whole loss (the VAE's negative
    ELBO): the two would be summed, and the reported loss would be neither."""
    from aecourse.nested import walk_layers
    from aecourse.vae import NegativeELBO

    if loss is None:
        return
    own = [layer.name for layer, _ in walk_layers(model) if isinstance(layer, NegativeELBO)]
    if own:
        raise ValueError(message(where, "loss", f"None for model '{model.name}', whose layer '{own[0]}' adds "
                                 "its own loss (the negative ELBO)", loss,
                                 "Pass loss=None; a second loss would be added to the ELBO and the reported "
                                 "loss would be neither."))


def _is_array_like(value):
    return isinstance(value, np.ndarray) or hasattr(value, "shape") and hasattr(value, "dtype")


def _validation_arrays(validation_data, where):
    """``(x_val, y_val)`` from ``(x_val, y_val)``, ``[x_val, y_val]``, ``(x_val,)`` or ``x_val``."""
    expected = "(x_val, y_val), [x_val, y_val], (x_val,) or x_val"
    if isinstance(validation_data, (tuple, list)) and validation_data and \
            all(_is_array_like(v) for v in validation_data):
        if len(validation_data) == 1:
            validation_data = (validation_data[0], validation_data[0])
        elif len(validation_data) != 2:
            raise ValueError(message(where, "validation_data", expected, validation_data,
                                     "A third entry (sample weights) is not supported."))
        x_val = check_array(validation_data[0], "validation_data[0]", where=where, min_ndim=2)
        y_val = check_array(validation_data[1], "validation_data[1]", where=where, min_ndim=2)
        originals = tuple(validation_data)
    elif isinstance(validation_data, tuple):
        if len(validation_data) not in (1, 2):
            raise ValueError(message(where, "validation_data", expected, validation_data))
        x_val = check_array(validation_data[0], "validation_data[0]", where=where, min_ndim=2)
        y_val = x_val if len(validation_data) == 1 else check_array(validation_data[1], "validation_data[1]",
                                                                    where=where, min_ndim=2)
        originals = (validation_data[0], validation_data[-1])
    else:
        x_val = y_val = check_array(validation_data, "validation_data", where=where, min_ndim=2)
        originals = (validation_data, validation_data)
    if len(x_val) != len(y_val):
        raise ValueError(message(where, "validation_data", "inputs and targets with as many examples each",
                                 (x_val, y_val)))
    return x_val, y_val, originals[1]


def fit_fast(model, x, y=None, *, recipe=None, validation_data=None, target_loss=None,
             loss="binary_crossentropy", seed=0, every=0, **overrides):
    """Train ``model`` with the course's fast recipe: a compiled epoch over in-memory data.

    The model is compiled with ``loss`` and the recipe's optimizer (Adam with warm-up
    and cosine decay). The training data is copied once into a float32 tensor; each
    epoch draws a fresh shuffle (from ``seed``) and runs all its gradient steps inside
    one compiled TensorFlow function (with XLA unless ``jit_compile=False``), so Python
    and the data pipeline cost nothing per step; the weights are updated by the
    optimizer's own ``apply``. After every epoch the validation loss is computed (its
    time is included in the wall-clock times and also reported alone), and training
    stops early once it is at or below ``target_loss``.

    It trains any Keras model that trains with ``compile``/``fit`` on the TensorFlow
    backend: the course's dense and convolutional autoencoders (every upsampling), the
    variational autoencoder (``loss=None``: it adds its own loss) and the sparse
    autoencoder (``loss="mse"``, ``init_output_bias=False``). With the recipe's
    ``init_output_bias`` (the default) the output layer's bias is first set by
    :func:`init_output_bias`: per output value for a ``Dense`` output, per channel for
    a convolution; a model whose output has no such bias is refused with a message
    naming its output layer, and trains with ``init_output_bias=False``. Where XLA
    cannot compile the model's gradients deterministically while TensorFlow's
    deterministic ops are on (max pooling, after :func:`aecourse.training.set_seed`),
    the loop runs without XLA and the result's ``recipe`` has ``jit_compile=False``.

    The data is checked first: NaN or infinite values are refused, and so are targets
    outside [0, 1] with a binary cross-entropy loss (0-255 images: divide by 255).

    Args:
        model: a Keras model (compiled or not; it is recompiled).
        x: training inputs, shaped ``(n, ...)``.
        y: training targets; ``None`` for an autoencoder (targets = inputs).
        recipe: a :class:`FastRecipe` (default ``FastRecipe()``).
        validation_data: ``(x_val, y_val)`` or ``[x_val, y_val]``, or just ``x_val``
            (or ``(x_val,)``) for an autoencoder. Carve it from the training data
            (:func:`aecourse.data.split_validation`), never use the test set.
        target_loss: stop at the end of the first epoch whose validation loss is at
            or below this value (needs ``validation_data``).
        loss: a Keras loss (name or object), or ``None`` for a model that adds its
            own loss with ``add_loss`` (such as the variational autoencoder).
        seed: seed of the shuffles.
        every: print a :class:`~aecourse.training.CompactProgress` line every this many
            epochs (0 for silence).
        **overrides: fields of the recipe to change, e.g. ``epochs=10``.

    Returns:
        A :class:`~aecourse.training.FitResult` with ``history["loss"]`` (mean training
        loss of each epoch) and, with validation data, ``history["val_loss"]``; its
        ``seconds`` (the whole run), ``times`` (wall time at the end of each epoch,
        since the start), ``epoch_seconds`` (the training part of each epoch; the first
        includes compiling the loop), ``eval_seconds`` (validation), ``reached_at``
        (wall time when ``target_loss`` was reached, or ``None``), ``target_loss`` and
        ``recipe``.

    Raises:
        TypeError: for a model, recipe, loss or data of the wrong type, or an unknown
            recipe field.
        ValueError: for a bad recipe or loss name, empty, mismatched or non-finite
            data, data that does not match the model's output, targets outside [0, 1]
            with a binary cross-entropy loss, ``target_loss`` without
            ``validation_data``, ``loss=None`` for a model that adds no loss, or an
            output bias that cannot be set (see :func:`init_output_bias`).

    Example:
        >>> from aecourse.models import conv_autoencoder, dense_autoencoder
        >>> x = np.random.default_rng(0).random((512, 16), dtype="float32")
        >>> model = dense_autoencoder(input_shape=(16,), hidden_units=(8,), latent_dim=4)
        >>> result = fit_fast(model, x, epochs=2, batch_size=128, jit_compile=False)
        >>> len(result.history["loss"]), result.recipe.batch_size
        (2, 128)
        >>> images = np.random.default_rng(0).random((64, 8, 8, 1), dtype="float32")
        >>> cae = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2, upsampling="nearest")
        >>> fit_fast(cae, images, epochs=1, batch_size=32, jit_compile=False).epochs
        1
        >>> fit_fast(cae, (images * 255).astype("uint8"), epochs=1, batch_size=32)
        Traceback (most recent call last):
        ...
        ValueError: fit_fast: Expected `x` to be values in [0, 1] for the binary cross-entropy loss. Received: x=array of shape (64, 8, 8, 1) and dtype uint8 with values from 0 to 254. These look like 8-bit images (values 0-255): divide by 255 first, e.g. x = x.astype('float32') / 255.
    """
    where = "fit_fast"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"{where}: Expected the TensorFlow backend. Received: backend="
                         f"{keras.backend.backend()!r}. Set KERAS_BACKEND=tensorflow, or train with train().")
    recipe = FastRecipe() if recipe is None else recipe
    check_instance(recipe, "recipe", FastRecipe, where=where, expected="a FastRecipe")
    fields = [f.name for f in dataclasses.fields(FastRecipe)]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise TypeError(f"{where}: got unknown argument(s) {unknown}. Expected keyword arguments of "
                        f"fit_fast or fields of FastRecipe: {fields}.")
    recipe = dataclasses.replace(recipe, **overrides)
    every = check_int(every, "every", where=where, min_value=0)
    seed = check_int(seed, "seed", where=where, min_value=0)
    loss, is_bce = _check_loss(loss, where)
    _check_no_second_loss(model, loss, where)

    y_original = x if y is None else y
    x = check_array(x, "x", where=where, min_ndim=2)
    y = x if y is None else check_array(y, "y", where=where, min_ndim=2)
    y_name = "x" if y is x else "y"
    if len(y) != len(x):
        raise ValueError(message(where, "y", f"an array with as many examples as x ({len(x)})", y))
    check_data_shape(model, x, "x", where=where)
    check_data_shape(model, y, y_name, where=where, side="output")
    if is_bce:
        _check_unit_range(y_original, y_name, where, "the binary cross-entropy loss")
    if validation_data is not None:
        x_val, y_val, y_val_original = _validation_arrays(validation_data, where)
        check_data_shape(model, x_val, "validation_data", where=where)
        check_data_shape(model, y_val, "validation_data", where=where, side="output")
        if is_bce:
            _check_unit_range(y_val_original, "validation_data", where, "the binary cross-entropy loss")
    if target_loss is not None:
        if validation_data is None:
            raise ValueError(message(where, "target_loss", "None when there is no validation_data",
                                     target_loss, "Pass validation_data to measure the loss on."))
        target_loss = check_float(target_loss, "target_loss", where=where, min_value=0)

    import tensorflow as tf

    steps = recipe.steps_per_epoch(len(x))
    if recipe.init_output_bias:
        init_output_bias(model, y)
    model.compile(optimizer=recipe.optimizer(steps), loss=loss)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    x_all = tf.constant(x)
    y_all = x_all if y is x else tf.constant(y)

    def epoch_loop(x_all, y_all, batches):
        def step(i, total):
            index = batches[i]
            xb = tf.gather(x_all, index)
            yb = xb if y is x else tf.gather(y_all, index)
            with tf.GradientTape() as tape:
                pred = model(xb, training=True)
                if loss is None and not model.losses:  # checked while tracing, before any step runs
                    raise ValueError(message(where, "loss", "a Keras loss, since the model adds no loss of "
                                             "its own", None, "Pass loss='binary_crossentropy' or 'mse'."))
                value = model.compute_loss(x=xb, y=yb, y_pred=pred, training=True)
            grads = tape.gradient(value, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            return i + 1, total + tf.cast(value, tf.float32)

        n = tf.shape(batches)[0]
        _, total = tf.while_loop(lambda i, _: i < n, step, (tf.constant(0), tf.constant(0.0)))
        return total / tf.cast(n, tf.float32)

    run_epoch = tf.function(epoch_loop, jit_compile=recipe.jit_compile, reduce_retracing=True)

    @tf.function(reduce_retracing=True)
    def val_loss_of(xb, yb):
        return tf.cast(model.compute_loss(x=xb, y=yb, y_pred=model(xb, training=False), training=False), tf.float32)

    def validate():
        total, chunk = 0.0, 4096
        for start in range(0, len(x_val), chunk):
            xb, yb = x_val[start:start + chunk], y_val[start:start + chunk]
            total += float(val_loss_of(tf.constant(xb), tf.constant(yb))) * len(xb)
        return total / len(x_val)

    logs_by_name = {"loss": []}
    if validation_data is not None:
        logs_by_name["val_loss"] = []
    times, epoch_seconds, eval_seconds, reached_at = [], [], 0.0, None
    progress = CompactProgress(every=every) if every else None
    if progress is not None:
        progress.params = {"epochs": recipe.epochs}
        progress.on_train_begin()
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(recipe.epochs):
        order = rng.permutation(len(x))[: steps * recipe.batch_size].reshape(steps, recipe.batch_size)
        began = time.perf_counter()
        batches = tf.constant(order.astype("int32"))
        try:
            logs = {"loss": float(run_epoch(x_all, y_all, batches))}
        except tf.errors.UnimplementedError as error:
            # With TensorFlow's deterministic ops on (set_seed), XLA refuses some gradients
            # (max pooling's among them) before running anything: run without XLA, and say
            # so in the result's recipe.
            if epoch or not recipe.jit_compile or "deterministic" not in str(error):
                raise
            recipe = dataclasses.replace(recipe, jit_compile=False)
            run_epoch = tf.function(epoch_loop, jit_compile=False, reduce_retracing=True)
            logs = {"loss": float(run_epoch(x_all, y_all, batches))}
        epoch_seconds.append(time.perf_counter() - began)
        if validation_data is not None:
            began = time.perf_counter()
            logs["val_loss"] = validate()
            eval_seconds += time.perf_counter() - began
        for name, value in logs.items():
            logs_by_name[name].append(value)
        times.append(time.perf_counter() - start)
        if progress is not None:
            progress.on_epoch_end(epoch, logs)
        if target_loss is not None and logs["val_loss"] <= target_loss:
            reached_at = times[-1]
            break
    return FitResult(history=logs_by_name, seconds=time.perf_counter() - start, times=tuple(times),
                     epoch_seconds=tuple(epoch_seconds), eval_seconds=eval_seconds, reached_at=reached_at,
                     target_loss=target_loss, recipe=recipe)
