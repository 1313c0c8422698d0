"""Walking a Keras model whose layers may themselves be models.

The course's builders return a model made of two nested models, ``"encoder"`` and
``"decoder"``. Whatever needs to look at every layer (the shape table of
:func:`aecourse.shapes.trace_shapes`, the FLOP count of
:func:`aecourse.flops.dense_layer_shapes`, the output layer that
:func:`aecourse.fast.init_output_bias` sets) walks the model with
:func:`walk_layers`, in the order the layers are called.
"""

from __future__ import annotations

from aecourse.validation import check_bool, check_instance

__all__ = ["walk_layers", "leaf_layers"]


def walk_layers(model, *, expand_nested=True):
    """Every layer of ``model`` with its nesting depth, in the order the layers run.

    A nested model is listed itself (at its depth) and then, when ``expand_nested``,
    its own layers one level deeper; input layers are listed too.

    Args:
        model: a ``keras.Model`` (functional or ``Sequential``).
        expand_nested: also walk into nested models.

    Returns:
        A list of ``(layer, depth)`` pairs; depth 0 for the model's own layers.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.

    Example:
        >>> import keras
        >>> inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="inner")
        >>> outer = keras.Sequential([keras.Input((3,)), inner, keras.layers.ReLU(name="r")], name="outer")
        >>> [(layer.name, depth) for layer, depth in walk_layers(outer)]
        [('inner', 0), ('d', 1), ('r', 0)]
    """
    import keras

    check_instance(model, "model", keras.Model, where="walk_layers", expected="a keras.Model")
    expand_nested = check_bool(expand_nested, "expand_nested", where="walk_layers")
    found = []

    def visit(container, depth):
        for layer in container.layers:
            found.append((layer, depth))
            if expand_nested and isinstance(layer, keras.Model):
                visit(layer, depth + 1)

    visit(model, 0)
    return found


def leaf_layers(model):
    """The layers of ``model`` that compute something, nested models opened, in call order.

    Nested models and input layers are left out: what remains is the chain of layers
    an input goes through.

    Args:
        model: a ``keras.Model``.

    Returns:
        A list of layers.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> [layer.name for layer in leaf_layers(dense_autoencoder((8,), (), 2))]
        ['code', 'reconstruction']
    """
    import keras

    check_instance(model, "model", keras.Model, where="leaf_layers", expected="a keras.Model")
    return [layer for layer, _ in walk_layers(model)
            if not isinstance(layer, (keras.Model, keras.layers.InputLayer))]
