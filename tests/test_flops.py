"""Tests of aecourse.flops: FLOPs of Dense, Conv2D and Conv2DTranspose layers, forward and training.

Three independent checks of the counts: a hand count of the article's models, NumPy loops
that compute each layer's output one multiply-add at a time (checked against Keras) and count
them, and TensorFlow's own profiler.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from aecourse.flops import LayerFlops, ModelFlops, dense_layer_shapes, layer_flops, model_flops, training_flops
from aecourse.models import conv_autoencoder, dense_autoencoder


# ------------------------------------------------------------------ dense shapes


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
                                           ([(784, float("inf"))], TypeError), ("ab", TypeError), ([None], TypeError)])
def test_training_flops_rejects_bad_shapes(shapes, error):
    with pytest.raises(error, match=r"training_flops: Expected `shapes` to be a (non-empty )?list of "
                                    r"\(in_features, out_features\) pairs"):
        training_flops(shapes)


def test_training_flops_accepts_numpy_integers_and_arrays():
    assert training_flops(np.array([[784, 128], [128, 784]])) == training_flops([(784, 128), (128, 784)])


# ------------------------------------------------------------------ hand counts


def test_the_article_cae_counted_by_hand():
    rows = {row.name: row for row in layer_flops(conv_autoencoder())}
    hand = {  # 2 x (output positions) x (filters) x (kernel window) for a conv; 2 x inputs x units for a Dense
        "encoder_conv_1": 2 * 28 * 28 * 32 * (3 * 3 * 1),
        "encoder_conv_2": 2 * 14 * 14 * 64 * (3 * 3 * 32),
        "encoder_conv_3": 2 * 7 * 7 * 128 * (3 * 3 * 64),
        "code": 2 * 1152 * 10,
        "decoder_dense": 2 * 10 * 1152,
        # a transposed conv: every input position scatters a 3 x 3 patch per (input, output) channel pair
        "decoder_upconv_1": 2 * 3 * 3 * 128 * (3 * 3 * 64),
        "decoder_upconv_2": 2 * 7 * 7 * 64 * (3 * 3 * 32),
        "decoder_upconv_3": 2 * 14 * 14 * 32 * (3 * 3 * 1),
    }
    assert {name: row.forward for name, row in rows.items()} == hand
    assert all(row.kernel_gradient == row.forward for row in rows.values())
    assert rows["encoder_conv_1"].input_gradient == 0  # the data needs no gradient
    assert all(row.input_gradient == row.forward for name, row in rows.items() if name != "encoder_conv_1")
    counts = model_flops(conv_autoencoder())
    assert counts.forward == sum(hand.values()) == 18_194_688
    assert counts.training == 3 * sum(hand.values()) - hand["encoder_conv_1"] == 54_132_480
    assert rows["decoder_upconv_1"].input_shape == (3, 3, 128) and rows["decoder_upconv_1"].padding == "valid"


def test_upsampling_by_interpolation_costs_more_flops():
    # nearest/bilinear + conv convolves at the upsampled size: 4 x the positions of a transposed conv
    nearest = {row.name: row.forward for row in layer_flops(conv_autoencoder(upsampling="nearest"))}
    assert nearest["decoder_conv_1"] == 2 * 7 * 7 * 64 * (3 * 3 * 128)
    assert nearest["decoder_conv_3"] == 2 * 28 * 28 * 1 * (3 * 3 * 32)
    assert model_flops(conv_autoencoder(upsampling="nearest")).forward == 29_850_624
    assert model_flops(conv_autoencoder(upsampling="bilinear")).forward == 29_850_624


def test_model_flops_matches_training_flops_for_dense_models():
    model = dense_autoencoder((20,), (12, 7), 3)
    counts = model_flops(model)
    assert {"forward": counts.forward, "training": counts.training} == training_flops(dense_layer_shapes(model))
    assert isinstance(counts, ModelFlops) and all(isinstance(row, LayerFlops) for row in counts.layers)


def test_dense_on_image_inputs_counts_every_position():
    inputs = keras.Input((5, 6, 3))
    model = keras.Model(inputs, keras.layers.Dense(4, name="per_pixel")(inputs))
    (row,) = layer_flops(model)
    assert row.forward == 2 * 5 * 6 * 3 * 4 and row.input_gradient == 0


def test_table_lists_every_layer_and_the_totals():
    text = model_flops(conv_autoencoder()).table()
    lines = text.splitlines()
    assert lines[1].split() == ["encoder_conv_1", "Conv2D", "(28,", "28,", "1)", "->", "(28,", "28,", "32)",
                                "451,584", "903,168"]
    assert lines[-1].split() == ["total", "18,194,688", "54,132,480"]
    assert max(len(line) for line in lines) <= 90


# ------------------------------------------------------------- NumPy loops


def _conv2d_loop(x, kernel, strides, padding):
    """Conv2D one multiply-add at a time (TensorFlow's SAME/VALID padding); returns (output, count)."""
    (h, w, c_in), (kh, kw, _, c_out), (sh, sw) = x.shape, kernel.shape, strides
    if padding == "same":
        out_h, out_w = -(-h // sh), -(-w // sw)
        pad_h, pad_w = max((out_h - 1) * sh + kh - h, 0), max((out_w - 1) * sw + kw - w, 0)
        top, left = pad_h // 2, pad_w // 2
    else:
        out_h, out_w, top, left = (h - kh) // sh + 1, (w - kw) // sw + 1, 0, 0
    out, count = np.zeros((out_h, out_w, c_out)), 0
    for i in range(out_h):
        for j in range(out_w):
            for di in range(kh):
                for dj in range(kw):
                    r, c = i * sh + di - top, j * sw + dj - left
                    value = x[r, c] if 0 <= r < h and 0 <= c < w else np.zeros(c_in)  # zero padding
                    for a in range(c_in):
                        for b in range(c_out):
                            out[i, j, b] += value[a] * kernel[di, dj, a, b]
                            count += 1
    return out, count


def _conv2d_transpose_loop(x, kernel, strides, out_shape, padding):
    """Conv2DTranspose one multiply-add at a time: every input value scatters a kernel patch."""
    (h, w, c_in), (kh, kw, c_out, _), (sh, sw) = x.shape, kernel.shape, strides
    out_h, out_w = out_shape
    full_h, full_w = (h - 1) * sh + kh, (w - 1) * sw + kw
    top = max(full_h - out_h, 0) // 2 if padding == "same" else 0
    left = max(full_w - out_w, 0) // 2 if padding == "same" else 0
    full, count = np.zeros((max(full_h, out_h + top), max(full_w, out_w + left), c_out)), 0
    for i in range(h):
        for j in range(w):
            for di in range(kh):
                for dj in range(kw):
                    for a in range(c_in):
                        for b in range(c_out):
                            full[i * sh + di, j * sw + dj, b] += x[i, j, a] * kernel[di, dj, b, a]
                            count += 1
    return full[top:top + out_h, left:left + out_w], count


@pytest.mark.parametrize("size, kernel, strides, padding", [
    ((5, 6), 3, 1, "same"), ((5, 6), 3, 1, "valid"), ((7, 7), 3, 2, "same"), ((7, 8), 2, 2, "valid"),
    ((6, 5), 4, 1, "same"), ((6, 6), (3, 2), (2, 1), "same"),
])
def test_conv2d_count_equals_a_numpy_loop(size, kernel, strides, padding):
    rng = np.random.default_rng(0)
    inputs = keras.Input(size + (2,))
    layer = keras.layers.Conv2D(3, kernel, strides=strides, padding=padding, use_bias=False, name="conv")
    model = keras.Model(inputs, layer(keras.layers.Identity()(inputs)))
    x = rng.random((1,) + size + (2,), dtype=np.float32)
    expected, count = _conv2d_loop(x[0].astype(np.float64), layer.kernel.numpy().astype(np.float64),
                                   layer.strides, padding)
    np.testing.assert_allclose(model.predict(x, verbose=0)[0], expected, rtol=1e-4, atol=1e-5)  # same arithmetic
    assert layer_flops(model)[0].forward == 2 * count


@pytest.mark.parametrize("size, kernel, strides, padding, output_padding", [
    ((3, 3), 3, 2, "valid", None), ((4, 5), 3, 2, "same", None), ((3, 4), 2, 2, "valid", None),
    ((3, 3), 3, 1, "same", None), ((3, 3), 3, 2, "valid", 1), ((4, 3), 4, 2, "same", None),
])
def test_conv2d_transpose_count_equals_a_numpy_loop(size, kernel, strides, padding, output_padding):
    rng = np.random.default_rng(1)
    inputs = keras.Input(size + (3,))
    layer = keras.layers.Conv2DTranspose(2, kernel, strides=strides, padding=padding, output_padding=output_padding,
                                         use_bias=False, name="upconv")
    model = keras.Model(inputs, layer(inputs))
    x = rng.random((1,) + size + (3,), dtype=np.float32)
    out_shape = tuple(model.output.shape[1:3])
    expected, count = _conv2d_transpose_loop(x[0].astype(np.float64), layer.kernel.numpy().astype(np.float64),
                                             layer.strides, out_shape, padding)
    np.testing.assert_allclose(model.predict(x, verbose=0)[0], expected, rtol=1e-4, atol=1e-5)
    assert layer_flops(model)[0].forward == 2 * count


# ------------------------------------------------------- TensorFlow's profiler


def _profiled_flops(model, input_shape):
    """FLOPs of each node of the model's forward graph, as TensorFlow's profiler counts them."""
    @tf.function
    def forward(x):
        return model(x)

    graph = forward.get_concrete_function(tf.TensorSpec((1,) + input_shape)).graph
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    profile = tf.compat.v1.profiler.profile(graph=graph, cmd="scope", options=options)
    found = {}

    def visit(node):
        if node.float_ops:
            found[node.name] = node.float_ops
        for child in node.children:
            visit(child)

    visit(profile)
    kinds = {op.name: op.type for op in graph.get_operations()}
    return {name: (kinds.get(name), flops) for name, flops in found.items()}


def test_counts_agree_with_tensorflows_profiler():
    model = conv_autoencoder()
    profiled = _profiled_flops(model, (28, 28, 1))
    products = {name: flops for name, (kind, flops) in profiled.items()
                if kind in ("Conv2D", "MatMul", "Conv2DBackpropInput")}
    assert len(products) == 8
    rows = layer_flops(model)
    for row in rows:
        (profiler_count,) = [f for name, f in products.items() if f"/{row.name}_" in name or f"/{row.name}/" in name]
        if row.name != "decoder_upconv_1":
            assert profiler_count == row.forward, row.name
    # The profiler counts a transposed conv as 2 x output size x window x input channels / stride^2, exact
    # only when the output is stride x the input. decoder_upconv_1 goes 3 -> 7 ('valid'): the profiler's
    # estimate is 2 * 49 * 64 * 9 * 128 / 4; the products actually computed (the NumPy loop tests above, and
    # the Conv2D whose input gradient this layer computes, profiled below) number 2 * 9 * 128 * 9 * 64.
    (upconv_1,) = [f for name, f in products.items() if "decoder_upconv_1" in name]
    assert upconv_1 == 2 * 49 * 64 * 9 * 128 // 4
    inputs = keras.Input((7, 7, 64))
    adjoint = keras.Model(inputs, keras.layers.Conv2D(128, 3, strides=2, padding="valid", name="adjoint")(inputs))
    (adjoint_count,) = [f for (kind, f) in _profiled_flops(adjoint, (7, 7, 64)).values() if kind == "Conv2D"]
    assert adjoint_count == {row.name: row.forward for row in rows}["decoder_upconv_1"] == 1_327_104


# ------------------------------------------------------------------ bad input


def test_layer_flops_refuses_what_it_cannot_count():
    inputs = keras.Input((10, 3))
    conv1d = keras.Model(inputs, keras.layers.Conv1D(4, 3, name="c1")(inputs), name="seq")
    with pytest.raises(ValueError, match=r"layer_flops: Expected `model` to be a model whose layers with a kernel "
                                         r"are Dense, Conv2D or Conv2DTranspose. Received: model='seq'. "
                                         r"Layer 'c1' \(Conv1D\) cannot be counted"):
        layer_flops(conv1d)
    inputs = keras.Input((8, 8, 1))
    dilated = keras.Model(inputs, keras.layers.Conv2D(2, 3, dilation_rate=2, name="d")(inputs), name="dilated")
    with pytest.raises(ValueError, match="dilation_rate=\\(1, 1\\)"):
        layer_flops(dilated)
    with pytest.raises(ValueError, match="at least one Dense, Conv2D or Conv2DTranspose layer"):
        layer_flops(keras.Sequential([keras.Input((3,)), keras.layers.ReLU()], name="plain"))
    with pytest.raises(TypeError, match="^model_flops: Expected `model` to be a keras.Model"):
        model_flops("model")
    with pytest.raises(TypeError, match="^layer_flops: Expected `model` to be a keras.Model"):
        layer_flops(None)
