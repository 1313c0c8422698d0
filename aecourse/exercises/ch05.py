"""Exercises of chapter 5, regularisation and sparsity.

Example:
    >>> from aecourse.exercises import ch05, ____
    >>> ch05.kl_function.check(____).status
    'not attempted'
"""

from __future__ import annotations

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, check_function

__all__ = ["kl_function", "dead_units", "five_active_units"]


def _kl(rho, rho_hat):
    rho, rho_hat = np.asarray(rho, float), np.asarray(rho_hat, float)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


_KL_CASES = [
    ((0.05, 0.05), 0.0),
    ((0.05, 0.2), float(_kl(0.05, 0.2))),
    ((0.05, 0.5), float(_kl(0.05, 0.5))),
    ((0.3, np.array([0.1, 0.3, 0.9])), _kl(0.3, np.array([0.1, 0.3, 0.9]))),
]


def _check_kl(func):
    try:
        swapped = func(0.5, 0.05)
        if np.isclose(float(np.asarray(swapped)), float(_kl(0.05, 0.5))) and not np.isclose(
                float(_kl(0.5, 0.05)), float(_kl(0.05, 0.5))):
            raise Incorrect("your function computes KL(rho_hat || rho): the target rho comes first, "
                            "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)).")
    except Incorrect:
        raise
    except Exception:
        pass  # reported by the case checks below
    check_function(func, _KL_CASES, rtol=1e-6, atol=1e-12, what="kl")
    return "Right: zero when rho_hat equals rho, and growing fast as rho_hat moves away from it."


kl_function = Exercise(
    "Exercise 5.1: the KL divergence",
    _check_kl,
    hints=[
        "KL(rho || rho_hat) = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)), natural log.",
        "Use np.log so that rho_hat may be an array (one value per unit).",
    ],
    solution="""
def kl(rho, rho_hat):
    rho_hat = np.asarray(rho_hat, dtype=float)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
""",
)


def _check_dead(dead, codes, threshold=0.1):
    codes = np.asarray(codes, dtype=float)
    if codes.ndim != 2:
        raise Incorrect(f"codes should be a 2-d array (inputs, units); yours has shape {codes.shape}.")
    expected = np.flatnonzero((codes > threshold).sum(axis=0) == 0)
    try:
        dead = np.asarray(dead).astype(int).ravel()
    except (TypeError, ValueError):
        raise Incorrect(f"give the dead units as a list or array of unit indices, not {type(dead).__name__}.") from None
    if dead.size and dead.max() >= codes.shape[1]:
        raise Incorrect(f"unit {dead.max()} does not exist: the code has {codes.shape[1]} units (0 to {codes.shape[1] - 1}).")
    if set(dead.tolist()) == set(np.flatnonzero(codes.mean(axis=0) <= threshold).tolist()) != set(expected.tolist()):
        raise Incorrect("you selected units whose *mean* activation is below the threshold; a dead unit is "
                        "one that is active for *no* input: its largest activation stays below the threshold.")
    if set(dead.tolist()) != set(expected.tolist()):
        extra = sorted(set(dead.tolist()) - set(expected.tolist()))
        missing = sorted(set(expected.tolist()) - set(dead.tolist()))
        raise Incorrect(f"expected {len(expected)} dead units; {len(missing)} are missing from your list"
                        + (f" and {extra[:5]} are active for some inputs" if extra else "") + ".")
    return f"{len(expected)} units never exceed {threshold} on these inputs."


dead_units = Exercise(
    "Exercise 5.2: spot the dead units",
    _check_dead,
    hints=[
        "A unit is dead when it is active (activation > threshold) for no input at all.",
        "np.flatnonzero(codes.max(axis=0) <= threshold) lists them; sparsity_report(codes, threshold).dead_units "
        "agrees.",
    ],
    solution="""
dead = np.flatnonzero(codes_l1.max(axis=0) <= 0.1)
ch05.dead_units.check(dead, codes_l1, threshold=0.1)
""",
)


def _check_five(report):
    from aecourse.regularizers import SparsityReport

    if not isinstance(report, SparsityReport):
        raise Incorrect(f"pass the result of sparsity_report(codes) for your model's test codes, "
                        f"not a {type(report).__name__}.")
    active = report.mean_active_units
    if not 3.5 <= active <= 6.5:
        direction = "lower rho or raise beta" if active > 6.5 else "raise rho or lower beta"
        raise Incorrect(f"your model has {active:.1f} active units per input on average; aim for 5 "
                        f"(between 3.5 and 6.5): {direction}.")
    return f"{active:.1f} active units per input on average, out of {report.n_units}."


five_active_units = Exercise(
    "Exercise 5.3: about five active units",
    _check_five,
    hints=[
        "Start from rho = 5 / n_units: the mean activation a unit should have if 5 units are fully on.",
        "If the KL penalty is too weak to pull the mean activations down, raise beta tenfold.",
    ],
    solution="""
model = dense_autoencoder(input_shape=(784,), hidden_units=(), latent_dim=196, latent_activation="sigmoid",
                          activity_regularizer=KLSparsity(rho=5 / 196, beta=1.0))
model.compile(optimizer="adam", loss="binary_crossentropy")
train(model, x_train, epochs=30, every=0)
report = sparsity_report(model.get_layer("encoder").predict(x_test, verbose=0))
ch05.five_active_units.check(report)
""",
)
