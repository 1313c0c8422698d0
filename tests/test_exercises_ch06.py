"""Chapter 6's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and each published solution ends with its chapter's check call."""

import json
from pathlib import Path

import numpy as np
import pytest

from aecourse.exercises import ____, ch06
from aecourse.noise import add_noise
from exercise_support import incorrect

RNG = np.random.default_rng(6)
# Awkward sizes: 7 images of 9 x 11 pixels, about half of them black, values in [0, 1]
CLEAN = np.where(RNG.random((7, 9, 11, 1)) < 0.5, 0.0, RNG.uniform(0.2, 1.0, (7, 9, 11, 1)))
CHAPTER = Path(__file__).resolve().parents[1] / "book" / "06_denoising_autoencoders.ipynb"




def psnr_db(a, b):
    return 10 * np.log10(1 / np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2))


# ------------------------------------------------------------ 6.1 masking noise


def masked(clean, fraction, seed=1):
    keep = np.random.default_rng(seed).random(clean.shape) >= fraction
    return clean * keep


@pytest.mark.parametrize("make", [
    lambda c: add_noise(c, "masking", 0.3, seed=1),
    lambda c: add_noise(c, "masking", 0.3, seed=np.random.default_rng(5)),
    lambda c: masked(c, 0.3),
    lambda c: np.where(np.random.default_rng(2).random(c.shape) < 0.3, 0.0, c),
    lambda c: masked(c, 0.3).tolist(),  # a nested list is fine
    lambda c: masked(c, 0.3).astype("float32"),
])
def test_masking_accepts_right_answers(make):
    clean = np.tile(CLEAN, (15, 1, 1, 1))  # 105 images: enough pixels to measure 30%
    result = ch06.masking_noise.check(make(clean), clean, amount=0.3)
    assert result.correct, result


def test_masking_accepts_a_single_image_and_other_amounts():
    image = np.full((1, 28, 28, 1), 0.6)
    assert ch06.masking_noise.check(add_noise(image, "masking", 0.3, seed=3), image, amount=0.3).correct
    assert ch06.masking_noise.check(add_noise(CLEAN, "masking", 0.75, seed=3), CLEAN, amount=0.75).correct


def test_masking_not_attempted():
    assert ch06.masking_noise.check(____, CLEAN).status == "not attempted"


@pytest.mark.parametrize("make, fragments", [
    (lambda c: add_noise(c, "gaussian", 0.3, seed=1), ["values other than 0"]),
    (lambda c: add_noise(c, "salt_and_pepper", 0.3, seed=1), ["salt-and-pepper"]),
    (lambda c: masked(c, 0.7), ["you *kept* 30%", ">= 0.3"]),
    (lambda c: add_noise(c, "masking", 0.1, seed=1), ["expected about 30%"]),
    (lambda c: add_noise(c, "masking", 0.5, seed=1), ["expected about 30%"]),
    (lambda c: c * (np.random.default_rng(0).random(c.shape[1:]) >= 0.3), ["same positions", "clean.shape"]),
    (lambda c: c * (np.random.default_rng(0).random(c.shape) >= 0.3) / 0.7, ["Dropout"]),
    (lambda c: c * 0.7, ["dimmed every pixel by 30%"]),
    (lambda c: c.copy(), ["nothing was masked"]),
    (lambda c: add_noise(c, "masking", 0.3, seed=1) * 255, ["values should stay in [0, 1]"]),
    (lambda c: add_noise(c, "masking", 0.3, seed=1).reshape(len(c), -1), ["without reshaping"]),
    (lambda c: add_noise(c[:50], "masking", 0.3, seed=1), ["one image for each of the 105 images"]),
])
def test_masking_rejects_wrong_answers(make, fragments):
    clean = np.tile(CLEAN, (15, 1, 1, 1))
    incorrect(ch06.masking_noise.check(make(clean), clean, amount=0.3), *fragments)


@pytest.mark.parametrize("noisy, fragment", [
    ("noisy", "the text 'noisy'"),
    (None, "is None"),
    (np.full(CLEAN.shape, np.nan), "NaN"),
    (np.full(CLEAN.shape, np.inf), "infinite"),
    ([[1, 2], [3]], "numbers"),
    (np.zeros(0), "holds 0 value"),
])
def test_masking_bad_input(noisy, fragment):
    incorrect(ch06.masking_noise.check(noisy, CLEAN, amount=0.3), fragment)


