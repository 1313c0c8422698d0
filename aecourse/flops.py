"""Counting the arithmetic of a network: FLOPs per example, forward and training.

A ``Dense`` layer with ``n`` inputs and ``m`` units multiplies each example by an
``n x m`` kernel, ``2 n m`` floating-point operations (one multiply and one add per
weight). A ``Conv2D`` layer computes, at each of its ``H x W`` output positions and for
each of its ``C_out`` filters, a dot product of a ``k_h x k_w x C_in`` window with the
filter: ``2 H W C_out k_h k_w C_in`` FLOPs per example (positions whose window reaches
into the zero padding are counted in full, as the kernels compute them). A
``Conv2DTranspose`` layer runs the same arithmetic backwards: each of its ``H_in x W_in``
input positions adds a ``k_h x k_w x C_out`` patch times its ``C_in`` values into the
output, ``2 H_in W_in C_in k_h k_w C_out`` FLOPs.

Training adds, for every such layer, two products of the same size in the backward
pass: one for the gradient of the kernel and one that passes the gradient back to the
layer's input; the first layer skips the second, because nobody needs the gradient of
the data. Biases, activations, pooling, upsampling, the loss and the optimizer add
element-wise work that is not counted.

:func:`layer_flops` lists every counted layer of a model (nested models opened) with
its shapes and FLOPs, :func:`model_flops` sums them into a :class:`ModelFlops`.
:func:`dense_layer_shapes` and :func:`training_flops` do the same for a stack of Dense
layers given by their ``(inputs, units)``. The appendix "Training fast on a CPU"
compares these counts with what a CPU can do.
"""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

from aecourse.nested import walk_layers
from aecourse.validation import check_instance, message

__all__ = ["dense_layer_shapes", "training_flops", "LayerFlops", "ModelFlops", "layer_flops", "model_flops"]

#: The layers whose products are counted, by class name.
COUNTED = ("Dense", "Conv2D", "Conv2DTranspose")


def dense_layer_shapes(model):
    """The ``(inputs, units)`` of every Dense layer of ``model``, nested models included.

    Args:
        model: a built Keras model.

    Returns:
        A list of ``(in_features, out_features)`` tuples in the order the layers run.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if the model has no Dense layer.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> dense_layer_shapes(dense_autoencoder())[:2]
        [(784, 128), (128, 64)]
    """
    import keras

    check_instance(model, "model", keras.Model, where="dense_layer_shapes", expected="a keras.Model")
    shapes = [(int(layer.kernel.shape[0]), int(layer.kernel.shape[1]))
              for layer, _ in walk_layers(model) if isinstance(layer, keras.layers.Dense)]
    if not shapes:
        raise ValueError(message("dense_layer_shapes", "model", "a model with at least one Dense layer",
                                 model.name, "For convolutions use layer_flops(model)."))
    return shapes


def _check_shapes(shapes, where):
    expected = "a list of (in_features, out_features) pairs of integers"
    if isinstance(shapes, (str, bytes, dict)) or not hasattr(shapes, "__iter__") or getattr(shapes, "ndim", 1) == 0:
        raise TypeError(message(where, "shapes", expected, shapes, "Use dense_layer_shapes(model)."))
    pairs = []
    for pair in shapes:
        if isinstance(pair, (str, bytes, dict)) or not hasattr(pair, "__iter__") or getattr(pair, "ndim", 1) == 0:
            raise TypeError(message(where, "shapes", expected, shapes, f"{pair!r} is not a pair."))
        values = list(pair)
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in values):
            raise TypeError(message(where, "shapes", expected, shapes, f"{pair!r} does not hold integers."))
        pairs.append(tuple(int(v) for v in values))
    if not pairs or any(len(s) != 2 or min(s) < 1 for s in pairs):
        raise ValueError(message(where, "shapes", "a non-empty list of (in_features, out_features) pairs "
                                 "of positive integers", shapes, "Use dense_layer_shapes(model)."))
    return pairs


