"""aecourse.models.conv_autoencoder: the article's architecture, output shape equal to
the input shape for every size the encoder can reduce, save/load, bad inputs."""

import re

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.shapes import pool_output_size, trace_shapes

MODES = ("transpose", "nearest", "bilinear")
# the builder's naming scheme; Keras' automatic names ("conv2d_3", "dense_1", ...) do not match it
NAMED = re.compile(r"^(input|encoder|decoder|flatten|code|unflatten|encoder_(input|conv_\d|pool_\d)|"
                   r"decoder_(input|dense|upconv_\d|crop_\d|upsample_\d|pad_\d|conv_\d))$")


def all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def small(input_shape, blocks, mode, **kwargs):
    """A narrow model (few filters) so that shape tests stay fast."""
    return conv_autoencoder(input_shape, filters=(4, 6, 8, 10)[:blocks], latent_dim=3, upsampling=mode, **kwargs)


# ------------------------------------------------------------- the article's model


def test_default_is_the_article_architecture():
    model = conv_autoencoder()
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert [l.name for l in model.layers] == ["input", "encoder", "decoder"]
    assert [encoder.get_layer(f"encoder_pool_{i}").output.shape[1:3] for i in (1, 2, 3)] == [(14, 14), (7, 7), (3, 3)]
    assert encoder.get_layer("encoder_pool_3").output.shape == (None, 3, 3, 128)
    assert encoder.get_layer("flatten").output.shape == (None, 1152)
    assert encoder.output.shape == (None, 10)
    assert decoder.get_layer("decoder_dense").output.shape == (None, 1152)
    assert decoder.get_layer("unflatten").output.shape == (None, 3, 3, 128)
    assert [decoder.get_layer(f"decoder_upconv_{j}").output.shape[1:3] for j in (1, 2, 3)] == [(7, 7), (14, 14), (28, 28)]
    assert model.output.shape == (None, 28, 28, 1)
    assert model.count_params() == 209_419
    assert encoder.count_params() == 104_202 and decoder.count_params() == 105_217
    # 3 -> 7 needs padding 'valid' (the odd row pooling dropped), 7 -> 14 -> 28 'same'
    assert [decoder.get_layer(f"decoder_upconv_{j}").padding for j in (1, 2, 3)] == ["valid", "same", "same"]
    assert decoder.layers[-1].get_config()["activation"] == "sigmoid"
    assert encoder.get_layer("code").get_config()["activation"] == "linear"


def test_every_layer_is_named_and_names_are_unique():
    for mode in MODES:
        model = conv_autoencoder((27, 31, 2), upsampling=mode, kernel_size=5)
        names = [l.name for l in all_layers(model)]
        assert len(names) == len(set(names)), names
        assert [n for n in names if not NAMED.match(n)] == [], names


def test_encoder_and_decoder_are_usable_on_their_own():
    model = conv_autoencoder()
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    codes = model.get_layer("encoder").predict(x, verbose=0)
    images = model.get_layer("decoder").predict(codes, verbose=0)
    assert codes.shape == (3, 10) and images.shape == x.shape
    np.testing.assert_allclose(images, model.predict(x, verbose=0), atol=1e-6)
    assert 0 < images.min() and images.max() < 1  # sigmoid output


def test_upsampling_modes_have_the_same_parameter_count():
    counts = {mode: conv_autoencoder(upsampling=mode).count_params() for mode in MODES}
    assert set(counts.values()) == {209_419}, counts
    counts = {mode: conv_autoencoder((27, 31, 2), upsampling=mode).count_params() for mode in MODES}
    assert len(set(counts.values())) == 1, counts


def test_options_reach_the_layers():
    model = conv_autoencoder((16, 16, 3), filters=(8, 16), latent_dim=5, kernel_size=(3, 5), upsampling="bilinear",
                             activation="elu", latent_activation="tanh", output_activation=None, name="cae")
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert model.name == "cae"
    assert encoder.get_layer("encoder_conv_2").kernel_size == (3, 5)
    assert encoder.get_layer("encoder_conv_1").get_config()["activation"] == "elu"
    assert encoder.get_layer("code").get_config()["activation"] == "tanh"
    assert decoder.get_layer("decoder_upsample_1").interpolation == "bilinear"
    assert decoder.get_layer("decoder_conv_2").get_config()["activation"] == "linear"
    assert trace_shapes(model).shape_of("unflatten") == (4, 4, 16)


