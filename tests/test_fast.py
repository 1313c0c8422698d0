"""Tests of the fast training recipe, aecourse.fast: FastRecipe, init_output_bias, fit_fast."""

import dataclasses
import math
import re

import keras
import numpy as np
import pytest

from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.sae import sparse_autoencoder
from aecourse.vae import variational_autoencoder
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
    pooled = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.MaxPooling2D(1, name="pool")], name="pool")
    with pytest.raises(ValueError, match="Received: model='pool'. Its output comes from layer 'pool' "
                                         r"\(MaxPooling2D\), which has no bias to set. .*init_output_bias=False"):
        init_output_bias(pooled, np.zeros((2, 4, 4, 1)))


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
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be \(x_val, y_val\), \[x_val, y_val\], "
                                         r"\(x_val,\) or x_val. Received: validation_data=\(array of shape "
                                         r"\(256, 12\).*A third entry \(sample weights\) is not supported."):
        fit_fast(model, x, validation_data=(x, x, x))
    with pytest.raises(ValueError, match="Expected `n_examples` to be at least one batch"):
        fit_fast(model, x[:100])


# ------------------------------------------------- convolutional and other models


def images(shape=(8, 8, 2), n=64, seed=3):
    """Images in [0, 1] whose channels have clearly different means."""
    rng = np.random.default_rng(seed)
    out = rng.random((n,) + shape, dtype=np.float32)
    out[..., 0] *= 0.3
    return out


def zero_kernels(model):
    for weight in model.weights:
        if weight.path.endswith("kernel"):
            weight.assign(np.zeros(weight.shape, dtype="float32"))


@pytest.mark.parametrize("upsampling, shape, kernel_size", [
    ("transpose", (8, 8, 2), 3),
    ("transpose", (6, 9, 2), 4),  # the builder crops after the transposed convolution
    ("nearest", (7, 9, 2), 3),    # zero padding before the last convolution
    ("bilinear", (8, 8, 2), 3),
])
def test_init_output_bias_conv_is_one_bias_per_channel(upsampling, shape, kernel_size):
    x = images(shape)
    set_seed(0)
    model = conv_autoencoder(shape, filters=(4,), latent_dim=2, upsampling=upsampling, kernel_size=kernel_size)
    layer = init_output_bias(model, x)
    assert layer.name in ("decoder_upconv_1", "decoder_conv_1") and layer.bias.shape == (2,)
    channel_mean = x.reshape(-1, 2).astype("float64").mean(axis=0)
    np.testing.assert_allclose(layer.bias.numpy(), np.log(channel_mean / (1 - channel_mean)), rtol=1e-5)
    # with every kernel at zero, the model outputs each channel's mean at every pixel
    zero_kernels(model)
    out = model.predict(x[:2], verbose=0)
    np.testing.assert_allclose(out, np.broadcast_to(channel_mean, out.shape), rtol=1e-5)


def test_init_output_bias_conv_linear_output_and_activation_layer():
    x = images((8, 8, 2))
    linear = conv_autoencoder((8, 8, 2), filters=(4,), latent_dim=2, output_activation=None)
    np.testing.assert_allclose(init_output_bias(linear, x).bias.numpy(), x.reshape(-1, 2).mean(axis=0),
                               rtol=1e-5)
    # a linear convolution followed by an Activation layer: the activation that counts is the layer's
    model = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Conv2D(2, 3, padding="same", name="out"),
                              keras.layers.Activation("sigmoid", name="squash")], name="seq")
    m = x.reshape(-1, 2).mean(axis=0)
    np.testing.assert_allclose(init_output_bias(model, x).bias.numpy(), np.log(m / (1 - m)), rtol=1e-4)


