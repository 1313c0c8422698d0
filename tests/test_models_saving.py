"""Tests of saving and loading models that use aecourse's layers: aecourse.load_model,
aecourse.custom_objects, and loading with Keras alone."""

import json
import pathlib
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

import aecourse
from aecourse.models import KERAS_OBJECT_MODULES, dense_autoencoder
from aecourse.regularizers import KLSparsity

PACKAGE = pathlib.Path(aecourse.__file__).parent


def test_every_module_that_registers_keras_objects_is_listed():
    registering = sorted(f"aecourse.{p.stem}" for p in PACKAGE.glob("*.py")
                         if "register_keras_serializable" in p.read_text() and p.stem != "models")
    assert sorted(KERAS_OBJECT_MODULES) == registering
    objects = aecourse.custom_objects()
    assert "aecourse>KLSparsity" in objects and all(name.startswith("aecourse>") for name in objects)
    assert objects["aecourse>KLSparsity"] is KLSparsity


LOAD_IN_A_FRESH_PROCESS = r'''
import json, sys
import aecourse
aecourse.quiet_tensorflow()
import keras
import numpy as np
path, x_path = sys.argv[1], sys.argv[2]
out = {}
try:
    keras.saving.load_model(path)
    out["plain"] = "loaded"
except TypeError as exc:
    out["plain"] = str(exc)
model = keras.saving.load_model(path, custom_objects=aecourse.custom_objects())
out["with_custom_objects"] = model.predict(np.load(x_path), verbose=0).tolist()
out["aecourse_load_model"] = aecourse.load_model(path).predict(np.load(x_path), verbose=0).tolist()
print(json.dumps(out))
'''


def test_a_model_with_kl_sparsity_loads_after_import_aecourse_alone(tmp_path):
    keras.utils.set_random_seed(0)
    model = dense_autoencoder((12,), (), 4, latent_activation="sigmoid",
                              activity_regularizer=KLSparsity(rho=0.1, beta=0.2, name="kl_sparsity"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(0).random((16, 12)).astype("float32")
    model.fit(x, x, epochs=1, batch_size=8, verbose=0)
    path, x_path = tmp_path / "sparse.keras", tmp_path / "x.npy"
    model.save(path)
    np.save(x_path, x)
    done = subprocess.run([sys.executable, "-c", LOAD_IN_A_FRESH_PROCESS, str(path), str(x_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    expected = model.predict(x, verbose=0)
    # what the docs say: Keras alone needs aecourse.custom_objects(); aecourse.load_model needs nothing
    assert "Could not locate class 'KLSparsity'" in out["plain"]
    np.testing.assert_array_equal(np.array(out["with_custom_objects"], dtype="float32"), expected)
    np.testing.assert_array_equal(np.array(out["aecourse_load_model"], dtype="float32"), expected)


class Unregistered(keras.layers.Layer):
    def call(self, inputs):
        return inputs


def test_load_errors_say_what_is_wrong_first(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Unregistered(name="mystery")(inputs))
    path = tmp_path / "custom.keras"
    model.save(path)
    with pytest.raises(TypeError) as info:
        aecourse.load_model(path)
    text = str(info.value)
    first = text.splitlines()[0]
    assert first == (f"load_model: {path} could not be loaded: it uses the class 'Unregistered', which is neither one "
                     "of aecourse's objects nor registered with Keras. Import the module that defines 'Unregistered' "
                     "(decorated with @keras.saving.register_keras_serializable()) before loading, or pass "
                     "custom_objects={'Unregistered': Unregistered}.")
    assert "\n\nKeras' message:\n" in text  # Keras' own text follows, in full
    assert aecourse.load_model(path, custom_objects={"Unregistered": Unregistered}).layers[-1].name == "mystery"


def test_load_model_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=re.escape(f"load_model: Expected `path` to be the path of an existing .keras "
                                                   f"file. Received: path='{tmp_path / 'none.keras'}'.")):
        aecourse.load_model(tmp_path / "none.keras")
    with pytest.raises(TypeError, match="^load_model: Expected `path` to be the path of a .keras file. Received: path=3."):
        aecourse.load_model(3)
    (tmp_path / "bad.keras").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match=rf"^load_model: {re.escape(str(tmp_path / 'bad.keras'))} could not be loaded: "):
        aecourse.load_model(tmp_path / "bad.keras")
