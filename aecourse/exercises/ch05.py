"""Exercises of chapter 5, regularisation and sparsity.

Each check computes the expected answer itself: 5.1 runs the learner's function on
test values of its own, 5.2 finds the dead units of the learner's codes, and 5.3 takes
the learner's *model* and the test images and measures the codes, the penalty and the
reconstruction itself, so that only a trained KL-sparse model passes. The plausible
wrong answers (the arguments of the divergence swapped, a logarithm of the wrong base,
a mean activation below the threshold read as "never active", ...) are recognised by
name.

Example:
    >>> from aecourse.exercises import ch05, ____
    >>> ch05.kl_function.check(____).status
    'not attempted'
    >>> import numpy as np
    >>> print(ch05.kl_function.check(lambda rho, rho_hat: (rho - rho_hat) ** 2))
    [incorrect] Exercise 5.1: the KL divergence: that is the squared difference (rho - rho_hat)^2; the KL divergence compares two Bernoulli distributions: rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, call_function, read_indices

__all__ = ["kl_function", "dead_units", "five_active_units"]

_RNG = np.random.default_rng(5)


# ------------------------------------------------------------------- helpers


def _same(a, b, rtol=1e-6, atol=1e-12):
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


# ------------------------------------------------------------ 5.1 the KL divergence


def _kl(rho, rho_hat):
    rho, rho_hat = np.asarray(rho, float), np.asarray(rho_hat, float)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


_KL_PROBE = (0.1, np.array([0.02, 0.1, 0.35, 0.8, 0.97]))
_KL_CASES = [
    ((0.05, 0.05), 0.0),
    ((0.05, 0.2), None),
    ((0.05, 0.5), None),
    ((0.3, np.array([0.1, 0.3, 0.9])), None),
    ((0.01, _RNG.uniform(0.001, 0.6, size=(2, 3))), None),
]


def _kl_variants(rho, q):
    ln = np.log
    return [
        (lambda: _kl(q, rho), "your function computes KL(rho_hat || rho): the target rho comes first, "
                              "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)). The order "
                              "matters: swapped, the penalty stays small for a unit that never fires."),
        (lambda: _kl(rho, q) / ln(2), "you used the logarithm to base 2 (bits); the course's KL uses the natural "
                                      "logarithm (nats), np.log, like its BCE."),
        (lambda: _kl(rho, q) / ln(10), "you used the base-10 logarithm; use the natural logarithm, np.log."),
        (lambda: rho * ln(rho / q), "you kept only the first term. The unit is a Bernoulli variable: add the term "
                                    "for it being off, (1 - rho) log((1 - rho) / (1 - rho_hat))."),
        (lambda: (1 - rho) * ln((1 - rho) / (1 - q)), "you kept only the second term; add the first, "
                                                      "rho log(rho / rho_hat)."),
        (lambda: -_kl(rho, q), "the ratios are upside down (or the sign is flipped): a KL divergence is never "
                               "negative. Write rho log(rho / rho_hat), with rho on top."),
        (lambda: -(rho * ln(q) + (1 - rho) * ln(1 - q)),
         "that is the cross-entropy of rho_hat against rho (chapter 4's BCE). The KL divergence subtracts the "
         "entropy of rho from it, so that it is 0 when rho_hat = rho: use the ratios rho / rho_hat and "
         "(1 - rho) / (1 - rho_hat)."),
        (lambda: (rho - q) ** 2, "that is the squared difference (rho - rho_hat)^2; the KL divergence compares two "
                                 "Bernoulli distributions: rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / "
                                 "(1 - rho_hat))."),
        (lambda: rho * ln(rho / q) + (1 - rho) * ln((1 - rho) / q),
         "in the second term, compare 1 - rho with 1 - rho_hat: (1 - rho) log((1 - rho) / (1 - rho_hat))."),
    ]


def _check_kl(kl):
    func = kl
    from aecourse.regularizers import kl_divergence

    name = "kl"
    if func is kl_divergence:
        raise Incorrect("that is the package's kl_divergence; write your own kl, then compare the two.")
    params = ("rho", "rho_hat")
    rho, q = _KL_PROBE
    expected = _kl(rho, q)
    got = call_function(func, (rho, q), name=name, params=params)
    if got.shape != expected.shape:
        if got.size == 1:
            raise Incorrect(f"{name}({rho}, an array of {q.size} values) returned one number; return one value per "
                            "unit (element-wise, no sum or mean): the penalty sums them later.")
        raise Incorrect(f"{name}({rho}, an array of shape {q.shape}) returned shape {got.shape}; it should return "
                        "one value per entry of rho_hat, the same shape.")
    if not _same(got, expected):
        for variant, text in _kl_variants(rho, q):
            with np.errstate(all="ignore"):
                value = np.asarray(variant(), dtype=float)
            if _same(got, value):
                raise Incorrect(text)
        if not np.all(np.isfinite(got)):
            raise Incorrect(f"{name}({rho}, {q.tolist()}) returned NaN or infinite values; for rho_hat strictly "
                            "between 0 and 1 every value is finite.")
        i = int(np.argmax(~np.isclose(got, expected, rtol=1e-6, atol=1e-12)))
        raise Incorrect(f"{name}({rho}, {q[i]}) returned {got[i]:.6g}, expected {expected[i]:.6g}: "
                        "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)).")
    for (rho, q), _ in _KL_CASES:
        expected = _kl(rho, q)
        got = call_function(func, (rho, q), name=name, params=params)
        if expected.ndim == 0 and got.size == 1:
            got = got.reshape(())  # one number, as a 1-element list or array, is fine for one rho_hat
        if not _same(got, expected):
            shown = q if np.ndim(q) == 0 else f"an array of shape {np.shape(q)}"
            raise Incorrect(f"{name}({rho}, {shown}) returned {np.round(got, 6).tolist()}, expected "
                            f"{np.round(expected, 6).tolist()}.")
    return "Right: zero when rho_hat equals rho, and growing fast as rho_hat moves away from it."


kl_function = Exercise(
    "Exercise 5.1: the KL divergence",
    _check_kl,
    hints=[
        "KL(rho || rho_hat) = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat)), natural log.",
        "Use np.log so that rho_hat may be an array (one value per unit); do not sum.",
    ],
    solution="""
