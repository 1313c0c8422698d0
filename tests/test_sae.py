"""Tests of aecourse.sae: TopK and the sparse autoencoder against NumPy, gradients, the
auxiliary loss, save/load round trips, the metrics, splicing, and the error messages."""

import doctest
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import aecourse.sae
from aecourse.sae import (
    ClassSpecificity,
    SparseAutoencoder,
    TopK,
    class_specificity,
    dead_latents,
    evaluate_sae,
    evaluate_spliced,
    fraction_of_variance_explained,
    geometric_median,
    l0,
    normalized_mse,
    relative_reconstruction_bias,
    sparse_autoencoder,
    split_model,
)

RNG = np.random.default_rng(0)


def numpy_topk(x, k, relu=True):
    """Keep the k largest entries of each row (ties: the lower index first), written with argsort."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    for i, row in enumerate(x):
        keep = np.argsort(-row, kind="stable")[:k]
        out[i, keep] = row[keep]
    return np.maximum(out, 0.0) if relu else out


def randomise(model, seed=0, scale=0.3):
    """Give every weight of the model random values (biases too), so no term is zero."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        if w.trainable:
            w.assign(rng.normal(scale=scale, size=w.shape).astype("float32"))


def numpy_sae(model, x):
    """The sparse autoencoder's latents and reconstruction, from its weights, in NumPy."""
    weights = {w.name: np.asarray(w.numpy(), dtype=np.float64) for w in model.weights}
    dictionary = weights["encoder_kernel"].T if model.tied else weights["decoder_kernel"]
    if model.unit_norm:
        dictionary = dictionary / np.sqrt((dictionary ** 2).sum(axis=1, keepdims=True) + 1e-12)
    encoder = dictionary.T if model.tied else weights["encoder_kernel"]
    pre = (np.asarray(x, np.float64) - weights["pre_bias"]) @ encoder + weights["latent_bias"]
    z = numpy_topk(pre, model.k) if model.k is not None else np.maximum(pre, 0.0)
    return pre, z, z @ dictionary + weights["pre_bias"]


# ------------------------------------------------------------------------ TopK


@pytest.mark.parametrize("relu", [True, False])
@pytest.mark.parametrize("shape, k", [((5, 7), 1), ((5, 7), 3), ((4, 7), 7), ((1, 33), 5)])
def test_topk_matches_numpy(shape, k, relu):
    x = RNG.normal(size=shape).astype("float32")
    out = np.asarray(TopK(k, relu=relu)(x))
    np.testing.assert_allclose(out, numpy_topk(x, k, relu), rtol=0, atol=0)
    assert np.all((out != 0).sum(axis=1) <= k)
    if not relu:
        assert np.all((out != 0).sum(axis=1) == k)


def test_topk_keeps_exactly_k_when_values_tie():
    x = np.array([[1.0, 1.0, 1.0, 1.0], [2.0, 5.0, 5.0, 5.0]], dtype="float32")
    out = np.asarray(TopK(2, relu=False)(x))
    assert (out != 0).sum(axis=1).tolist() == [2, 2]
    assert sorted(out[1][out[1] != 0].tolist()) == [5.0, 5.0]


def test_topk_on_higher_rank_input_works_on_the_last_axis():
    x = RNG.normal(size=(2, 3, 6)).astype("float32")
    out = np.asarray(TopK(2)(x))
    assert out.shape == x.shape
    np.testing.assert_array_equal(out.reshape(-1, 6), numpy_topk(x.reshape(-1, 6), 2))


@pytest.mark.parametrize("relu", [True, False])
def test_topk_gradient_flows_only_through_kept_entries(relu):
    x = tf.constant(RNG.normal(size=(6, 9)).astype("float32"))
    w = RNG.normal(size=(6, 9)).astype("float32")
    layer = TopK(3, relu=relu)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = tf.reduce_sum(w * layer(x))
    grad = tape.gradient(value, x).numpy()
    kept = numpy_topk(x.numpy(), 3, relu=False) != 0
    if relu:
        kept &= x.numpy() > 0
    np.testing.assert_allclose(grad, np.where(kept, w, 0.0), rtol=1e-6)
    assert np.all(grad[~kept] == 0)


