"""Tests of aecourse.vae: the closed-form KL, the Bernoulli term, the sampling layer, the
loss layer, the builder (training, metrics, save/load), the likelihood estimates and
active units. Every formula is compared with an independent NumPy/SciPy computation."""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy import stats
from scipy.special import logsumexp

from aecourse.fast import fit_fast, init_output_bias
from aecourse.losses import bce, bce_floor
from aecourse.models import dense_autoencoder
from aecourse.training import set_seed
from aecourse.vae import (ActiveUnits, ELBOEstimate, NegativeELBO, Reparameterization, active_units,
                          bernoulli_nll, bernoulli_nll_ops, gaussian_kl, gaussian_kl_ops,
                          importance_sampled_nll, log_mean_exp, negative_elbo, posterior,
                          variational_autoencoder)

RNG = np.random.default_rng(0)


def kl_by_loops(mean, log_var):
    """KL(N(m, s^2) || N(0, 1)) = -ln s + (s^2 + m^2) / 2 - 1/2, unit by unit, summed."""
    out = np.zeros(mean.shape[0])
    for i in range(mean.shape[0]):
        for j in range(mean.shape[1]):
            s = math.exp(0.5 * log_var[i, j])
            out[i] += -math.log(s) + (s * s + mean[i, j] ** 2) / 2 - 0.5
    return out


def nll_by_loops(x, p, eps=1e-7):
    x2, p2 = x.reshape(len(x), -1), np.clip(p.reshape(len(p), -1), eps, 1 - eps)
    return np.array([-sum(a * math.log(b) + (1 - a) * math.log(1 - b) for a, b in zip(row_x, row_p))
                     for row_x, row_p in zip(x2, p2)])


def tiny_vae(input_shape=(12,), latent_dim=2, beta=1.0, seed=0, **kwargs):
    keras.utils.set_random_seed(0)
    kwargs.setdefault("hidden_units", (8,))
    return variational_autoencoder(input_shape, latent_dim=latent_dim, beta=beta, seed=seed, **kwargs)


def grey_data(n=64, d=12, seed=0):
    return np.random.default_rng(seed).random((n, d), dtype=np.float64).astype("float32")


# --------------------------------------------------------------------- Gaussian KL


def test_gaussian_kl_against_loops_and_ops():
    mean = RNG.normal(size=(5, 3))
    log_var = RNG.normal(size=(5, 3))
    expected = kl_by_loops(mean, log_var)
    np.testing.assert_allclose(gaussian_kl(mean, log_var), expected, rtol=1e-12)
    ops_value = np.asarray(gaussian_kl_ops(mean.astype("float32"), log_var.astype("float32")))
    np.testing.assert_allclose(ops_value, expected, rtol=1e-5)


def test_gaussian_kl_zero_only_at_the_prior():
    assert float(gaussian_kl(np.zeros(4), np.zeros(4))) == 0.0
    assert np.all(gaussian_kl(RNG.normal(size=(20, 4)), RNG.normal(size=(20, 4))) > 0)
    # shapes: one value per example, any leading axes
    assert gaussian_kl(np.zeros((2, 3, 4)), np.zeros((2, 3, 4))).shape == (2, 3)


def test_gaussian_kl_against_monte_carlo():
    mean = np.array([[0.7, -1.2, 0.0]])
    log_var = np.array([[-1.0, 0.5, -3.0]])
    std = np.exp(0.5 * log_var)
    z = mean + std * np.random.default_rng(1).standard_normal((200_000, 3))
    log_q = stats.norm.logpdf(z, loc=mean, scale=std).sum(axis=1)
    log_p = stats.norm.logpdf(z).sum(axis=1)
    samples = log_q - log_p
    standard_error = samples.std() / math.sqrt(len(samples))
    assert abs(samples.mean() - float(gaussian_kl(mean, log_var)[0])) < 4 * standard_error


