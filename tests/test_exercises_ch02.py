"""Tests of the chapter 2 exercises: the published solutions' answers and other right answers
pass, plausible wrong answers fail with a message that says what is wrong."""

import keras
import numpy as np
import pytest

from aecourse.exercises import ____, ch02
from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.shapes import trace_shapes


def message(result):
    assert result.status == "incorrect", result
    return result.message


def by_hand(latent_dim=10, kernel=3, upsampling="transpose"):
    """The chapter's CAE written out in plain Keras (another way to build a right answer)."""
    inputs = keras.Input(shape=(28, 28, 1), name="encoder_input")
    x = inputs
    for i, filters in enumerate((32, 64, 128), 1):
        x = keras.layers.Conv2D(filters, kernel, padding="same", activation="relu", name=f"conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    encoder = keras.Model(inputs, keras.layers.Dense(latent_dim, name="code")(x), name="encoder")
    code = keras.Input(shape=(latent_dim,), name="decoder_input")
    y = keras.layers.Dense(1152, activation="relu", name="dense")(code)
    y = keras.layers.Reshape((3, 3, 128), name="unflatten")(y)
    if upsampling == "transpose":
        y = keras.layers.Conv2DTranspose(64, kernel, strides=2, padding="valid", activation="relu", name="up_1")(y)
        if kernel == 4:
            y = keras.layers.Cropping2D(((0, 1), (0, 1)), name="crop_1")(y)
        y = keras.layers.Conv2DTranspose(32, kernel, strides=2, padding="same", activation="relu", name="up_2")(y)
        y = keras.layers.Conv2DTranspose(1, kernel, strides=2, padding="same", activation="sigmoid", name="up_3")(y)
    else:
        y = keras.layers.UpSampling2D(2, name="resize_1")(y)
        y = keras.layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad_1")(y)
        y = keras.layers.Conv2D(64, kernel, padding="same", activation="relu", name="conv_up_1")(y)
        for i, filters in ((2, 32), (3, 1)):
            y = keras.layers.UpSampling2D(2, name=f"resize_{i}")(y)
            y = keras.layers.Conv2D(filters, kernel, padding="same", activation="relu" if filters > 1 else "sigmoid",
                                    name=f"conv_up_{i}")(y)
    decoder = keras.Model(code, y, name="decoder")
    image = keras.Input(shape=(28, 28, 1), name="input")
    return keras.Model(image, decoder(encoder(image)), name="by_hand")


# --------------------------------------------------------------- 2.1 kernel 4 x 4


def test_kernel_right_answers():
    result = ch02.kernel_divisible.check(conv_autoencoder(kernel_size=4))
    assert result.correct
    assert ("3 x 3 -> 8 x 8 (decoder_upconv_1, padding='valid'); 8 x 8 -> 7 x 7 (decoder_crop_1, Cropping2D); "
            "7 x 7 -> 14 x 14" in result.message)
    assert "it crops (decoder_crop_1): a stride-2, 4 x 4 transposed convolution gives (3 - 1) x 2 + 4 = 8" in \
        result.message
    assert "(none)" not in result.message
    assert ch02.kernel_divisible.check(conv_autoencoder(kernel_size=(4, 4))).correct
    hand = ch02.kernel_divisible.check(by_hand(kernel=4))
    assert hand.correct and "crop_1" in hand.message


@pytest.mark.parametrize("answer, text", [
    (lambda: conv_autoencoder(), "yours have decoder_upconv_1 3 x 3, decoder_upconv_2 3 x 3, decoder_upconv_3 "
                                 "3 x 3. A 3-wide kernel with stride 2 is what makes the checkerboard"),
    (lambda: conv_autoencoder(kernel_size=4, upsampling="nearest"), "no Conv2DTranspose layer: it upsamples "
                                                                    "with UpSampling2D"),
    (lambda: conv_autoencoder(kernel_size=2), "the exercise asks for 4 x 4 kernels"),
    (lambda: conv_autoencoder(kernel_size=6), "6 x 6 is divisible by the stride 2 too"),
    (lambda: conv_autoencoder(kernel_size=(4, 3)), "along the axis whose size is odd"),
    (lambda: conv_autoencoder(input_shape=(32, 32, 1), kernel_size=4), "outputs (32, 32, 1) per image"),
    (lambda: dense_autoencoder(input_shape=(28, 28, 1)), "has no convolution at all"),
    (lambda: trace_shapes(conv_autoencoder(kernel_size=4)), "is the table trace_shapes printed; pass the model"),
    (lambda: "conv_autoencoder(kernel_size=4)", "you gave the text"),
    (lambda: 4, "you gave a int"),
])
def test_kernel_wrong_answers(answer, text):
    assert text in message(ch02.kernel_divisible.check(answer()))


def test_kernel_mixed_kernels_name_the_layer():
    code = keras.Input((10,))
    y = keras.layers.Reshape((3, 3, 128))(keras.layers.Dense(1152)(code))
    y = keras.layers.Conv2DTranspose(64, 4, strides=2, padding="valid", name="up_1")(y)
    y = keras.layers.Cropping2D(((0, 1), (0, 1)))(y)
    y = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", name="up_2")(y)
    y = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", name="up_3")(y)
    mixed = keras.Model(code, y)
    text = message(ch02.kernel_divisible.check(mixed))
    assert "yours have up_2 3 x 3. A 3-wide kernel" in text
    assert "up_1 3 x 3, up_2 3 x 3, up_3 3 x 3" in message(ch02.kernel_divisible.check(by_hand(kernel=3)))


def test_kernel_not_attempted_and_extra_argument():
    assert ch02.kernel_divisible.check(____).status == "not attempted"
    text = message(ch02.kernel_divisible.check(conv_autoencoder(kernel_size=4), 4))
    assert "this check is called as check(model); you passed 2 value(s)" in text


# --------------------------------------------------------------------- 2.2 colour


N_COLOUR = conv_autoencoder(input_shape=(32, 32, 3)).count_params()


def test_colour_right_answers():
    result = ch02.colour_model.check((4, 4, 128), N_COLOUR)
    assert result.correct and f"{N_COLOUR:,} parameters" in result.message
    assert ch02.colour_model.check([4, 4, 128], np.int64(N_COLOUR)).correct
    assert ch02.colour_model.check(np.array([4, 4, 128]), float(N_COLOUR)).correct
    model = conv_autoencoder(input_shape=(32, 32, 3))
    shape = model.get_layer("encoder").get_layer("flatten").input.shape[1:]
    assert ch02.colour_model.check(tuple(shape), model.count_params()).correct


@pytest.mark.parametrize("final_map, n_params, text", [
    ((4, 4, 3), N_COLOUR, "not the input's 3 colour channels"),
    ((3, 3, 128), N_COLOUR, "(3, 3, 128) is the final map of a 28 x 28 input"),
    ((8, 8, 128), N_COLOUR, "one pooling too few"),
    ((2, 2, 128), N_COLOUR, "one pooling too many"),
    ((4, 4, 64), N_COLOUR, "the map has 128 channels, not 64"),
    ((4, 4), N_COLOUR, "three axes (height, width, channels)"),
    (2048, N_COLOUR, "you gave one number (2048)"),
    ("(4, 4, 128)", N_COLOUR, "not the text '(4, 4, 128)'"),
    ((4, 4.5, 128), N_COLOUR, "whole numbers only"),
    ((4, float("nan"), 128), N_COLOUR, "whole numbers only"),
    ((4, 4, 128), 209_419, "is the grey 28 x 28 model's count"),
    ((4, 4, 128), conv_autoencoder(input_shape=(32, 32, 3)).get_layer("encoder").count_params(),
     "is the encoder's count only"),
    ((4, 4, 128), conv_autoencoder(input_shape=(32, 32, 3)).get_layer("decoder").count_params(),
     "is the decoder's count only"),
    ((4, 4, 128), 2048, "number of values in the final feature map"),
    ((4, 4, 128), N_COLOUR + 1, f"should be {N_COLOUR:,}, you gave {N_COLOUR + 1:,}"),
    ((4, 4, 128), float("nan"), "finite whole number"),
    ((4, 4, 128), "412,867", "not the text"),
    ((4, 4, 128), N_COLOUR + 0.5, "a whole number"),
])
def test_colour_wrong_answers(final_map, n_params, text):
    assert text in message(ch02.colour_model.check(final_map, n_params))


def test_colour_not_attempted_and_wrong_number_of_answers():
    assert ch02.colour_model.check((4, 4, 128), ____).status == "not attempted"
    assert "called as check(final_map, n_params); you passed 1 value(s)" in message(
        ch02.colour_model.check((4, 4, 128)))


# ---------------------------------------------------------------- 2.3 bigger code


def test_bigger_right_answers():
    assert ch02.bigger_code.check(conv_autoencoder(latent_dim=32)).correct
    assert ch02.bigger_code.check(by_hand(latent_dim=32)).correct


def conv_code_map():
    """An encoder that ends in a 4 x 4 x 2 feature map: 32 numbers, but no dense bottleneck."""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 3, strides=7, padding="same")(inputs)
    x = keras.layers.Conv2D(2, 1)(x)
    encoder = keras.Model(inputs, x, name="encoder")
    z = keras.Input((4, 4, 2))
    y = keras.layers.Conv2DTranspose(1, 7, strides=7, activation="sigmoid")(z)
    decoder = keras.Model(z, y, name="decoder")
    image = keras.Input((28, 28, 1))
    return keras.Model(image, decoder(encoder(image)))


