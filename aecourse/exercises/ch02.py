"""Exercises of chapter 2, the convolutional autoencoder.

Example:
    >>> from aecourse.exercises import ch02, ____
    >>> ch02.colour_model.check(____, ____).status
    'not attempted'
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect

__all__ = ["kernel_divisible", "colour_model", "bigger_code"]


# ----------------------------------------------------------------- model helpers


def _keras_model(model, what):
    import keras

    if isinstance(model, keras.Model):
        return model
    if type(model).__name__ == "ShapeTable":
        raise Incorrect(f"{what} is the table trace_shapes printed; pass the model itself (the object you gave "
                        "to trace_shapes).")
    if isinstance(model, (str, bytes)):
        raise Incorrect(f"{what} should be a Keras model, you gave the text {str(model)[:40]!r}: build it "
                        "with conv_autoencoder(...) (without quotes).")
    raise Incorrect(f"{what} should be a Keras model, such as conv_autoencoder(...) returns; you gave a "
                    f"{type(model).__name__}.")


def _leaves(model):
    """The computing layers of a model, nested models opened, in call order."""
    from aecourse.nested import leaf_layers

    return leaf_layers(model)


def _kind(layer):
    return type(layer).__name__


def _part(model, name):
    """The nested model ``name`` ("encoder"/"decoder") of ``model``, or ``None``."""
    import keras

    for layer in model.layers:
        if layer.name == name and isinstance(layer, keras.Model):
            return layer
    return None


def _output_shape(model, what):
    try:
        return tuple(model.output.shape[1:])
    except (AttributeError, ValueError):
        raise Incorrect(f"{what} has no defined output yet; build it with keras.Input (the functional API) or "
                        "conv_autoencoder(...), so that its shapes are known.") from None


def _sizes(layer):
    """(input size, output size) of a layer as 'h x w' strings."""
    def text(shape):
        return " x ".join(str(d) for d in tuple(shape)[1:3])

    return text(layer.input.shape), text(layer.output.shape)


# ------------------------------------------------- 2.1 a kernel divisible by the stride


def _check_kernel(model):
    what = "your model"
    model = _keras_model(model, what)
    shape = _output_shape(model, what)
    if shape != (28, 28, 1):
        raise Incorrect(f"{what} outputs {shape} per image; it should reconstruct the chapter's 28 x 28 x 1 "
                        "digits: keep input_shape=(28, 28, 1).")
    layers = _leaves(model)
    kinds = {_kind(layer) for layer in layers}
    if not kinds & {"Conv2D", "Conv2DTranspose"}:
        raise Incorrect(f"{what} has no convolution at all (its layers are {sorted(kinds)}); build a "
                        "convolutional autoencoder, e.g. with conv_autoencoder.")
    transposed = [layer for layer in layers if _kind(layer) == "Conv2DTranspose"]
    if not transposed:
        raise Incorrect(f"{what} has no Conv2DTranspose layer: it upsamples with UpSampling2D and a "
                        "convolution (the resize-convolution, the other fix). This exercise is about the "
                        "transposed convolution itself: keep upsampling='transpose' and change its kernel.")
    wrong = [(layer.name, tuple(layer.kernel_size)) for layer in transposed if tuple(layer.kernel_size) != (4, 4)]
    if wrong:
        strides = {tuple(layer.strides) for layer in transposed}
        shown = ", ".join(f"{name} {k[0]} x {k[1]}" for name, k in wrong)
        if all(k[0] % 2 == 0 and k[1] % 2 == 0 for _, k in wrong) and strides == {(2, 2)}:
            raise Incorrect(f"every tap now overlaps evenly ({shown} is divisible by the stride 2 too), but the "
                            "exercise asks for 4 x 4 kernels, the size Odena et al. use (2 x 2 kernels do not "
                            "overlap at all and paint blocky 2 x 2 tiles). Use kernel_size=4.")
        if any(k[0] != k[1] for _, k in wrong):
            raise Incorrect(f"the transposed convolutions should have 4 x 4 kernels; {shown}: along the axis "
                            "whose size is odd, taps still overlap unevenly, so the checkerboard stays in "
                            "stripes.")
        raise Incorrect(f"the transposed convolutions should have 4 x 4 kernels; yours have {shown}. "
                        "A 3-wide kernel with stride 2 is what makes the checkerboard.")
    steps = []
    for layer in layers:
        if _kind(layer) == "Conv2DTranspose":
            a, b = _sizes(layer)
            steps.append(f"{a} -> {b} ({layer.name}, padding={layer.padding!r})")
        elif _kind(layer) in ("Cropping2D", "ZeroPadding2D") and steps:
            a, b = _sizes(layer)
            steps.append(f"{a} -> {b} ({layer.name}, {_kind(layer)})")
    crops = [layer.name for layer in layers if _kind(layer) == "Cropping2D"]
    how = (f"it crops ({', '.join(crops)}): a stride-2, 4 x 4 transposed convolution gives (3 - 1) x 2 + 4 = 8 "
           "from 3 with padding 'valid' and 6 with 'same', never 7, so one row and column are trimmed"
           if crops else "it needs no crop")
    return ("4 x 4 kernels with stride 2: every output pixel gets the same number of taps. Your decoder: "
            + "; ".join(steps) + f". To reach 7 from 3 {how}.")


kernel_divisible = Exercise(
    "Exercise 2.1: a kernel divisible by the stride",
    _check_kernel,
    hints=["conv_autoencoder has a kernel_size argument; it sets every convolution's kernel.",
           "model_k4 = conv_autoencoder(kernel_size=4); then trace_shapes(model_k4.get_layer('decoder'))."],
    solution="""
