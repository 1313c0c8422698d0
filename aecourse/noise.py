"""Corrupting images with noise, for denoising autoencoders.

:func:`add_noise` draws one of three kinds of noise with an explicit seed and keeps
the result in [0, 1], the range the course's images and sigmoid outputs live in.
"""

from __future__ import annotations

import numpy as np

from aecourse.validation import check_array, check_float, check_int, check_one_of, check_values

__all__ = ["add_noise", "KINDS"]

#: The kinds of noise :func:`add_noise` draws.
KINDS = ("gaussian", "salt_and_pepper", "masking")


def add_noise(x, kind="gaussian", amount=0.3, seed=None):
    """Corrupt images with noise, keeping the result in [0, 1].

    Args:
        x: array of values in [0, 1] (any shape).
        kind: ``"gaussian"`` (add N(0, amount^2) to every value), ``"salt_and_pepper"``
            (set a fraction ``amount`` of values to 0 or 1, half each on average) or
            ``"masking"`` (set a fraction ``amount`` of values to 0).
        amount: the standard deviation for Gaussian noise (>= 0), or the fraction of
            values corrupted for the other kinds (in [0, 1]).
        seed: an integer seed (or ``numpy.random.Generator``) for reproducible noise.

    Returns:
        A float32 array of the same shape as ``x``, clipped to [0, 1].

    Raises:
        ValueError: for an unknown ``kind``, an ``amount`` out of range or NaN, a
            negative ``seed``, or ``x`` with values outside [0, 1] (8-bit images: divide
            by 255) or non-finite values.
        TypeError: for an ``amount`` or ``seed`` that is not a number, or ``x`` that
            does not hold numbers.

    Example:
        >>> noisy = add_noise(np.full((2, 4), 0.5), "masking", 0.5, seed=0)
        >>> noisy.shape
        (2, 4)
    """
    where = "add_noise"
    kind = check_one_of(kind, "kind", KINDS, where=where)
    if kind == "gaussian":
        amount = check_float(amount, "amount", where=where, min_value=0,
                             fix="For Gaussian noise it is the standard deviation, e.g. 0.3.")
    else:
        amount = check_float(amount, "amount", where=where, min_value=0, max_value=1,
                             fix=f"For {kind!r} noise it is the fraction of values corrupted, e.g. 0.2.")
    if not (seed is None or isinstance(seed, np.random.Generator)):
        seed = check_int(seed, "seed", where=where, min_value=0,
                         fix="Pass an integer such as 0, a numpy.random.Generator, or None.")
    x = check_array(x, "x", where=where, min_ndim=0, min_length=0, dtype=None)
    if x.size:
        check_values(x, "x", where=where, min_value=0, max_value=1,
                     fix="Noise is added to images in [0, 1]; rescale the data first.")
    x = x.astype(np.float32, copy=False)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if kind == "gaussian":
        noisy = x + rng.normal(0.0, amount, size=x.shape).astype(np.float32)
    elif kind == "salt_and_pepper":
        hit = rng.random(x.shape) < amount
        salt = rng.random(x.shape) < 0.5
        noisy = np.where(hit, salt.astype(np.float32), x)
    else:
        noisy = np.where(rng.random(x.shape) < amount, np.float32(0.0), x)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)