def training_flops(shapes):
    """Matrix-multiply FLOPs per example of a forward pass and of a training step.

    A training step runs, for each Dense layer, the forward product, the product for
    the kernel's gradient (same size), and the product for the gradient of the layer's
    input (same size) for every layer but the first, whose input (the data) needs no
    gradient. Training is therefore a little under 3 x the forward FLOPs. Biases,
    activations, the loss and the optimizer add element-wise work that is not counted.

    Args:
        shapes: ``(in_features, out_features)`` of each Dense layer, in order
            (:func:`dense_layer_shapes`).

    Returns:
        ``{"forward": ..., "training": ...}``, FLOPs per example.

    Raises:
        TypeError: if ``shapes`` is not a list of pairs of integers.
        ValueError: if it is empty or holds a size below 1.

    Example:
        >>> training_flops([(784, 128), (128, 784)])
        {'forward': 401408, 'training': 1003520}
    """
    shapes = _check_shapes(shapes, "training_flops")
    forward = sum(2 * n * m for n, m in shapes)
    first = 2 * shapes[0][0] * shapes[0][1]
    return {"forward": forward, "training": 3 * forward - first}


@dataclasses.dataclass(frozen=True)
class LayerFlops:
    """The counted arithmetic of one layer, per example.

    Attributes:
        name: the layer's name.
        kind: ``"Dense"``, ``"Conv2D"`` or ``"Conv2DTranspose"``.
        input_shape: the layer's input shape for one example, e.g. ``(14, 14, 32)``.
        output_shape: its output shape for one example.
        kernel_shape: the shape of its kernel, e.g. ``(3, 3, 32, 64)``.
        strides: ``(s_h, s_w)`` of a convolution, ``None`` for a Dense layer.
        padding: ``"same"`` or ``"valid"`` for a convolution, ``None`` for a Dense layer.
        forward: FLOPs of the forward product.
        kernel_gradient: FLOPs of the product that gives the kernel's gradient.
        input_gradient: FLOPs of the product that passes the gradient to the layer's
            input (0 for the model's first layer, whose input is the data).

    Example:
        >>> row = LayerFlops("d", "Dense", (784,), (128,), (784, 128), None, None, 200704, 200704, 0)
        >>> row.training
        401408
    """

    name: str
    kind: str
    input_shape: tuple
    output_shape: tuple
    kernel_shape: tuple
    strides: tuple | None
    padding: str | None
    forward: int
    kernel_gradient: int
    input_gradient: int

    @property
    def training(self) -> int:
        """FLOPs of one training step for this layer: forward plus both gradients."""
        return self.forward + self.kernel_gradient + self.input_gradient


@dataclasses.dataclass(frozen=True)
class ModelFlops:
    """The counted FLOPs of a model, per example, layer by layer and in total.

    Attributes:
        layers: a tuple of :class:`LayerFlops`, in the order the layers run.
        forward: FLOPs of a forward pass (the sum of the layers').
        training: FLOPs of a training step (forward and backward).

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> counts = model_flops(dense_autoencoder())
        >>> counts.forward, counts.training
        (442368, 1126400)
    """

    layers: tuple
    forward: int
    training: int

    def table(self):
        """The count as a text table: one row per layer, then the totals.

        Returns:
            A string.

        Example:
            >>> from aecourse.models import dense_autoencoder
            >>> print(model_flops(dense_autoencoder((8,), (), 2)).table())
            layer          kind                         input -> output     forward    training
            code           Dense                           (8,) -> (2,)          32          64
            reconstruction Dense                           (2,) -> (8,)          32          96
            total                                                                64         160
        """
        def shape(s):
            return "(" + ", ".join(str(v) for v in s) + ("," if len(s) == 1 else "") + ")"

        width = max(len(row.name) for row in self.layers + (LayerFlops("total", *[None] * 9),))
        lines = [f"{'layer':{width}s} {'kind':15s} {'input -> output':>28s} {'forward':>11s} {'training':>11s}"]
        for row in self.layers:
            io = f"{shape(row.input_shape)} -> {shape(row.output_shape)}"
            lines.append(f"{row.name:{width}s} {row.kind:15s} {io:>28s} {row.forward:11,d} {row.training:11,d}")
        lines.append(f"{'total':{width}s} {'':15s} {'':>28s} {self.forward:11,d} {self.training:11,d}")
        return "\n".join(lines)


def _per_example(shape):
    return tuple(int(v) for v in shape[1:])


def _channels_last(layer, where):
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(message(where, "model", "a model whose convolutions use data_format='channels_last'",
                                 layer.name, "Count channels-first layers by hand."))