def test_init_output_bias_refuses_what_it_cannot_set_and_names_the_layer():
    x = images((8, 8, 2))
    no_bias = keras.Sequential([keras.Input((8, 8, 2)),
                                keras.layers.Conv2D(2, 3, padding="same", use_bias=False, name="out")], name="nb")
    with pytest.raises(ValueError, match=r"Its output layer 'out' has no bias \(use_bias=False\). "
                                         "Train it with init_output_bias=False."):
        init_output_bias(no_bias, x)
    relu = conv_autoencoder((8, 8, 2), filters=(4,), latent_dim=2, output_activation="relu")
    with pytest.raises(ValueError, match="layer 'decoder_upconv_1' has 'relu'.*init_output_bias=False"):
        init_output_bias(relu, x)
    sae = sparse_autoencoder((6,), latent_dim=12, k=2, seed=0)
    with pytest.raises(ValueError, match=r"Its output comes from layer 'topk' \(TopK\), which has no bias to set. "
                                         "Train it with init_output_bias=False."):
        init_output_bias(sae, np.zeros((4, 6), "float32"))
    model = conv_autoencoder((8, 8, 2), filters=(4,), latent_dim=2)
    with pytest.raises(ValueError, match=r"Expected `x` to be images with 2 channel\(s\), the output channels of "
                                         r"layer 'decoder_upconv_1' \(Conv2DTranspose\), which outputs \(8, 8, 2\) "
                                         r"per example. Received: x=array of shape \(64, 8, 8, 1\)"):
        init_output_bias(model, x[..., :1])
    with pytest.raises(ValueError, match=r"Expected `x` to be values in \[0, 1\] for the model's sigmoid output. "
                                         r"Received: x=array of shape \(64, 8, 8, 2\) and dtype uint8 with values "
                                         r"from 0 to \d+. .*divide by 255"):
        init_output_bias(model, (x * 255).astype("uint8"))


def test_init_output_bias_vae_decoder_behind_its_loss_layer():
    x = images((8, 8, 1))
    model = variational_autoencoder((8, 8, 1), latent_dim=2, architecture="conv", filters=(4,), seed=0)
    layer = init_output_bias(model, x)
    assert layer.name == "decoder_upconv_1"
    assert layer.bias.numpy()[0] == pytest.approx(float(np.log(x.mean() / (1 - x.mean()))), rel=1e-5)


@pytest.mark.parametrize("upsampling, jit_compile", [("transpose", True), ("nearest", False),
                                                     ("bilinear", False)])
def test_fit_fast_trains_conv_autoencoders(tmp_path, upsampling, jit_compile):
    x = images((8, 8, 2), n=128)
    set_seed(0)
    model = conv_autoencoder((8, 8, 2), filters=(4, 8), latent_dim=3, upsampling=upsampling)
    result = fit_fast(model, x, epochs=3, batch_size=32, validation_data=x[:32], jit_compile=jit_compile)
    logs = result.history
    assert len(logs["loss"]) == 3 and logs["loss"][-1] < logs["loss"][0]
    assert logs["val_loss"][-1] == pytest.approx(model.evaluate(x[:32], x[:32], verbose=0), rel=1e-5)
    path = tmp_path / "cae.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), rtol=1e-6)


