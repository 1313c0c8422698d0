"""Tests of aecourse.training: seeds, compact progress, train and its FitResult."""

import dataclasses
import re

import keras
import numpy as np
import pytest

from aecourse.models import dense_autoencoder
from aecourse.training import CompactProgress, FitResult, KerasRecipe, set_seed, train
from aecourse.viz import plot_history

LINE = re.compile(r"^epoch +\d+/\d+( +\w+ [0-9.e+-]+)+ +\[\d+\.\d s\]$")


def small_model():
    model = dense_autoencoder((12,), (6,), 2)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["mse"])
    return model


def test_progress_prints_documented_lines(capsys):
    set_seed(0)
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    history = train(small_model(), x, epochs=7, batch_size=8, validation_data=x, every=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [int(l.split()[1].split("/")[0]) for l in lines] == [1, 3, 6, 7]
    for line in lines:
        assert LINE.match(line), line
        assert "loss" in line and "val_loss" in line and "val_mse" in line and "/7" in line
    assert history.seconds > 0 and len(history.history["loss"]) == 7


def test_train_returns_a_frozen_fit_result():
    set_seed(0)
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    model = small_model()
    result = train(model, x, epochs=3, batch_size=8, validation_data=x[:8], every=0)
    assert isinstance(result, FitResult) and result.epochs == 3
    assert sorted(result.history) == ["loss", "mse", "val_loss", "val_mse"]
    assert all(isinstance(v, float) for values in result.history.values() for v in values)
    assert len(result.times) == len(result.epoch_seconds) == 3 and list(result.times) == sorted(result.times)
    assert 0 < result.eval_seconds and sum(result.epoch_seconds) + result.eval_seconds <= result.seconds
    assert result.reached_at is None and result.recipe is None
    # the logged validation loss is what evaluate() says after the last epoch
    assert result.final("val_loss") == pytest.approx(model.evaluate(x[:8], x[:8], verbose=0)[0], rel=1e-5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.seconds = 0.0
    with pytest.raises(ValueError, match=r"FitResult.final: Expected `name` to be one of \['loss', 'mse'"):
        result.final("accuracy")
    assert repr(result).startswith("FitResult(epochs=3, seconds=")
    assert len(plot_history(result).axes[0].lines) == 4  # training and validation loss and mse


def test_train_without_validation_spends_no_time_on_it():
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    result = train(small_model(), x, epochs=2, batch_size=8, every=0)
    assert sorted(result.history) == ["loss", "mse"] and result.eval_seconds == 0.0


def test_format_line():
    progress = CompactProgress(every=5, metrics=["loss", "val_loss"])
    progress._epochs = 50
    line = progress.format_line(10, {"loss": 0.123456, "val_loss": 0.00001234, "mse": 1.0}, 12.34)
    assert line == "epoch 10/50  loss 0.1235  val_loss 1.234e-05  [12.3 s]"


def test_seed_makes_runs_repeat():
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    runs = []
    for _ in range(2):
        set_seed(3)
        model = small_model()
        train(model, x, epochs=2, batch_size=8, every=0)
        runs.append(model.predict(x, verbose=0))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="CompactProgress: Expected `every` to be an integer >= 1. Received: every=0."):
        CompactProgress(every=0)
    with pytest.raises(ValueError, match=r"set_seed: Expected `seed` to be an integer in \[0, 4294967295\]. "
                                         "Received: seed=-1."):
        set_seed(-1)
    with pytest.raises(TypeError, match="Expected `seed` to be an integer"):
        set_seed(1.5)
    with pytest.raises(ValueError, match="train: Expected `model` to be a compiled model.*model.compile"):
        train(dense_autoencoder((4,), (), 2), np.zeros((2, 4)), epochs=1)
    with pytest.raises(ValueError, match="train: Expected `batch_size` to be an integer >= 1. Received: batch_size=0. "
                                         "Use a batch size such as 256."):
        train(small_model(), np.zeros((2, 12)), epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"^set_seed: Expected `seed` to be an integer in \[0, 4294967295\]\. "
                                         r"Received: seed=1099511627776\. NumPy's seeds stop at 2\*\*32 - 1; use a "
                                         r"small integer such as 0\.$"):
        set_seed(2**40)
    with pytest.raises(TypeError, match=r"^train: Expected `model` to be a compiled keras\.Model\. Received: model='m'"):
        train("m", np.zeros((2, 12)), epochs=1)
    with pytest.raises(TypeError, match=r"^train: Expected `shuffle` to be True or False\. Received: shuffle='batch'"):
        train(small_model(), np.zeros((2, 12)), epochs=1, shuffle="batch")
    with pytest.raises(TypeError, match=r"^train: Expected `callbacks` to be a list of keras\.callbacks\.Callback.*"
                                        r"Wrap a single callback in a list"):
        train(small_model(), np.zeros((2, 12)), epochs=1, callbacks=CompactProgress())
    with pytest.raises(ValueError, match=r"^train: Expected `y` to be one target per example of x \(4\)\. Received: "
                                         r"y=array of shape \(3, 12\)"):
        train(small_model(), np.zeros((4, 12)), np.zeros((3, 12)), epochs=1)
    with pytest.raises(TypeError, match=r"^train: Expected `x` to be an array of numbers\. Received: x=\[\[0\.0\], "
                                        r"\[0\.0, 1\.0\]\]"):
        train(small_model(), [[0.0], [0.0, 1.0]], epochs=1)


def test_uint8_images_with_a_bce_loss_or_a_sigmoid_output_are_refused_before_training():
    x8 = np.random.default_rng(0).integers(0, 256, (16, 12)).astype(np.uint8)
    model = small_model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"^train: Expected `x` to be values in \[0, 1\], as the targets \(an "
                                         r"autoencoder's are x itself\) of a binary cross-entropy loss must be\. "
                                         r"Received: x=array of shape \(16, 12\) and dtype uint8 with values from \d+ "
                                         r"to \d+\. These look like 8-bit images \(values 0-255\): divide by 255 first"):
        train(model, x8, epochs=1, every=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights())), "nothing was trained"
    mse_model = dense_autoencoder((12,), (6,), 2)  # sigmoid output, MSE: the targets are unreachable too
    mse_model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match=r"as the targets of a model whose output layer 'reconstruction' has a sigmoid "
                                         r"activation must be\. Received: y=.*divide by 255 first"):
        train(mse_model, x8 / 255, x8, epochs=1, every=0)
    with pytest.raises(ValueError, match=r"Expected `validation_data` to be values in \[0, 1\]"):
        train(mse_model, x8 / 255, epochs=1, validation_data=x8, every=0)
    # real-valued data with a linear output and MSE train as they are
    linear = dense_autoencoder((12,), (6,), 2, output_activation=None)
    linear.compile(optimizer="adam", loss="mse")
    assert train(linear, x8.astype("float32") - 100, epochs=1, every=0).epochs == 1


