"""Counting the matrix-multiply work of a dense network: FLOPs per example.

A ``Dense`` layer with ``n`` inputs and ``m`` units multiplies each example by an
``n x m`` kernel, ``2 n m`` floating-point operations (one multiply and one add per
weight). :func:`dense_layer_shapes` lists those ``(n, m)`` of a model and
:func:`training_flops` turns them into the FLOPs of a forward pass and of a training
step. The appendix "Training fast on a CPU" compares them with what a CPU can do.
"""

from __future__ import annotations

import numbers

import numpy as np

from aecourse.nested import walk_layers
from aecourse.validation import check_instance, message

__all__ = ["dense_layer_shapes", "training_flops"]


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
                                 model.name, "Count the FLOPs of other layers by hand."))
    return shapes


def _check_shapes(shapes, where):
    expected = "a list of (in_features, out_features) pairs of integers"
    if isinstance(shapes, (str, bytes, dict)) or not hasattr(shapes, "__iter__"):
        raise TypeError(message(where, "shapes", expected, shapes, "Use dense_layer_shapes(model)."))
    pairs = []
    for pair in shapes:
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__iter__"):
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