# ---------------------------------------------------------- output shape == input


GRID = [(28, 28, 1), (32, 32, 3), (64, 64, 1), (27, 31, 2), (8, 8, 1), (9, 17, 3), (15, 15, 1), (23, 40, 4)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("input_shape", GRID, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_output_shape_equals_input_shape(input_shape, blocks, mode):
    model = small(input_shape, blocks, mode)
    x = np.zeros((2,) + input_shape, dtype=np.float32)
    assert tuple(model(x).shape) == x.shape
    # the encoder really halves (rounding down) once per block
    size = input_shape[:2]
    for _ in range(blocks):
        size = pool_output_size(size)
    assert model.get_layer("encoder").get_layer("flatten").output.shape[1] == size[0] * size[1] * (4, 6, 8)[blocks - 1]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kernel_size", [2, 4, 5, (2, 3)])
def test_output_shape_for_other_kernel_sizes(mode, kernel_size):
    for input_shape in [(27, 31, 2), (28, 28, 1), (13, 10, 1)]:
        model = small(input_shape, 3, mode, kernel_size=kernel_size)
        assert tuple(model(np.zeros((1,) + input_shape, "float32")).shape) == (1,) + input_shape


@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=st.data(), mode=st.sampled_from(MODES), channels=st.integers(1, 4), blocks=st.integers(1, 4),
       kernel_size=st.integers(2, 4))
def test_output_shape_equals_input_shape_hypothesis(data, mode, channels, blocks, kernel_size):
    low = 2 ** blocks
    height = data.draw(st.integers(low, low + 40), label="height")
    width = data.draw(st.integers(low, low + 40), label="width")
    model = small((height, width, channels), blocks, mode, kernel_size=kernel_size)
    assert tuple(model.output.shape) == (None, height, width, channels)
    assert tuple(model(np.zeros((1, height, width, channels), "float32")).shape) == (1, height, width, channels)


def test_smallest_input_for_each_block_count():
    for blocks in (1, 2, 3, 4):
        side = 2 ** blocks
        model = small((side, side, 1), blocks, "transpose")
        assert model.get_layer("encoder").get_layer(f"encoder_pool_{blocks}").output.shape[1:3] == (1, 1)
        assert model.output.shape == (None, side, side, 1)


# ------------------------------------------------------------------ save / load


@pytest.mark.parametrize("mode", MODES)
def test_save_load_round_trip(mode, tmp_path):
    model = conv_autoencoder((27, 31, 2), filters=(8, 16), latent_dim=4, upsampling=mode)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(1).random((4, 27, 31, 2), dtype=np.float32)
    model.fit(x, x, epochs=1, batch_size=2, verbose=0)
    path = tmp_path / f"cae_{mode}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    codes = model.get_layer("encoder").predict(x, verbose=0)
    np.testing.assert_array_equal(loaded.get_layer("encoder").predict(x, verbose=0), codes)
    np.testing.assert_array_equal(loaded.get_layer("decoder").predict(codes, verbose=0),
                                  model.get_layer("decoder").predict(codes, verbose=0))
    assert [l.name for l in all_layers(loaded)] == [l.name for l in all_layers(model)]


def test_dense_autoencoder_unchanged():
    assert dense_autoencoder().count_params() == 222_384


# ------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(input_shape=(5, 5, 1)), ValueError,
     r"Expected `input_shape` to be at least 8 x 8 pixels for 3 convolution block\(s\): each block's 2 x 2 pooling "
     r"halves the height and width, rounding down\. Received: input_shape=\(5, 5, 1\)\. Use at most 2 block\(s\) "
     r"\(filters with 2 entries\) or a larger input\.$"),
    (dict(input_shape=(64, 15, 1), filters=(8, 8, 8, 8)), ValueError,
     r"at least 16 x 16 pixels for 4 convolution block\(s\).*Received: input_shape=\(64, 15, 1\)\. Use at most 3 block"),
    (dict(input_shape=(1, 1, 1), filters=(8,)), ValueError,
     r"at least 2 x 2 pixels.*No block fits an image narrower than 2 pixels: use a larger input\.$"),
    (dict(input_shape=(28, 28)), ValueError, r"Expected `input_shape` to be the shape of one image, \(height, width, "
                                             r"channels\) such as \(28, 28, 1\)\. Received: input_shape=\(28, 28\)\. "
                                             r"Add a channel axis for grey images: \(28, 28, 1\)\.$"),
    (dict(input_shape=(784,)), ValueError, r"Received: input_shape=\(784,\)\.$"),
    (dict(input_shape=(4, 28, 28, 1)), ValueError, r"Received: input_shape=\(4, 28, 28, 1\)\. The first axis looks like "
                                                   r"the number of examples: pass x\.shape\[1:\] = \(28, 28, 1\)\.$"),
    (dict(input_shape=(3, 32, 32)), ValueError, r"Received: input_shape=\(3, 32, 32\)\. This looks like channels first "
                                                r"\(channels, height, width\); Keras' layers here put channels last: pass "
                                                r"\(32, 32, 3\), and move the axis of the data with np\.moveaxis\(x, 1, -1\)\.$"),
    (dict(input_shape=(1, 28, 28)), ValueError, r"channels first .* pass \(28, 28, 1\)"),
    (dict(input_shape=(28, 0, 1)), ValueError, r"Received: input_shape=\(28, 0, 1\)\. Entry 1 is 0\.$"),
    (dict(upsampling="deconv"), ValueError, r"Expected `upsampling` to be one of 'transpose', 'nearest', 'bilinear'\. "
                                            r"Received: upsampling='deconv'\.$"),
    (dict(upsampling="Nearest"), ValueError, r"Received: upsampling='Nearest'\.$"),
    (dict(kernel_size=1), ValueError, r"Expected `kernel_size` to be >= 2 with upsampling='transpose'\. Received: "
                                      r"kernel_size=1\. A 1-wide kernel"),
    (dict(kernel_size=(3, 3, 3)), ValueError, r"Expected `kernel_size` to be a sequence of 2 integers >= 1 such as 3 or "
                                              r"\(3, 3\)\. Received: kernel_size=\(3, 3, 3\)\. It has 3 entries\.$"),
    (dict(kernel_size=0), ValueError, r"Expected `kernel_size` to be an integer >= 1\. Received: kernel_size=0\.$"),
    (dict(kernel_size=2.0), TypeError, r"Received: kernel_size=2\.0\.$"),
    (dict(filters=()), ValueError, r"Expected `filters` to be a non-empty sequence of integers >= 1"),
    (dict(filters=(32, -1)), ValueError, r"Received: filters=\(32, -1\)\. Entry 1 is -1\.$"),
    (dict(latent_dim=0), ValueError, r"Expected `latent_dim` to be an integer >= 1\. Received: latent_dim=0\.$"),
    (dict(latent_dim=2.5), TypeError, r"Received: latent_dim=2\.5\.$"),
    (dict(activation="relux"), ValueError, r"Expected `activation` to be a Keras activation"),
    (dict(output_activation="nope"), ValueError, r"Received: output_activation='nope'\.$"),
])
def test_bad_inputs_are_explained(kwargs, error, message):
    with pytest.raises(error, match="^conv_autoencoder: .*" + message):
        conv_autoencoder(**kwargs)


def test_numpy_sizes_are_accepted():
    model = conv_autoencoder(np.array([16, 16, 1]), filters=np.array([4, 8]), latent_dim=np.int64(3),
                             kernel_size=np.array([3, 3]))
    assert model.output.shape == (None, 16, 16, 1)


def test_kernel_size_one_is_fine_with_interpolation():
    model = conv_autoencoder((27, 31, 2), filters=(4, 4), kernel_size=1, upsampling="nearest")
    assert model.output.shape == (None, 27, 31, 2)


def test_sizes_too_large_to_build_are_refused_before_keras_allocates():
    with pytest.raises(ValueError, match=r"^conv_autoencoder: Expected sizes giving at most 1,000,000,000 parameters\. "
                                         r"Received: input_shape=\(28, 28, 1\), filters=\(1048576,\), latent_dim=10"):
        conv_autoencoder((28, 28, 1), (2**20,), 10)
