"""Exercises of chapter 8, the variational autoencoder.

Example:
    >>> from aecourse.exercises import ch08, ____
    >>> ch08.kl_function.check(____).status
    'not attempted'
"""

from __future__ import annotations

import math

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, call_function

__all__ = ["kl_function", "sampling_function", "log_mean_exp_function", "beta_choice"]

_RNG = np.random.default_rng(8)


def _diagnose(got, expected, variants, name, shape_hint):
    """Raise a teaching message for a wrong shape, NaN/inf, or a known wrong formula."""
    if got.shape != expected.shape:
        raise Incorrect(f"{name} returned shape {got.shape}, expected shape {expected.shape}: {shape_hint}")
    if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        return None
    for variant, message in variants:
        with np.errstate(all="ignore"):
            value = variant()
        if np.shape(value) == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-9, equal_nan=True):
            raise Incorrect(message)
    if not np.all(np.isfinite(got)):
        return "nonfinite"
    return "wrong"


def _mismatch(got, expected, name, args_shown):
    i = int(np.argmax(np.abs(got - expected) / (1e-12 + np.abs(expected))))
    raise Incorrect(f"{name}({args_shown}) differs from the expected values: e.g. entry {i} is {got[i]:.6g}, "
                    f"expected {expected[i]:.6g}.")


# ------------------------------------------------------------ 8.1 the closed-form KL


def _kl(mean, log_var):
    return 0.5 * np.sum(mean**2 + np.exp(log_var) - 1.0 - log_var, axis=-1)


_KL_PARAMS = ("z_mean", "z_log_var")
_KL_PROBE = (_RNG.normal(0.0, 1.2, (6, 4)), _RNG.normal(-0.5, 1.0, (6, 4)))
_KL_CASES = [
    (np.zeros((2, 3)), np.zeros((2, 3))),
    (np.array([[1.0]]), np.array([[0.0]])),
    (_RNG.normal(size=(5, 3)), _RNG.normal(size=(5, 3))),
    (_RNG.normal(size=(1, 7)), _RNG.normal(-2.0, 0.5, size=(1, 7))),
]


def _kl_variants(m, v):
    d = m.shape[-1]
    return [
        (lambda: 2 * _kl(m, v), "your values are twice the KL: the closed form has a factor 1/2 in front of the sum."),
        (lambda: _kl(m, v) + 0.5 * d, "each latent unit adds 0.5 too much: the -1 inside the sum is missing (the KL "
                                      "must be 0 for the prior itself, z_mean = 0 and z_log_var = 0)."),
        (lambda: _kl(m, v) / d, "you averaged over the latent units; the KL of independent units is the *sum* of "
                                "their KLs."),
        (lambda: 0.5 * np.sum(m**2 + np.exp(v) - 1.0 + v, axis=-1),
         "the sign of the log-variance term is wrong: the sum holds - z_log_var (that is, - log sigma^2)."),
        (lambda: 0.5 * np.sum(m**2 + np.exp(0.5 * v) - 1.0 - v, axis=-1),
         "you used the standard deviation exp(z_log_var / 2) where the variance sigma^2 = exp(z_log_var) belongs."),
        (lambda: 0.5 * np.sum(m**2 + np.exp(0.5 * v) - 1.0 - 0.5 * v, axis=-1),
         "you wrote the formula with sigma instead of sigma^2: sigma^2 = exp(z_log_var) and "
         "log sigma^2 = z_log_var."),
        (lambda: 0.5 * np.sum(np.exp(v) - 1.0 - v, axis=-1),
         "the means are missing: a posterior centred away from 0 costs z_mean^2 / 2 per unit."),
        (lambda: 0.5 * np.sum((1.0 + m**2) / np.exp(v) - 1.0 + v, axis=-1),
         "that is KL(N(0, I) || q), the divergence in the other direction; the VAE's term is KL(q || N(0, I))."),
    ]


def _check_kl(func):
    name = "kl_to_prior"
    mean, log_var = _KL_PROBE
    got = call_function(func, (mean, log_var), name=name, params=_KL_PARAMS)
    expected = _kl(mean, log_var)
    problem = _diagnose(got, expected, _kl_variants(mean, log_var), name,
                        "one KL per example, summed over the last axis (the latent units).")
    if problem == "nonfinite":
        raise Incorrect(f"{name} returned NaN or infinite values for negative log-variances. z_log_var is the "
                        "logarithm of the variance, so it can be negative: the variance is exp(z_log_var).")
    if problem == "wrong":
        _mismatch(got, expected, name, "z_mean, z_log_var")
    for m, v in _KL_CASES:
        got, expected = call_function(func, (m, v), name=name, params=_KL_PARAMS), _kl(m, v)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            raise Incorrect(f"{name} is wrong for z_mean of shape {m.shape}: it returned "
                            f"{np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}.")
    return "Right: 0 for the prior itself, and each unit adds (mu^2 + sigma^2 - 1 - log sigma^2) / 2 nats."


