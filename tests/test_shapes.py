"""aecourse.shapes: every formula against the real output of the Keras layer it
describes, against an independent brute-force count, and the shape table."""

import itertools
import re

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.shapes import (
    ShapeRow,
    ShapeTable,
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
    trace_shapes,
)


def real_shape(layer, spatial):
    """Spatial shape of what ``layer`` really returns for a zero batch of that size."""
    x = np.zeros((1, *spatial, 1), dtype="float32")
    return tuple(np.asarray(layer(x)).shape[1:-1])


# ------------------------------------------------------------ brute-force counts


def windows_valid(n, k, s):
    """Number of positions of a k-wide window stepping by s inside n cells, counted."""
    return len(range(0, n - k + 1, s))


def transpose_full_length(n, k, s):
    """Length of a stride-s transposed convolution before any cropping, by scattering
    every input cell's k-wide kernel into an output array (numpy, no formula)."""
    out = np.zeros(n * s + k)
    for i in range(n):
        out[i * s:i * s + k] += 1
    return int(np.nonzero(out)[0].max()) + 1


@pytest.mark.parametrize("n,k,s", [(n, k, s) for n in range(1, 10) for k in range(1, 6) for s in (1, 2, 3) if k <= n])
def test_valid_formulas_match_a_brute_force_count(n, k, s):
    assert conv_output_size(n, k, s, "valid") == windows_valid(n, k, s)
    assert pool_output_size(n, k, s, "valid") == windows_valid(n, k, s)
    assert conv_transpose_output_size(n, k, s, "valid", output_padding=0) == transpose_full_length(n, k, s)


# -------------------------------------------------------------- against Keras


CONV_CASES = [
    (n, k, s, p, d)
    for n, k, s, p, d in itertools.product((1, 2, 5, 7, 8, 28), (1, 2, 3, 5), (1, 2, 3), ("valid", "same"), (1, 2))
    if not (s > 1 and d > 1) and (p == "same" or d * (k - 1) + 1 <= n)
]


@pytest.mark.parametrize("n,k,s,padding,d", CONV_CASES)
def test_conv_output_size_matches_keras(n, k, s, padding, d):
    layer = keras.layers.Conv1D(1, k, strides=s, padding=padding, dilation_rate=d)
    assert (conv_output_size(n, k, s, padding, d),) == real_shape(layer, (n,))


@pytest.mark.parametrize("shape,k,s,padding", [((28, 28), 3, 1, "same"), ((28, 28), 3, 1, "valid"),
                                               ((27, 31), (3, 5), (2, 1), "valid"), ((7, 9), 2, 2, "same")])
def test_conv2d_output_size_matches_keras(shape, k, s, padding):
    layer = keras.layers.Conv2D(1, k, strides=s, padding=padding)
    assert conv_output_size(shape, k, s, padding) == real_shape(layer, shape)


POOL_CASES = [
    (n, p, s, pad)
    for n, p, s, pad in itertools.product((1, 2, 3, 7, 14), (1, 2, 3), (None, 1, 2), ("valid", "same"))
    if pad == "same" or p <= n
]


@pytest.mark.parametrize("n,pool,s,padding", POOL_CASES)
def test_pool_output_size_matches_keras(n, pool, s, padding):
    for cls in (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D):
        layer = cls(pool, strides=s, padding=padding)
        assert pool_output_size((n, n + 1), pool, s, padding) == real_shape(layer, (n, n + 1))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(n=st.integers(1, 9), m=st.integers(1, 9), k=st.integers(1, 5), s=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same"]), op=st.one_of(st.none(), st.integers(0, 2)))
def test_conv_transpose_output_size_matches_keras(n, m, k, s, padding, op):
    if op is not None and op >= s:
        with pytest.raises(ValueError, match="smaller than strides"):
            conv_transpose_output_size((n, m), k, s, padding, op)
        return
    layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding=padding, output_padding=op)
    try:
        expected = conv_transpose_output_size((n, m), k, s, padding, op)
    except ValueError as exc:
        assert "empty output" in str(exc)
        with pytest.raises(Exception):  # TensorFlow refuses it too (InvalidArgumentError)
            real_shape(layer, (n, m))
        return
    assert expected == tuple(layer.compute_output_shape((1, n, m, 1))[1:3])
    assert expected == real_shape(layer, (n, m))