def test_masking_wrong_call():
    noisy = add_noise(CLEAN, "masking", 0.3, seed=1)
    incorrect(ch06.masking_noise.check(noisy, CLEAN, 0.3, "extra"), "this check is called as")
    incorrect(ch06.masking_noise.check(noisy, CLEAN, amount="30%"), "number from 0 to 1")
    incorrect(ch06.masking_noise.check(noisy, CLEAN * 255, amount=0.3), "values in [0, 1]")
    incorrect(ch06.masking_noise.check(noisy, np.zeros_like(CLEAN), amount=0.3), "all black")


# --------------------------------------------------------------- 6.2 PSNR gain


@pytest.fixture(scope="module")
def gain_setup():
    import keras

    keras.utils.set_random_seed(0)
    image = keras.Input((6, 5, 1), name="image")
    output = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="smooth")(image)
    denoiser = keras.Model(image, output, name="tiny_denoiser")
    clean = np.random.default_rng(1).random((13, 6, 5, 1)).astype("float32")
    noisy = add_noise(clean, "masking", 0.3, seed=2)
    denoised = denoiser.predict(noisy, verbose=0)
    return denoiser, clean, noisy, denoised


def mse(a, b):
    return np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)


@pytest.mark.parametrize("formula", [
    lambda c, n, d: psnr_db(c, d) - psnr_db(c, n),
    lambda c, n, d: 10 * np.log10(mse(c, n) / mse(c, d)),
    lambda c, n, d: float(20 * np.log10(255 / np.sqrt(mse(255 * c, 255 * d)))
                          - 20 * np.log10(255 / np.sqrt(mse(255 * c, 255 * n)))),
    lambda c, n, d: np.float32(psnr_db(c, d) - psnr_db(c, n)),
    lambda c, n, d: np.array(psnr_db(c, d) - psnr_db(c, n)),
])
def test_gain_accepts_right_answers(gain_setup, formula):
    denoiser, clean, noisy, denoised = gain_setup
    result = ch06.psnr_gain.check(formula(clean, noisy, denoised), clean, noisy, denoised, denoiser)
    assert result.correct, result


def test_gain_accepts_a_denoiser_called_directly(gain_setup):
    denoiser, clean, noisy, _ = gain_setup
    denoised = denoiser(noisy)  # a tensor, not a NumPy array
    gain = psnr_db(clean, denoised) - psnr_db(clean, noisy)
    assert ch06.psnr_gain.check(gain, clean, noisy, denoised, denoiser).correct


def per_image_gain(c, n, d):
    axes = tuple(range(1, c.ndim))
    return np.mean(10 * np.log10(np.mean((c - n) ** 2, axis=axes) / np.mean((c - d) ** 2, axis=axes)))


@pytest.mark.parametrize("formula, fragment", [
    (lambda c, n, d: psnr_db(c, n) - psnr_db(c, d), "sign is flipped"),
    (lambda c, n, d: psnr_db(n, d), "against the *noisy* input"),
    (lambda c, n, d: psnr_db(c, d), "denoised images alone"),
    (per_image_gain, "one gain per image"),
    (lambda c, n, d: mse(c, n) / mse(c, d), "ratio of the two MSEs"),
    (lambda c, n, d: 10 * np.log(mse(c, n) / mse(c, d)), "natural logarithm"),
    (lambda c, n, d: 20 * np.log10(mse(c, n) / mse(c, d)), "twice too large"),
    (lambda c, n, d: mse(c, n) - mse(c, d), "drop of the MSE"),
    (lambda c, n, d: psnr_db(c, d) - psnr_db(c, n) + 1.0, "should be"),
])
def test_gain_rejects_wrong_formulas(gain_setup, formula, fragment):
    denoiser, clean, noisy, denoised = gain_setup
    incorrect(ch06.psnr_gain.check(formula(clean, noisy, denoised), clean, noisy, denoised, denoiser), fragment)


def test_gain_rejects_wrong_images(gain_setup):
    denoiser, clean, noisy, denoised = gain_setup
    from_clean = denoiser.predict(clean, verbose=0)
    gain = psnr_db(clean, from_clean) - psnr_db(clean, noisy)
    incorrect(ch06.psnr_gain.check(gain, clean, noisy, from_clean, denoiser), "output for the *clean* images")
    incorrect(ch06.psnr_gain.check(0.0, clean, noisy, noisy, denoiser), "noisy images themselves")
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, clean, denoiser), "holds the clean images")
    other = np.clip(denoised + 0.05, 0, 1)
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, other, denoiser), "another model, or other images")
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, denoised[:5], denoiser), "one image for each of the 13")


