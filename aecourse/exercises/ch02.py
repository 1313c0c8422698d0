"""Exercises of chapter 2, the convolutional autoencoder.

Example:
    >>> from aecourse.exercises import ch02, ____
    >>> ch02.colour_model.check(____, ____).status
    'not attempted'
"""

from __future__ import annotations

from aecourse.exercises._core import Exercise, Incorrect, check_model, check_number

__all__ = ["kernel_divisible", "colour_model", "bigger_code"]


def _check_kernel(model):
    check_model(model, output_shape=(28, 28, 1), what="your model")
    layers = model.get_layer("decoder").layers if "decoder" in [l.name for l in model.layers] else model.layers
    kernels = {tuple(l.kernel_size) for l in layers if type(l).__name__ == "Conv2DTranspose"}
    if not kernels:
        raise Incorrect("your decoder has no Conv2DTranspose layer; keep upsampling='transpose'.")
    if kernels != {(4, 4)}:
        raise Incorrect(f"the transposed convolutions should have 4 x 4 kernels; yours have {sorted(kernels)}.")
    crops = [l.name for l in layers if type(l).__name__ == "Cropping2D"]
    return ("4 x 4 kernels with stride 2: every output pixel gets the same number of taps. "
            f"The builder reaches 7 from 3 with a crop ({', '.join(crops) or 'none'}): (3 - 1) x 2 + 4 = 8, one too many.")


kernel_divisible = Exercise(
    "Exercise 2.1: a kernel divisible by the stride",
    _check_kernel,
    hints=["conv_autoencoder has a kernel_size argument.", "conv_autoencoder(kernel_size=4)"],
    solution="""
model_k4 = conv_autoencoder(kernel_size=4)
trace_shapes(model_k4.get_layer("decoder"))
""",
)


def _check_colour(final_map, n_params):
    from aecourse.models import conv_autoencoder

    reference = conv_autoencoder(input_shape=(32, 32, 3))
    expected_map = tuple(int(d) for d in reference.get_layer("encoder").get_layer("flatten").input.shape[1:])
    try:
        given = tuple(int(d) for d in final_map)
    except TypeError:
        raise Incorrect(f"give the final feature map as a shape such as (3, 3, 128), not {final_map!r}.") from None
    if given == (32 // 8, 32 // 8, 3):
        raise Incorrect("the last feature map has as many channels as the last block has filters (128), "
                        "not the input's 3 colour channels.")
    if given != expected_map:
        raise Incorrect(f"the final feature map should be {expected_map} (32 -> 16 -> 8 -> 4, 128 filters); "
                        f"you gave {given}.")
    check_number(n_params, reference.count_params(), rtol=0, what="the number of parameters")
    return f"{expected_map} feature map, {reference.count_params():,} parameters."


colour_model = Exercise(
    "Exercise 2.2: colour",
    _check_colour,
    hints=["Each pooling halves the size: 32 -> 16 -> 8 -> 4; the last block has 128 filters.",
           "model = conv_autoencoder(input_shape=(32, 32, 3)); trace_shapes(model) shows the map, "
           "model.count_params() the parameters."],
    solution="""
colour = conv_autoencoder(input_shape=(32, 32, 3))
trace_shapes(colour)
final_map, n_params = (4, 4, 128), colour.count_params()
""",
)


def _check_bigger(model):
    check_model(model, code_dim=32, what="your model")
    check_model(model, output_shape=(28, 28, 1), what="your model")
    return "A 32-number code, like the dense model's: now train it with the chapter's recipe and compare."


bigger_code = Exercise(
    "Exercise 2.3: a bigger code",
    _check_bigger,
    hints=["Only latent_dim changes.", "conv_autoencoder(latent_dim=32)"],
    solution="""
cae_32 = conv_autoencoder(latent_dim=32)
scores["conv, transpose, 32-d code"] = fit_and_score(cae_32, x_train, x_test, recipe=recipe, every=2)
""",
)
