"""Tests of aecourse.regularizers: the KL formula, the KL layer's exact penalty, the
L1 scaling of the installed Keras, and the sparsity report."""

import math

import keras
import numpy as np
import pytest

from aecourse.losses import EPSILON
from aecourse.models import dense_autoencoder
from aecourse.regularizers import KLSparsity, SparsityReport, is_bounded_activation, kl_divergence, sparsity_report


def numpy_kl_penalty(codes, rho, beta):
    """beta * sum_j KL(rho || rho_hat_j), written out independently with plain loops."""
    codes = np.asarray(codes, dtype=np.float64)
    total = 0.0
    for j in range(codes.shape[1]):
        q = min(max(codes[:, j].mean(), EPSILON), 1 - EPSILON)
        total += rho * math.log(rho / q) + (1 - rho) * math.log((1 - rho) / (1 - q))
    return beta * total


# ------------------------------------------------------------------ kl_divergence


def test_kl_divergence_by_hand():
    # 0.05 ln(0.05/0.2) + 0.95 ln(0.95/0.8), worked out with math.log
    expected = 0.05 * math.log(0.25) + 0.95 * math.log(0.95 / 0.8)
    assert float(kl_divergence(0.05, 0.2)) == pytest.approx(expected, rel=1e-12)
    assert float(kl_divergence(0.05, 0.2)) == pytest.approx(0.0939430, abs=1e-7)
    assert float(kl_divergence(0.3, 0.3)) == 0.0


def test_kl_divergence_elementwise_and_broadcasting():
    rho_hat = np.array([[0.01, 0.05, 0.5], [0.9, 0.2, 0.05]])
    out = kl_divergence(0.05, rho_hat)
    assert out.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert out[i, j] == pytest.approx(float(kl_divergence(0.05, rho_hat[i, j])), rel=1e-12)
    rhos = np.array([0.05, 0.1, 0.5])
    np.testing.assert_allclose(kl_divergence(rhos, 0.2), [float(kl_divergence(r, 0.2)) for r in rhos])
    assert np.all(out >= 0)


def test_kl_divergence_is_safe_at_0_and_1():
    out = kl_divergence(0.05, np.array([0.0, 1.0]))
    assert np.all(np.isfinite(out))
    assert out[0] == pytest.approx(0.05 * math.log(0.05 / EPSILON) + 0.95 * math.log(0.95 / (1 - EPSILON)))
    assert out[1] == pytest.approx(0.05 * math.log(0.05 / (1 - EPSILON)) + 0.95 * math.log(0.95 / EPSILON))


@pytest.mark.parametrize(
    "rho, rho_hat, message",
    [
        (0.0, 0.5, "Expected `rho` to be values strictly between 0 and 1. Received: rho=0.0. It is the target mean "
                   "activation, e.g. 0.05."),
        (1.0, 0.5, "Expected `rho` to be values strictly between 0 and 1. Received: rho=1.0."),
        (np.array([0.1, 1.5]), 0.5, "Received: rho=array of shape (2,) with values from 0.1 to 1.5."),
        (0.05, 1.2, "Expected `rho_hat` to be values in [0, 1]. Received: rho_hat=1.2. They are mean activations of "
                    "sigmoid code units, in [0, 1]."),
        (0.05, -0.1, "Received: rho_hat=-0.1."),
        (0.05, np.nan, "Expected `rho_hat` to be an array of finite numbers. Received: rho_hat=array of shape () and "
                       "dtype float64. It holds 1 NaN value(s) of 1"),
        (0.05, np.zeros((2, 3)) + 0.1, None),
        (np.full(2, 0.1), np.full(3, 0.1), "Expected `rho_hat` to be an array that broadcasts against rho (shape "
                                           "(2,)). Received: rho_hat=array of shape (3,) and dtype float64."),
        (0.05, np.array([]), "Expected `rho_hat` to be a number or a non-empty array."),
    ],
)
def test_kl_divergence_bad_values(rho, rho_hat, message):
    if message is None:
        kl_divergence(rho, rho_hat)
        return
    with pytest.raises(ValueError) as info:
        kl_divergence(rho, rho_hat)
    assert str(info.value).startswith("kl_divergence: ") and message in str(info.value)


def test_kl_divergence_bad_types():
    with pytest.raises(TypeError, match="^kl_divergence: Expected `rho_hat` to be an array of numbers. "
                                        "Received: rho_hat='abc'."):
        kl_divergence(0.05, "abc")
    with pytest.raises(TypeError, match="^kl_divergence: Expected `rho` to be an array of numbers. Received: rho=None."):
        kl_divergence(None, 0.5)


# --------------------------------------------------------------------- KLSparsity


