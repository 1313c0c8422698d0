"""Exercises of chapter 6, denoising autoencoders.

Each check recognises the plausible wrong answers and says what is wrong with them:
noise of another kind, the fraction kept instead of the fraction masked, one mask for
every image, the gain the wrong way round or averaged per image, a denoiser fed the
clean images, a wider model that also changes its filters.

Example:
    >>> from aecourse.exercises import ch06, ____
    >>> ch06.masking_noise.check(____, ____).status
    'not attempted'
    >>> clean = np.full((4, 5, 5, 1), 0.8)
    >>> print(ch06.masking_noise.check(clean, clean, amount=0.3).message)
    nothing was masked: noisy is identical to clean. Did you pass the clean images, or amount=0?
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, is_placeholder

__all__ = ["masking_noise", "psnr_gain", "wide_bottleneck"]


# ------------------------------------------------------------------- helpers


def _images(value, name, what="an array of images"):
    """``value`` as a float array, or a message in the learner's terms."""
    if is_placeholder(value):
        raise Incorrect(f"{name} still holds the blank ____; replace it with {what}.")
    if value is None:
        raise Incorrect(f"{name} is None; it should be {what} (did a function forget to `return`?).")
    if isinstance(value, (str, bytes)):
        raise Incorrect(f"{name} should be {what}, you gave the text {value!r}.")
    if callable(value) and not hasattr(value, "shape"):
        raise Incorrect(f"{name} should be {what}, you gave a function or model; call it and pass what it "
                        "returns.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} should be {what} (numbers), you gave a {type(value).__name__}.") from None
    if array.ndim == 0 or array.size == 0:
        raise Incorrect(f"{name} should be {what}; yours holds {array.size} value(s).")
    return array


def _finite(array, name, why):
    if not np.all(np.isfinite(array)):
        bad = "NaN" if np.isnan(array).any() else "infinite"
        raise Incorrect(f"{name} contains {bad} values; {why}")


def _same_shape(array, reference, name, reference_name):
    if array.shape == reference.shape:
        return
    if len(array) != len(reference):
        raise Incorrect(f"{name} should hold one image for each of the {len(reference)} images of "
                        f"{reference_name} (shape {reference.shape}); yours has shape {array.shape}.")
    raise Incorrect(f"{name} should have the shape of {reference_name}, {reference.shape}; yours has shape "
                    f"{array.shape} (keep the images as they are, without reshaping them).")


def _psnr(a, b):
    """PSNR in dB of images in [0, 1], from the MSE over the whole set."""
    error = float(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2))
    return math.inf if error == 0 else 10.0 * math.log10(1.0 / error)


def _close(value, target, tol=1e-3):
    return math.isfinite(target) and abs(value - target) <= tol + 1e-3 * abs(target)


# ----------------------------------------------------------- 6.1 masking noise


def _shared_mask(changed, ink):
    """True when every image lost the same positions (one mask drawn for all of them)."""
    n = len(changed)
    if n < 2:
        return False
    changed, ink = changed.reshape(n, -1), ink.reshape(n, -1)
    inked = ink.sum(axis=0)
    lost = (changed & ink).sum(axis=0)
    informative = inked >= 2
    if informative.sum() < 20 or not lost[informative].any():
        return False
    return bool(np.all((lost[informative] == 0) | (lost[informative] == inked[informative])))