def kl(rho, rho_hat):
    rho_hat = np.asarray(rho_hat, dtype=float)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))

for rho_hat in (0.5, 0.001):  # a busy unit, an almost dead one
    print(f"target first: kl(0.05, {rho_hat}) = {kl(0.05, rho_hat):.4f}   "
          f"swapped: kl({rho_hat}, 0.05) = {kl(rho_hat, 0.05):.4f}")
print("as the package:", np.allclose(kl(rho, np.linspace(0.01, 0.99, 50)),
                                    kl_divergence(rho, np.linspace(0.01, 0.99, 50))))
""",
    answer="The target rho comes first: KL(rho || rho_hat) averages the log-ratio under the target's Bernoulli "
           "distribution. The divergence is not symmetric, so the order matters (the solution prints both "
           "orders): with the target first, a unit whose mean activation falls towards 0 costs more and more "
           "(the penalty goes to infinity at 0), which keeps units from dying; swapped, KL(0.001 || 0.05) is "
           "only about 0.05, and a dead unit would barely be penalised.",
)


# ----------------------------------------------------------- 5.2 spot the dead units


def _check_range(units, n_units):
    if any(u < 0 for u in units):
        raise Incorrect(f"unit indices run from 0 to {n_units - 1}; your list holds negative values.")
    if units and max(units) >= n_units:
        raise Incorrect(f"unit {max(units)} does not exist: the code has {n_units} units (0 to {n_units - 1}).")


def _check_dead(dead, codes, threshold=0.1):
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real) \
            or not math.isfinite(float(threshold)):
        raise Incorrect(f"threshold should be a number such as 0.1, you gave {threshold!r}.")
    try:
        codes = np.asarray(codes, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("the second argument should be the codes, an array of shape (inputs, units), such as "
                        'results["L1"]["codes"].') from None
    if codes.ndim != 2 or codes.size == 0:
        raise Incorrect(f"codes should be a 2-d array (inputs, units); yours has shape {codes.shape}.")
    if not np.all(np.isfinite(codes)):
        raise Incorrect("the codes hold NaN or infinite values; pass the test codes of a trained model.")
    t = float(threshold)
    n_inputs, n_units = codes.shape
    got = read_indices(dead, n_units, example="[3, 17]", mask_fix="Reduce over the inputs, axis=0.")
    was_mask = np.asarray(dead).dtype == bool  # read_indices read it as np.flatnonzero(dead)
    expected = np.flatnonzero(codes.max(axis=0) <= t).tolist()
    if got != expected:
        variants = [
            (np.flatnonzero(codes.mean(axis=0) <= t),
             "you selected units whose *mean* activation is at most the threshold; a dead unit is one that is "
             "active for *no* input: its largest activation stays at or below the threshold (codes.max(axis=0))."),
            (np.flatnonzero(codes.min(axis=0) <= t),
             "you listed the units that are inactive for *some* input; dead means inactive for *every* input: "
             "test the largest activation of each unit, codes.max(axis=0)."),
            (np.flatnonzero(codes.max(axis=0) > t),
             "those are the units that are active at least once, the opposite: dead units never exceed the "
             "threshold (codes.max(axis=0) <= threshold)."),
            (np.flatnonzero(codes.max(axis=1) <= t),
             "you reduced over the units (axis=1) and listed *inputs*; a dead unit is a column of the codes: "
             "reduce over the inputs, axis=0."),
            (np.flatnonzero(codes.max(axis=0) < t),
             "a unit whose largest activation equals the threshold exactly is not active either (active means "
             "above the threshold): use <=, or not (> threshold)."),
            (np.flatnonzero(codes.max(axis=0) <= 0.0),
             "you counted a unit as dead only when it is exactly 0; here active means above the threshold "
             f"({t:g}), and sigmoid units are never exactly 0."),
            (np.flatnonzero(codes.max(axis=0) <= 0.01),
             "you used the threshold 0.01; this check asks for the threshold it is given (0.1 in the chapter)."),
            (np.asarray(expected) + 1, "your indices are one too large: Python counts units from 0."),
        ]
        for wrong, text in variants:
            wrong = sorted(set(np.asarray(wrong).tolist()))
            if wrong and wrong == got:  # an empty list says nothing about how it was made
                raise Incorrect(text)
        _check_range(got, n_units)
        extra = sorted(set(got) - set(expected))
        missing = sorted(set(expected) - set(got))
        parts = []
        if missing:
            parts.append(f"{len(missing)} dead unit(s) are missing from your list (e.g. {missing[:5]})")
        if extra:
            parts.append(f"{extra[:5]} are active (above {t:g}) for some input")
        raise Incorrect(f"these codes have {len(expected)} dead units; " + " and ".join(parts) + ".")
    how = (" (your True/False mask, one entry per unit, was read as the indices np.flatnonzero(mask) gives)"
           if was_mask else "")
    return f"{len(expected)} of {n_units} units never exceed {t:g} on these {n_inputs} inputs{how}."


dead_units = Exercise(
    "Exercise 5.2: spot the dead units",
    _check_dead,
    hints=[
        "A unit is dead when it is active (activation > threshold) for no input at all: look at each unit's "
        "*largest* activation over the inputs.",
        "np.flatnonzero(codes.max(axis=0) <= threshold) lists them; sparsity_report(codes, threshold).dead_units "
        "agrees.",
    ],
    solution="""
