"""Tests of the fast training recipe, aecourse.fast: FastRecipe, init_output_bias, fit_fast."""

import dataclasses
import math
import re

import keras
import numpy as np
import pytest

from aecourse.models import dense_autoencoder
from aecourse.fast import FastRecipe, fit_fast, init_output_bias
from aecourse.training import FitResult, set_seed


@pytest.fixture
def x():
    return np.random.default_rng(0).random((256, 12), dtype=np.float32)


def small_model(**kwargs):
    return dense_autoencoder(input_shape=(12,), hidden_units=(8,), latent_dim=3, **kwargs)


# ------------------------------------------------------------------ FastRecipe


@pytest.mark.parametrize("field, value, error, message", [
    ("batch_size", 0, ValueError, "Expected `batch_size` to be an integer in [1, 1048576]. Received: batch_size=0."),
    ("batch_size", 2.5, TypeError, "Expected `batch_size` to be an integer in"),
    ("learning_rate", 0.0, ValueError, "Expected `learning_rate` to be a finite number in (0, 10]. "
                                       "Received: learning_rate=0.0."),
    ("epochs", True, TypeError, "Received: epochs=True."),
    ("warmup_fraction", 1.0, ValueError, "Expected `warmup_fraction` to be a finite number in [0, 1). "
                                         "Received: warmup_fraction=1.0."),
    ("start_fraction", -0.1, ValueError, "`start_fraction` to be a finite number in [0, 1]"),
    ("jit_compile", "yes", TypeError, "Expected `jit_compile` to be True or False. Received: jit_compile='yes'."),
])
def test_recipe_rejects_bad_fields(field, value, error, message):
    with pytest.raises(error, match="^FastRecipe: .*" + re.escape(message)):
        FastRecipe(**{field: value})


def test_recipe_has_no_private_optimizer_path():
    assert "fused_adam" not in {f.name for f in dataclasses.fields(FastRecipe)}
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['fused_adam'\]"):
        fit_fast(small_model(), np.zeros((256, 12), "float32"), fused_adam=True)


def test_steps_per_epoch_drops_the_partial_batch():
    assert FastRecipe(batch_size=512).steps_per_epoch(60000) == 117
    assert FastRecipe(batch_size=256).steps_per_epoch(256) == 1
    with pytest.raises(ValueError, match=r"Expected `n_examples` to be at least one batch \(256 examples\). "
                                         "Received: n_examples=100. Use a smaller batch_size."):
        FastRecipe(batch_size=256).steps_per_epoch(100)


def reference_rate(step, peak, start, end, warmup, total):
    """Warm-up then cosine, written out independently of Keras."""
    if step < warmup:
        return peak * start + (peak - peak * start) * step / warmup
    t = min(step - warmup, total - warmup) / (total - warmup)
    return peak * (end + (1 - end) * 0.5 * (1 + math.cos(math.pi * t)))


@pytest.mark.parametrize("end", [0.0, 0.1])
def test_schedule_matches_a_numpy_reference(end):
    recipe = FastRecipe(learning_rate=0.01, epochs=4, warmup_fraction=0.25, start_fraction=0.1, end_fraction=end)
    schedule = recipe.learning_rate_schedule(10)  # 40 steps, 10 of warm-up
    for step in [0, 1, 5, 10, 11, 20, 25, 39, 40]:
        expected = reference_rate(step, 0.01, 0.1, end, 10, 40)
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5, abs=1e-9), step
    assert float(schedule(10)) == pytest.approx(0.01)


def test_schedule_and_optimizer_serialize():
    schedule = FastRecipe(epochs=3).learning_rate_schedule(7)
    again = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(schedule))
    assert [float(again(s)) for s in (0, 3, 20)] == pytest.approx([float(schedule(s)) for s in (0, 3, 20)])
    assert isinstance(FastRecipe().optimizer(10), keras.optimizers.Adam)
    with pytest.raises(ValueError, match="Expected `steps_per_epoch` to be an integer >= 1"):
        FastRecipe().learning_rate_schedule(0)


# ------------------------------------------------------------ init_output_bias


def test_init_output_bias_outputs_the_mean_example(x):
    set_seed(0)
    model = small_model()
    layer = init_output_bias(model, x)
    assert layer.name == "reconstruction"
    mean = np.clip(x.mean(axis=0), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(1 / (1 + np.exp(-layer.bias.numpy())), mean, rtol=1e-5)
    # with all kernels zero the model's output is exactly the mean
    for weight in model.weights:
        if weight.path.endswith("kernel"):
            weight.assign(np.zeros(weight.shape, dtype="float32"))
    np.testing.assert_allclose(model.predict(x[:3], verbose=0), np.tile(mean, (3, 1)), rtol=1e-5)


def test_init_output_bias_linear_output_and_images():
    images = np.random.default_rng(1).random((20, 4, 4, 1), dtype=np.float32)
    model = dense_autoencoder(input_shape=(4, 4, 1), hidden_units=(), latent_dim=2, output_activation=None)
    layer = init_output_bias(model, images)
    np.testing.assert_allclose(layer.bias.numpy(), images.reshape(20, -1).mean(axis=0), rtol=1e-5)


def test_init_output_bias_rejects_bad_input(x):
    with pytest.raises(TypeError, match=r"Expected `model` to be a keras.Model. Received: model=\[1\]"):
        init_output_bias([1], x)
    with pytest.raises(ValueError, match="'sigmoid' or 'linear' activation \\(layer 'reconstruction' has 'relu'\\).*"
                                         "init_output_bias=False"):
        init_output_bias(small_model(output_activation="relu"), x)
    with pytest.raises(ValueError, match=r"with 12 values per example.*Received: x=array of shape \(256, 5\)"):
        init_output_bias(small_model(), x[:, :5])
    conv_like = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 3, padding="same")], name="conv")
    with pytest.raises(ValueError, match="output comes from a Dense layer.*Received: model='conv'"):
        init_output_bias(conv_like, np.zeros((2, 4, 4, 1)))