def test_fit_fast_conv_full_batch_matches_keras_fit():
    """The same contract as for dense models: one batch per epoch takes model.fit's Adam steps."""
    x = images((8, 8, 1), n=64)
    recipe = FastRecipe(batch_size=len(x), epochs=3, learning_rate=0.01, init_output_bias=False,
                        jit_compile=False)
    set_seed(0)
    ours = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    start = [w.numpy() for w in ours.weights]
    fit_fast(ours, x, recipe=recipe)
    theirs = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    theirs.set_weights(start)
    theirs.compile(optimizer=recipe.optimizer(1), loss="binary_crossentropy")
    theirs.fit(x, x, batch_size=len(x), epochs=3, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_fit_fast_vae_with_its_own_loss():
    x = images((8, 8, 1), n=64)
    set_seed(0)
    model = variational_autoencoder((8, 8, 1), latent_dim=2, architecture="conv", filters=(4,), seed=0)
    result = fit_fast(model, x, loss=None, epochs=2, batch_size=32, validation_data=(x[:32],), jit_compile=False)
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.history["val_loss"][-1] > 0  # nats per example: the negative ELBO, not a mean per pixel
    with pytest.raises(ValueError, match="Expected `loss` to be a Keras loss, since the model adds no loss of its "
                                         "own. Received: loss=None. Pass loss='binary_crossentropy' or 'mse'."):
        fit_fast(small_model(), np.random.default_rng(0).random((64, 12), dtype="float32"), loss=None,
                 epochs=1, batch_size=32, jit_compile=False)
    for loss in ("binary_crossentropy", "mse"):  # the default loss too: a second loss on top of the ELBO
        with pytest.raises(ValueError, match=r"Expected `loss` to be None for model 'variational_autoencoder', "
                                             r"whose layer 'negative_elbo' adds its own loss.*Pass loss=None"):
            fit_fast(model, x, loss=loss, epochs=1, batch_size=32, jit_compile=False)
    with pytest.raises(ValueError, match="Pass loss=None"):
        fit_fast(model, x, epochs=1, batch_size=32, jit_compile=False)


def test_fit_fast_sparse_autoencoder():
    acts = np.random.default_rng(0).normal(size=(128, 6)).astype("float32")
    sae = sparse_autoencoder((6,), latent_dim=12, k=2, seed=0)
    with pytest.raises(ValueError, match=r"layer 'topk' \(TopK\).*init_output_bias=False"):
        fit_fast(sae, acts, loss="mse", epochs=1, batch_size=32)
    result = fit_fast(sae, acts, loss="mse", epochs=2, batch_size=32, init_output_bias=False, jit_compile=False)
    assert result.epochs == 2 and np.isfinite(result.history["loss"]).all()
    with pytest.raises(ValueError, match=r"Expected `x` to be values in \[0, 1\] for the binary cross-entropy "
                                         "loss.*Scale the data into"):
        fit_fast(sae, acts, init_output_bias=False)


@pytest.mark.parametrize("bad, fix", [
    ("uint8", re.escape("These look like 8-bit images (values 0-255): divide by 255 first, "
                        "e.g. x = x.astype('float32') / 255.")),
    ("float255", re.escape("Scale the data into [0, 1] (pixels from 0 to 255: divide by 255), or use a loss "
                           "such as 'mse' with a linear output.")),
    ("signed", re.escape("Scale the data into [0, 1] (pixels from 0 to 255: divide by 255)")),
])
def test_fit_fast_refuses_data_outside_0_1_with_bce(bad, fix):
    x = images((8, 8, 1), n=64)
    data = {"uint8": (x * 255).astype("uint8"), "float255": x * 255, "signed": x * 2 - 1}[bad]
    model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    with pytest.raises(ValueError, match=r"^fit_fast: Expected `x` to be values in \[0, 1\] for the binary "
                                         r"cross-entropy loss. Received: x=array of shape \(64, 8, 8, 1\) and dtype "
                                         r"\w+ with values from .*" + fix):
        fit_fast(model, data, epochs=1, batch_size=32)
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be values in \[0, 1\].*" + fix):
        fit_fast(model, x, validation_data=data, epochs=1, batch_size=32)
    with pytest.raises(ValueError, match=r"Expected `x` to be values in \[0, 1\] for the binary cross-entropy"):
        fit_fast(model, data, epochs=1, batch_size=32, loss=keras.losses.BinaryCrossentropy())


def test_fit_fast_refuses_nan_and_inf():
    x = images((8, 8, 1), n=64)
    model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    bad = x.copy()
    bad[3, 2, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"Expected `x` to be an array of finite numbers.*1 NaN"):
        fit_fast(model, bad, epochs=1, batch_size=32)
    bad[3, 2, 2, 0] = np.inf
    with pytest.raises(ValueError, match=r"Expected `validation_data\[1\]` to be an array of finite numbers"):
        fit_fast(model, x, validation_data=(x[:8], bad[:8]), epochs=1, batch_size=32)


def test_fit_fast_validation_data_as_a_list_or_a_one_tuple():
    x = images((8, 8, 1), n=64)
    losses = []
    for validation in ((x[:16], x[:16]), [x[:16], x[:16]], (x[:16],), [x[:16]], x[:16]):
        set_seed(0)
        model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
        losses.append(fit_fast(model, x, validation_data=validation, epochs=1, batch_size=32,
                               jit_compile=False).history["val_loss"])
    assert all(v == losses[0] for v in losses)


def test_fit_fast_explains_a_bad_loss_and_a_wrong_shape():
    x = images((8, 8, 1), n=64)
    model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    with pytest.raises(ValueError) as info:
        fit_fast(model, x, loss="bogus")
    assert str(info.value) == ("fit_fast: Expected `loss` to be a Keras loss: a name such as "
                               "'binary_crossentropy' or 'mse', a keras.losses.Loss object, or a function "
                               "loss(y_true, y_pred). Received: loss='bogus'. Or None, for a model that adds "
                               "its own loss.")
    with pytest.raises(TypeError, match="Expected `loss` to be a Keras loss: .*Received: loss=3."):
        fit_fast(model, x, loss=3)
    with pytest.raises(ValueError, match=r"^fit_fast: Expected `x` to be an array shaped like the model's input, "
                                         r"\(examples,\) \+ \(8, 8, 1\). Received: x=array of shape \(64, 64\).*"
                                         r"Reshape it: 64 examples of \(8, 8, 1\), e.g. x.reshape"):
        fit_fast(model, x.reshape(64, 64))
    with pytest.raises(ValueError, match=r"^fit_fast: Expected `y` to be an array shaped like the model's output, "
                                         r"\(examples,\) \+ \(8, 8, 1\). Received: y=array of shape \(64, 8, 8\)"):
        fit_fast(model, x, x[..., 0])
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be an array shaped like the model's "
                                         r"input, \(examples,\) \+ \(8, 8, 1\)"):
        fit_fast(model, x, validation_data=x[:8, :4])
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be an array shaped like the model's "
                                         r"output, \(examples,\) \+ \(8, 8, 1\)"):
        fit_fast(model, x, validation_data=(x[:8], x[:8, :4]))


