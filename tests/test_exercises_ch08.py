"""Tests of the chapter 8 exercises: the published solutions and other right answers pass,
plausible wrong answers fail with a message that says what is wrong."""

import numpy as np
import pytest
from scipy.special import logsumexp

from aecourse.exercises import ____, ch08
from aecourse.vae import gaussian_kl, log_mean_exp


def run_solution(exercise, **namespace):
    """Execute a published solution in a namespace like the chapter's; return that namespace."""
    namespace = {"np": np, "ch08": ch08, **namespace}
    exec(exercise.solution_code, namespace)
    return namespace


RNG = np.random.default_rng(0)
Z_MEAN, Z_LOG_VAR = RNG.normal(size=(7, 3)), RNG.normal(-1.0, 0.5, size=(7, 3))


def message(result):
    assert result.status == "incorrect", result
    return result.message


# ------------------------------------------------------------------------ 8.1 KL


def test_kl_published_solution_and_other_right_answers():
    ns = run_solution(ch08.kl_function, z_mean_test=Z_MEAN, z_log_var_test=Z_LOG_VAR)
    assert ch08.kl_function.check(ns["kl_to_prior"]).correct
    assert ch08.kl_function.check(gaussian_kl).correct  # the package's own function
    assert ch08.kl_function.check(lambda m, v: -0.5 * np.sum(1 + v - m**2 - np.exp(v), axis=1)).correct

    def loops(m, v):
        out = []
        for row_m, row_v in zip(m, v):
            out.append(sum(0.5 * (a * a + np.exp(b) - 1 - b) for a, b in zip(row_m, row_v)))
        return out  # a list is fine

    assert ch08.kl_function.check(loops).correct


@pytest.mark.parametrize("func, text", [
    (lambda m, v: np.sum(m**2 + np.exp(v) - 1 - v, axis=-1), "twice the KL"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v) - v, axis=-1), "the -1 inside the sum is missing"),
    (lambda m, v: 0.5 * np.mean(m**2 + np.exp(v) - 1 - v, axis=-1), "you averaged over the latent units"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v) - 1 + v, axis=-1), "the sign of the log-variance term"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v / 2) - 1 - v, axis=-1), "standard deviation exp(z_log_var / 2)"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v / 2) - 1 - v / 2, axis=-1), "sigma instead of sigma^2"),
    (lambda m, v: 0.5 * np.sum(np.exp(v) - 1 - v, axis=-1), "the means are missing"),
    (lambda m, v: 0.5 * np.sum((1 + m**2) / np.exp(v) - 1 + v, axis=-1), "the other direction"),
    (lambda m, v: 0.5 * np.sum(m**2 + v - 1 - np.log(v), axis=-1), "can be negative: the variance is exp"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v) - 1 - v, axis=0), "one KL per example, summed over the last axis"),
    (lambda m, v: 0.5 * np.sum(m**2 + np.exp(v) - 1 - v), "returned shape ()"),
    (lambda m, v: None, "did you forget `return`"),
    (lambda m, v: "kl", "should return numbers"),
    (lambda m: m, "kl_to_prior should take 2 arguments, (z_mean, z_log_var); yours is defined as kl_to_prior(m)"),
    (lambda m, v: 1 / 0, "kl_to_prior(an array of shape (6, 4), an array of shape (6, 4)) raised ZeroDivisionError"),
    (0.5, "pass your function kl_to_prior itself"),
])
def test_kl_wrong_answers(func, text):
    assert text in message(ch08.kl_function.check(func))


def test_kl_not_attempted_and_extra_argument():
    assert ch08.kl_function.check(____).status == "not attempted"
    assert ch08.kl_function.check(lambda m, v: ____).status == "not attempted"
    assert "this check is called as check(func)" in message(ch08.kl_function.check(gaussian_kl, 3))


# ---------------------------------------------------------------- 8.2 sampling


def test_sampling_published_solution_and_other_right_answers():
    ns = run_solution(ch08.sampling_function, z_mean_test=Z_MEAN, z_log_var_test=Z_LOG_VAR)
    assert ch08.sampling_function.check(ns["sample_z"]).correct
    assert ch08.sampling_function.check(lambda m, v, e: m + np.sqrt(np.exp(v)) * e).correct
    assert ch08.sampling_function.check(lambda m, v, e: e * np.exp(v / 2) + m).correct


