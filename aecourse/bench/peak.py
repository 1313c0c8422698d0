"""The matrix-multiply peak of this machine on the shapes of one training step."""

from __future__ import annotations

import math
import time

import numpy as np

from aecourse.flops import training_flops
from aecourse.validation import check_bool, check_int

__all__ = ["matmul_peak"]


def matmul_peak(shapes, batch_size, *, repeats=50, trials=5, jit_compile=False):
    """Time the matrix multiplications of one training step and return GFLOP/s.

    For each Dense layer ``(n, m)`` and a batch of ``b`` examples the step multiplies
    ``[b, n] x [n, m]`` (forward), ``[n, b] x [b, m]`` (kernel gradient) and, except
    for the first layer, ``[b, m] x [m, n]`` (input gradient). This function runs
    exactly these products ``repeats`` times inside one compiled TensorFlow loop and
    keeps the fastest of ``trials`` timings: the speed this machine's matrix-multiply
    kernels reach on the model's own shapes, the ceiling for training throughput. (To
    keep TensorFlow from computing a repeated product once, each repeat adds the loop
    counter to one operand and sums the product; that element-wise work is timed too,
    a few percent of the total.) TensorFlow's own kernels and XLA's
    (``jit_compile=True``) can differ in speed; measure both and take the faster.

    Args:
        shapes: ``(in_features, out_features)`` of each Dense layer
            (:func:`aecourse.flops.dense_layer_shapes`).
        batch_size: examples per step.
        repeats: training steps' worth of products per timing.
        trials: timings; the fastest is kept.
        jit_compile: compile the loop with XLA.

    Returns:
        ``{"gflops": ..., "seconds_per_step": ..., "batch_size": ..., "xla": ...}``.

    Raises:
        TypeError: for arguments of the wrong type.
        ValueError: for bad shapes or a count below 1.

    Example:
        >>> peak = matmul_peak([(8, 4)], batch_size=16, repeats=2, trials=1)
        >>> peak["batch_size"], peak["gflops"] > 0
        (16, True)
    """
    import tensorflow as tf

    per_example = training_flops(shapes)["training"]  # also checks the shapes
    shapes = [tuple(int(v) for v in s) for s in shapes]
    where = "matmul_peak"
    batch_size = check_int(batch_size, "batch_size", where=where, min_value=1)
    repeats = check_int(repeats, "repeats", where=where, min_value=1)
    trials = check_int(trials, "trials", where=where, min_value=1)
    jit_compile = check_bool(jit_compile, "jit_compile", where=where)
    flops = batch_size * per_example
    rng = np.random.default_rng(0)
    products = []  # (a, b, transpose_a, transpose_b)
    for i, (n, m) in enumerate(shapes):
        def t(*shape):
            return tf.constant(rng.random(shape, dtype=np.float32))

        products.append((t(batch_size, n), t(n, m), False, False))  # forward
        products.append((t(batch_size, n), t(batch_size, m), True, False))  # kernel gradient
        if i > 0:
            products.append((t(batch_size, m), t(n, m), False, True))  # input gradient

    @tf.function(jit_compile=jit_compile)
    def run(operands):
        def body(k, total):
            shift = tf.cast(k, tf.float32)
            for (a, b), (_, _, ta, tb) in zip(operands, products):
                total += tf.reduce_sum(tf.matmul(a + shift, b, transpose_a=ta, transpose_b=tb))
            return k + 1, total

        return tf.while_loop(lambda k, _: k < repeats, body, (tf.constant(0), tf.constant(0.0)))[1]

    operands = [(a, b) for a, b, _, _ in products]
    float(run(operands))  # trace and warm up
    best = math.inf
    for _ in range(trials):
        start = time.perf_counter()
        float(run(operands))
        best = min(best, time.perf_counter() - start)
    return {"gflops": flops * repeats / best / 1e9, "seconds_per_step": best / repeats, "batch_size": batch_size,
            "xla": jit_compile}