def test_topk_config_and_serialization():
    layer = TopK(5, relu=False, name="topk")
    config = layer.get_config()
    assert (config["k"], config["relu"], config["name"]) == (5, False, "topk")
    again = TopK.from_config(config)
    assert (again.k, again.relu) == (5, False)
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == "aecourse>TopK"
    assert isinstance(keras.saving.deserialize_keras_object(serialized), TopK)


def test_topk_model_save_load_round_trip(tmp_path):
    inputs = keras.Input((6,), name="x")
    hidden = keras.layers.Dense(12, name="dense")(inputs)
    model = keras.Model(inputs, TopK(3, name="topk")(hidden), name="topk_model")
    x = RNG.normal(size=(8, 6)).astype("float32")
    path = tmp_path / "topk.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("topk").k == 3


@pytest.mark.parametrize(
    "k, error, text",
    [
        (0, ValueError, "TopK: Expected `k` to be an integer >= 1. Received: k=0. k is the number of entries"),
        (-2, ValueError, "Received: k=-2"),
        (2.5, TypeError, "Expected `k` to be an integer >= 1. Received: k=2.5"),
        (True, TypeError, "Received: k=True"),
        ("4", TypeError, "Received: k='4'"),
    ],
)
def test_topk_rejects_bad_k(k, error, text):
    with pytest.raises(error) as info:
        TopK(k)
    assert text in str(info.value)


def test_topk_k_is_validated_against_the_width():
    with pytest.raises(ValueError) as info:
        TopK(9)(np.zeros((2, 8), dtype="float32"))
    assert "Expected `k` to be an integer from 1 to 8 (the width of the input). Received: k=9." in str(info.value)
    with pytest.raises(ValueError, match="Keep at most 8 entries"):
        keras.Sequential([keras.Input((8,)), TopK(12)])
    with pytest.raises(TypeError, match="Expected `relu` to be True or False. Received: relu=1"):
        TopK(2, relu=1)


# ------------------------------------------------------------ the autoencoder


VARIANTS = [
    dict(k=3),
    dict(k=3, tied=True),
    dict(l1=0.05),
    dict(l1=0.05, unit_norm=False),
    dict(k=2, tied=True, unit_norm=False, pre_bias=False),
]