def _check_masking(noisy, clean, amount=0.3):
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real) or not 0 <= amount <= 1:
        raise Incorrect(f"amount should be the fraction of values to mask, a number from 0 to 1 (0.3 for 30%); "
                        f"the check was given amount={amount!r}. Run the check cell as it is written.")
    amount = float(amount)
    clean = _images(clean, "clean", "the clean images you corrupted")
    noisy = _images(noisy, "noisy", "the corrupted copy of clean")
    _finite(clean, "clean", "pass the clean images from the chapter.")
    if clean.min() < 0 or clean.max() > 1:
        raise Incorrect(f"clean should hold images with values in [0, 1]; yours range from {clean.min():.3g} "
                        f"to {clean.max():.3g}.")
    _same_shape(noisy, clean, "noisy", "clean")
    _finite(noisy, "noisy", "masking only sets values to 0, it never creates NaN or infinity.")
    ink = clean > 0
    if not ink.any():
        raise Incorrect("the clean images are all black, so masking cannot change them; pass the images you "
                        "corrupted as clean.")
    changed = ~np.isclose(noisy, clean, rtol=0.0, atol=1e-6)
    if not changed.any() and amount > 0:
        raise Incorrect("nothing was masked: noisy is identical to clean. Did you pass the clean images, or "
                        "amount=0?")
    if noisy.max() > 1 + 1e-6 or noisy.min() < -1e-6:
        kept = ~changed | (noisy == 0)
        scaled = np.isclose(noisy, clean / max(1 - amount, 1e-9), rtol=1e-4, atol=1e-6) | (noisy == 0)
        if amount < 1 and np.all(scaled) and kept.mean() < 1:
            raise Incorrect(f"that looks like Dropout: it sets values to 0 *and* divides the others by "
                            f"1 - rate = {1 - amount:g}, so some exceed 1. Masking noise leaves the other values "
                            "unchanged (and a Dropout layer does nothing outside training).")
        raise Incorrect(f"values should stay in [0, 1]; yours range from {noisy.min():.3g} to {noisy.max():.3g}. "
                        "Masking only sets values to 0.")
    new_values = noisy[changed]
    if np.any(new_values != 0):
        if np.all((new_values == 0) | (new_values == 1)):
            raise Incorrect("some pixels became 1 (white): that is salt-and-pepper noise. Masking noise sets the "
                            "chosen pixels to 0 only.")
        if np.allclose(noisy[ink], (1 - amount) * clean[ink], rtol=1e-4, atol=1e-6):
            raise Incorrect(f"you dimmed every pixel by {amount:.0%} (clean * {1 - amount:g}); masking sets "
                            f"{amount:.0%} of the pixels to 0 and leaves the others unchanged.")
        raise Incorrect("some changed pixels took values other than 0 (Gaussian noise, or a blur?); masking "
                        "noise sets the chosen pixels to exactly 0 and leaves the others unchanged.")
    if _shared_mask(changed, ink):
        raise Incorrect("every image lost the same positions: one mask was drawn and applied to all images. "
                        "Draw the mask with the shape of the whole array (clean.shape), one value per pixel "
                        "of every image, as add_noise does.")
    fraction = float(changed[ink].mean())
    n_ink = int(ink.sum())
    tolerance = 0.01 + 4 * math.sqrt(max(amount * (1 - amount), 0.01) / n_ink)
    if not abs(fraction - amount) <= tolerance:
        if abs(amount - 0.5) > tolerance and abs(fraction - (1 - amount)) <= tolerance:
            raise Incorrect(f"{fraction:.1%} of the non-black pixels were set to 0: you *kept* {amount:.0%} "
                            f"and masked the rest. `rng.random(shape) < {amount:g}` marks the values to set to "
                            f"0, so multiply by its opposite (`>= {amount:g}`), or use add_noise.")
        raise Incorrect(f"{fraction:.1%} of the non-black pixels were set to 0; expected about {amount:.0%} "
                        f"(amount={amount:g} is a fraction: each value is set to 0 with that probability).")
    return (f"{fraction:.1%} of the non-black pixels were set to 0 (about {amount:.0%}), each image with its own "
            "mask, and every other pixel is unchanged.")


masking_noise = Exercise(
    "Exercise 6.1: masking noise",
    _check_masking,
    hints=["aecourse.noise.add_noise has a 'masking' kind; its amount is the fraction of values set to 0 (0.3 "
           "for 30%), and seed= makes it reproducible.",
           "noisy = add_noise(clean, 'masking', 0.3, seed=1)"],
    solution="""
clean = x_test[:100]
noisy = add_noise(clean, "masking", 0.3, seed=1)
print(f"{np.mean(noisy[clean > 0] == 0):.1%} of the non-black pixels are now 0")
ch06.masking_noise.check(noisy, clean, amount=0.3)
""",
    answer="add_noise(clean, 'masking', 0.3, seed=1) sets each value to 0 with probability 0.3, independently "
           "for every pixel of every image, and leaves the others unchanged; the seed makes the same mask come "
           "back on every run. Only about 30% of the non-black pixels change visibly: a masked black pixel stays "
           "black, which is also why the model cannot tell a masked pixel from background.",
)


