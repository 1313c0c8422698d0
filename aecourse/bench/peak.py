"""The speed of this machine's kernels on exactly the products of one training step.

A training step of a network made of Dense and convolution layers spends its counted
FLOPs (:mod:`aecourse.flops`) in three kinds of products per layer: the forward
product, the product for the kernel's gradient and the product that passes the
gradient back to the layer's input. :func:`kernel_peak` runs exactly these products,
with the shapes of the model and of a batch, many times inside one compiled
TensorFlow loop, and reports the FLOPs per second they reach: the ceiling for that
model's training throughput on this machine, with TensorFlow's kernels or XLA's.
"""

from __future__ import annotations

import math
import time

import numpy as np

from aecourse.validation import check_bool, check_int, message

__all__ = ["PARTS", "kernel_peak", "step_products"]

#: The three products of a training step, per layer.
PARTS = ("forward", "kernel_gradient", "input_gradient")


def _operands(row, batch_size, rng):
    """The tensors and the function of each of the three products of one layer."""
    import tensorflow as tf

    def t(*shape):
        return tf.constant(rng.random(shape, dtype=np.float32))

    if row.kind == "Dense":
        n, m = row.kernel_shape
        rows = batch_size * math.prod(row.input_shape[:-1])  # a Dense layer on (..., n) inputs
        return {
            "forward": ((t(rows, n), t(n, m)), lambda x, w: tf.matmul(x, w)),
            "kernel_gradient": ((t(rows, n), t(rows, m)), lambda x, dy: tf.matmul(x, dy, transpose_a=True)),
            "input_gradient": ((t(rows, m), t(n, m)), lambda dy, w: tf.matmul(dy, w, transpose_b=True)),
        }
    strides = (1,) + tuple(row.strides) + (1,)
    padding = row.padding.upper()
    x_shape, y_shape = (batch_size,) + row.input_shape, (batch_size,) + row.output_shape
    kernel = row.kernel_shape
    conv2d = tf.nn.conv2d
    conv2d_transpose = tf.nn.conv2d_transpose
    backprop_filter = tf.compat.v1.nn.conv2d_backprop_filter
    if row.kind == "Conv2D":
        return {
            "forward": ((t(*x_shape), t(*kernel)), lambda x, k: conv2d(x, k, strides, padding)),
            "kernel_gradient": ((t(*x_shape), t(*y_shape)),
                                lambda x, dy: backprop_filter(x, kernel, dy, strides, padding)),
            "input_gradient": ((t(*y_shape), t(*kernel)),
                               lambda dy, k: conv2d_transpose(dy, k, x_shape, strides, padding)),
        }
    # Conv2DTranspose: the forward product is a convolution's input gradient, and back
    return {
        "forward": ((t(*x_shape), t(*kernel)), lambda x, k: conv2d_transpose(x, k, y_shape, strides, padding)),
        "kernel_gradient": ((t(*y_shape), t(*x_shape)),
                            lambda dy, x: backprop_filter(dy, kernel, x, strides, padding)),
        "input_gradient": ((t(*y_shape), t(*kernel)), lambda dy, k: conv2d(dy, k, strides, padding)),
    }


def step_products(layers, batch_size, *, parts=PARTS, seed=0):
    """The products of one training step: ``(operands, function, flops)`` for each.

    Args:
        layers: the model's counted layers (:func:`aecourse.flops.layer_flops`).
        batch_size: examples per step.
        parts: which of :data:`PARTS` to include.
        seed: seed of the random operands.

    Returns:
        A list of ``(layer_name, part, operands, function, flops)``; ``function(*operands)``
        computes the product, ``flops`` is its count for the whole batch. The first
        layer's input gradient is left out, as in training.

    Example:
        >>> from aecourse.flops import layer_flops
        >>> from aecourse.models import dense_autoencoder
        >>> products = step_products(layer_flops(dense_autoencoder((8,), (), 2)), batch_size=4)
        >>> [(name, part, flops) for name, part, _, _, flops in products]  # doctest: +NORMALIZE_WHITESPACE
        [('code', 'forward', 128), ('code', 'kernel_gradient', 128), ('reconstruction', 'forward', 128),
         ('reconstruction', 'kernel_gradient', 128), ('reconstruction', 'input_gradient', 128)]
    """
    where = "step_products"
    batch_size = check_int(batch_size, "batch_size", where=where, min_value=1)
    parts = tuple(parts) if not isinstance(parts, str) else (parts,)
    if not parts or any(p not in PARTS for p in parts):
        raise ValueError(message(where, "parts", f"a non-empty selection of {PARTS}", parts))
    from aecourse.flops import LayerFlops

    layers = tuple(layers)
    if not layers or not all(isinstance(row, LayerFlops) for row in layers):
        raise TypeError(message(where, "layers", "the LayerFlops rows of a model", layers,
                                "Use aecourse.flops.layer_flops(model)."))
    rng = np.random.default_rng(seed)
    products = []
    for row in layers:
        ops = _operands(row, batch_size, rng)
        for part in parts:
            flops = getattr(row, part) * batch_size
            if flops:
                operands, function = ops[part]
                products.append((row.name, part, operands, function, flops))
    return products