@pytest.mark.parametrize("func, text", [
    (lambda m, v, e: m + np.exp(v) * e, "scale it by the standard deviation"),
    (lambda m, v, e: m + v * e, "z_log_var is a log-variance"),
    (lambda m, v, e: np.exp(0.5 * v) * e, "centred on z_mean"),
    (lambda m, v, e: m + np.exp(-0.5 * v) * e, "you divided the noise"),
    (lambda m, v, e: m * e + np.exp(0.5 * v), "the roles are swapped"),
    (lambda m, v, e: m + np.exp(0.5 * v) + e, "not z_mean + std + eps"),
    (lambda m, v, e: m + np.sqrt(v) * e, "not the square root of z_log_var"),
    (lambda m, v, e: m + np.exp(0.5 * v) * np.random.default_rng().standard_normal(m.shape),
     "draws its own noise"),
    (lambda m, v, e: m, "does not depend on eps"),
    (lambda m, v, e: (m + np.exp(0.5 * v) * e).sum(axis=1), "expected shape (5, 3)"),
    (lambda m, v, e: m + 0.5 * np.exp(v) * e, "differs from z_mean + exp(z_log_var / 2) * eps"),
])
def test_sampling_wrong_answers(func, text):
    assert text in message(ch08.sampling_function.check(func))


# ------------------------------------------------------------ 8.3 log-mean-exp


def test_log_mean_exp_published_solution_and_other_right_answers():
    ns = run_solution(ch08.log_mean_exp_function)
    assert ch08.log_mean_exp_function.check(ns["my_log_mean_exp"]).correct
    assert ch08.log_mean_exp_function.check(log_mean_exp).correct  # the package's own function
    assert ch08.log_mean_exp_function.check(lambda a: logsumexp(a, axis=-1) - np.log(a.shape[-1])).correct
    assert ch08.log_mean_exp_function.check(lambda a: np.logaddexp.reduce(a, axis=1) - np.log(a.shape[1])).correct


def naive(a):
    with np.errstate(divide="ignore"):
        return np.log(np.mean(np.exp(a), axis=-1))


@pytest.mark.parametrize("func, text", [
    (naive, "exp(-1000) underflows to 0"),
    (lambda a: logsumexp(a, axis=-1), "off by log k"),
    (lambda a: a.mean(axis=-1), "the ELBO estimate"),
    (lambda a: logsumexp(a, axis=-1) - np.log(a.shape[-1] - 1), "you divided by k - 1"),
    (lambda a: np.log(np.mean(np.exp(a - a.max(-1, keepdims=True)), axis=-1)), "did not add it back"),
    (lambda a: np.log(np.mean(np.exp(a - a.max()), axis=-1)) + a.max(), "each example's own maximum"),
    (lambda a: a.max(axis=-1), "the largest log-weight only"),
    (lambda a: logsumexp(a, axis=0) - np.log(a.shape[0]), "averaging over the last axis"),
    (lambda a: float(logsumexp(a) - np.log(a.size)), "returned shape ()"),
])
def test_log_mean_exp_wrong_answers(func, text):
    assert text in message(ch08.log_mean_exp_function.check(func))


# ------------------------------------------------------------ 8.4 choosing beta


BETAS = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0])
ACTIVE = np.array([16, 16, 16, 15, 11, 8, 0])
RECONSTRUCTION = np.array([80.3, 84.9, 92.1, 104.7, 127.2, 159.0, 204.7])


def check_choice(choice, betas=BETAS, active=ACTIVE, reconstruction=RECONSTRUCTION):
    return ch08.beta_choice.check(choice, betas, active, reconstruction)


def test_beta_choice_published_solution_and_other_right_answers():
    ns = run_solution(ch08.beta_choice, sweep_betas=BETAS, sweep_active=ACTIVE,
                      sweep_reconstruction=RECONSTRUCTION)
    assert ns["choice"] == 8.0
    assert check_choice(ns["choice"]).correct
    for right in (8, 8.0, np.float32(8.0), np.array([8.0]), [8]):
        assert check_choice(right).correct, right
    # another sweep: an awkward size, the budget met with fewer units
    assert check_choice(2.0, [1.0, 2.0, 3.0], [9, 4, 1], [50.0, 60.0, 70.0]).correct


@pytest.mark.parametrize("choice, text", [
    (0.25, "more than the budget of 8"),
    (4.0, "11 active units, more than the budget of 8"),
    (16.0, "another model within the budget reconstructs the validation digits better"),
    (5, "is the position of the model in the sweep; give its beta, 8"),
    (3.0, "is not one of the swept values"),
    ("8", "give the chosen beta as a number"),
    (float("nan"), "give one of the swept betas"),
    ([8.0, 16.0], "give one beta (a number), not 2 values"),
    (True, "give the chosen beta as a number"),
])
def test_beta_choice_wrong_answers(choice, text):
    assert text in message(check_choice(choice))


def test_beta_choice_strict_inequality_is_wrong():
    # a learner who keeps active < 8 instead of <= 8 picks 16 here
    assert "'At most 8' includes 8" in message(check_choice(16.0))


def test_beta_choice_bad_sweep():
    assert "one beta, one active-unit count and one reconstruction per model" in message(
        ch08.beta_choice.check(8.0, BETAS, ACTIVE[:3], RECONSTRUCTION))
    assert ch08.beta_choice.check(____, BETAS, ACTIVE, RECONSTRUCTION).status == "not attempted"
