"""Exercises of chapter 6, denoising autoencoders.

Example:
    >>> from aecourse.exercises import ch06, ____
    >>> ch06.masking_noise.check(____, ____).status
    'not attempted'
"""

from __future__ import annotations

import math

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, check_model, check_number

__all__ = ["masking_noise", "psnr_gain", "wide_bottleneck"]


def _check_masking(noisy, clean, amount=0.3):
    noisy, clean = np.asarray(noisy, dtype=float), np.asarray(clean, dtype=float)
    if noisy.shape != clean.shape:
        raise Incorrect(f"the noisy images should have the shape of the clean ones, {clean.shape}; yours have {noisy.shape}.")
    if noisy.min() < 0 or noisy.max() > 1:
        raise Incorrect(f"values should stay in [0, 1]; yours range from {noisy.min():.3g} to {noisy.max():.3g}.")
    changed = noisy != clean
    if np.any(noisy[changed] != 0):
        raise Incorrect("masking noise only sets pixels to 0; some of your pixels took other values "
                        "(is it Gaussian or salt-and-pepper noise?).")
    ink = clean > 0
    if not ink.any():
        raise Incorrect("the clean images are all black; pass the images you corrupted.")
    fraction = float(changed[ink].mean())
    if not math.isclose(fraction, amount, abs_tol=0.03):
        raise Incorrect(f"{fraction:.1%} of the non-black pixels were set to 0; expected about {amount:.0%}.")
    return f"{fraction:.1%} of the non-black pixels masked, as asked."


masking_noise = Exercise(
    "Exercise 6.1: masking noise",
    _check_masking,
    hints=["aecourse.data.add_noise has a 'masking' kind; its amount is the fraction of values set to 0.",
           "noisy = add_noise(clean, 'masking', 0.3, seed=1)"],
    solution="""
clean = x_test[:100]
noisy = add_noise(clean, "masking", 0.3, seed=1)
ch06.masking_noise.check(noisy, clean, amount=0.3)
""",
)


def _psnr(a, b):
    return 10.0 * math.log10(1.0 / float(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def _check_gain(gain, clean, noisy, denoised):
    expected = _psnr(clean, denoised) - _psnr(clean, noisy)
    if isinstance(gain, (int, float, np.floating)):
        if math.isclose(float(gain), -expected, rel_tol=1e-3) and abs(expected) > 1e-6:
            raise Incorrect("the sign is flipped: gain = PSNR(clean, denoised) - PSNR(clean, noisy).")
        if math.isclose(float(gain), _psnr(noisy, denoised), rel_tol=1e-3):
            raise Incorrect("that compares the output with the noisy input; measure both against the clean image.")
    check_number(gain, expected, rtol=1e-3, atol=1e-3, what="the PSNR gain in dB")
    return f"The denoiser gains {expected:.2f} dB on these images."


psnr_gain = Exercise(
    "Exercise 6.2: the PSNR gain",
    _check_gain,
    hints=["PSNR is always measured against the clean image: once for the noisy input, once for the output.",
           "gain = psnr(clean, denoised) - psnr(clean, noisy)"],
    solution="""
denoised = denoiser.predict(noisy, verbose=0)
gain = psnr(clean, denoised) - psnr(clean, noisy)
ch06.psnr_gain.check(gain, clean, noisy, denoised)
""",
)


def _check_wide(model):
    check_model(model, output_shape=(28, 28, 1), what="your denoiser")
    check_model(model, code_dim=128, what="your denoiser")
    return "A 128-number code: now train it on noisy inputs and compare its PSNR table with the 10-number model's."


wide_bottleneck = Exercise(
    "Exercise 6.3: a wider bottleneck",
    _check_wide,
    hints=["conv_autoencoder takes latent_dim like the dense builder.",
           "conv_autoencoder(input_shape=(28, 28, 1), latent_dim=128)"],
    solution="""
wide = conv_autoencoder(input_shape=(28, 28, 1), latent_dim=128)
ch06.wide_bottleneck.check(wide)
""",
)
