"""Tests of aecourse.models.dense_autoencoder."""

import numpy as np
import keras
import pytest

from aecourse.models import dense_autoencoder


def dense_params(sizes):
    """Parameters of a chain of Dense layers with biases, computed by hand."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def test_article_model():
    model = dense_autoencoder()
    assert model.count_params() == 222_384 == dense_params([784, 128, 64, 32, 64, 128, 784])
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert [l.name for l in encoder.layers] == ["encoder_input", "encoder_dense_1", "encoder_dense_2", "code"]
    assert [l.name for l in decoder.layers] == ["decoder_input", "decoder_dense_1", "decoder_dense_2", "reconstruction"]
    assert [l.units for l in encoder.layers[1:]] == [128, 64, 32]
    assert [l.units for l in decoder.layers[1:]] == [64, 128, 784]
    assert decoder.layers[-1].activation.__name__ == "sigmoid"
    assert encoder.layers[1].activation.__name__ == "relu"


@pytest.mark.parametrize("input_shape,hidden,latent", [
    ((64,), (32,), 8),
    ((3072,), (512, 128), 64),
    ((28, 28, 1), (128, 64), 32),
    ((32, 32, 3), (), 16),
    (10, (5, 4, 3), 2),
])
def test_shapes_and_parameter_counts(input_shape, hidden, latent):
    model = dense_autoencoder(input_shape, hidden, latent)
    shape = (input_shape,) if isinstance(input_shape, int) else input_shape
    size = int(np.prod(shape))
    assert model.count_params() == dense_params([size, *hidden, latent, *reversed(hidden), size])
    x = np.random.default_rng(0).random((3, *shape)).astype("float32")
    assert model(x).shape == (3, *shape)
    assert model.get_layer("encoder")(x).shape == (3, latent)


def test_codes_from_named_encoder():
    model = dense_autoencoder((16,), (8,), 4)
    x = np.random.default_rng(0).random((5, 16)).astype("float32")
    codes = model.get_layer("encoder").predict(x, verbose=0)
    back = model.get_layer("decoder").predict(codes, verbose=0)
    np.testing.assert_allclose(back, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_latent_activation_and_regularizer():
    model = dense_autoencoder((16,), (8,), 4, latent_activation="sigmoid",
                              activity_regularizer=keras.regularizers.L1(1e-3))
    code = model.get_layer("encoder").get_layer("code")
    assert code.activation.__name__ == "sigmoid"
    assert isinstance(code.activity_regularizer, keras.regularizers.L1)


def test_layer_as_regularizer_is_inserted_after_code():
    extra = keras.layers.Activation("linear", name="after_code")
    model = dense_autoencoder((16,), (8,), 4, activity_regularizer=extra)
    assert model.get_layer("encoder").layers[-1].name == "after_code"


def test_save_load_round_trip_of_trained_model(tmp_path):
    keras.utils.set_random_seed(0)
    model = dense_autoencoder((20,), (10,), 3)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(0).random((64, 20)).astype("float32")
    model.fit(x, x, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "ae.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("encoder").name == "encoder"


@pytest.mark.parametrize("kwargs,message", [
    (dict(input_shape=(0,)), r"input_shape\[0\] must be a positive integer, received 0"),
    (dict(input_shape=(28, -28)), r"input_shape\[1\] must be a positive integer, received -28"),
    (dict(input_shape="784"), "input_shape must be a tuple of positive integers"),
    (dict(input_shape=()), "input_shape must be a tuple of positive integers"),
    (dict(latent_dim=0), "latent_dim must be a positive integer, received 0"),
    (dict(latent_dim=2.5), r"latent_dim must be a positive integer, received 2.5 \(float\)"),
    (dict(latent_dim=True), "latent_dim must be a positive integer"),
    (dict(hidden_units=(128, 0)), r"hidden_units\[1\] must be a positive integer"),
    (dict(hidden_units="128"), "hidden_units must be a sequence of positive integers"),
    (dict(activation="relux"), "activation='relux' is not a Keras activation"),
    (dict(output_activation="nope"), "output_activation='nope' is not a Keras activation"),
    (dict(activity_regularizer="l3"), "activity_regularizer='l3' is neither a Keras regularizer nor a Layer"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dense_autoencoder(**kwargs)
