"""Tests of aecourse.nested: the one walker over nested Keras models."""

import keras
import pytest

from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.nested import leaf_layers, walk_layers


def test_walk_layers_lists_nested_models_then_their_layers():
    model = dense_autoencoder((6,), (4,), 2)
    walked = [(layer.name, depth) for layer, depth in walk_layers(model)]
    assert walked == [("input", 0), ("encoder", 0), ("encoder_input", 1), ("encoder_dense_1", 1), ("code", 1),
                      ("decoder", 0), ("decoder_input", 1), ("decoder_dense_1", 1), ("reconstruction", 1)]
    assert [layer.name for layer, _ in walk_layers(model, expand_nested=False)] == ["input", "encoder", "decoder"]


def test_walk_layers_goes_any_depth_and_into_sequential_models():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, name="deep")], name="inner")
    middle = keras.Sequential([keras.Input((3,)), inner], name="middle")
    outer = keras.Sequential([keras.Input((3,)), middle, keras.layers.Dense(1, name="top")], name="outer")
    assert [(layer.name, depth) for layer, depth in walk_layers(outer)] == [
        ("middle", 0), ("inner", 1), ("deep", 2), ("top", 0)]
    assert [layer.name for layer in leaf_layers(outer)] == ["deep", "top"]


def test_leaf_layers_follow_the_call_order():
    names = [layer.name for layer in leaf_layers(conv_autoencoder())]
    assert names[0] == "encoder_conv_1" and names[-1].startswith("decoder_")
    assert names.index("code") < names.index("decoder_dense") < names.index("unflatten")


def test_walk_layers_rejects_bad_input():
    with pytest.raises(TypeError, match="walk_layers: Expected `model` to be a keras.Model. Received: model=3"):
        walk_layers(3)
    with pytest.raises(TypeError, match="Expected `expand_nested` to be True or False"):
        walk_layers(dense_autoencoder((6,), (), 2), expand_nested=1)
    with pytest.raises(TypeError, match="^leaf_layers: Expected `model` to be a keras.Model. Received: model=<Dense"):
        leaf_layers(keras.layers.Dense(3))