def test_nan_or_inf_inputs_are_refused_before_training():
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    bad = x.copy()
    bad[3, 4], bad[5, 6] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"^train: Expected `x` to be an array of finite numbers\. Received: x=array of "
                                         r"shape \(16, 12\) and dtype float32\. It holds 1 NaN and 1 infinite value\(s\) "
                                         r"of 192: find where they come from"):
        train(small_model(), bad, epochs=1, every=0)
    with pytest.raises(ValueError, match=r"^train: Expected `validation_data\[1\]` to be an array of finite numbers"):
        train(small_model(), x, epochs=1, validation_data=(x, bad), every=0)


def test_validation_data_as_a_list_or_tuple_or_inputs_alone():
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    for validation_data in ([x[:4], x[:4]], (x[:4], x[:4]), x[:4]):
        set_seed(0)
        result = train(small_model(), x, epochs=1, batch_size=8, validation_data=validation_data, every=0)
        assert len(result.history["val_loss"]) == 1
    with pytest.raises(ValueError, match=r"^train: Expected `validation_data` to be one target per validation input "
                                         r"\(4\)\. Received: validation_data=array of shape \(3, 12\)"):
        train(small_model(), x, epochs=1, validation_data=[x[:4], x[:3]], every=0)


def test_an_unknown_loss_name_is_one_line_before_training():
    model = dense_autoencoder((12,), (6,), 2)
    model.compile(optimizer="adam", loss="bogus")
    with pytest.raises(ValueError) as info:
        train(model, np.zeros((4, 12), "float32"), epochs=1, every=0)
    assert str(info.value) == (
        "train: Expected `loss` to be a Keras loss: a name such as 'binary_crossentropy' or 'mse', a keras.losses.Loss "
        "object, or a function loss(y_true, y_pred). Received: loss='bogus'. Compile the model again, e.g. "
        "model.compile(optimizer='adam', loss='binary_crossentropy').")


