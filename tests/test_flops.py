"""Tests of aecourse.flops: the Dense shapes of a model and the FLOPs of a training step."""

import keras
import numpy as np
import pytest

from aecourse.flops import dense_layer_shapes, training_flops
from aecourse.models import conv_autoencoder, dense_autoencoder


def test_dense_layer_shapes_of_the_article_model():
    assert dense_layer_shapes(dense_autoencoder()) == [(784, 128), (128, 64), (64, 32), (32, 64), (64, 128),
                                                       (128, 784)]
    # the conv model's Dense layers sit in the middle of the nested encoder and decoder
    assert dense_layer_shapes(conv_autoencoder()) == [(1152, 10), (10, 1152)]


def test_dense_layer_shapes_rejects_bad_input():
    with pytest.raises(ValueError, match="Expected `model` to be a model with at least one Dense layer. "
                                         "Received: model='plain'"):
        dense_layer_shapes(keras.Sequential([keras.Input((3,)), keras.layers.ReLU()], name="plain"))
    with pytest.raises(TypeError, match="^dense_layer_shapes: Expected `model` to be a keras.Model"):
        dense_layer_shapes("model")


def test_training_flops_counts_the_matrix_products():
    shapes = dense_layer_shapes(dense_autoencoder())
    # forward: one multiply-add per weight of each kernel, per example (NumPy count of the weights)
    kernel_weights = sum(np.prod(w.shape) for w in dense_autoencoder().weights if w.path.endswith("kernel"))
    flops = training_flops(shapes)
    assert flops["forward"] == 2 * kernel_weights == 442_368
    # training: forward + kernel gradients + input gradients of all layers but the first
    assert flops["training"] == 3 * 442_368 - 2 * 784 * 128 == 1_126_400


@pytest.mark.parametrize("shapes, error", [([(3, 0)], ValueError), ([], ValueError), ([(3, 4, 5)], ValueError),
                                           ([("a", 2)], TypeError), (5, TypeError), ([(2.5, 3)], TypeError),
                                           ("ab", TypeError), ([None], TypeError)])
def test_training_flops_rejects_bad_shapes(shapes, error):
    with pytest.raises(error, match=r"training_flops: Expected `shapes` to be a (non-empty )?list of "
                                    r"\(in_features, out_features\) pairs"):
        training_flops(shapes)


def test_training_flops_accepts_numpy_integers_and_arrays():
    assert training_flops(np.array([[784, 128], [128, 784]])) == training_flops([(784, 128), (128, 784)])