def small_kl_autoencoder(rho=0.1, beta=0.7, units=6, size=12):
    keras.utils.set_random_seed(0)
    layer = KLSparsity(rho=rho, beta=beta, name="kl_sparsity")
    return dense_autoencoder((size,), hidden_units=(), latent_dim=units, latent_activation="sigmoid",
                             activity_regularizer=layer, name="kl_ae")


def test_kl_layer_passes_input_through_and_adds_exact_penalty():
    rng = np.random.default_rng(0)
    codes = rng.uniform(0.0, 1.0, size=(5, 4)).astype("float32")
    layer = KLSparsity(rho=0.05, beta=0.5, name="kl_sparsity")
    out = layer(codes)
    np.testing.assert_array_equal(np.asarray(out), codes)
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == pytest.approx(numpy_kl_penalty(codes, 0.05, 0.5), rel=1e-5)
    assert float(layer.penalty(codes)) == pytest.approx(numpy_kl_penalty(codes, 0.05, 0.5), rel=1e-5)
    # the same value through the NumPy reference of the package
    expected = 0.5 * kl_divergence(0.05, codes.astype(np.float64).mean(axis=0)).sum()
    assert float(layer.losses[0]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("batch_size", [1, 3, 16, 50])
def test_kl_penalty_equals_formula_for_any_batch_size(batch_size):
    """Model loss minus reconstruction loss == beta * sum_j KL(rho || rho_hat_j), not divided by the batch."""
    model = small_kl_autoencoder()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(batch_size)
    x = rng.uniform(0, 1, size=(batch_size, 12)).astype("float32")
    total = model.evaluate(x, x, batch_size=batch_size, verbose=0)
    reconstruction = np.mean((model.predict(x, verbose=0).astype(np.float64) - x) ** 2)
    codes = model.get_layer("encoder").predict(x, verbose=0)
    expected = numpy_kl_penalty(codes, 0.1, 0.7)
    assert total - reconstruction == pytest.approx(expected, rel=1e-4, abs=1e-5)
    # and the same through model.losses after a direct call
    model(x)
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-4)


def test_kl_penalty_is_what_training_minimises():
    """The loss fit logs for one full-batch step is reconstruction + the penalty before the step."""
    model = small_kl_autoencoder(rho=0.05, beta=0.2)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.random.default_rng(1).uniform(0, 1, size=(8, 12)).astype("float32")
    logged = model.fit(x, x, batch_size=8, epochs=1, verbose=0, shuffle=False).history["loss"][0]
    codes = model.get_layer("encoder").predict(x, verbose=0)
    reconstruction = np.mean((model.predict(x, verbose=0).astype(np.float64) - x) ** 2)
    assert logged == pytest.approx(reconstruction + numpy_kl_penalty(codes, 0.05, 0.2), rel=1e-4)


def test_kl_penalty_moves_rho_hat_towards_rho():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,), name="input")
    code = keras.layers.Dense(5, activation="sigmoid", name="code")(inputs)
    code = KLSparsity(rho=0.05, beta=1.0, name="kl_sparsity")(code)
    model = keras.Model(inputs, code, name="only_penalty")
    model.compile(optimizer=keras.optimizers.Adam(0.2), loss=lambda y, p: 0.0 * keras.ops.mean(p))
    x = np.random.default_rng(0).uniform(0, 1, size=(256, 4)).astype("float32")
    before = sparsity_report(model.predict(x, verbose=0)).rho_hat
    model.fit(x, x[:, :1], batch_size=16, epochs=3, verbose=0)
    after = sparsity_report(model.predict(x, verbose=0)).rho_hat
    assert np.all(np.abs(after - 0.05) < np.abs(before - 0.05))
    assert np.all(np.abs(after - 0.05) < 0.03)


def test_kl_layer_config_round_trip():
    layer = KLSparsity(rho=0.02, beta=3.5, name="kl")
    config = layer.get_config()
    assert config["rho"] == 0.02 and config["beta"] == 3.5 and config["name"] == "kl"
    assert all(isinstance(config[k], float) for k in ("rho", "beta"))
    clone = KLSparsity.from_config(config)
    assert (clone.rho, clone.beta, clone.name) == (0.02, 3.5, "kl")
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == "aecourse>KLSparsity"
    again = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(again, KLSparsity) and (again.rho, again.beta) == (0.02, 3.5)