model_k4 = conv_autoencoder(kernel_size=4)
print(trace_shapes(model_k4.get_layer("decoder")))
set_seed(0)
decoder_k4 = conv_autoencoder(kernel_size=4).get_layer("decoder")
untrained_k4 = decoder_k4.predict(random_code, verbose=0)
print("checkerboard strength, untrained:",
      f"3 x 3 {checkerboard_strength(untrained['transpose']):.4f},",
      f"4 x 4 {checkerboard_strength(untrained_k4):.4f}")
""",
    answer="trace_shapes shows decoder_upconv_1 going from 3 x 3 to 8 x 8 and a Cropping2D layer "
           "(decoder_crop_1) trimming it to 7 x 7: a stride-2 transposed convolution with a 4-wide kernel gives "
           "(3 - 1) x 2 + 4 = 8 with padding 'valid' and 6 with 'same', never 7, so the builder takes 8 and "
           "crops one row and one column. The two printed strengths are of the same size: with a 4 x 4 kernel "
           "every output pixel receives the same number of taps (the flat middle picture of the chapter, drawn "
           "with a kernel of ones), but each of the four 2 x 2 phases sums a different quarter of the kernel, "
           "so random or badly learned weights still give the phases different means. Even overlap removes the "
           "built-in pattern, not every checkerboard; Odena et al. make the same point and prefer "
           "resize-convolution.")


# ------------------------------------------------------------------- 2.2 colour


def _shape_answer(final_map):
    """The learner's shape as a tuple of ints, with messages in their terms."""
    if isinstance(final_map, (str, bytes)):
        raise Incorrect(f"give the final feature map as a tuple of numbers such as (3, 3, 128), not the text "
                        f"{final_map!r}.")
    if isinstance(final_map, numbers.Number):
        raise Incorrect(f"you gave one number ({final_map!r}); the final feature map is a shape, three numbers "
                        "(height, width, channels) such as (3, 3, 128).")
    try:
        values = list(final_map)
    except TypeError:
        raise Incorrect(f"give the final feature map as a shape such as (3, 3, 128), not a "
                        f"{type(final_map).__name__}.") from None
    shape = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (numbers.Integral, numbers.Real)):
            raise Incorrect(f"the shape should hold whole numbers only; you gave {final_map!r}.")
        if not math.isfinite(float(v)) or float(v) != int(v):
            raise Incorrect(f"the shape should hold whole numbers only; you gave {final_map!r}.")
        shape.append(int(v))
    if len(shape) != 3:
        raise Incorrect(f"the final feature map has three axes (height, width, channels), like (3, 3, 128) for "
                        f"28 x 28 digits; you gave {len(shape)} number(s): {tuple(shape)}.")
    return tuple(shape)