@pytest.mark.parametrize("kwargs", VARIANTS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_forward_pass_matches_numpy(kwargs):
    sae = sparse_autoencoder((6,), latent_dim=20, seed=3, **kwargs)
    randomise(sae)
    x = RNG.normal(size=(9, 6)).astype("float32")
    pre, z, x_hat = numpy_sae(sae, x)
    np.testing.assert_allclose(np.asarray(sae.pre_activations(x)), pre, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sae.predict_latents(x, batch_size=4), z, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sae.predict(x, verbose=0), x_hat, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(sae.decode(z)), x_hat, rtol=1e-5, atol=1e-5)
    expected_rows = numpy_sae(sae, np.zeros((1, 6)))  # the dictionary itself, row by row
    dictionary = sae.dictionary
    assert dictionary.shape == (20, 6)
    np.testing.assert_allclose(np.eye(20) @ dictionary + sae.pre_bias.numpy(),
                               np.asarray(sae.decode(np.eye(20, dtype="float32"))), rtol=1e-5, atol=1e-6)
    assert expected_rows[2].shape == (1, 6)


def test_weights_names_and_tied_has_no_decoder_kernel():
    names = [w.name for w in sparse_autoencoder((4,), 8, k=2).weights]
    assert names == ["encoder_kernel", "latent_bias", "decoder_kernel", "pre_bias", "examples_since_fired"]
    tied = sparse_autoencoder((4,), 8, k=2, tied=True)
    assert "decoder_kernel" not in [w.name for w in tied.weights]
    rows = tied.encoder_kernel.numpy().T
    np.testing.assert_allclose(tied.dictionary, rows / np.linalg.norm(rows, axis=1, keepdims=True), rtol=1e-6)
    assert [w.name for w in tied.trainable_weights] == ["encoder_kernel", "latent_bias", "pre_bias"]
    frozen = sparse_autoencoder((4,), 8, k=2, pre_bias=False)
    assert "pre_bias" not in [w.name for w in frozen.trainable_weights]


def test_initialisation_is_gao_et_al_tied_init_and_seeded():
    sae = sparse_autoencoder((5,), 12, k=2, seed=7)
    np.testing.assert_allclose(np.linalg.norm(sae.decoder_kernel.numpy(), axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(sae.encoder_kernel.numpy(), sae.decoder_kernel.numpy().T)
    same = sparse_autoencoder((5,), 12, k=2, seed=7)
    other = sparse_autoencoder((5,), 12, k=2, seed=8)
    np.testing.assert_array_equal(same.encoder_kernel.numpy(), sae.encoder_kernel.numpy())
    assert not np.allclose(other.encoder_kernel.numpy(), sae.encoder_kernel.numpy())
    assert np.all(sae.latent_bias.numpy() == 0) and np.all(sae.pre_bias.numpy() == 0)


def test_unit_norm_rows_stay_unit_and_their_gradient_is_orthogonal_to_them():
    sae = sparse_autoencoder((6,), 10, k=3, seed=0)
    randomise(sae, scale=2.0)
    x = tf.constant(RNG.normal(size=(16, 6)).astype("float32"))
    np.testing.assert_allclose(np.linalg.norm(sae.dictionary, axis=1), 1.0, rtol=1e-5)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(sae(x) - x))
    grad = tape.gradient(loss, sae.decoder_kernel).numpy()
    raw = sae.decoder_kernel.numpy()
    # d(W / |W|)/dW removes the component along each row: what Gao et al. do by hand
    scale = np.linalg.norm(grad, axis=1) * np.linalg.norm(raw, axis=1)
    assert np.all(np.abs((grad * raw).sum(axis=1)) <= 1e-5 * scale + 1e-9)
    assert np.abs(grad).max() > 0


def test_l1_penalty_is_added_exactly_per_example():
    sae = sparse_autoencoder((5,), 15, l1=0.2, seed=1)
    randomise(sae, seed=2)
    x = RNG.normal(size=(7, 5)).astype("float32")
    _, z, x_hat = numpy_sae(sae, x)
    expected = 0.2 * np.abs(z).sum(axis=1).mean()
    sae(x)
    assert len(sae.losses) == 1
    assert float(sae.losses[0]) == pytest.approx(expected, rel=1e-5)
    sae.compile(optimizer="adam", loss="mse")
    total = sae.evaluate(x, x, batch_size=7, verbose=0)
    assert total == pytest.approx(np.mean((x_hat - x) ** 2) + expected, rel=1e-5)
    assert len(sparse_autoencoder((5,), 15, k=2).losses) == 0


@pytest.mark.parametrize("kwargs", [dict(k=2), dict(l1=1e-3)])
def test_trains_with_plain_compile_and_fit(kwargs):
    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(256, 8)).astype("float32") @ RNG.normal(size=(8, 8)).astype("float32")
    sae = sparse_autoencoder((8,), 32, seed=0, **kwargs)
    sae.init_pre_bias(x)
    sae.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    before = normalized_mse(x, sae.predict(x, verbose=0))
    history = sae.fit(x, x, epochs=15, batch_size=64, verbose=0)
    after = normalized_mse(x, sae.predict(x, verbose=0))
    assert after < 0.6 * before and history.history["loss"][-1] < history.history["loss"][0]
    np.testing.assert_allclose(np.linalg.norm(sae.dictionary, axis=1), 1.0, rtol=1e-5)


def test_trains_with_the_fast_recipe():
    from aecourse.fast import fit_fast

    x = RNG.normal(size=(256, 8)).astype("float32")
    sae = sparse_autoencoder((8,), 32, k=4, seed=0, aux_k=4, dead_after=64)
    history = fit_fast(sae, x, loss="mse", epochs=4, batch_size=64, init_output_bias=False, jit_compile=False)
    assert len(history.history["loss"]) == 4 and np.isfinite(history.history["loss"]).all()


# ---------------------------------------------------------------- AuxK loss


def test_aux_loss_is_only_added_in_training_and_matches_numpy():
    sae = sparse_autoencoder((6,), 12, k=2, aux_k=3, aux_coefficient=0.5, dead_after=100, seed=0)
    randomise(sae, seed=4)
    x = RNG.normal(size=(8, 6)).astype("float32")
    sae(x)
    assert len(sae.losses) == 0  # inference: no auxiliary loss
    # nothing has been dead for 100 examples yet: z_aux = 0 and the loss is the residual alone
    sae(x, training=True)
    pre, z, x_hat = numpy_sae(sae, x)
    residual = x - x_hat
    spread = np.mean((residual - residual.mean(axis=0)) ** 2)
    assert float(sae.losses[0]) == pytest.approx(0.5 * np.mean(residual ** 2) / spread, rel=1e-5)
    fired = (z > 0).any(axis=0)
    np.testing.assert_array_equal(sae.examples_since_fired.numpy(), np.where(fired, 0.0, 8.0))
    # make every latent that did not fire look dead: the top aux_k of them (through a ReLU) model the residual
    sae.examples_since_fired.assign(np.where(fired, 0.0, 1000.0).astype("float32"))
    sae(x, training=True)
    masked = np.where(fired, -1e9, pre)
    z_aux = numpy_topk(masked, 3)
    dictionary = sae.dictionary.astype(np.float64)
    expected = 0.5 * np.mean((residual - z_aux @ dictionary) ** 2) / spread
    assert float(sae.losses[0]) == pytest.approx(expected, rel=1e-4)
    np.testing.assert_array_equal(sae.examples_since_fired.numpy(), np.where(fired, 0.0, 1008.0))


def test_aux_loss_gives_dead_latents_a_gradient():
    x = tf.constant(RNG.normal(size=(32, 6)).astype("float32"))

    def encoder_gradient(aux_k):
        sae = sparse_autoencoder((6,), 24, k=1, aux_k=aux_k, dead_after=1, seed=0)
        sae.latent_bias.assign(np.r_[np.zeros(12), np.full(12, -0.0)].astype("float32"))
        sae.examples_since_fired.assign(np.full(24, 1000.0, dtype="float32"))
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(sae(x, training=True) - x)) + tf.add_n(sae.losses or [0.0])
        fired = (sae.predict_latents(x.numpy()) > 0).any(axis=0)
        return np.abs(tape.gradient(loss, sae.encoder_kernel).numpy()).sum(axis=0), fired

    plain, fired = encoder_gradient(None)
    with_aux, _ = encoder_gradient(8)
    assert np.all(plain[~fired] == 0)  # a latent that never fires gets no gradient from TopK
    assert np.any(with_aux[~fired] > 0)