kl_function = Exercise(
    "Exercise 8.1: the KL term by hand",
    _check_kl,
    hints=[
        "For one unit, KL(N(mu, sigma^2) || N(0, 1)) = (mu^2 + sigma^2 - 1 - log sigma^2) / 2, with "
        "sigma^2 = exp(z_log_var).",
        "Sum that over the last axis: np.sum(..., axis=-1).",
    ],
    solution="""
def kl_to_prior(z_mean, z_log_var):
    return 0.5 * np.sum(z_mean**2 + np.exp(z_log_var) - 1 - z_log_var, axis=-1)

print(kl_to_prior(z_mean_test, z_log_var_test).mean())  # the KL column of the table, for seed 0 and beta 1
""",
    answer="The KL term is the sum over latent units of (mu^2 + sigma^2 - 1 - log sigma^2) / 2 with "
           "sigma^2 = exp(z_log_var); it is 0 only when the posterior equals the prior, and the mean over the "
           "test digits is the KL part printed in the chapter's table for that model.",
)


# ------------------------------------------------------- 8.2 the reparameterisation


_Z_PARAMS = ("z_mean", "z_log_var", "eps")
_Z_PROBE = (_RNG.normal(size=(5, 3)), _RNG.normal(-0.5, 1.0, (5, 3)), _RNG.normal(size=(5, 3)))