def _count_answer(n_params):
    if isinstance(n_params, (str, bytes)):
        raise Incorrect(f"n_params should be a number, not the text {n_params!r}; model.count_params() "
                        "gives it.")
    if isinstance(n_params, bool) or not isinstance(n_params, (numbers.Number, np.number)):
        raise Incorrect(f"n_params should be a whole number such as model.count_params() returns, not a "
                        f"{type(n_params).__name__}.")
    value = float(n_params)
    if not math.isfinite(value):
        raise Incorrect(f"n_params should be a finite whole number; you gave {n_params!r}.")
    if value != int(value):
        raise Incorrect(f"n_params counts weights, a whole number; you gave {n_params!r}.")
    return int(value)


def _check_colour(final_map, n_params):
    from aecourse.models import conv_autoencoder

    reference = conv_autoencoder(input_shape=(32, 32, 3))
    expected_map = tuple(int(d) for d in reference.get_layer("encoder").get_layer("flatten").input.shape[1:])
    given = _shape_answer(final_map)
    count = _count_answer(n_params)
    if given != expected_map:
        h, w, c = given
        if (h, w) == (4, 4) and c == 3:
            raise Incorrect("the height and width are right, but the last feature map has as many channels as "
                            "the last block has filters (128), not the input's 3 colour channels.")
        if given == (3, 3, 128):
            raise Incorrect("(3, 3, 128) is the final map of a 28 x 28 input; for 32 x 32 the three poolings "
                            "give 32 -> 16 -> 8 -> 4.")
        if c == 128 and (h, w) in ((8, 8), (2, 2)):
            raise Incorrect(f"({h}, {w}) means {'one pooling too few' if h == 8 else 'one pooling too many'}: "
                            "there are three blocks, each halving the size once: 32 -> 16 -> 8 -> 4.")
        if (h, w) == (4, 4):
            raise Incorrect(f"the size is right, but the last block has 128 filters, so the map has 128 channels, "
                            f"not {c}.")
        raise Incorrect(f"the final feature map should be {expected_map} (32 -> 16 -> 8 -> 4, 128 filters); "
                        f"you gave {given}.")
    grey = conv_autoencoder().count_params()
    encoder = reference.get_layer("encoder").count_params()
    decoder = reference.get_layer("decoder").count_params()
    expected = reference.count_params()
    if count == expected:
        flat = int(np.prod(expected_map))
        return (f"{expected_map} feature map, {expected:,} parameters: {expected - grey:,} more than the grey "
                f"28 x 28 model, mostly in the two Dense layers, which now see {flat:,} values instead of "
                "1,152; the convolutions grow only by the two colour channels of the first and last layers.")
    if count == grey:
        raise Incorrect(f"{grey:,} is the grey 28 x 28 model's count. Build conv_autoencoder(input_shape=(32, 32, "
                        "3)) and count its parameters: the Dense layers and the first and last convolutions "
                        "change.")
    if count == encoder:
        raise Incorrect(f"{count:,} is the encoder's count only; the question asks for the whole model "
                        "(encoder and decoder): model.count_params().")
    if count == decoder:
        raise Incorrect(f"{count:,} is the decoder's count only; the question asks for the whole model "
                        "(encoder and decoder): model.count_params().")
    if count == int(np.prod(expected_map)):
        raise Incorrect(f"{count:,} is the number of values in the final feature map (4 x 4 x 128), not the "
                        "number of parameters; model.count_params() counts the weights.")
    raise Incorrect(f"the number of parameters should be {expected:,}, you gave {count:,}; "
                    "model.count_params() gives it.")