@pytest.mark.parametrize(
    "args, error, text",
    [
        ((np.zeros((2, 3)), np.zeros((2, 4))), ValueError, "same shape"),
        ((np.zeros((2, 3)), np.full((2, 3), np.nan)), ValueError, "finite numbers"),
        ((["a", "b"], [0.0, 0.0]), TypeError, "Expected `z_mean` to be an array of numbers"),
        ((np.zeros((0, 3)), np.zeros((0, 3))), ValueError, "at least 1 row"),
    ],
)
def test_gaussian_kl_rejects_bad_input(args, error, text):
    with pytest.raises(error, match=text):
        gaussian_kl(*args)


# ------------------------------------------------------------- Bernoulli term


def test_bernoulli_nll_against_loops_and_bce():
    x = RNG.random((4, 5, 6, 1))
    x[0, 0, 0, 0], x[1, 0, 0, 0] = 0.0, 1.0
    p = RNG.random((4, 5, 6, 1))
    p[2, 1, 1, 0] = 0.0  # clipped like Keras
    expected = nll_by_loops(x, p)
    np.testing.assert_allclose(bernoulli_nll(x, p), expected, rtol=1e-10)
    # chapter 4's BCE, summed instead of averaged over the 30 values of an example
    np.testing.assert_allclose(bernoulli_nll(x, p), 30 * bce(x, p, per_example=True), rtol=1e-12)
    ops_value = np.asarray(bernoulli_nll_ops(x.astype("float32"), p.astype("float32")))
    np.testing.assert_allclose(ops_value, expected, rtol=1e-4)


def test_bernoulli_nll_floor_is_summed_binary_entropy():
    x = RNG.random((3, 784))
    np.testing.assert_allclose(bernoulli_nll(x, x), 784 * bce_floor(x, per_example=True), rtol=1e-9)
    # any other prediction costs more
    assert np.all(bernoulli_nll(x, np.clip(x + 0.05, 0, 1)) > bernoulli_nll(x, x))


@pytest.mark.parametrize(
    "x, p, error, text",
    [
        (np.zeros(4), np.zeros(4), ValueError, "at least 2 axes"),
        (np.zeros((2, 4)), np.zeros((2, 5)), ValueError, "same shape"),
        (np.full((1, 2), 2.0), np.full((1, 2), 0.5), ValueError, "Scale the data to \\[0, 1\\] first"),
        (np.full((1, 2), 0.5), np.full((1, 2), -3.0), ValueError, "apply a sigmoid first"),
    ],
)
def test_bernoulli_nll_rejects_bad_input(x, p, error, text):
    with pytest.raises(error, match=text):
        bernoulli_nll(x, p)


# ------------------------------------------------------------ the sampling layer


def test_reparameterization_distribution_and_gradients():
    layer = Reparameterization(seed=3, name="sampling")
    mean = tf.Variable(np.tile([[1.0, -2.0, 0.5]], (20_000, 1)).astype("float32"))
    log_var = tf.Variable(np.tile([[0.0, -2.0, 1.0]], (20_000, 1)).astype("float32"))
    with tf.GradientTape(persistent=True) as tape:
        z = layer([mean, log_var])
        total = tf.reduce_sum(z)
    z = z.numpy()
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0, 0.5], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), np.exp(0.5 * np.array([0.0, -2.0, 1.0])), rtol=0.03)
    # dz/dmean = 1 and dz/dlog_var = 0.5 * (z - mean): the noise is a constant of the graph
    np.testing.assert_allclose(tape.gradient(total, mean).numpy(), 1.0)
    np.testing.assert_allclose(tape.gradient(total, log_var).numpy(), 0.5 * (z - mean.numpy()), atol=1e-5)


def test_reparameterization_seeds_are_reproducible():
    inputs = [np.zeros((5, 4), "float32"), np.zeros((5, 4), "float32")]
    a, b, c = (Reparameterization(seed=s) for s in (7, 7, 8))
    first_a, first_b = np.asarray(a(inputs)), np.asarray(b(inputs))
    np.testing.assert_array_equal(first_a, first_b)
    assert not np.array_equal(first_a, np.asarray(c(inputs)))
    assert not np.array_equal(first_a, np.asarray(a(inputs)))  # each call draws anew