def _count(layer, where):
    """``(kind, input, output, kernel, strides, padding, forward)`` of a counted layer."""
    kind = type(layer).__name__
    inputs, outputs = _per_example(layer.input.shape), _per_example(layer.output.shape)
    kernel = tuple(int(v) for v in layer.kernel.shape)
    if kind == "Dense":
        # a Dense layer on (..., n) inputs multiplies every position's n values
        positions = math.prod(inputs[:-1])
        return kind, inputs, outputs, kernel, None, None, 2 * positions * kernel[0] * kernel[1]
    _channels_last(layer, where)
    if tuple(layer.dilation_rate) != (1, 1):
        raise ValueError(message(where, "model", "convolutions with dilation_rate=(1, 1)", layer.name,
                                 "Count dilated convolutions by hand."))
    kh, kw = kernel[:2]
    groups = int(getattr(layer, "groups", 1) or 1)
    if kind == "Conv2D":
        c_in, c_out = kernel[2] * groups, kernel[3]
        h, w = outputs[:2]
        forward = 2 * h * w * c_out * kh * kw * c_in // groups
    else:  # Conv2DTranspose: kernel (kh, kw, c_out, c_in); each input position scatters a patch
        c_out, c_in = kernel[2], kernel[3]
        h, w = inputs[:2]
        forward = 2 * h * w * c_in * kh * kw * c_out
    return kind, inputs, outputs, kernel, tuple(int(s) for s in layer.strides), layer.padding, forward


def layer_flops(model):
    """The counted layers of ``model`` (Dense, Conv2D, Conv2DTranspose), with their FLOPs.

    Nested models (such as ``"encoder"`` and ``"decoder"``) are opened. Layers without
    a kernel (pooling, upsampling, padding, cropping, reshaping, activations) do only
    element-wise work and are not listed. A layer that multiplies by a kernel this
    function does not know how to count (``Conv1D``, ``DepthwiseConv2D``, an
    ``Embedding``, a custom layer...) is refused rather than left out silently.

    Args:
        model: a built ``keras.Model``.

    Returns:
        A tuple of :class:`LayerFlops`, in the order the layers run.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if the model has no counted layer, has a layer with a kernel that
            cannot be counted, or a convolution that is dilated or channels-first.

    Example:
        >>> from aecourse.models import conv_autoencoder
        >>> rows = layer_flops(conv_autoencoder())
        >>> rows[0].name, rows[0].kernel_shape, rows[0].forward, rows[0].input_gradient
        ('encoder_conv_1', (3, 3, 1, 32), 451584, 0)
        >>> rows[-1].name, rows[-1].input_shape, rows[-1].output_shape
        ('decoder_upconv_3', (14, 14, 32), (28, 28, 1))
    """
    import keras

    where = "layer_flops"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    layers = [layer for layer, _ in walk_layers(model)
              if not isinstance(layer, (keras.Model, keras.layers.InputLayer))]
    rows = []
    for layer in layers:
        kind = type(layer).__name__
        if kind not in COUNTED:
            if any(getattr(w, "path", "").endswith("kernel") for w in layer.weights) or \
                    getattr(layer, "kernel", None) is not None:
                raise ValueError(message(where, "model", "a model whose layers with a kernel are Dense, Conv2D "
                                         "or Conv2DTranspose", model.name,
                                         f"Layer {layer.name!r} ({kind}) cannot be counted: count it by hand."))
            continue
        kind, inputs, outputs, kernel, strides, padding, forward = _count(layer, where)
        rows.append(LayerFlops(name=layer.name, kind=kind, input_shape=inputs, output_shape=outputs,
                               kernel_shape=kernel, strides=strides, padding=padding, forward=forward,
                               kernel_gradient=forward, input_gradient=forward if rows else 0))
    if not rows:
        raise ValueError(message(where, "model", "a model with at least one Dense, Conv2D or Conv2DTranspose "
                                 "layer", model.name, "Count the FLOPs of other layers by hand."))
    return tuple(rows)


def model_flops(model):
    """FLOPs per example of ``model``'s forward pass and training step, layer by layer.

    Args:
        model: a built ``keras.Model`` (see :func:`layer_flops` for the layers it counts).

    Returns:
        A :class:`ModelFlops`.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: as :func:`layer_flops`.

    Example:
        >>> from aecourse.models import conv_autoencoder
        >>> counts = model_flops(conv_autoencoder())
        >>> counts.forward, counts.training
        (18194688, 54132480)
    """
    import keras

    check_instance(model, "model", keras.Model, where="model_flops", expected="a keras.Model")
    rows = layer_flops(model)
    return ModelFlops(layers=rows, forward=sum(r.forward for r in rows), training=sum(r.training for r in rows))