# ------------------------------------------------------------- 6.2 PSNR gain


def _gain_variants(clean, noisy, denoised):
    """Plausible wrong gains, each with what it teaches."""
    n = len(clean)
    axes = tuple(range(1, clean.ndim))
    mse_noisy = float(np.mean((clean - noisy) ** 2))
    mse_denoised = float(np.mean((clean - denoised) ** 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_image = (10 * np.log10(np.mean((clean - noisy) ** 2, axis=axes) /
                                   np.mean((clean - denoised) ** 2, axis=axes)))
    variants = [
        (_psnr(clean, noisy) - _psnr(clean, denoised),
         "the sign is flipped: the gain is PSNR(clean, denoised) - PSNR(clean, noisy), the output's PSNR minus "
         "the input's, positive when the denoiser helps."),
        (_psnr(noisy, denoised),
         "that is the PSNR of the output measured against the *noisy* input; measure both the noisy input and "
         "the output against the clean image, then subtract."),
        (_psnr(clean, denoised),
         "that is the PSNR of the denoised images alone; the gain subtracts the PSNR of the noisy input, "
         "psnr(clean, noisy)."),
        (float(np.mean(per_image)) if n > 1 and np.all(np.isfinite(per_image)) else math.nan,
         "you averaged one gain per image; the chapter's PSNR (aecourse.losses.psnr) comes from the MSE over "
         "the whole set, so compute one PSNR per set: psnr(clean, denoised) - psnr(clean, noisy)."),
        (mse_noisy / mse_denoised if mse_denoised else math.nan,
         "that is the ratio of the two MSEs, not decibels; in dB it is 10 log10 of that ratio, which is the "
         "difference of the two PSNRs."),
        (10 * math.log(mse_noisy / mse_denoised) if mse_denoised and mse_noisy else math.nan,
         "you used the natural logarithm; decibels use log10: 10 * log10(MSE ratio)."),
        (20 * math.log10(mse_noisy / mse_denoised) if mse_denoised and mse_noisy else math.nan,
         "20 log10 is for amplitudes such as the RMSE; with the MSE (a power), the PSNR uses 10 log10, so "
         "your gain is twice too large."),
        (mse_noisy - mse_denoised,
         "that is the drop of the MSE, not a gain in decibels; compute the PSNR of each against the clean "
         "image and subtract."),
    ]
    return variants


def _predict(model, images):
    try:
        return np.asarray(model.predict(images, verbose=0), dtype=float)
    except Exception as exc:
        raise Incorrect(f"the denoiser could not denoise the noisy images ({type(exc).__name__}: {exc}); pass "
                        "the chapter's trained denoiser, which takes images of shape (28, 28, 1).") from None


def _check_gain(gain, clean, noisy, denoised, denoiser):
    import keras

    clean = _images(clean, "clean", "the clean images")
    noisy = _images(noisy, "noisy", "your noisy images")
    denoised = _images(denoised, "denoised", "the denoiser's output for noisy")
    _same_shape(noisy, clean, "noisy", "clean")
    _same_shape(denoised, clean, "denoised", "clean")
    for name, array in (("clean", clean), ("noisy", noisy), ("denoised", denoised)):
        _finite(array, name, "images hold numbers from 0 to 1.")
    if not isinstance(denoiser, keras.Model):
        raise Incorrect(f"the last argument should be the trained denoiser (a Keras model), you gave a "
                        f"{type(denoiser).__name__}; run the check cell as it is written.")
    if np.array_equal(denoised, noisy):
        raise Incorrect("denoised holds the noisy images themselves; pass them through the denoiser: "
                        "denoised = denoiser.predict(noisy, verbose=0).")
    if np.array_equal(denoised, clean):
        raise Incorrect("denoised holds the clean images; it should be the denoiser's output for the noisy ones: "
                        "denoised = denoiser.predict(noisy, verbose=0).")
    expected_images = _predict(denoiser, noisy)
    if expected_images.shape != denoised.shape or not np.allclose(denoised, expected_images, rtol=0, atol=2e-3):
        from_clean = _predict(denoiser, clean)
        if from_clean.shape == denoised.shape and np.allclose(denoised, from_clean, rtol=0, atol=2e-3):
            raise Incorrect("denoised is the denoiser's output for the *clean* images; denoise the noisy ones: "
                            "denoised = denoiser.predict(noisy, verbose=0).")
        raise Incorrect("denoised is not the denoiser's output for noisy (did another model, or other images, "
                        "produce it?); compute it with denoised = denoiser.predict(noisy, verbose=0).")

    if is_placeholder(gain):
        raise Incorrect("gain still holds the blank ____.")
    if isinstance(gain, (str, bytes)):
        raise Incorrect(f"gain should be a number of decibels, you gave the text {gain!r}.")
    if gain is None or isinstance(gain, bool):
        raise Incorrect(f"gain should be a number of decibels, you gave {gain!r}.")
    try:
        value = np.asarray(gain, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"gain should be a number of decibels, you gave a {type(gain).__name__}.") from None
    if value.size != 1:
        if value.size == len(clean):
            raise Incorrect(f"gain holds {value.size} numbers, one per image; the exercise asks for one number, "
                            "the gain over the whole set: psnr(clean, denoised) - psnr(clean, noisy).")
        raise Incorrect(f"gain should be one number, yours has shape {value.shape}.")
    value = float(value.reshape(()))
    if math.isinf(value):
        raise Incorrect("gain is infinite: a PSNR of two identical sets of images is infinite. Measure the noisy "
                        "input and the output each against the clean images.")
    if math.isnan(value):
        raise Incorrect("gain is NaN (not a number): check the images you measured, and that both PSNRs are "
                        "computed against the clean images.")
    expected = _psnr(clean, denoised) - _psnr(clean, noisy)
    if _close(value, expected, tol=0.01):
        return (f"Right: the denoiser gains {expected:+.2f} dB over the noisy input on these {len(clean)} "
                "images.")
    for wrong, text in _gain_variants(clean, noisy, denoised):
        if math.isfinite(wrong) and _close(value, wrong, tol=1e-3) and not _close(wrong, expected, tol=0.01):
            raise Incorrect(text)
    raise Incorrect(f"the gain should be {expected:.3f} dB on these images (PSNR of the output minus PSNR of "
                    f"the noisy input, both against clean); you gave {value:.4g}.")


psnr_gain = Exercise(
    "Exercise 6.2: the PSNR gain",
    _check_gain,
    hints=["PSNR is always measured against the clean image: once for the noisy input, once for the "
           "denoiser's output. The gain is the difference, output minus input.",
           "denoised = denoiser.predict(noisy, verbose=0); gain = psnr(clean, denoised) - psnr(clean, noisy)"],
    solution="""
noisy = add_noise(clean, "masking", 0.3, seed=1)  # the images of exercise 6.1
denoised = denoiser.predict(noisy, verbose=0)
gain = psnr(clean, denoised) - psnr(clean, noisy)
table_gain = {a: methods["denoiser"].mean[f"masking {a}"] - methods["noisy"].mean[f"masking {a}"]
              for a in (0.25, 0.5)}
print(f"gain at 30% masking: {gain:+.1f} dB (100 images, the seed-0 denoiser)")
print(f"gains in the table (1,000 images, mean of 3 seeds): {table_gain[0.25]:+.1f} dB at 25%, "
      f"{table_gain[0.5]:+.1f} dB at 50%")
ch06.psnr_gain.check(gain, clean, noisy, denoised, denoiser)
""",
    answer="The gain is the output's PSNR minus the input's, both against the clean images. At 30% masking it "
           "lies between the table's gains at 25% and 50% (the printed numbers): the denoiser handles an amount "
           "it never saw, because it did not learn three amounts but what masked digits look like. The gain "
           "grows with the amount because the noisy input gets worse faster than the output does.",
)


# ------------------------------------------------------- 6.3 a wider bottleneck

_CHAPTER_FILTERS = (16, 32, 64)
_WIDE_CODE = 128


def _reference():
    from aecourse.models import conv_autoencoder

    return conv_autoencoder((28, 28, 1), filters=_CHAPTER_FILTERS, latent_dim=_WIDE_CODE)


def _activation(layer):
    import keras

    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    name = keras.activations.serialize(activation)
    return name if isinstance(name, str) else name.get("config", {}).get("name", str(name))


def _check_wide(model):
    import keras

    from aecourse.nested import leaf_layers

    if isinstance(model, (str, bytes)):
        raise Incorrect(f"wide should be a Keras model, you gave the text {model!r}.")
    if not isinstance(model, keras.Model):
        if callable(model):
            raise Incorrect("wide is a function, not a model: call the builder, wide = conv_autoencoder(...), "
                            "and pass the model it returns.")
        raise Incorrect(f"wide should be a Keras model (what conv_autoencoder returns), you gave a "
                        f"{type(model).__name__}.")
    try:
        output_shape = tuple(model.output.shape[1:])
    except (AttributeError, ValueError):
        raise Incorrect("wide should be a model built on an input shape, such as conv_autoencoder((28, 28, 1), "
                        "...) returns.") from None
    if output_shape != (28, 28, 1):
        raise Incorrect(f"wide outputs {output_shape} per image; the chapter's images are (28, 28, 1): build it "
                        "with input_shape=(28, 28, 1).")
    layers = leaf_layers(model)
    convolutions = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    if not any(isinstance(layer, convolutions) for layer in layers):
        raise Incorrect("wide is a dense autoencoder (no convolution layers); the exercise changes the "
                        "chapter's *convolutional* denoiser: build it with conv_autoencoder.")
    names = [layer.name for layer in model.layers]
    if "encoder" not in names:
        raise Incorrect("wide should have an encoder part named 'encoder' and a decoder, as conv_autoencoder "
                        "builds them; build it with conv_autoencoder.")
    code = model.get_layer("encoder").output.shape[-1]
    if code != _WIDE_CODE:
        if code == 64:
            raise Incorrect("its code has 64 numbers, the chapter's size; the exercise doubles it: "
                            "latent_dim=128.")
        if code == 10:
            raise Incorrect("its code has 10 numbers, conv_autoencoder's default latent_dim; the exercise asks "
                            "for latent_dim=128.")
        raise Incorrect(f"its code has {code} numbers; the exercise asks for a 128-number code (latent_dim=128).")
    encoder_layers = leaf_layers(model.get_layer("encoder"))
    filters = tuple(layer.filters for layer in encoder_layers if isinstance(layer, keras.layers.Conv2D))
    if filters != _CHAPTER_FILTERS:
        if filters == (32, 64, 128):
            raise Incorrect("you also changed the filters: (32, 64, 128) is conv_autoencoder's default, twice the "
                            "chapter's (16, 32, 64). With two changes at once, a difference in PSNR could come "
                            "from either; pass filters=(16, 32, 64) and change the code size only.")
        raise Incorrect(f"its encoder's filters are {filters}; the chapter's denoiser has (16, 32, 64). Keep them "
                        "and change the code size only, so that any difference comes from the code.")
    kernels = {tuple(layer.kernel_size) for layer in layers if hasattr(layer, "kernel_size")}
    if kernels != {(3, 3)}:
        shown = ", ".join(str(k) for k in sorted(kernels))
        raise Incorrect(f"you also changed the kernel size (its convolutions use {shown}); the chapter's "
                        "denoiser uses kernel_size=3. Change the code size only.")
    upsampling = [layer for layer in layers if isinstance(layer, keras.layers.UpSampling2D)]
    if upsampling:
        raise Incorrect(f"you also changed the upsampling (to '{upsampling[0].interpolation}'); the chapter's "
                        "denoiser uses transposed convolutions, conv_autoencoder's default "
                        "upsampling='transpose'. Change the code size only.")
    code_layer = [layer for layer in encoder_layers if isinstance(layer, keras.layers.Dense)]
    if code_layer and _activation(code_layer[-1]) not in (None, "linear"):
        raise Incorrect(f"you also gave the code an activation ('{_activation(code_layer[-1])}'); the chapter's "
                        "code is linear (latent_activation=None). Change the code size only.")
    hidden = {_activation(layer) for layer in layers[:-1] if isinstance(layer, convolutions)}
    if hidden - {"relu"}:
        raise Incorrect(f"you also changed the activation of the hidden layers ({', '.join(sorted(hidden))}); the "
                        "chapter's denoiser uses 'relu'. Change the code size only.")
    if _activation(layers[-1]) != "sigmoid":
        raise Incorrect(f"its output activation is '{_activation(layers[-1])}'; the chapter's denoiser ends in "
                        "'sigmoid' (pixels in [0, 1]). Change the code size only.")
    reference = _reference()
    if model.count_params() != reference.count_params():
        raise Incorrect(f"it differs from the chapter's denoiser in more than the code size: it has "
                        f"{model.count_params():,} parameters, the chapter's model with a 128-number code has "
                        f"{reference.count_params():,}. Build it as conv_autoencoder((28, 28, 1), "
                        "filters=(16, 32, 64), latent_dim=128).")
    return (f"Right: the chapter's denoiser with a 128-number code and nothing else changed "
            f"({model.count_params():,} parameters against 120,897); train it with train_and_score and compare "
            "its PSNR with the 64-number denoiser's.")


wide_bottleneck = Exercise(
    "Exercise 6.3: a wider bottleneck",
    _check_wide,
    hints=["Change one argument of the chapter's model: conv_autoencoder((28, 28, 1), filters=(16, 32, 64), "
           "latent_dim=...). conv_autoencoder's default filters are (32, 64, 128), twice the chapter's.",
           "def build_wide(): return conv_autoencoder((28, 28, 1), filters=(16, 32, 64), latent_dim=128, "
           "name='wide_denoiser'); then train_and_score(build_wide, seed=0) trains it like the denoiser, and "
           "wide = trained['wide_denoiser', 0]."],
    solution="""
def build_wide():
    return conv_autoencoder((28, 28, 1), filters=(16, 32, 64), latent_dim=128,
                            name="wide_denoiser")


wide_scores = train_and_score(build_wide, seed=0)  # the chapter's recipe, seed 0
wide = trained["wide_denoiser", 0]
narrow = methods["denoiser"]
for key in ("clean", "gaussian 0.1"):
    print(f"{key:13} code 128: {wide_scores[key]:.1f} dB; code 64: "
          f"{narrow.min[key]:.1f} to {narrow.max[key]:.1f} dB over 3 seeds")
print(f"gaussian 0.1  noisy input {methods['noisy'].mean['gaussian 0.1']:.1f} dB, "
      f"median 3x3 {methods['median 3x3'].mean['gaussian 0.1']:.1f} dB")
ch06.wide_bottleneck.check(wide)
""",
    answer="Doubling the code to 128 numbers raises the PSNR on clean images only a little: compare the printed "
           "row of the wider model (one seed) with the range of the 64-number model over its three seeds. At "
           "light Gaussian noise (sigma = 0.1) it stays several decibels below the noisy input itself and below "
           "the median filter, so the crossover does not move: a wider code is not enough. The blur comes from "
           "squeezing each digit through a dense code at all (the fully convolutional network, with no code, "
           "is what moved the crossover) and from the short training; changing only the code size is what lets "
           "you say so, since the filters stayed those of the chapter's model.",
)