def test_reparameterization_sequence_is_the_same_for_the_same_seed():
    inputs = [np.zeros((5, 4), "float32"), np.zeros((5, 4), "float32")]
    a, b = Reparameterization(seed=11), Reparameterization(seed=11)
    for _ in range(3):
        np.testing.assert_array_equal(np.asarray(a(inputs)), np.asarray(b(inputs)))


def test_reparameterization_config_and_errors():
    layer = Reparameterization(seed=5, name="sampling")
    config = layer.get_config()
    assert config["seed"] == 5 and config["name"] == "sampling"
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == "aecourse>Reparameterization"
    assert keras.saving.deserialize_keras_object(serialized).seed == 5
    with pytest.raises(ValueError, match="Expected `seed` to be an integer >= 0. Received: seed=-1"):
        Reparameterization(seed=-1)
    with pytest.raises(TypeError, match="Received: seed=1.5"):
        Reparameterization(seed=1.5)
    with pytest.raises(ValueError, match=r"list \[z_mean, z_log_var\]"):
        Reparameterization()(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="same shape"):
        Reparameterization()([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])


# ---------------------------------------------------------------- the loss layer


def test_negative_elbo_layer_adds_the_exact_loss_and_tracks_both_terms():
    x = RNG.random((6, 10)).astype("float32")
    p = RNG.random((6, 10)).astype("float32")
    mean = RNG.normal(size=(6, 3)).astype("float32")
    log_var = RNG.normal(size=(6, 3)).astype("float32")
    layer = NegativeELBO(beta=0.3, name="negative_elbo")
    out = layer([x, p, mean, log_var])
    np.testing.assert_array_equal(np.asarray(out), p)
    rec, kl = nll_by_loops(x, p), kl_by_loops(mean.astype(float), log_var.astype(float))
    assert float(layer.losses[0]) == pytest.approx(np.mean(rec + 0.3 * kl), rel=1e-5)
    assert float(layer.reconstruction_metric.result()) == pytest.approx(rec.mean(), rel=1e-5)
    assert float(layer.kl_metric.result()) == pytest.approx(kl.mean(), rel=1e-5)


@pytest.mark.parametrize("beta, error", [(-1.0, ValueError), (float("inf"), ValueError), ("1", TypeError),
                                         (None, TypeError)])
def test_negative_elbo_layer_rejects_bad_beta(beta, error):
    with pytest.raises(error, match="NegativeELBO: Expected `beta` to be a finite number >= 0"):
        NegativeELBO(beta=beta)


# ------------------------------------------------------------------- the builder


def test_dense_builder_structure_and_names():
    model = tiny_vae((784,), latent_dim=16, hidden_units=(256,))
    assert [layer.name for layer in model.layers] == ["input", "encoder", "sampling", "decoder", "negative_elbo"]
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert [layer.name for layer in encoder.layers] == ["encoder_input", "encoder_dense_1", "z_mean", "z_log_var"]
    assert [layer.name for layer in decoder.layers] == ["decoder_input", "decoder_dense_1", "reconstruction"]
    assert [tuple(t.shape) for t in encoder.outputs] == [(None, 16), (None, 16)]
    # 784*256+256 + 2*(256*16+16) + 16*256+256 + 256*784+784
    assert model.count_params() == 415_024
    assert model.get_layer("negative_elbo").beta == 1.0