def test_dilated_transpose_matches_keras():
    # TensorFlow's CPU kernels cannot run a dilated transposed convolution, so compare
    # with the shape Keras computes for it (what it would return on a GPU).
    for n, k, d, padding, op in itertools.product((1, 3, 6), (2, 3), (2, 3), ("valid", "same"), (None, 0)):
        layer = keras.layers.Conv2DTranspose(1, k, padding=padding, dilation_rate=d, output_padding=op)
        keras_shape = tuple(layer.compute_output_shape((1, n, n + 1, 1))[1:3])
        if min(keras_shape) < 1:
            with pytest.raises(ValueError, match="empty output"):
                conv_transpose_output_size((n, n + 1), k, 1, padding, op, dilation_rate=d)
        else:
            assert conv_transpose_output_size((n, n + 1), k, 1, padding, op, dilation_rate=d) == keras_shape


def test_the_article_arithmetic():
    assert [pool_output_size(n) for n in (28, 14, 7)] == [14, 7, 3]
    assert conv_transpose_output_size(3, 3, strides=2, padding="valid") == 7
    assert conv_transpose_output_size(3, 3, strides=2, padding="same") == 6
    assert conv_transpose_output_size(7, 3, strides=2, padding="same") == 14
    assert conv_transpose_output_size(14, 3, strides=2, padding="same") == 28
    assert conv_output_size((28, 28), 3, padding="same") == (28, 28)


# --------------------------------------------------------------- bad arguments


@pytest.mark.parametrize("call,error,message", [
    (lambda: conv_output_size(0, 3), ValueError,
     r"^conv_output_size: Expected `size` to be an integer >= 1\. Received: size=0\.$"),
    (lambda: conv_output_size(28.0, 3), TypeError,
     r"^conv_output_size: Expected `size` to be an integer >= 1 or a tuple of them such as \(28, 28\)\. "
     r"Received: size=28\.0\.$"),
    (lambda: conv_output_size((28, -1), 3), ValueError, r"Received: size=\(28, -1\)\. Entry 1 is -1\.$"),
    (lambda: conv_output_size(28, 3, padding="full"), ValueError,
     r"^conv_output_size: Expected `padding` to be one of 'valid', 'same'\. Received: padding='full'\.$"),
    (lambda: conv_output_size(2, 3), ValueError,
     r"Received: kernel_size=3\. In a convolution with padding='valid' a window of 3 does not fit in an input of 2: "
     r"use padding='same', a smaller kernel_size or a larger input\.$"),
    (lambda: conv_output_size((28, 28), (3, 3, 3)), ValueError,
     r"Expected `kernel_size` to be one integer, or one per axis of size \(2\)\. Received: kernel_size=\(3, 3, 3\)\. "
     r"It has 3 values but size has 2 axes\.$"),
    (lambda: conv_output_size(28, 3, strides=0), ValueError, r"Expected `strides` to be an integer >= 1\. Received: strides=0"),
    (lambda: conv_output_size(28, True), TypeError, r"Expected `kernel_size` to be an integer >= 1\. Received: kernel_size=True"),
    (lambda: pool_output_size(1, 2), ValueError,
     r"^pool_output_size: .*In a pooling layer with padding='valid' a window of 2 does not fit in an input of 1"),
    (lambda: conv_transpose_output_size(3, 3, strides=2, output_padding=2), ValueError,
     r"Expected `output_padding` to be smaller than strides on every axis, as Keras requires\. Received: "
     r"output_padding=2\. On axis 0: output_padding=2 with strides=2; use at most 1\.$"),
    (lambda: conv_transpose_output_size(3, 3, output_padding=-1), ValueError,
     r"Expected `output_padding` to be an integer >= 0\. Received: output_padding=-1\."),
    (lambda: conv_transpose_output_size("3", 3), TypeError, r"Expected `size` to be an integer >= 1 or a tuple of them"),
    (lambda: conv_transpose_output_size(1, 2, padding="same", output_padding=0), ValueError,
     r"would have an empty output \(0\): use a larger output_padding or padding='valid'\.$"),
])
def test_bad_arguments_are_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_integers_and_arrays_are_accepted():
    assert conv_output_size(np.array([28, 28]), np.int64(3), strides=np.array([2, 2]), padding="SAME") == (14, 14)
    assert pool_output_size(np.int32(7)) == 3