colour_model = Exercise(
    "Exercise 2.2: colour",
    _check_colour,
    hints=["Each pooling halves the size: 32 -> 16 -> 8 -> 4; the last block has 128 filters.",
           "model = conv_autoencoder(input_shape=(32, 32, 3)); trace_shapes(model) shows the map, "
           "model.count_params() the parameters."],
    solution="""
colour = conv_autoencoder(input_shape=(32, 32, 3))
print(trace_shapes(colour))
batch = np.random.default_rng(0).random((2, 32, 32, 3))
print("output shape:", colour.predict(batch, verbose=0).shape)
final_map, n_params = (4, 4, 128), colour.count_params()
""",
    answer="(4, 4, 128): three poolings take 32 to 16, 8 and 4, and the last block has 128 filters. The "
           "model has more parameters than the grey one, mostly in the two Dense layers around the code "
           "(4 x 4 x 128 = 2,048 values instead of 1,152); a random batch of shape (2, 32, 32, 3) comes back "
           "with the same shape.",
)


# --------------------------------------------------------------- 2.3 a bigger code


def _check_bigger(model):
    what = "your model"
    model = _keras_model(model, what)
    shape = _output_shape(model, what)
    if shape != (28, 28, 1):
        raise Incorrect(f"{what} outputs {shape} per image; it should reconstruct the chapter's 28 x 28 x 1 "
                        "digits.")
    encoder = _part(model, "encoder")
    if encoder is None:
        names = [layer.name for layer in model.layers]
        raise Incorrect(f"{what} should be made of two parts named 'encoder' and 'decoder' (its layers are "
                        f"{names}), so that the code can be found: conv_autoencoder builds them, and so does "
                        "the chapter's hand-built model (keras.Model(..., name='encoder')).")
    kinds = [_kind(layer) for layer in _leaves(encoder)]
    if "Conv2D" not in kinds:
        raise Incorrect(f"{what} is not convolutional: its encoder has no Conv2D layer (it has "
                        f"{', '.join(sorted(set(kinds)))}). A dense autoencoder with a 32-number code is the "
                        "model to compare with, not the answer: use conv_autoencoder.")
    code_shape = tuple(encoder.output.shape[1:])
    size = int(np.prod(code_shape))
    if len(code_shape) != 1:
        raise Incorrect(f"the encoder ends in a feature map of shape {code_shape} ({size} numbers), not in a "
                        "flat code: the chapter's model flattens the last feature map and maps it with a "
                        "Dense layer to the code.")
    if size != 32:
        raise Incorrect(f"{what} should have a 32-number code; its encoder outputs {size} numbers. Change "
                        "latent_dim.")
    decoder = _part(model, "decoder")
    decoder_kinds = {_kind(layer) for layer in _leaves(decoder)} if decoder is not None else set()
    filters = [layer.filters for layer in _leaves(encoder) if _kind(layer) == "Conv2D"]
    if filters != [32, 64, 128]:
        raise Incorrect(f"the encoder's convolutions have {filters} filters; the chapter's model has "
                        "[32, 64, 128]. Change only the code size, so that the comparison with the 10-number "
                        "model measures the code and nothing else.")
    if decoder is not None and "Conv2DTranspose" not in decoder_kinds:
        raise Incorrect("your decoder upsamples with UpSampling2D; the chapter's 10-number model uses "
                        "transposed convolutions. Change only the code size (latent_dim), so that the "
                        "comparison measures the code and nothing else.")
    return ("A convolutional autoencoder with a 32-number code and otherwise the chapter's model. "
            "Train it with the chapter's recipe and compare (the solution shows how).")


bigger_code = Exercise(
    "Exercise 2.3: a bigger code",
    _check_bigger,
    hints=["Only latent_dim changes.", "cae_32 = conv_autoencoder(latent_dim=32)"],
    solution="""
cae_32 = conv_autoencoder(latent_dim=32)
train_and_score("conv, 32-d code", lambda: conv_autoencoder(latent_dim=32))
verdicts("conv, 32-d code", "conv, transpose")
verdicts("conv, 32-d code", "dense 784-128-64-32")
""",
    answer="The printed verdicts answer it: with a 32-number code the convolutional model's test BCE "
           "is lower than the 10-number model's, and lower than the dense model's, whose code has the same "
           "size. The small code, not only the architecture, was holding the 10-number model back. "
           "Chollet's 128-number code is a step further in the same direction: try it.")