def test_fit_fast_without_xla_where_deterministic_ops_forbid_it():
    """set_seed turns TensorFlow's deterministic ops on; XLA has no deterministic max-pooling
    gradient, so the loop runs without XLA and the result's recipe says so."""
    x = images((8, 8, 1), n=64)
    set_seed(0)  # deterministic=True
    model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)
    result = fit_fast(model, x, epochs=2, batch_size=32, jit_compile=True)
    assert result.recipe.jit_compile is False and result.epochs == 2
    set_seed(0)
    again = fit_fast(conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2), x, epochs=2, batch_size=32,
                     jit_compile=False)
    assert again.history["loss"] == result.history["loss"]
    # a dense model compiles with XLA as asked
    assert fit_fast(small_model(), np.random.default_rng(0).random((64, 12), dtype="float32"), epochs=1,
                    batch_size=32).recipe.jit_compile is True


def test_fit_fast_compiles_a_conv_autoencoder_with_xla_without_deterministic_ops():
    """Without set_seed's deterministic ops, the conv autoencoder's loop is compiled with XLA.

    Determinism cannot be switched off inside a process, hence a fresh interpreter.
    """
    import subprocess
    import sys

    code = (
        "import aecourse; aecourse.quiet_tensorflow()\n"
        "import keras, numpy as np\n"
        "from aecourse.fast import fit_fast\n"
        "from aecourse.models import conv_autoencoder\n"
        "keras.utils.set_random_seed(0)\n"
        "x = np.random.default_rng(0).random((64, 8, 8, 1), dtype='float32')\n"
        "model = conv_autoencoder((8, 8, 1), filters=(4,), latent_dim=2)\n"
        "result = fit_fast(model, x, epochs=2, batch_size=32, validation_data=x[:16])\n"
        "print(result.recipe.jit_compile, result.history['loss'][-1] < result.history['loss'][0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"]