def test_keras_rejects_what_the_formula_rejects():
    with pytest.raises(ValueError):
        real_shape(keras.layers.Conv1D(1, 3), (2,))
    with pytest.raises(ValueError):
        conv_output_size(2, 3)


# ----------------------------------------------------------------- trace_shapes


def test_trace_shapes_of_the_default_conv_autoencoder():
    model = conv_autoencoder()
    table = trace_shapes(model)
    assert isinstance(table, ShapeTable)
    assert table.shape_of("encoder_pool_3") == (3, 3, 128)
    assert table["flatten"] == ShapeRow("flatten", "Flatten", (1152,), 1152, 0, 1)
    assert table.shape_of("code") == (10,)
    assert table["decoder_dense"].values == 1152
    assert table.shape_of("unflatten") == (3, 3, 128)
    assert table.shape_of("decoder") == (28, 28, 1)
    assert table.total_params == model.count_params() == 209_419
    assert sum(r.params for r in table if r.depth == 0) == model.count_params()
    assert sum(r.params for r in table if r.depth == 1) == model.count_params()
    names = [r.name for r in table]
    assert names[:3] == ["input", "encoder", "encoder_input"]
    # every row is a real layer of the model, in call order
    encoder = model.get_layer("encoder")
    assert [r.name for r in table if r.depth == 1][:len(encoder.layers)] == [l.name for l in encoder.layers]


def test_trace_shapes_text_and_html():
    table = trace_shapes(dense_autoencoder())
    text = str(table)
    assert text == repr(table)
    lines = text.splitlines()
    assert lines[0].split() == ["layer", "type", "output", "shape", "values", "params"]
    assert re.search(r"^  code\s+Dense\s+\(32,\)\s+32\s+2,080$", text, re.MULTILINE)
    assert lines[-1] == "dense_autoencoder: 222,384 parameters"
    html = table._repr_html_()
    assert html.startswith("<table") and html.endswith("</table>")
    assert html.count("<tr>") == len(table) + 1
    assert "<code>(32,)</code>" in html and "222,384 parameters" in html


def test_trace_shapes_flat_and_sequential():
    model = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.Flatten(name="f"), keras.layers.Dense(3, name="d")],
                             name="seq")
    table = trace_shapes(model)
    assert [(r.name, r.output_shape, r.values, r.params) for r in table] == [("f", (32,), 32, 0), ("d", (3,), 3, 99)]
    flat = trace_shapes(conv_autoencoder(), expand_nested=False)
    assert [r.name for r in flat] == ["input", "encoder", "decoder"]
    assert len(table) == 2 and table[-1].name == "d" and list(table)[0].name == "f"


def test_trace_shapes_bad_input():
    with pytest.raises(TypeError, match=r"^trace_shapes: Expected `model` to be a keras\.Model\. Received: model=<Dense"):
        trace_shapes(keras.layers.Dense(3))
    with pytest.raises(ValueError, match=r"^trace_shapes: Expected `model` to be a built model \(its shapes known\)\. "
                                         r"Received: model=\"model 'unbuilt'\"\. Give it an input"):
        trace_shapes(keras.Sequential([keras.layers.Dense(3)], name="unbuilt"))
    with pytest.raises(TypeError, match="Expected `expand_nested` to be True or False"):
        trace_shapes(conv_autoencoder(), expand_nested="no")
    with pytest.raises(TypeError, match=r"^ShapeTable: Expected `key` to be a layer name, a row number or a slice"):
        trace_shapes(conv_autoencoder())[1.5]
    with pytest.raises(TypeError, match=r"^ShapeTable: Expected `rows` to be a list of ShapeRow"):
        ShapeTable([("code", "Dense")])
    with pytest.raises(KeyError, match="no layer named 'nope'"):
        trace_shapes(conv_autoencoder())["nope"]