# -------------------------------------------------------------------- fit_fast


def test_fit_fast_trains_and_reports(x):
    set_seed(0)
    model = small_model()
    result = fit_fast(model, x, epochs=3, batch_size=64, validation_data=x[:64], learning_rate=0.01)
    assert isinstance(result, FitResult)
    logs = result.history
    assert sorted(logs) == ["loss", "val_loss"] and len(logs["loss"]) == 3 == len(logs["val_loss"])
    assert all(isinstance(v, float) for v in logs["loss"] + logs["val_loss"])
    assert logs["loss"][-1] < logs["loss"][0]
    assert len(result.times) == 3 and list(result.times) == sorted(result.times)
    assert len(result.epoch_seconds) == 3 and result.seconds >= result.times[-1]
    assert sum(result.epoch_seconds) + result.eval_seconds <= result.seconds
    assert 0 < result.eval_seconds < result.seconds and result.reached_at is None
    assert result.recipe.epochs == 3 and result.recipe.batch_size == 64 and result.target_loss is None
    # the reported validation loss is Keras' own binary cross-entropy
    assert logs["val_loss"][-1] == pytest.approx(model.evaluate(x[:64], x[:64], verbose=0), rel=1e-5)


def test_fit_fast_is_reproducible(x):
    runs = []
    for _ in range(2):
        set_seed(0)
        runs.append(fit_fast(small_model(), x, epochs=2, batch_size=32).history["loss"])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_fast_full_batch_matches_keras_fit(x, jit_compile):
    """With one batch per epoch, the compiled loop takes the same Adam steps as model.fit."""
    recipe = FastRecipe(batch_size=len(x), epochs=4, learning_rate=0.01, init_output_bias=False,
                        jit_compile=jit_compile)
    set_seed(0)
    ours = small_model()
    start = [w.numpy() for w in ours.weights]
    fit_fast(ours, x, recipe=recipe)
    theirs = small_model()
    theirs.set_weights(start)
    theirs.compile(optimizer=recipe.optimizer(1), loss="binary_crossentropy")
    theirs.fit(x, x, batch_size=len(x), epochs=4, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    # the optimizer's state is Keras' own: same step count, same moments
    assert int(ours.optimizer.iterations) == 4 == int(theirs.optimizer.iterations)
    for a, b in zip(ours.optimizer.variables, theirs.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-7)


def test_fit_fast_stops_at_the_target(x):
    set_seed(0)
    result = fit_fast(small_model(), x, epochs=5, batch_size=64, validation_data=(x[:32], x[:32]),
                      target_loss=10.0)
    assert len(result.history["val_loss"]) == 1 and result.reached_at == result.times[0]
    assert result.target_loss == 10.0 and result.epochs == 1


def test_fit_fast_images_and_xla(tmp_path):
    images = np.random.default_rng(2).random((128, 4, 4, 1), dtype=np.float32)
    set_seed(0)
    model = dense_autoencoder(input_shape=(4, 4, 1), hidden_units=(6,), latent_dim=2)
    fit_fast(model, images, epochs=1, batch_size=32, jit_compile=True)
    path = tmp_path / "fast.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(images[:4], verbose=0), model.predict(images[:4], verbose=0))


def test_fit_fast_rejects_bad_input(x):
    model = small_model()
    with pytest.raises(TypeError, match="fit_fast: Expected `model` to be a keras.Model. Received: model='model'"):
        fit_fast("model", x)
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['epoch'\]"):
        fit_fast(model, x, epoch=3)
    with pytest.raises(TypeError, match="Expected `recipe` to be a FastRecipe. Received: recipe={'epochs': 3}"):
        fit_fast(model, x, recipe={"epochs": 3})
    with pytest.raises(ValueError, match="Expected `target_loss` to be None when there is no validation_data"):
        fit_fast(model, x, target_loss=0.3)
    with pytest.raises(ValueError, match=r"Expected `y` to be an array with as many examples as x \(256\). Received: y=array of shape \(10, 12\)"):
        fit_fast(model, x, x[:10])
    with pytest.raises(ValueError, match=r"Expected `x` to be an array with at least 2 axes.*x\[None\]"):
        fit_fast(model, x[0])
    with pytest.raises(ValueError, match="Expected `every` to be an integer >= 0. Received: every=-1."):
        fit_fast(model, x, every=-1)
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be \(x_val, y_val\) or x_val. "
                                         r"Received: validation_data=\(array of shape \(256, 12\)"):
        fit_fast(model, x, validation_data=(x, x, x))
    with pytest.raises(ValueError, match="Expected `n_examples` to be at least one batch"):
        fit_fast(model, x[:100])