@pytest.mark.parametrize("gain, fragment", [
    ("3 dB", "the text '3 dB'"),
    (None, "you gave None"),
    (float("nan"), "NaN"),
    (float("inf"), "infinite"),
    ([1.0, 2.0], "one number"),
    (True, "you gave True"),
])
def test_gain_bad_input(gain_setup, gain, fragment):
    denoiser, clean, noisy, denoised = gain_setup
    incorrect(ch06.psnr_gain.check(gain, clean, noisy, denoised, denoiser), fragment)


def test_gain_per_image_array_and_wrong_call(gain_setup):
    denoiser, clean, noisy, denoised = gain_setup
    per_image = [psnr_db(c, d) - psnr_db(c, n) for c, n, d in zip(clean, noisy, denoised)]
    incorrect(ch06.psnr_gain.check(per_image, clean, noisy, denoised, denoiser), "13 numbers, one per image")
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, denoised), "this check is called as")
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, denoised, denoiser, 2), "this check is called as")
    incorrect(ch06.psnr_gain.check(1.0, clean, noisy, denoised, "denoiser"), "trained denoiser (a Keras model)")
    assert ch06.psnr_gain.check(____, clean, noisy, denoised, denoiser).status == "not attempted"


# -------------------------------------------------------- 6.3 a wider bottleneck


def conv(**kwargs):
    from aecourse.models import conv_autoencoder

    options = dict(input_shape=(28, 28, 1), filters=(16, 32, 64), latent_dim=128)
    options.update(kwargs)
    return conv_autoencoder(**options)


@pytest.mark.parametrize("build", [
    lambda: conv(),
    lambda: conv(filters=[16, 32, 64], name="wide_denoiser"),
    lambda: conv(upsampling="transpose", kernel_size=3, activation="relu"),
    lambda: conv(kernel_size=(3, 3)),
])
def test_wide_accepts_right_answers(build):
    result = ch06.wide_bottleneck.check(build())
    assert result.correct, result
    assert "194,689 parameters against 120,897" in result.message


@pytest.mark.parametrize("build, fragment", [
    (lambda: conv(filters=(32, 64, 128)), "twice the chapter's (16, 32, 64)"),
    (lambda: conv(latent_dim=64), "the chapter's size"),
    (lambda: conv(latent_dim=10), "default latent_dim"),
    (lambda: conv(latent_dim=100), "100 numbers"),
    (lambda: conv(filters=(16, 32)), "filters are (16, 32)"),
    (lambda: conv(upsampling="nearest"), "changed the upsampling (to 'nearest')"),
    (lambda: conv(upsampling="bilinear"), "changed the upsampling (to 'bilinear')"),
    (lambda: conv(kernel_size=5), "changed the kernel size"),
    (lambda: conv(latent_activation="relu"), "gave the code an activation ('relu')"),
    (lambda: conv(activation="elu"), "activation of the hidden layers"),
    (lambda: conv(output_activation="linear"), "output activation is 'linear'"),
    (lambda: conv(input_shape=(32, 32, 1)), "outputs (32, 32, 1) per image"),
])
def test_wide_rejects_models_that_change_something_else(build, fragment):
    incorrect(ch06.wide_bottleneck.check(build()), fragment)


def test_wide_rejects_other_kinds_and_bad_input():
    from aecourse.models import conv_autoencoder, dense_autoencoder

    incorrect(ch06.wide_bottleneck.check(dense_autoencoder((28, 28, 1), latent_dim=128)), "dense autoencoder")
    incorrect(ch06.wide_bottleneck.check(conv_autoencoder), "is a function, not a model")
    incorrect(ch06.wide_bottleneck.check("conv_autoencoder"), "the text")
    incorrect(ch06.wide_bottleneck.check(128), "you gave a int")
    incorrect(ch06.wide_bottleneck.check(conv(), 128), "this check is called as")
    assert ch06.wide_bottleneck.check(____).status == "not attempted"


# ------------------------------------------------------------------ solutions


def test_each_solution_ends_with_its_chapter_check_cell():
    cells = json.loads(CHAPTER.read_text())["cells"]
    checks = ["".join(c["source"]).strip() for c in cells
              if c["cell_type"] == "code" and "".join(c["source"]).strip().startswith("ch06.")
              and ".check(" in "".join(c["source"])]
    assert len(checks) == 3
    for check in checks:
        name = check.split(".")[1]
        exercise = getattr(ch06, name)
        assert exercise.solution_code.strip().splitlines()[-1] == check, name
        assert exercise.answer, name
        assert "TODO" not in exercise.answer, name