codes_l1 = results["L1"]["codes"]
dead = np.flatnonzero(codes_l1.max(axis=0) <= 0.1)   # active for no test digit
print(f"{len(dead)} dead units at threshold 0.1;",
      f"{len(np.flatnonzero(codes_l1.max(axis=0) <= 0.01))} at threshold 0.01")
print("largest activation of each dead unit over the test digits, highest first:",
      np.round(np.sort(codes_l1[:, dead].max(axis=0))[::-1][:8], 3))
decoder = results["L1"]["model"].get_layer("decoder")
kernel = decoder.get_layer("reconstruction").get_weights()[0]
fig = plot_images(to_unit_range(kernel[dead[:10]], keep_zero=False),
                  labels=[str(j) for j in dead[:10]], ncols=10, size=1.0,
                  title="decoder weights of dead L1 units")
""",
    answer="The dead units are those whose largest activation over the test digits stays at or below 0.1; "
           "np.flatnonzero(codes.max(axis=0) <= 0.1) lists them, the same units as sparsity_report. Their "
           "decoder rows look mostly like noise, some with a faint stroke: a unit that is never active gets "
           "almost no gradient from the reconstruction, so its row stays close to its random initial values. At "
           "the threshold 0.01 the solution prints how many remain: their largest activations (printed) are "
           "small but not zero, so which units count as dead depends on the threshold, which is why "
           "sparsity_report takes it as an argument.",
)


# -------------------------------------------------------- 5.3 about five active units


_TARGET, _LOW, _HIGH = 5.0, 3.5, 6.5
_CODE_UNITS = 196


def _kl_layers(model):
    from aecourse.nested import leaf_layers
    from aecourse.regularizers import KLSparsity

    return [layer for layer in leaf_layers(model) if isinstance(layer, KLSparsity)]


def _check_five(model_5, x_test):
    model = model_5
    import keras

    from aecourse.losses import bce, bce_floor
    from aecourse.regularizers import SparsityReport, sparsity_report

    if isinstance(model, SparsityReport):
        raise Incorrect("pass your model itself and the test images, check(model_5, x_test): the check measures "
                        "the codes itself, since a report could come from any codes.")
    if isinstance(model, np.ndarray):
        raise Incorrect("pass your model itself, not its codes: check(model_5, x_test).")
    if not isinstance(model, keras.Model):
        raise Incorrect(f"the first argument should be your trained Keras model, you gave a {type(model).__name__}.")
    if isinstance(x_test, (str, bytes)) or x_test is None:
        raise Incorrect("pass the chapter's test images as the second argument: check(model_5, x_test).")
    try:
        x = np.asarray(x_test, dtype="float32")
    except (TypeError, ValueError):
        raise Incorrect("the second argument should be the test images, x_test (an array of numbers).") from None
    if x.ndim != 2 or len(x) < 100 or not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
        raise Incorrect("the second argument should be the chapter's test images, x_test: at least 100 flattened "
                        f"images with pixel values in [0, 1]; you gave an array of shape {x.shape}.")
    try:
        encoder = model.get_layer("encoder")
    except ValueError:
        raise Incorrect("your model has no part named 'encoder'; build it with dense_autoencoder (or the chapter's "
                        "autoencoder_196), which names its encoder.") from None
    expected_width = model.input_shape[-1] if isinstance(model.input_shape, tuple) else None
    if expected_width is not None and expected_width != x.shape[1]:
        raise Incorrect(f"your model takes inputs of {expected_width} values, but the images you passed have "
                        f"{x.shape[1]} (shape {x.shape}); pass the flattened test images, x_test.")
    try:
        codes = np.asarray(encoder.predict(x, batch_size=1000, verbose=0), dtype=float)
        reconstruction = np.asarray(model.predict(x, batch_size=1000, verbose=0), dtype=float)
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        raise Incorrect(f"your model could not encode the test images (shape {x.shape}): {type(exc).__name__}: "
                        f"{first_line}") from None
    codes = codes.reshape(len(x), -1)
    if codes.shape[1] != _CODE_UNITS:
        raise Incorrect(f"your model's code has {codes.shape[1]} units; the exercise asks for 5 active units out "
                        f"of the chapter's {_CODE_UNITS}.")
    if not np.all(np.isfinite(codes)) or codes.min() < 0 or codes.max() > 1:
        raise Incorrect(f"your code's activations range from {np.nanmin(codes):.3g} to {np.nanmax(codes):.3g}; the KL "
                        "penalty needs activations in (0, 1): use sigmoid code units "
                        "(latent_activation='sigmoid').")
    layers = _kl_layers(model)
    if not layers:
        raise Incorrect("your model has no KLSparsity layer: the exercise asks you to reach about 5 active units "
                        "with the KL penalty, by choosing rho and beta "
                        "(activity_regularizer=KLSparsity(rho=..., beta=...)).")
    layer = layers[0]
    settings = f"rho={layer.rho:.4g}, beta={layer.beta:.4g}"
    if reconstruction.shape != x.shape or not np.all(np.isfinite(reconstruction)) or reconstruction.min() < 0 \
            or reconstruction.max() > 1:
        raise Incorrect("your model's output should be a reconstruction of the images, with values in [0, 1] "
                        f"(a sigmoid output); it gives shape {reconstruction.shape}.")
    floor = bce_floor(x)
    above = bce(x, reconstruction) - floor
    mean_image = np.broadcast_to(x.mean(axis=0), x.shape)
    baseline = bce(x, mean_image) - floor
    if not above < baseline:
        raise Incorrect(f"your model ({settings}) reconstructs the test images no better than their mean image "
                        f"does (BCE above the floor {above:.3f}, the mean image {baseline:.3f}): its codes carry "
                        "next to nothing about the input. Train it (longer, e.g. 60 epochs), or lower beta.")
    report = sparsity_report(codes)
    active = report.mean_active_units
    if not _LOW <= active <= _HIGH:
        if active > _HIGH:
            direction = ("lower rho: the penalty fixes each unit's *mean* activation, and units meet it by being "
                         "weakly on for many inputs, so more than rho * 196 of them exceed 0.1; raise beta if rho "
                         "alone does not get there")
        else:
            direction = "raise rho or lower beta"
        raise Incorrect(f"your model ({settings}) has {active:.1f} active units per test input on average; aim for "
                        f"{_TARGET:g} (between {_LOW:g} and {_HIGH:g}): {direction}.")
    used = int(np.sum(report.unit_active_rate > 0))
    if used < 20:
        raise Incorrect(f"your model switches on the same {used} units for every input: that is a smaller code, "
                        "not a sparse one. A sparse code uses different units for different inputs; lower beta or "
                        "train longer.")
    return (f"{active:.1f} of {report.n_units} units active per test input on average ({settings}); {used} units "
            f"are active for some input, and the reconstruction's BCE above the floor is {above:.3f} (the mean "
            f"image: {baseline:.3f}).")


five_active_units = Exercise(
    "Exercise 5.3: about five active units",
    _check_five,
    hints=[
        "Start from rho = 5 / 196, the mean activation a unit should have if 5 units are fully on, and measure "
        "the active units on the validation split.",
        "The penalty fixes each unit's *mean*: units that are weakly on for many digits meet it and still count as "
        "active. Go lower than 5 / 196 (try 0.007) with a larger beta (0.03), and train for 60 epochs instead "
        "of 20.",
    ],
    solution="""