@pytest.mark.parametrize("shape, kwargs", [
    ((5,), {"hidden_units": ()}),
    ((8, 8, 3), {"hidden_units": (16,)}),
    ((28, 28, 1), {"architecture": "conv", "filters": (4, 8), "hidden_units": None}),
    ((27, 31, 2), {"architecture": "conv", "filters": (4,), "upsampling": "bilinear", "hidden_units": None}),
])
def test_builder_any_input_shape(shape, kwargs):
    model = tiny_vae(shape, latent_dim=3, **kwargs)
    assert tuple(model.output.shape[1:]) == shape
    assert tuple(model.get_layer("decoder").output.shape[1:]) == shape
    x = np.random.default_rng(0).random((4,) + shape).astype("float32")
    assert model.predict(x, verbose=0).shape == (4,) + shape


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"latent_dim": 0}, ValueError, "Expected `latent_dim` to be an integer >= 1. Received: latent_dim=0"),
        ({"beta": -0.5}, ValueError, "Expected `beta` to be a finite number >= 0"),
        ({"architecture": "cnn"}, ValueError, "Expected `architecture` to be one of 'dense', 'conv'"),
        ({"filters": (8,)}, ValueError, "`filters` sets the convolution blocks of architecture='conv'"),
        ({"architecture": "conv", "hidden_units": (8,)}, ValueError, "`hidden_units` sets the layers of "
                                                                     "architecture='dense'"),
        ({"seed": "0"}, TypeError, "Expected `seed` to be an integer >= 0. Received: seed='0'"),
        ({"hidden_units": (0,)}, ValueError, "Expected `hidden_units` to be a sequence of integers >= 1.*Entry 0 is 0"),
        ({"hidden_units": "64"}, TypeError, "Expected `hidden_units` to be a sequence of integers"),
        ({"activation": "nope"}, ValueError, "Expected `activation` to be a Keras activation"),
        ({"name": 3}, TypeError, "Expected `name` to be a string. Received: name=3"),
    ],
)
def test_builder_rejects_bad_arguments(kwargs, error, text):
    with pytest.raises(error, match="^variational_autoencoder: .*" + text):
        variational_autoencoder((12,), **kwargs)


@pytest.mark.parametrize(
    "shape, kwargs, error, text",
    [
        ((784,), {}, ValueError, re.escape("Expected `input_shape` to be the shape of one image, (height, width, "
                                           "channels)")),
        ((4000, 28, 28, 1), {}, ValueError, re.escape("Received: input_shape=(4000, 28, 28, 1). The first axis looks "
                                                      "like the number of examples: pass x.shape[1:] = (28, 28, 1).")),
        ((1, 28, 28), {}, ValueError, "channels first"),
        ((28, 28, 1), {"filters": ()}, ValueError, "Expected `filters` to be a non-empty sequence of integers >= 1"),
        ((28, 28, 1), {"filters": (4, 8, 16, 32, 64)}, ValueError, "at least 32 x 32 pixels for 5 convolution block"),
        ((28, 28, 1), {"kernel_size": 1}, ValueError, "Expected `kernel_size` to be >= 2 with upsampling='transpose'"),
        ((28, 28, 1), {"kernel_size": (3, 3, 3)}, ValueError, "Expected `kernel_size` to be a sequence of 2"),
        ((28, 28, 1), {"upsampling": "cubic"}, ValueError, "Expected `upsampling` to be one of 'transpose'"),
    ],
)
def test_conv_builder_checks_its_arguments_under_its_own_name(shape, kwargs, error, text):
    with pytest.raises(error, match="^variational_autoencoder: .*" + text):
        variational_autoencoder(shape, architecture="conv", **kwargs)


@pytest.mark.parametrize("shape, text", [
    ((4000, 784), re.escape("The first axis looks like the number of examples: pass x.shape[1:] = (784,).")),
    ((None, 784), re.escape("A leading None is the batch axis of model.input_shape: pass (784,).")),
    ((0,), "Entry 0 is 0"),
])
def test_dense_builder_rejects_the_batch_axis_under_its_own_name(shape, text):
    with pytest.raises(ValueError, match="^variational_autoencoder: Expected `input_shape`.*" + text):
        variational_autoencoder(shape)


def test_a_small_kernel_is_fine_without_transposed_convolutions():
    model = variational_autoencoder((8, 8, 1), latent_dim=2, architecture="conv", filters=(4,), kernel_size=1,
                                    upsampling="nearest")
    assert tuple(model.output.shape[1:]) == (8, 8, 1)