@pytest.mark.filterwarnings("ignore:Gradients do not exist")  # the penalty does not involve the decoder
def test_a_model_with_its_own_loss_trains_without_a_compiled_loss():
    from aecourse.regularizers import KLSparsity

    model = dense_autoencoder((12,), (), 4, latent_activation="sigmoid", activity_regularizer=KLSparsity(beta=1.0))
    model.compile(optimizer="adam")  # the KL penalty (add_loss) is the whole loss
    assert train(model, np.full((8, 12), 0.5, "float32"), epochs=1, every=0).epochs == 1


def test_kl_sparsity_after_a_relu_code_warns_once():
    from aecourse.regularizers import KLSparsity

    inputs = keras.Input((12,))
    code = KLSparsity(name="kl")(keras.layers.Dense(4, activation="relu", name="relu_code")(inputs))
    model = keras.Model(inputs, keras.layers.Dense(12, activation="sigmoid")(code))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.full((8, 12), 0.5, "float32")
    with pytest.warns(UserWarning, match=r"^train: the KLSparsity layer 'kl' follows 'relu_code', whose relu activation "
                                         r"is not limited to \[0, 1\]"):
        train(model, x, epochs=1, every=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(model, x, epochs=1, every=0)  # once per layer


def test_compact_progress_takes_one_name_and_says_what_is_logged(capsys):
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    model = small_model()
    model.fit(x, x, epochs=2, batch_size=8, verbose=0, validation_data=(x, x),
              callbacks=[CompactProgress(every=1, metrics="val_loss")])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1] for line in lines] == [line.split("  ")[1] for line in lines] and len(lines) == 2
    assert all(re.match(r"^epoch \d/2  val_loss [0-9.]+  \[", line) for line in lines), lines
    with pytest.raises(ValueError, match=r"^CompactProgress: Expected `metrics` to be names of logged values \(loss, mse, "
                                         r"val_loss, val_mse\)\. Received: metrics=\['val_los'\]\. Not logged: val_los\. "
                                         r"Check the spelling, or leave metrics=None to show every logged value\.$"):
        model.fit(x, x, epochs=2, batch_size=8, verbose=0, validation_data=(x, x),
                  callbacks=[CompactProgress(every=1, metrics=["val_los"])])
    # with validation every other epoch, a val_ name shows n/a where there is none
    model.fit(x, x, epochs=2, batch_size=8, verbose=0, validation_data=(x, x), validation_freq=2,
              callbacks=[CompactProgress(every=1, metrics=["loss", "val_loss"])])
    first = capsys.readouterr().out.splitlines()[0]
    assert re.match(r"^epoch 1/2  loss [0-9.]+  val_loss n/a  \[", first), first
    with pytest.raises(TypeError, match=r"^CompactProgress: Expected `metrics` to be a name or a list of names"):
        CompactProgress(metrics=3)
    with pytest.raises(TypeError, match=r"^CompactProgress: Expected `stream` to be a stream with a write method"):
        CompactProgress(stream="out.txt")


def test_keras_recipe():
    recipe = KerasRecipe(epochs=3, batch_size=16, learning_rate=2e-3)
    optimizer = recipe.optimizer()
    assert isinstance(optimizer, keras.optimizers.Adam) and float(optimizer.learning_rate) == pytest.approx(2e-3)
    assert KerasRecipe() == KerasRecipe(epochs=50, batch_size=256, learning_rate=1e-3, shuffle=True)
    with pytest.raises(ValueError, match="KerasRecipe: Expected `learning_rate` to be a finite number > 0"):
        KerasRecipe(learning_rate=0)
    with pytest.raises(TypeError, match="KerasRecipe: Expected `epochs` to be an integer >= 1. Received: epochs=2.0"):
        KerasRecipe(epochs=2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipe.epochs = 4


def test_a_classifier_with_integer_labels_trains():
    classifier = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3, activation="softmax")])
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((9, 12)).astype("float32")
    assert train(classifier, x, np.arange(9) % 3, epochs=1, every=0).epochs == 1


