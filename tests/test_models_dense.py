"""Tests of aecourse.models.dense_autoencoder."""

import re

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


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(input_shape=(0,)), ValueError, r"Expected `input_shape` to be a sequence of integers >= 1 such as \(784,\) or "
                                         r"\(28, 28, 1\)\. Received: input_shape=\(0,\)\. Entry 0 is 0\.$"),
    (dict(input_shape=(28, -28)), ValueError, r"Received: input_shape=\(28, -28\)\. Entry 1 is -28\.$"),
    (dict(input_shape="784"), TypeError, r"Received: input_shape='784'\.$"),
    (dict(input_shape=()), ValueError, r"Expected `input_shape` to be a non-empty sequence of integers >= 1"),
    (dict(latent_dim=0), ValueError, r"Expected `latent_dim` to be an integer >= 1\. Received: latent_dim=0\.$"),
    (dict(latent_dim=2.5), TypeError, r"Expected `latent_dim` to be an integer >= 1\. Received: latent_dim=2\.5\.$"),
    (dict(latent_dim=True), TypeError, r"Received: latent_dim=True\.$"),
    (dict(hidden_units=(128, 0)), ValueError, r"Expected `hidden_units` to be a sequence of integers >= 1 such as "
                                              r"\(128, 64\)\. Received: hidden_units=\(128, 0\)\. Entry 1 is 0\.$"),
    (dict(hidden_units="128"), TypeError, r"Received: hidden_units='128'\.$"),
    (dict(hidden_units=[[128]]), TypeError, r"Entry 0 is \[128\], not an integer\.$"),
    (dict(activation="relux"), ValueError, r"Expected `activation` to be a Keras activation: a name such as 'relu' or "
                                           r"'sigmoid', a function, or None\. Received: activation='relux'\.$"),
    (dict(output_activation="nope"), ValueError, r"Received: output_activation='nope'\.$"),
    (dict(activity_regularizer="l3"), ValueError, r"Expected `activity_regularizer` to be a Keras regularizer .* "
                                                  r"Received: activity_regularizer='l3'\.$"),
    (dict(name=3), TypeError, r"Expected `name` to be a string\. Received: name=3\.$"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match="^dense_autoencoder: .*" + message):
        dense_autoencoder(**kwargs)


def test_numpy_sizes_are_accepted():
    model = dense_autoencoder(np.array([784]), hidden_units=np.array([64, 16]), latent_dim=np.int64(8))
    assert [layer.units for layer in model.get_layer("encoder").layers[1:]] == [64, 16, 8]
    assert dense_autoencoder((784,), hidden_units=[64], latent_dim=8).count_params() == \
        dense_autoencoder((784,), hidden_units=np.array([64]), latent_dim=8).count_params()


@pytest.mark.parametrize("shape,hint", [
    ((32, 784), r"\(784,\)"),
    ((4000, 784), r"\(784,\)"),
    ((4000, 28, 28, 1), r"\(28, 28, 1\)"),
    ((60000, 28, 28), r"\(28, 28\)"),
])
def test_the_batch_axis_passed_by_mistake_is_rejected_with_the_shape_to_pass(shape, hint):
    x_shape = shape  # what input_shape=x.shape gives
    with pytest.raises(ValueError, match=rf"^dense_autoencoder: Expected `input_shape` to be the shape of one example, "
                                         rf"without the batch axis\. Received: input_shape={re.escape(str(x_shape))}\. The "
                                         rf"first axis looks like the number of examples: pass x\.shape\[1:\] = {hint}\."):
        dense_autoencoder(input_shape=x_shape)
    with pytest.raises(ValueError, match=r"A leading None is the batch axis of model\.input_shape: pass \(784,\)\."):
        dense_autoencoder(input_shape=(None, 784))
    # genuine shapes of one example still build
    for good in ((784,), (28, 28), (28, 28, 1), (32, 32, 3), (64, 64), (32, 784, 1)):
        assert dense_autoencoder(good, (), 2).output.shape[1:] == good


def test_kl_sparsity_needs_a_code_in_the_unit_interval():
    from aecourse.regularizers import KLSparsity

    with pytest.raises(ValueError, match=r"^dense_autoencoder: Expected `latent_activation` to be 'sigmoid' \(codes in "
                                         r"\[0, 1\]\) with a KLSparsity penalty\. Received: latent_activation='relu'\. "
                                         r".*pass latent_activation='sigmoid', or use keras\.regularizers\.L1 for ReLU"):
        dense_autoencoder((16,), (), 4, latent_activation="relu", activity_regularizer=KLSparsity())
    with pytest.raises(ValueError, match="Received: latent_activation=None"):
        dense_autoencoder((16,), (), 4, latent_activation=None, activity_regularizer=KLSparsity())
    assert dense_autoencoder((16,), (), 4, latent_activation="sigmoid", activity_regularizer=KLSparsity()).built


def test_sizes_too_large_to_build_are_refused_before_keras_allocates():
    with pytest.raises(ValueError, match=r"^dense_autoencoder: Expected sizes giving at most 1,000,000,000 parameters\. "
                                         r"Received: input_shape=\(784,\), hidden_units=\(\), latent_dim=1099511627776, "
                                         r"about [\d,]+ parameters \([\d,]+ GB of weights\)\. Check input_shape"):
        dense_autoencoder((784,), (), 2**40)