def test_kl_model_save_load_round_trip(tmp_path):
    model = small_kl_autoencoder(rho=0.05, beta=0.3)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(2).uniform(0, 1, size=(10, 12)).astype("float32")
    model.fit(x, x, epochs=1, batch_size=5, verbose=0)
    path = tmp_path / "kl.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    layer = loaded.get_layer("encoder").get_layer("kl_sparsity")
    assert isinstance(layer, KLSparsity) and (layer.rho, layer.beta) == (0.05, 0.3)
    assert loaded.evaluate(x, x, batch_size=10, verbose=0) == pytest.approx(
        model.evaluate(x, x, batch_size=10, verbose=0), rel=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"rho": 0.0}, ValueError, "Expected `rho` to be a finite number in (0, 1). Received: rho=0.0. It is the "
                                   "target mean activation of a code unit, e.g. 0.05."),
        ({"rho": 1}, ValueError, "Received: rho=1."),
        ({"rho": -0.2}, ValueError, "Received: rho=-0.2."),
        ({"rho": "0.05"}, TypeError, "Expected `rho` to be a finite number in (0, 1). Received: rho='0.05'."),
        ({"rho": True}, TypeError, "Received: rho=True."),
        ({"beta": -1.0}, ValueError, "Expected `beta` to be a finite number >= 0. Received: beta=-1.0. It is the "
                                     "weight of the penalty, e.g. 0.01; 0 switches it off."),
        ({"beta": float("inf")}, ValueError, "Received: beta=inf."),
        ({"beta": float("nan")}, ValueError, "Received: beta=nan. It is NaN (not a number)"),
        ({"beta": None}, TypeError, "Expected `beta` to be a finite number >= 0. Received: beta=None."),
    ],
)
def test_kl_layer_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error) as info:
        KLSparsity(**kwargs)
    assert message in str(info.value)
    assert str(info.value).startswith("KLSparsity: ")


def test_kl_layer_rejects_concrete_activations_outside_the_unit_interval():
    """ReLU codes (values above 1) make the penalty meaningless: a concrete batch is refused
    with the fix; inside fit's traced graph the builders and train check the model instead."""
    layer = KLSparsity()
    with pytest.raises(ValueError, match=r"^KLSparsity: Expected `activations` to be values in \[0, 1\]\. Received: "
                                         r"activations=array of shape \(4, 3\) and dtype float32 with values from 0 to "
                                         r"2\.5\. The KL penalty compares mean activations with rho, so the code must "
                                         r"lie in \[0, 1\]: use a sigmoid code layer \(latent_activation='sigmoid'\)\."):
        layer(np.linspace(0, 2.5, 12, dtype="float32").reshape(4, 3))
    with pytest.raises(ValueError, match="Expected `activations` to be values in"):
        layer.penalty(np.full((2, 2), -0.5, "float32"))
    assert float(layer.penalty(np.full((2, 2), 0.05, "float32"))) == pytest.approx(0.0, abs=1e-7)


def test_bounded_activations():
    assert [is_bounded_activation(a) for a in ("sigmoid", keras.activations.sigmoid, "hard_sigmoid", "softmax")] \
        == [True] * 4
    assert [is_bounded_activation(a) for a in (None, "linear", "relu", "tanh", "bogus", 3)] == [False] * 6


def test_kl_layer_beta_zero_adds_nothing():
    layer = KLSparsity(rho=0.05, beta=0)
    layer(np.full((4, 3), 0.7, dtype="float32"))
    assert float(layer.losses[0]) == 0.0


# ------------------------------------------------------------------- L1 scaling


@pytest.mark.parametrize("batch_size", [1, 4, 32])
def test_l1_activity_regularizer_is_divided_by_batch_size(batch_size):
    """Pins Keras 3.15: the added loss is l1 * sum|a| / batch_size (a per-input strength)."""
    keras.utils.set_random_seed(0)
    l1 = 0.01
    model = dense_autoencoder((10,), hidden_units=(), latent_dim=6, latent_activation=None,
                              activity_regularizer=keras.regularizers.L1(l1), name="l1_ae")
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(batch_size).normal(size=(batch_size, 10)).astype("float32")
    codes = model.get_layer("encoder").predict(x, verbose=0).astype(np.float64)
    per_input = l1 * np.abs(codes).sum() / batch_size
    model(x)
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(per_input, rel=1e-5)
    if batch_size > 1:
        assert float(model.losses[0]) != pytest.approx(l1 * np.abs(codes).sum(), rel=1e-3)
    total = model.evaluate(x, x, batch_size=batch_size, verbose=0)
    reconstruction = np.mean((model.predict(x, verbose=0).astype(np.float64) - x) ** 2)
    assert total - reconstruction == pytest.approx(per_input, rel=1e-4, abs=1e-6)