# ---------------------------------------------------------------- save / load


@pytest.mark.parametrize("kwargs", VARIANTS + [dict(k=3, aux_k=2, dead_after=50)],
                         ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_save_load_round_trip(tmp_path, kwargs):
    x = RNG.normal(size=(64, 6)).astype("float32")
    sae = sparse_autoencoder((6,), 18, seed=2, name="sae", **kwargs)
    sae.init_pre_bias(x)
    sae.compile(optimizer="adam", loss="mse")
    sae.fit(x, x, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "sae.keras"
    sae.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, SparseAutoencoder) and loaded.name == "sae"
    assert loaded.get_config() == sae.get_config()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), sae.predict(x, verbose=0))
    np.testing.assert_array_equal(loaded.predict_latents(x), sae.predict_latents(x))
    np.testing.assert_array_equal(loaded.examples_since_fired.numpy(), sae.examples_since_fired.numpy())
    assert loaded.evaluate(x, x, batch_size=64, verbose=0) == pytest.approx(
        sae.evaluate(x, x, batch_size=64, verbose=0), rel=1e-6)


def test_serialization_registered_name():
    serialized = keras.saving.serialize_keras_object(sparse_autoencoder((3,), 6, k=2))
    assert serialized["registered_name"] == "aecourse>SparseAutoencoder"


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "args, kwargs, error, text",
    [
        (((28, 28), 64), {}, ValueError, "sparse_autoencoder: Expected `input_shape` to be the width of one "
                                         "activation vector, such as (64,). Received: input_shape=(28, 28). Flatten"),
        (((0,), 64), {}, ValueError, "Expected `input_shape` to be a sequence of integers >= 1 such as (784,) or "
                                     "(28, 28, 1). Received: input_shape=(0,). Entry 0 is 0."),
        ((0, 64), {}, ValueError, "Received: input_shape=0. Entry 0 is 0."),
        (("64", 64), {}, TypeError, "Received: input_shape='64'"),
        (((2.5,), 64), {}, TypeError, "Entry 0 is 2.5, not an integer."),
        (((), 64), {}, ValueError, "Expected `input_shape` to be a non-empty sequence"),
        (((5000, 64), 256), {}, ValueError, "sparse_autoencoder: Expected `input_shape` to be the shape of one "
                                            "example, without the batch axis. Received: input_shape=(5000, 64). The "
                                            "first axis looks like the number of examples: pass x.shape[1:] = (64,)."),
        (((None, 64), 256), {}, ValueError, "A leading None is the batch axis of model.input_shape: pass (64,)."),
        (((100, 8, 8), 256), {}, ValueError, "The first axis looks like the number of examples"),
        (((8,), 0), {}, ValueError, "Expected `latent_dim` to be an integer >= 1. Received: latent_dim=0."),
        (((8,), 16), {"k": 17}, ValueError, "Expected `k` to be an integer from 1 to latent_dim=16, or None for "
                                            "ReLU + L1. Received: k=17. k counts the latents kept per example."),
        (((8,), 16), {"k": 0}, ValueError, "Received: k=0."),
        (((8,), 16), {"k": 4.0}, TypeError, "Received: k=4.0."),
        (((8,), 16), {"k": True}, TypeError, "Received: k=True."),
        (((8,), 16), {"l1": -0.1}, ValueError, "Expected `l1` to be a finite number >= 0. Received: l1=-0.1."),
        (((8,), 16), {"l1": float("nan")}, ValueError, "Received: l1=nan."),
        (((8,), 16), {"l1": "1e-3"}, TypeError, "Received: l1='1e-3'."),
        (((8,), 16), {"tied": "yes"}, TypeError, "Expected `tied` to be True or False. Received: tied='yes'."),
        (((8,), 16), {"unit_norm": 1}, TypeError, "Expected `unit_norm` to be True or False."),
        (((8,), 16), {"aux_k": 20}, ValueError, "Expected `aux_k` to be an integer in [1, 16]. Received: aux_k=20."),
        (((8,), 16), {"dead_after": 0}, ValueError, "Expected `dead_after` to be an integer >= 1."),
        (((8,), 16), {"seed": -1}, ValueError, "Expected `seed` to be an integer >= 0. Received: seed=-1."),
        (((8,), 16), {"name": 3}, TypeError, "Expected `name` to be a str. Received: name=3."),
    ],
)
def test_builder_rejects_bad_arguments(args, kwargs, error, text):
    with pytest.raises(error) as info:
        sparse_autoencoder(*args, **kwargs)
    assert text in str(info.value) and str(info.value).startswith("sparse_autoencoder: ")