def flat_functional():
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize("answer, text", [
    (lambda: dense_autoencoder(input_shape=(28, 28, 1)), "is not convolutional: its encoder has no Conv2D layer"),
    (lambda: conv_autoencoder(), "should have a 32-number code; its encoder outputs 10 numbers"),
    (lambda: conv_autoencoder(latent_dim=32, filters=(32, 64)), "have [32, 64] filters"),
    (lambda: conv_autoencoder(latent_dim=32, filters=(16, 32, 64)), "have [16, 32, 64] filters"),
    (lambda: conv_autoencoder(latent_dim=32, upsampling="nearest"), "your decoder upsamples with UpSampling2D"),
    (lambda: by_hand(latent_dim=32, upsampling="nearest"), "your decoder upsamples with UpSampling2D"),
    (lambda: conv_autoencoder(input_shape=(32, 32, 1), latent_dim=32), "outputs (32, 32, 1) per image"),
    (lambda: conv_code_map(), "ends in a feature map of shape (4, 4, 2) (32 numbers), not in a flat code"),
    (lambda: flat_functional(), "two parts named 'encoder' and 'decoder'"),
    (lambda: "conv_autoencoder(latent_dim=32)", "you gave the text"),
    (lambda: [conv_autoencoder(latent_dim=32)], "you gave a list"),
])
def test_bigger_wrong_answers(answer, text):
    assert text in message(ch02.bigger_code.check(answer()))


def test_bigger_not_attempted():
    assert ch02.bigger_code.check(____).status == "not attempted"


# ------------------------------------------------------------------ the solutions


def test_every_exercise_has_a_solution_and_an_answer():
    for exercise in (ch02.kernel_divisible, ch02.colour_model, ch02.bigger_code):
        assert exercise.solution_code.strip() and len(exercise.answer) > 80
        assert "Answer:" in str(exercise.solution())


def test_published_solutions_define_what_their_checks_take():
    """The check cells pass model_k4, (final_map, n_params) and cae_32: each solution defines them
    (the chapter test runs every solution in the chapter itself)."""
    assert "model_k4 = " in ch02.kernel_divisible.solution_code
    assert "final_map, n_params = " in ch02.colour_model.solution_code
    assert "cae_32 = " in ch02.bigger_code.solution_code
    namespace = {"np": np, "conv_autoencoder": conv_autoencoder, "trace_shapes": trace_shapes}
    exec(ch02.colour_model.solution_code, namespace)
    assert ch02.colour_model.check(namespace["final_map"], namespace["n_params"]).correct