def _z(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps


def _check_sampling(func):
    name = "sample_z"
    mean, log_var, eps = _Z_PROBE
    first = call_function(func, (mean, log_var, eps), name=name, params=_Z_PARAMS)
    second = call_function(func, (mean, log_var, eps), name=name, params=_Z_PARAMS)
    expected = _z(mean, log_var, eps)
    if first.shape == expected.shape and not np.allclose(first, second, equal_nan=True):
        raise Incorrect("your function draws its own noise (two calls with the same eps differ). Use the eps it "
                        "is given: the noise must come from outside, so that z is an ordinary, differentiable "
                        "function of z_mean and z_log_var.")
    if first.shape == expected.shape and np.allclose(first, mean):
        raise Incorrect("your z does not depend on eps: that is the posterior mean, not a sample. Add the noise "
                        "eps scaled by the standard deviation.")
    variants = [
        (lambda: mean + np.exp(log_var) * eps,
         "you scaled eps by the variance exp(z_log_var); scale it by the standard deviation exp(z_log_var / 2)."),
        (lambda: mean + log_var * eps,
         "z_log_var is a log-variance, not a standard deviation: the standard deviation is exp(z_log_var / 2)."),
        (lambda: np.exp(0.5 * log_var) * eps,
         "the sample must be centred on z_mean: add z_mean to the scaled noise."),
        (lambda: mean + np.exp(-0.5 * log_var) * eps,
         "you divided the noise by the standard deviation: multiply by exp(z_log_var / 2) instead."),
        (lambda: mean * eps + np.exp(0.5 * log_var),
         "the roles are swapped: z = z_mean + std * eps (the noise multiplies the standard deviation, not the mean)."),
        (lambda: mean + np.exp(0.5 * log_var) + eps,
         "the noise multiplies the standard deviation: z = z_mean + std * eps, not z_mean + std + eps."),
    ]
    problem = _diagnose(first, expected, variants, name, "one z per entry of z_mean (the same shape).")
    if problem == "nonfinite":
        raise Incorrect(f"{name} returned NaN for negative log-variances: the standard deviation is "
                        "exp(z_log_var / 2), not the square root of z_log_var.")
    if problem == "wrong":
        raise Incorrect(f"{name}(z_mean, z_log_var, eps) differs from z_mean + exp(z_log_var / 2) * eps; e.g. "
                        f"for z_mean = {mean[0, 0]:.3f}, z_log_var = {log_var[0, 0]:.3f}, eps = {eps[0, 0]:.3f} "
                        f"it gave {first.ravel()[0]:.4f}, expected {expected[0, 0]:.4f}.")
    return "Right: all the randomness is in eps, so gradients reach z_mean (factor 1) and z_log_var (factor std * eps / 2)."


sampling_function = Exercise(
    "Exercise 8.2: the reparameterisation",
    _check_sampling,
    hints=["The standard deviation is exp(z_log_var / 2): half the log-variance, exponentiated.",
           "z = z_mean + np.exp(0.5 * z_log_var) * eps"],
    solution="""
def sample_z(z_mean, z_log_var, eps):
    return z_mean + np.exp(0.5 * z_log_var) * eps

eps = np.random.default_rng(0).standard_normal(z_mean_test.shape)
print(sample_z(z_mean_test, z_log_var_test, eps)[:2].round(2))
""",
    answer="z = z_mean + exp(z_log_var / 2) * eps with eps drawn from N(0, I) outside the function. Written so, z "
           "is a deterministic, differentiable function of z_mean and z_log_var (dz/dz_mean = 1, dz/dz_log_var = "
           "exp(z_log_var / 2) * eps / 2), which is what lets backpropagation train the encoder through the "
           "sampling step.",
)


# ---------------------------------------------------------------- 8.3 log-mean-exp


def _lme(a):
    top = np.max(a, axis=-1, keepdims=True)
    return np.log(np.mean(np.exp(a - top), axis=-1)) + top[..., 0]


_LME_PARAMS = ("log_w",)
_LME_PROBE = np.array([[-1000.0, -1001.5, -999.2, -1003.0, -1000.7],
                       [-2.0, 0.5, -1.0, 1.5, 0.0],
                       [-800.0, -805.0, -790.0, -798.0, -801.0],
                       [800.0, 795.0, 801.0, 799.0, 798.0]])
_LME_CASES = [np.array([[0.0]]), np.zeros((2, 3)), _RNG.normal(-90.0, 3.0, (4, 7)), _RNG.normal(0.0, 1.0, (1, 2))]


def _lme_variants(a):
    k = a.shape[-1]
    return [
        (lambda: np.log(np.sum(np.exp(a - a.max(-1, keepdims=True)), axis=-1)) + a.max(-1),
         "off by log k: you computed the log of the *sum*; the mean divides by k, the number of samples."),
        (lambda: a.mean(axis=-1),
         "that is the mean of the log-weights, the ELBO estimate; the log of the mean is larger (Jensen's "
         "inequality), and that difference is what importance sampling gains."),
        (lambda: np.log(np.sum(np.exp(a - a.max(-1, keepdims=True)), axis=-1) / (k - 1)) + a.max(-1),
         "you divided by k - 1; the mean of k values divides by k."),
        (lambda: np.log(np.mean(np.exp(a - a.max(-1, keepdims=True)), axis=-1)),
         "you subtracted the maximum but did not add it back after the logarithm."),
        (lambda: np.log(np.mean(np.exp(a - a.max()), axis=-1)) + a.max(),
         "subtract each example's own maximum (np.max(log_w, axis=-1, keepdims=True)): with the overall "
         "maximum, the rows far below it still underflow to exp(...) = 0."),
        (lambda: a.max(axis=-1),
         "that is the largest log-weight only; average exp(log_w - max) over the k samples and add its log."),
    ]


def _check_lme(func):
    name = "my_log_mean_exp"
    a = _LME_PROBE
    got = call_function(func, (a,), name=name, params=_LME_PARAMS)
    expected = _lme(a)
    problem = _diagnose(got, expected, _lme_variants(a), name,
                        "one value per example, averaging over the last axis (the k samples).")
    if problem == "nonfinite":
        raise Incorrect(f"{name} returned -inf, inf or NaN for large log-weights: exp(-1000) underflows to 0 "
                        "and exp(800) overflows to inf (in float32 already exp(-104) is 0, and the log-weights "
                        "of an MNIST digit are about -100). Subtract the largest value of each row before "
                        "exponentiating, and add it back after the logarithm.")
    if problem == "wrong":
        _mismatch(got, expected, name, "log_w")
    for case in _LME_CASES:
        got, expected = call_function(func, (case,), name=name, params=_LME_PARAMS), _lme(case)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-9, atol=1e-9):
            raise Incorrect(f"{name} is wrong for log_w of shape {case.shape}: it returned "
                            f"{np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}.")
    return "Right, and stable: the largest weight of each row is exp(0) = 1, so nothing underflows to 0."