def test_data_of_another_shape_than_the_model_is_refused_before_training():
    from aecourse.training import check_data_shape

    model = dense_autoencoder((16,), (), 2)
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(0).random((8, 16), dtype="float32")
    with pytest.raises(ValueError, match=re.escape(
            "train: Expected `x` to be an array shaped like the model's input, (examples,) + (16,). Received: "
            "x=array of shape (8, 4, 4) and dtype float32. Reshape it: 8 examples of (16,), "
            "e.g. x.reshape((-1,) + (16,)).")):
        train(model, x.reshape(8, 4, 4), epochs=1, every=0)
    with pytest.raises(ValueError, match=r"^train: Expected `validation_data\[0\]` to be an array shaped like the "
                                         r"model's input, \(examples,\) \+ \(16,\). .*Pass the data the model was built"):
        train(model, x, epochs=1, validation_data=x[:, :12], every=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # nothing ran
    # open axes take any size; several inputs, or a model that has not been called, are not checked
    inputs = keras.Input((None, 3))
    open_axes = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    check_data_shape(open_axes, np.zeros((2, 7, 3)), "x", where="demo")
    with pytest.raises(ValueError, match=r"shaped like the model's output, \(examples,\) \+ \(None, 3\)"):
        check_data_shape(open_axes, np.zeros((2, 7, 4)), "y", where="demo", side="output")
    a, b = keras.Input((2,)), keras.Input((3,))
    check_data_shape(keras.Model([a, b], keras.layers.Concatenate()([a, b])), np.zeros((2, 9)), "x", where="demo")
    check_data_shape(keras.Sequential([keras.layers.Dense(2)]), np.zeros((2, 9)), "x", where="demo")
    check_data_shape(model, [[0.0] * 3], "x", where="demo")  # not an array: the caller converts first
    with pytest.raises(ValueError, match=r"^check_data_shape: Expected `side` to be 'input' or 'output'. "
                                         r"Received: side='inputs'"):
        check_data_shape(model, x, "x", where="demo", side="inputs")


def test_train_refuses_what_keras_fit_cannot_read_in_its_own_words():
    model = dense_autoencoder((4,), (), 2)
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match=r"^train: Expected `x` to be an array of examples .* a dict or tuple of "
                                        r"them, or a dataset Keras' fit takes .*Received: x=<object object"):
        train(model, object(), epochs=1, every=0)
    with pytest.raises(ValueError, match=r"^train: Expected `x` to be a dict with an array for each input of the "
                                         r"model. Received: x=\{\}"):
        train(model, {}, epochs=1, every=0)
    with pytest.raises(TypeError, match=r"^train: Expected `x\['input'\]` to be an array of examples for the "
                                        r"model's input 'input'. Received: x\['input'\]=1. A dict of inputs maps"):
        train(model, {"input": 1}, epochs=1, every=0)
    with pytest.raises(ValueError, match=r"^train: Expected `x\['input'\]` to be an array of finite numbers"):
        train(model, {"input": np.full((4, 4), np.nan)}, epochs=1, every=0)
    # what Keras reads passes: a dict keyed by the input's name, a dataset, a generator
    x = np.random.default_rng(0).random((8, 4), dtype="float32")
    named = keras.Input((4,), name="pixels")
    by_name = keras.Model({"pixels": named}, keras.layers.Dense(4)(named))
    by_name.compile(optimizer="adam", loss="mse")
    assert train(by_name, {"pixels": x}, x, epochs=1, every=0).epochs == 1
    import tensorflow as tf

    assert train(model, tf.data.Dataset.from_tensor_slices((x, x)).batch(4), epochs=1, every=0).epochs == 1
    with pytest.raises(ValueError, match=r"^train: Expected `y` to be the targets, since x is a dict of inputs. "
                                         r"Received: y=None. Pass them"):
        train(model, {"input": x}, epochs=1, every=0)
    dataset = tf.data.Dataset.from_tensor_slices((x, x)).batch(4)
    result = train(model, dataset, epochs=1, validation_data=dataset, every=0)
    assert sorted(result.history) == ["loss", "val_loss"]
    with pytest.raises(TypeError, match=r"^train: Expected `x` to be an array of numbers. Received: x=\(1, 'a'\)"):
        train(model, (1, "a"), epochs=1, every=0)
    for not_data in (range(3), {1, 2}):
        with pytest.raises(TypeError, match=r"^train: Expected `x` to be an array of examples"):
            train(model, not_data, epochs=1, every=0)
    assert train(model, tuple(map(tuple, x)), epochs=1, every=0).epochs == 1  # numbers written as tuples