def test_fit_reports_both_terms_and_loss_is_their_weighted_sum():
    model = tiny_vae(beta=0.5)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    x = grey_data()
    history = model.fit(x, epochs=3, batch_size=16, verbose=0, validation_data=(x,))
    assert set(history.history) == {"loss", "reconstruction", "kl", "val_loss", "val_reconstruction", "val_kl"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    result = model.evaluate(x, batch_size=64, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(result["reconstruction"] + 0.5 * result["kl"], rel=1e-5)


def test_evaluate_agrees_with_numpy_estimate():
    """The model's metrics (its own draws) and negative_elbo (NumPy draws) estimate the same terms."""
    model = tiny_vae()
    model.compile(optimizer="adam")
    x = grey_data(n=200)
    result = model.evaluate(x, batch_size=200, verbose=0, return_dict=True)
    estimate = negative_elbo(model, x, samples=50, seed=1)
    mean, log_var = posterior(model, x)
    assert result["kl"] == pytest.approx(gaussian_kl(mean, log_var).mean(), rel=1e-5)  # exact in both
    assert result["kl"] == pytest.approx(estimate.as_dict()["kl"], rel=1e-5)
    assert result["reconstruction"] == pytest.approx(estimate.as_dict()["reconstruction"], rel=0.01)


def test_gradients_reach_both_encoder_heads():
    model = tiny_vae()
    model.compile(optimizer="adam")
    x = tf.constant(grey_data())
    with tf.GradientTape() as tape:
        model(x, training=True)
        loss = tf.add_n(model.losses)
    variables = {v.path: v for v in model.trainable_variables}
    grads = dict(zip(variables, tape.gradient(loss, list(variables.values()))))
    for path in ("z_mean/kernel", "z_log_var/kernel", "encoder_dense_1/kernel", "reconstruction/kernel"):
        assert grads[path] is not None and float(tf.reduce_max(tf.abs(grads[path]))) > 0, path


def test_training_is_reproducible_with_set_seed():
    x = grey_data()
    losses = []
    for _ in range(2):
        set_seed(0)
        model = variational_autoencoder((12,), hidden_units=(8,), latent_dim=2)  # seed from the global state
        model.compile(optimizer="adam")
        losses.append(model.fit(x, epochs=2, batch_size=16, verbose=0, shuffle=False).history["loss"])
    assert losses[0] == losses[1]


def test_trains_with_the_fast_recipe():
    x = np.random.default_rng(0).random((512, 16)).astype("float32")
    model = tiny_vae((16,), latent_dim=2, hidden_units=(16,))
    init_output_bias(model.get_layer("decoder"), x)  # the decoder's output layer; the loss layer comes last
    history = fit_fast(model, x, loss=None, init_output_bias=False, epochs=3, batch_size=128,
                       jit_compile=False, validation_data=x[:64])
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    values = model.evaluate(x[:64], batch_size=64, verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(values["loss"], rel=0.05)


def test_save_load_round_trip(tmp_path):
    model = tiny_vae(beta=0.7, seed=4)
    model.compile(optimizer="adam")
    x = grey_data()
    model.fit(x, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "vae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.get_layer("sampling"), Reparameterization)
    assert loaded.get_layer("sampling").seed == 4 and loaded.get_layer("negative_elbo").beta == 0.7
    # deterministic outputs: the posterior and the decoding of the posterior means
    for a, b in zip(posterior(model, x), posterior(loaded, x)):
        np.testing.assert_array_equal(a, b)
    mean = posterior(model, x)[0].astype("float32")
    np.testing.assert_array_equal(loaded.get_layer("decoder").predict(mean, verbose=0),
                                  model.get_layer("decoder").predict(mean, verbose=0))
    # the random outputs too: the position of the sampling layer's draws is saved
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, batch_size=64, verbose=0) == pytest.approx(
        model.evaluate(x, batch_size=64, verbose=0), rel=1e-6)
    # and the loaded model keeps training without a loss argument
    loaded.compile(optimizer="adam")
    loaded.fit(x, epochs=1, batch_size=16, verbose=0)


def test_conv_save_load_round_trip(tmp_path):
    model = tiny_vae((12, 12, 1), latent_dim=3, architecture="conv", filters=(4,), hidden_units=None)
    x = np.random.default_rng(0).random((8, 12, 12, 1)).astype("float32")
    path = tmp_path / "conv_vae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    for a, b in zip(posterior(model, x), posterior(loaded, x)):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------- scoring a trained model


@pytest.fixture(scope="module")
def trained_1d():
    """A VAE with a 1-d latent, trained a little, and data it has seen."""
    set_seed(0)
    rng = np.random.default_rng(0)
    # each example follows one of two patterns: a Gaussian posterior fits the truth only roughly
    t = rng.random((256, 1)) < 0.5
    probs = t * np.linspace(0.05, 0.95, 10) + (1 - t) * np.linspace(0.95, 0.05, 10)
    x = (rng.random((256, 10)) < probs).astype("float32")
    model = variational_autoencoder((10,), hidden_units=(16,), latent_dim=1, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(x, epochs=20, batch_size=32, verbose=0)
    return model, x[:20]


def exact_nll_1d(model, x):
    """-log p(x) = -log integral p(x | z) N(z; 0, 1) dz, by quadrature on a fine grid."""
    grid = np.linspace(-8, 8, 4001)
    probs = model.get_layer("decoder").predict(grid[:, None].astype("float32"), verbose=0).astype(np.float64)
    probs = np.clip(probs, 1e-7, 1 - 1e-7)
    log_lik = x @ np.log(probs).T + (1 - x) @ np.log(1 - probs).T  # (n, grid)
    log_prior = stats.norm.logpdf(grid)
    return -(logsumexp(log_lik + log_prior, axis=1) + math.log(grid[1] - grid[0]))


def test_importance_sampled_nll_converges_to_the_exact_likelihood(trained_1d):
    model, x = trained_1d
    exact = exact_nll_1d(model, x.astype(np.float64))
    estimate = importance_sampled_nll(model, x, k=5000, seed=0)
    np.testing.assert_allclose(estimate, exact, atol=0.05)
    assert estimate.mean() == pytest.approx(exact.mean(), abs=0.01)


def test_importance_sampled_nll_bound_tightens_with_k(trained_1d):
    model, x = trained_1d
    exact = exact_nll_1d(model, x.astype(np.float64)).mean()
    elbo = negative_elbo(model, x, samples=200, seed=0).negative_elbo.mean()
    repeated = np.repeat(x, 200, axis=0)  # many independent estimates of each example
    k1 = importance_sampled_nll(model, repeated, k=1, seed=0).mean()
    k10 = importance_sampled_nll(model, repeated, k=10, seed=0).mean()
    k100 = importance_sampled_nll(model, repeated, k=100, seed=0).mean()
    assert k1 == pytest.approx(elbo, abs=0.02)  # k = 1 is the ELBO, in expectation
    assert elbo > k10 > k100 >= exact - 0.01
    assert elbo - exact > 0.1  # the gap the bound closes


def test_importance_sampled_nll_is_reproducible_and_validated(trained_1d):
    model, x = trained_1d
    np.testing.assert_array_equal(importance_sampled_nll(model, x, k=5, seed=3),
                                  importance_sampled_nll(model, x, k=5, seed=3))
    with pytest.raises(ValueError, match="Expected `k` to be an integer >= 1. Received: k=0"):
        importance_sampled_nll(model, x, k=0)
    with pytest.raises(ValueError, match="the model's input shape"):
        importance_sampled_nll(model, x[:, :5])
    with pytest.raises(ValueError, match="values in \\[0, 1\\]"):
        importance_sampled_nll(model, x * 255)
    plain = dense_autoencoder((10,), hidden_units=(), latent_dim=2)
    with pytest.raises(TypeError, match="whose encoder has 1 output\\(s\\) \\(a plain autoencoder\\?\\)"):
        importance_sampled_nll(plain, x)
    with pytest.raises(TypeError, match="Expected `model` to be a keras.Model"):
        importance_sampled_nll("vae", x)
    with pytest.raises(ValueError, match="nested models named 'encoder' and 'decoder'"):
        importance_sampled_nll(keras.Sequential([keras.Input((10,)), keras.layers.Dense(10)]), x)


def test_negative_elbo_estimate(trained_1d):
    model, x = trained_1d
    estimate = negative_elbo(model, x, samples=4, seed=0)
    assert isinstance(estimate, ELBOEstimate) and estimate.samples == 4
    mean, log_var = posterior(model, x)
    np.testing.assert_allclose(estimate.kl, kl_by_loops(mean, log_var), rtol=1e-10)
    # the reconstruction term by hand, with the same draws
    rng = np.random.default_rng(0)
    total = np.zeros(len(x))
    for _ in range(4):
        z = mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape)
        total += nll_by_loops(x, model.get_layer("decoder").predict(z.astype("float32"), verbose=0))
    np.testing.assert_allclose(estimate.reconstruction, total / 4, rtol=1e-5)
    d = estimate.as_dict()
    assert d["negative_elbo"] == pytest.approx(d["reconstruction"] + d["kl"])
    assert "negative ELBO" in str(estimate) and "4 sample(s) each" in str(estimate)
    with pytest.raises(ValueError, match="Expected `samples` to be an integer >= 1"):
        negative_elbo(model, x, samples=0)


# ------------------------------------------------------------------ log_mean_exp


def test_log_mean_exp():
    values = RNG.normal(size=(4, 7))
    np.testing.assert_allclose(log_mean_exp(values), np.log(np.exp(values).mean(axis=-1)), rtol=1e-12)
    np.testing.assert_allclose(log_mean_exp(values, axis=0), logsumexp(values, axis=0) - np.log(4), rtol=1e-12)
    assert float(log_mean_exp([-1000.0, -1001.0])) == pytest.approx(-1000 + np.log((1 + np.exp(-1)) / 2))
    assert float(log_mean_exp([800.0, 800.0])) == 800.0  # no overflow
    assert float(log_mean_exp([-np.inf, 0.0])) == pytest.approx(np.log(0.5))
    assert float(log_mean_exp([-np.inf, -np.inf])) == -np.inf


@pytest.mark.parametrize("values, kwargs, error, text", [
    ([np.nan, 0.0], {}, ValueError, "Remove NaN and \\+inf values first"),
    ([np.inf, 0.0], {}, ValueError, "Remove NaN and \\+inf values first"),
    (np.zeros((2, 0)), {}, ValueError, "at least one value along axis -1"),
    ([1.0, 2.0], {"axis": 1}, ValueError, "Expected `axis` to be an integer in \\[-1, 0\\]"),
    ("abc", {}, TypeError, "an array of numbers"),
])
def test_log_mean_exp_rejects_bad_input(values, kwargs, error, text):
    with pytest.raises(error, match=text):
        log_mean_exp(values, **kwargs)


# ------------------------------------------------------------------ active units


def test_active_units():
    means = np.column_stack([RNG.normal(0, 1.0, 100), RNG.normal(0, 0.05, 100), np.full(100, 3.0),
                             RNG.normal(0, 0.5, 100)])
    result = active_units(means)
    assert isinstance(result, ActiveUnits)
    np.testing.assert_allclose(result.variances, means.var(axis=0))
    assert result.count == 2 and result.indices.tolist() == [0, 3]
    assert result.active.tolist() == [True, False, False, True]
    assert str(result) == "2 of 4 latent units active (variance of the mean > 0.01)"
    assert active_units(means, threshold=1e-4).count == 3


@pytest.mark.parametrize("means, kwargs, error, text", [
    (np.zeros(5), {}, ValueError, "at least 2 axes"),
    (np.zeros((1, 3)), {}, ValueError, "at least 2 row"),
    (np.zeros((3, 2, 2)), {}, ValueError, "a 2-D array \\(examples, latent units\\)"),
    (np.zeros((3, 2)), {"threshold": -1}, ValueError, "Expected `threshold` to be a finite number >= 0"),
])
def test_active_units_rejects_bad_input(means, kwargs, error, text):
    with pytest.raises(error, match=text):
        active_units(means, **kwargs)


def test_models_module_re_exports_the_builder():
    import aecourse.models

    assert aecourse.models.variational_autoencoder is variational_autoencoder
    model = aecourse.models.variational_autoencoder((6,), hidden_units=(), latent_dim=2, seed=0)
    assert [layer.name for layer in model.layers][-1] == "negative_elbo"
