"""Corrupting images with noise, for denoising autoencoders.

:func:`add_noise` draws one of three kinds of noise with an explicit seed and keeps
the result in [0, 1], the range the course's images and sigmoid outputs live in.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["add_noise"]


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
        ValueError: for an unknown ``kind``, an ``amount`` out of range, or ``x`` with
            values outside [0, 1] or non-finite values.

    Example:
        >>> noisy = add_noise(np.full((2, 4), 0.5), "masking", 0.5, seed=0)
        >>> noisy.shape
        (2, 4)
    """
    kinds = ("gaussian", "salt_and_pepper", "masking")
    if kind not in kinds:
        raise ValueError(f"add_noise(kind={kind!r}): unknown noise kind; expected one of {kinds}")
    if isinstance(amount, bool) or not isinstance(amount, (int, float, np.integer, np.floating)):
        raise TypeError(f"add_noise(amount={amount!r}): expected a number")
    amount = float(amount)
    if kind == "gaussian" and not (0.0 <= amount < math.inf):
        raise ValueError(f"add_noise(amount={amount}): the Gaussian standard deviation must be >= 0")
    if kind != "gaussian" and not (0.0 <= amount <= 1.0):
        raise ValueError(
            f"add_noise(kind={kind!r}, amount={amount}): the fraction of corrupted values must lie in [0, 1]"
        )
    x = np.asarray(x, dtype=np.float32)
    if x.size and (not np.all(np.isfinite(x)) or x.min() < 0.0 or x.max() > 1.0):
        raise ValueError(
            f"add_noise: expected values in [0, 1], received values in [{np.nanmin(x)}, {np.nanmax(x)}]"
            + ("" if np.all(np.isfinite(x)) else " and non-finite values")
        )
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