def test_l1_as_regularizer_vs_kl_as_layer_in_dense_autoencoder():
    """The builder puts an L1 regularizer on the code layer and a KLSparsity layer after it."""
    l1_model = dense_autoencoder((8,), hidden_units=(), latent_dim=3,
                                 activity_regularizer=keras.regularizers.L1(1e-3))
    kl_model = dense_autoencoder((8,), hidden_units=(), latent_dim=3, latent_activation="sigmoid",
                                 activity_regularizer=KLSparsity(name="kl_sparsity"))
    assert isinstance(l1_model.get_layer("encoder").get_layer("code").activity_regularizer, keras.regularizers.L1)
    names = [layer.name for layer in kl_model.get_layer("encoder").layers]
    assert names[-2:] == ["code", "kl_sparsity"]


# -------------------------------------------------------------- sparsity_report


def test_sparsity_report_on_hand_made_codes():
    codes = np.array(
        [
            [0.9, 0.0, 0.05, 0.2],
            [0.8, 0.0, 0.00, 0.0],
            [0.0, 0.0, 0.10, 0.6],
        ]
    )
    report = sparsity_report(codes, threshold=0.1)
    assert isinstance(report, SparsityReport)
    np.testing.assert_allclose(report.rho_hat, [1.7 / 3, 0.0, 0.05, 0.8 / 3])
    np.testing.assert_allclose(report.active_fraction, [2 / 4, 1 / 4, 1 / 4])  # 0.10 is not > 0.1
    np.testing.assert_allclose(report.unit_active_rate, [2 / 3, 0, 0, 2 / 3])
    assert report.dead_units.tolist() == [1, 2]
    assert (report.n_units, report.n_inputs, report.n_dead) == (4, 3, 2)
    assert report.mean_activation == pytest.approx((1.7 / 3 + 0.05 + 0.8 / 3) / 4)
    assert report.mean_active_fraction == pytest.approx(1 / 3)
    assert report.mean_active_units == pytest.approx(4 / 3)
    row = report.as_dict()
    assert row["dead_units"] == 2 and row["units"] == 4 and isinstance(row["mean_activation"], float)
    text = str(report)
    assert "4 units, 3 inputs, active = activation > 0.1" in text
    assert "active units per input: 1.3 of 4 (fraction 0.333)" in text
    assert "dead units (never active): 2" in text
    # a lower threshold wakes unit 2 up
    assert sparsity_report(codes, threshold=0.0).dead_units.tolist() == [1]


@pytest.mark.parametrize(
    "codes, kwargs, error, message",
    [
        (np.zeros(5), {}, ValueError, "Expected `codes` to be an array with at least 2 axes, (examples, ...). "
                                      "Received: codes=array of shape (5,) and dtype float64."),
        (np.zeros((2, 3, 4)), {}, ValueError, "Expected `codes` to be a 2-D array of shape (inputs, units). Received: "
                                              "codes=array of shape (2, 3, 4) and dtype float64. Reshape feature maps "
                                              "with codes.reshape(len(codes), -1) first."),
        (np.zeros((0, 3)), {}, ValueError, "Expected `codes` to be an array with at least 1 row(s). Received: "
                                           "codes=array of shape (0, 3)"),
        (np.zeros((3, 0)), {}, ValueError, "Expected `codes` to be at least one unit."),
        (np.array([[0.1, np.nan]]), {}, ValueError, "Expected `codes` to be an array of finite numbers."),
        (np.array([["a", "b"]]), {}, TypeError, "Expected `codes` to be an array of numbers. Received: codes=array of "
                                                "shape (1, 2) and dtype <U1."),
        (np.zeros((2, 2)), {"threshold": "0.1"}, TypeError, "Expected `threshold` to be a finite number. Received: "
                                                            "threshold='0.1'. Use 0.1 for sigmoid codes, 0 for ReLU "
                                                            "codes."),
        (np.zeros((2, 2)), {"threshold": np.nan}, ValueError, "Received: threshold=nan. It is NaN"),
    ],
)
def test_sparsity_report_bad_input(codes, kwargs, error, message):
    with pytest.raises(error) as info:
        sparsity_report(codes, **kwargs)
    assert str(info.value).startswith("sparsity_report: ") and message in str(info.value)


@pytest.mark.parametrize("digits, error", [(-1, ValueError), (18, ValueError), (2.5, TypeError), ("3", TypeError)])
def test_summary_digits(digits, error):
    report = sparsity_report(np.array([[0.9, 0.0], [0.7, 0.05]]))
    with pytest.raises(error, match=rf"^SparsityReport\.summary: Expected `digits` to be an integer in \[0, 17\]\. "
                                    rf"Received: digits={digits!r}\. Use a number of decimals such as 3\.$"):
        report.summary(digits=digits)
    assert report.summary(digits=np.int64(1)).splitlines()[1] == "mean activation (mean of rho_hat): 0.4"