def test_predict_latents_and_init_pre_bias_check_their_input():
    sae = sparse_autoencoder((4,), 8, k=2)
    with pytest.raises(ValueError, match=r"Expected `x` to be an array of shape \(examples, 4\)"):
        sae.predict_latents(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="Expected `method` to be one of 'geometric_median', 'mean'"):
        sae.init_pre_bias(np.zeros((3, 4)), method="median")
    x = RNG.normal(size=(30, 4))
    np.testing.assert_allclose(sae.init_pre_bias(x, method="mean"), x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(sae.pre_bias.numpy(), x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(sae.init_pre_bias(x), geometric_median(x), rtol=1e-6)


# -------------------------------------------------------------- NumPy metrics


def summed_distance(x, point):
    return float(np.linalg.norm(x - point, axis=1).sum())


def test_geometric_median_minimises_the_summed_distance():
    x = RNG.normal(size=(40, 3)) + np.r_[[[30.0, 0, 0]] * 3, np.zeros((37, 3))]
    median = geometric_median(x)
    best = summed_distance(x, median)
    assert best < summed_distance(x, x.mean(axis=0))
    for step in np.eye(3) * 1e-3:
        assert best <= summed_distance(x, median + step) + 1e-9
        assert best <= summed_distance(x, median - step) + 1e-9
    np.testing.assert_allclose(geometric_median(np.array([[0.0], [1.0], [5.0]])), [1.0], atol=1e-6)


def test_l0_and_dead_latents_against_loops():
    z = np.array([[0.0, 0.5, 0.0, 2.0], [0.0, 0.05, 0.0, 0.0], [0.0, 0.0, -1.0, 0.0]])
    assert l0(z) == pytest.approx(np.mean([sum(v != 0 for v in row) for row in z]))
    assert l0(z, threshold=0.1) == pytest.approx(np.mean([sum(abs(v) > 0.1 for v in row) for row in z]))
    assert dead_latents(z).tolist() == [0]
    assert dead_latents(z, threshold=0.6).tolist() == [0, 1]
    assert dead_latents(z).dtype == np.int64


def test_normalized_mse_and_variance_explained_against_loops():
    x = RNG.normal(size=(12, 5))
    x_hat = x + RNG.normal(scale=0.3, size=x.shape)
    mean = [sum(x[i, j] for i in range(12)) / 12 for j in range(5)]
    error = sum((x[i, j] - x_hat[i, j]) ** 2 for i in range(12) for j in range(5))
    spread = sum((x[i, j] - mean[j]) ** 2 for i in range(12) for j in range(5))
    assert normalized_mse(x, x_hat) == pytest.approx(error / spread, rel=1e-12)
    assert fraction_of_variance_explained(x, x_hat) == pytest.approx(1 - error / spread, rel=1e-12)
    assert normalized_mse(x, np.tile(x.mean(axis=0), (12, 1))) == pytest.approx(1.0)
    assert fraction_of_variance_explained(x, x) == 1.0


def test_relative_reconstruction_bias():
    x = RNG.normal(size=(20, 4))
    for s in (0.5, 1.0, 1.7):
        assert relative_reconstruction_bias(x, s * x) == pytest.approx(s, rel=1e-12)
    center = np.array([1.0, -2.0, 0.5, 3.0])
    assert relative_reconstruction_bias(x + center, 0.8 * x + center, center) == pytest.approx(0.8, rel=1e-12)
    x_hat = x + RNG.normal(scale=0.2, size=x.shape)
    expected = sum(x_hat[i] @ x_hat[i] for i in range(20)) / sum(x_hat[i] @ x[i] for i in range(20))
    assert relative_reconstruction_bias(x, x_hat) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "call, error, text",
    [
        (lambda: l0(np.zeros(4)), ValueError, "l0: Expected `latents` to be an array with at least 2 axes"),
        (lambda: l0(np.zeros((2, 3, 4))), ValueError, "Expected `latents` to be a 2-D array (examples, features)"),
        (lambda: l0(np.zeros((2, 3)), threshold=-1), ValueError, "Expected `threshold` to be a finite number >= 0"),
        (lambda: l0([["a"]]), TypeError, "Expected `latents` to be an array of numbers"),
        (lambda: dead_latents(np.array([[np.nan, 1.0]])), ValueError, "an array of finite numbers"),
        (lambda: normalized_mse(np.zeros((3, 2)), np.zeros((3, 3))), ValueError,
         "normalized_mse: Expected `x` and `x_hat` to have the same shape. Received: x of shape (3, 2) and x_hat "
         "of shape (3, 3)."),
        (lambda: normalized_mse(np.ones((3, 2)), np.ones((3, 2))), ValueError, "no variance to explain"),
        (lambda: normalized_mse(np.ones((1, 2)), np.ones((1, 2))), ValueError, "at least 2 examples"),
        (lambda: relative_reconstruction_bias(np.ones((2, 2)), -np.ones((2, 2))), ValueError,
         "no positive component along the data"),
        (lambda: relative_reconstruction_bias(np.ones((2, 2)), np.ones((2, 2)), np.zeros(3)), ValueError,
         "Expected `center` to be a vector of shape (2,)"),
        (lambda: geometric_median(np.zeros((0, 2))), ValueError, "at least 1 row"),
    ],
)
def test_metrics_reject_bad_input(call, error, text):
    with pytest.raises(error) as info:
        call()
    assert text in str(info.value)


# ------------------------------------------------------------ class specificity


def test_class_specificity_against_loops():
    acts = RNG.uniform(0, 1, size=(30, 5)) * (RNG.uniform(size=(30, 5)) > 0.4)
    acts[:, 4] = 0.0
    labels = RNG.integers(0, 3, size=30)
    labels[:3] = [0, 1, 2]
    result = class_specificity(acts, labels)
    assert isinstance(result, ClassSpecificity)
    for j in range(4):
        means = [acts[labels == c, j].mean() for c in range(3)]
        assert result.share[j] == pytest.approx(max(means) / sum(means), rel=1e-12)
        assert result.top_class[j] == int(np.argmax(means))
    assert math.isnan(result.share[4]) and result.top_class[4] == -1
    assert result.alive.tolist() == [True] * 4 + [False]
    assert result.median == pytest.approx(float(np.median(result.share[:4])))
    mass = np.array([sum(acts[labels == c, j].mean() for c in range(3)) for j in range(5)])
    weighted = sum(mass[j] * result.share[j] for j in range(4)) / mass.sum()
    assert result.overall == pytest.approx(weighted, rel=1e-12)
    assert result.fraction_above(0.5) == pytest.approx(float(np.mean(result.share[:4] > 0.5)))
    assert result.class_means.shape == (3, 5) and result.classes.tolist() == [0, 1, 2]


def test_class_specificity_does_not_depend_on_class_sizes():
    acts = np.array([[2.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1])
    once = class_specificity(acts, labels).share
    repeated = class_specificity(np.r_[acts, np.tile(acts[:1], (5, 1))], np.r_[labels, np.zeros(5, int)]).share
    np.testing.assert_allclose(once, repeated)
    np.testing.assert_allclose(once, [2.0 / 2.5, 0.5])


@pytest.mark.parametrize(
    "acts, labels, text",
    [
        (-np.ones((3, 2)), np.array([0, 1, 1]), "activations must be non-negative"),
        (np.ones((3, 2)), np.array([0, 1]), "activations has 3 examples but labels has 2"),
        (np.ones((3, 2)), np.array([0, 0, 0]), "labels of at least 2 classes"),
        (np.ones((3, 2)), np.array([0.0, 1.0, 1.0]), "Expected `labels` to be a 1-D array of integer class labels"),
        (np.ones((3, 2)), np.eye(3, dtype=int), "not one-hot rows"),
    ],
)
def test_class_specificity_rejects_bad_input(acts, labels, text):
    with pytest.raises(ValueError) as info:
        class_specificity(acts, labels)
    assert text in str(info.value)


# ------------------------------------------------------------------ evaluate_sae


def test_evaluate_sae_agrees_with_the_metrics():
    sae = sparse_autoencoder((5,), 16, k=3, seed=0)
    randomise(sae, seed=5)
    x = RNG.normal(size=(40, 5)).astype("float32")
    _, z, x_hat = numpy_sae(sae, x)
    metrics = evaluate_sae(sae, x)
    assert metrics.l0 == pytest.approx(l0(z))
    assert metrics.normalized_mse == pytest.approx(normalized_mse(x, x_hat), rel=1e-5)
    assert metrics.fraction_of_variance_explained == pytest.approx(1 - metrics.normalized_mse)
    assert metrics.dead_latents.tolist() == dead_latents(z).tolist()
    assert metrics.relative_bias == pytest.approx(
        relative_reconstruction_bias(x, x_hat, sae.pre_bias.numpy()), rel=1e-4)
    row = metrics.as_dict()
    assert row["dead"] == metrics.n_dead and row["dead_fraction"] == metrics.n_dead / 16
    with pytest.raises(TypeError, match="Expected `model` to be a SparseAutoencoder"):
        evaluate_sae(keras.Sequential([keras.Input((5,)), keras.layers.Dense(5)]), x)


# --------------------------------------------------------------------- splicing


def small_classifier(functional=False):
    keras.utils.set_random_seed(0)
    if functional:
        inputs = keras.Input((6,), name="pixels")
        h = keras.layers.Dense(5, activation="relu", name="hidden")(inputs)
        out = keras.layers.Dense(3, activation="softmax", name="digits")(keras.layers.Dense(4, name="mix")(h))
        return keras.Model(inputs, out, name="clf")
    return keras.Sequential([keras.Input((6,), name="pixels"), keras.layers.Dense(5, activation="relu", name="hidden"),
                             keras.layers.Dense(4, name="mix"), keras.layers.Dense(3, activation="softmax",
                                                                                   name="digits")], name="clf")


@pytest.mark.parametrize("functional", [False, True])
def test_split_model_head_then_tail_is_the_model(functional):
    clf = small_classifier(functional)
    x = RNG.normal(size=(10, 6)).astype("float32")
    head, tail = split_model(clf, "hidden")
    np.testing.assert_allclose(tail.predict(head.predict(x, verbose=0), verbose=0), clf.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-7)
    assert head.output.shape == (None, 5)
    assert tail.layers[-1] is clf.get_layer("digits")  # shared weights, not copies


def test_split_model_errors():
    clf = small_classifier()
    with pytest.raises(ValueError, match="Expected `layer` to be the name of one of the model's layers. Received: "
                                         "layer='hiden'. Its layers are"):
        split_model(clf, "hiden")
    with pytest.raises(ValueError, match="a hidden layer \\(not the output layer\\)"):
        split_model(clf, "digits")
    inputs = keras.Input((4,))
    h = keras.layers.Dense(4, name="hidden")(inputs)
    branched = keras.Model(inputs, keras.layers.Add(name="add")([keras.layers.Dense(4, name="d2")(h), h]))
    with pytest.raises(ValueError, match="do not form a chain"):
        split_model(branched, "hidden")
    with pytest.raises(TypeError, match="Expected `model` to be a keras.Model"):
        split_model("clf", "hidden")


def test_evaluate_spliced_against_numpy_and_keras():
    clf = small_classifier()
    clf.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = RNG.normal(size=(50, 6)).astype("float32")
    y = RNG.integers(0, 3, size=50)
    original = evaluate_spliced(clf, "hidden", None, x, y, batch_size=7)
    keras_loss, keras_accuracy = clf.evaluate(x, y, verbose=0)
    assert original.accuracy == pytest.approx(keras_accuracy) and original.n_examples == 50
    assert original.loss == pytest.approx(keras_loss, rel=1e-5)
    assert evaluate_spliced(clf, "hidden", lambda a: a, x, y, batch_size=7) == original
    # zero ablation by hand: the tail's answer to a zero vector, the same for every example
    head, tail = split_model(clf, "hidden")
    p = tail.predict(np.zeros((1, 5), "float32"), verbose=0)[0].astype(np.float64)
    zero = evaluate_spliced(clf, "hidden", np.zeros_like, x, y)
    assert zero.accuracy == pytest.approx(np.mean(y == p.argmax()))
    assert zero.loss == pytest.approx(-np.mean(np.log(p[y])), rel=1e-5)
    assert zero.layer == "hidden"


def test_evaluate_spliced_from_logits():
    keras.utils.set_random_seed(0)
    clf = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="hidden"),
                            keras.layers.Dense(2, name="logits")])
    x, y = RNG.normal(size=(20, 4)).astype("float32"), np.arange(20) % 2
    logits = clf.predict(x, verbose=0).astype(np.float64)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    result = evaluate_spliced(clf, "hidden", None, x, y, from_logits=True)
    assert result.loss == pytest.approx(-np.mean(np.log(p[np.arange(20), y])), rel=1e-5)
    with pytest.raises(ValueError, match="pass from_logits=True"):
        evaluate_spliced(clf, "hidden", None, x, y)


@pytest.mark.parametrize(
    "replace, y, error, text",
    [
        (lambda a: a[:, :2], None, ValueError, "replace returned an array of shape (10, 2); expected the shape of the "
                                               "activations it received, (10, 5)"),
        (lambda a: a * np.nan, None, ValueError, "replace returned non-finite"),
        ("zeros", None, TypeError, "Expected `replace` to be a function from activations to replacements, or None"),
        (None, np.zeros(9, int), ValueError, "x has 10 examples but y has 9"),
        (None, np.eye(10, 3, dtype=int), ValueError, "use y.argmax(axis=1) for one-hot rows"),
        (None, np.full(10, 3), ValueError, "labels must lie in [0, 2] for 3 classes"),
    ],
)
def test_evaluate_spliced_rejects_bad_input(replace, y, error, text):
    clf = small_classifier()
    x = RNG.normal(size=(10, 6)).astype("float32")
    with pytest.raises(error) as info:
        evaluate_spliced(clf, "hidden", replace, x, np.zeros(10, int) if y is None else y)
    assert text in str(info.value)


# ----------------------------------------------------------------------- doctests


def test_docstring_examples_run():
    result = doctest.testmod(aecourse.sae, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10 and result.failed == 0