set_seed(0)
model_5 = autoencoder_196(KLSparsity(rho=0.007, beta=0.03, name="kl_sparsity"),
                          name="five_active")
train(model_5, x_fit, epochs=60, batch_size=BATCH_SIZE, every=0)
codes_val = model_5.get_layer("encoder").predict(x_val, verbose=0)
print("validation split:", sparsity_report(codes_val))   # rho and beta were chosen here
reconstructed = model_5.predict(x_test, batch_size=1000, verbose=0)
above = bce(x_test, reconstructed) - bce_floor(x_test)
mean_image = np.broadcast_to(x_train.mean(axis=0), x_test.shape)
print(f"test BCE above the floor: {above:.3f} (mean training image: "
      f"{bce(x_test, mean_image) - bce_floor(x_test):.3f})")
fig = plot_image_rows([x_test[:8], reconstructed[:8]], ["original", "5 active units"],
                      n=8, size=1.1)
""",
    answer="rho = 5 / 196 alone leaves more than 5 units above 0.1: the KL penalty fixes each unit's mean "
           "activation, and units meet it by being weakly on for many digits. A lower target (rho = 0.007) with a "
           "larger weight (beta = 0.03), trained for 60 epochs instead of 20, gives about 5 on the validation "
           "split (printed) and on the test set (the check). The reconstructions only partly look like their "
           "digits: with about 5 units per digit, many come back as a blurred prototype, some as another digit "
           "of similar shape, and the BCE above the floor (printed) lies between that of the chapter's sparse "
           "models and that of the mean image. A code this sparse describes a digit by the few prototypes it "
           "resembles, not by its own strokes.",
)