log_mean_exp_function = Exercise(
    "Exercise 8.3: log-mean-exp, the heart of the importance-sampled NLL",
    _check_lme,
    hints=["log(mean(exp(a))) = m + log(mean(exp(a - m))) for any m; choose m = the row's maximum.",
           "m = np.max(log_w, axis=-1, keepdims=True); return m[..., 0] + np.log(np.mean(np.exp(log_w - m), axis=-1))"],
    solution="""
def my_log_mean_exp(log_w):
    m = np.max(log_w, axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.mean(np.exp(log_w - m), axis=-1))

print(my_log_mean_exp(np.array([[-1000.0, -1001.0]])))  # the naive formula gives -inf
""",
    answer="Subtract each row's maximum m before exponentiating and add it back after the logarithm: "
           "log mean exp(a) = m + log mean exp(a - m). The naive formula returns -inf once exp underflows: "
           "exp(-1000) is 0 even in float64, and in float32 exp(-104) already is, while the log-weights of an "
           "image are minus its log-likelihood in nats, about -100 for a small MNIST digit and far lower for "
           "larger images.",
)


# ------------------------------------------------------------ 8.4 choosing a beta


def _check_beta_choice(choice, betas, active, reconstruction, max_active=8):
    betas = np.asarray(betas, dtype=float).ravel()
    active = np.asarray(active, dtype=float).ravel()
    reconstruction = np.asarray(reconstruction, dtype=float).ravel()
    if not (len(betas) == len(active) == len(reconstruction)) or len(betas) == 0:
        raise Incorrect(f"the sweep should give one beta, one active-unit count and one reconstruction per model; "
                        f"received {len(betas)}, {len(active)} and {len(reconstruction)} values.")
    if isinstance(choice, (list, tuple, np.ndarray)) and np.size(choice) != 1:
        raise Incorrect(f"give one beta (a number), not {np.size(choice)} values.")
    if isinstance(choice, (bool, np.bool_)) or isinstance(choice, str):
        raise Incorrect(f"give the chosen beta as a number, not {choice!r}.")
    try:
        value = float(np.asarray(choice).ravel()[0])
    except (TypeError, ValueError):
        raise Incorrect(f"give the chosen beta as a number, not a {type(choice).__name__}.") from None
    if not math.isfinite(value):
        raise Incorrect(f"give one of the swept betas {betas.tolist()}, not {value}.")
    allowed = active <= max_active
    best = int(np.flatnonzero(allowed)[np.argmin(reconstruction[allowed])]) if allowed.any() else None
    if best is None:
        raise Incorrect(f"no model of this sweep has at most {max_active} active units.")
    matches = np.flatnonzero(np.isclose(betas, value, rtol=1e-9, atol=0.0))
    if matches.size == 0:
        if float(value).is_integer() and 0 <= value < len(betas) and int(value) == best:
            raise Incorrect(f"{int(value)} is the position of the model in the sweep; give its beta, "
                            f"{betas[best]:g}.")
        raise Incorrect(f"beta = {value:g} is not one of the swept values {[float(b) for b in betas]}.")
    i = int(matches[0])
    if active[i] > max_active:
        raise Incorrect(f"the model with beta = {value:g} has {active[i]:g} active units, more than the budget of "
                        f"{max_active}: it reconstructs well because it uses more of its code. Keep only the "
                        f"models with at most {max_active} active units.")
    if i != best:
        raise Incorrect(f"the model with beta = {value:g} keeps within the budget ({active[i]:g} active units), "
                        f"but another model within the budget reconstructs the validation digits better "
                        f"(lower reconstruction term). 'At most {max_active}' includes {max_active}.")
    return (f"beta = {betas[best]:g}: the best reconstruction among the models with at most {max_active} active "
            f"units.")


beta_choice = Exercise(
    "Exercise 8.4: reading the rate-distortion trade-off",
    _check_beta_choice,
    hints=["Keep only the models of the sweep with at most 8 active units (validation data).",
           "Among those, take the beta of the model with the lowest reconstruction term: "
           "betas[allowed][np.argmin(reconstruction[allowed])]."],
    solution="""
allowed = sweep_active <= 8
choice = sweep_betas[allowed][np.argmin(sweep_reconstruction[allowed])]
print(choice)
""",
    answer="Take the models with at most 8 active units and, among them, the one with the lowest reconstruction "
           "term on the validation split. Reconstruction worsens as beta grows while the number of active units "
           "falls, so the answer is the smallest beta whose model stays within the budget: the budget on the "
           "rate (the KL, carried by the active units) fixes the best attainable distortion.",
)