def kernel_peak(layers, batch_size, *, parts=PARTS, repeats=None, trials=3, jit_compile=False, seconds=1.0):
    """Time the products of one training step, in a compiled loop, and return GFLOP/s.

    For a Dense layer the products are matrix multiplications; for a ``Conv2D`` a
    convolution, its kernel gradient and its input gradient (a transposed
    convolution); for a ``Conv2DTranspose`` the same three the other way round. This
    function runs exactly these products (:func:`step_products`) ``repeats`` times
    inside one compiled TensorFlow loop and keeps the fastest of ``trials`` timings:
    the speed this machine's kernels reach on the model's own shapes, the ceiling for
    its training throughput. (To keep TensorFlow from computing a repeated product
    once, each repeat adds the loop counter to one operand and sums the product; that
    element-wise work is timed too, a few percent of the total.) TensorFlow's own
    kernels and XLA's (``jit_compile=True``) can differ in speed; measure both and take
    the faster.

    Args:
        layers: the model's counted layers (:func:`aecourse.flops.layer_flops`).
        batch_size: examples per step.
        parts: which products to time: all of :data:`PARTS` (a training step), or
            ``("forward",)``, or the two gradients.
        repeats: steps' worth of products per timing (default: as many as take about
            ``seconds``, estimated from one repeat after the warm-up).
        trials: timings; the fastest is kept.
        jit_compile: compile the loop with XLA.
        seconds: the time a timing should take when ``repeats`` is ``None``.

    Returns:
        A dict with the keys ``gflops``, ``seconds_per_step``, ``flops_per_step``,
        ``batch_size``, ``xla``, ``parts`` (a list) and ``repeats``.

    Raises:
        TypeError: for arguments of the wrong type.
        ValueError: for a count below 1 or an unknown part.

    Example:
        >>> from aecourse.flops import layer_flops
        >>> from aecourse.models import dense_autoencoder
        >>> peak = kernel_peak(layer_flops(dense_autoencoder((8,), (), 2)), batch_size=16, repeats=2, trials=1)
        >>> peak["batch_size"], peak["flops_per_step"], peak["gflops"] > 0
        (16, 2560, True)
    """
    import tensorflow as tf

    where = "kernel_peak"
    if repeats is not None:
        repeats = check_int(repeats, "repeats", where=where, min_value=1)
    trials = check_int(trials, "trials", where=where, min_value=1)
    jit_compile = check_bool(jit_compile, "jit_compile", where=where)
    products = step_products(layers, batch_size, parts=parts)
    flops = sum(p[-1] for p in products)
    operands = [p[2] for p in products]
    functions = [p[3] for p in products]

    @tf.function(jit_compile=jit_compile)
    def run(operands, count):
        def body(k, total):
            shift = tf.cast(k, tf.float32)
            for (a, b), function in zip(operands, functions):
                total += tf.reduce_sum(function(a + shift, b))
            return k + 1, total

        return tf.while_loop(lambda k, _: k < count, body, (tf.constant(0), tf.constant(0.0)))[1]

    def timed(count):
        start = time.perf_counter()
        float(run(operands, tf.constant(count)))
        return time.perf_counter() - start

    timed(1)  # trace, compile and warm up
    times = []
    if repeats is None:
        times.append(timed(1))
        repeats = max(1, int(seconds / max(times[0], 1e-6)))
        if repeats > 1:
            times = []
        else:  # one repeat already takes ``seconds`` or more: keep that timing, add fewer
            trials = max(1, trials - 1) if times[0] < 4 * seconds else 0
    times += [timed(repeats) for _ in range(trials)]
    best = min(times)
    return {"gflops": flops * repeats / best / 1e9, "seconds_per_step": best / repeats, "flops_per_step": flops,
            "batch_size": int(batch_size), "xla": jit_compile, "parts": list(dict.fromkeys(p[1] for p in products)),
            "repeats": repeats}
