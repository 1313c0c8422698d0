"""Chapter 5's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and the published solutions' code defines what their check cells use.

Exercise 5.3 takes a model: the tests build small models whose weights are set by hand
(one-hot inputs, a chosen set of code units per input), so that each one is exactly the
right or the wrong answer it stands for, without training."""

import doctest

import numpy as np
import pytest
from scipy.special import rel_entr, xlogy

import aecourse.exercises.ch05
from aecourse.exercises import ____, ch05
from aecourse.regularizers import kl_divergence, sparsity_report
from exercise_support import incorrect




def test_module_doctest():
    assert doctest.testmod(aecourse.exercises.ch05).failed == 0


# ------------------------------------------------------------ 5.1 the KL divergence


def kl_reference(rho, rho_hat):
    rho_hat = np.asarray(rho_hat, dtype=float)
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


def kl_rel_entr(rho, rho_hat):
    return rel_entr(rho, rho_hat) + rel_entr(1 - rho, 1 - np.asarray(rho_hat))


def kl_xlogy(rho, rho_hat):
    q = np.asarray(rho_hat, dtype=float)
    return xlogy(rho, rho) - xlogy(rho, q) + xlogy(1 - rho, 1 - rho) - xlogy(1 - rho, 1 - q)


def kl_log1p(rho, rho_hat):
    q = np.asarray(rho_hat, dtype=float)
    return rho * (np.log(rho) - np.log(q)) + (1 - rho) * (np.log1p(-rho) - np.log1p(-q))


def kl_cross_entropy_minus_entropy(rho, rho_hat):
    q = np.asarray(rho_hat, dtype=float)
    cross = -(rho * np.log(q) + (1 - rho) * np.log(1 - q))
    entropy = -(rho * np.log(rho) + (1 - rho) * np.log(1 - rho))
    return cross - entropy


def kl_vectorized_loop(rho, rho_hat):
    q = np.asarray(rho_hat, dtype=float)
    return np.vectorize(lambda v: rho * np.log(rho / v) + (1 - rho) * np.log((1 - rho) / (1 - v)))(q)


@pytest.mark.parametrize("func", [kl_reference, kl_rel_entr, kl_xlogy, kl_log1p, kl_cross_entropy_minus_entropy,
                                  kl_vectorized_loop, lambda r, q: kl_divergence(r, q) + 0.0])
def test_kl_accepts_right_answers(func):
    assert ch05.kl_function.check(func).correct


@pytest.mark.parametrize("func, fragment", [
    (lambda r, q: kl_reference(q, r), "KL(rho_hat || rho): the target rho comes first"),
    (lambda r, q: kl_reference(r, q) / np.log(2), "base 2"),
    (lambda r, q: kl_reference(r, q) / np.log(10), "base-10"),
    (lambda r, q: r * np.log(r / np.asarray(q)), "only the first term"),
    (lambda r, q: (1 - r) * np.log((1 - r) / (1 - np.asarray(q))), "only the second term"),
    (lambda r, q: -kl_reference(r, q), "never negative"),
    (lambda r, q: -(r * np.log(q) + (1 - r) * np.log(1 - np.asarray(q))), "cross-entropy"),
    (lambda r, q: (r - np.asarray(q)) ** 2, "squared difference"),
    (lambda r, q: r * np.log(r / np.asarray(q)) + (1 - r) * np.log((1 - r) / np.asarray(q)),
     "compare 1 - rho with 1 - rho_hat"),
    (lambda r, q: np.sum(kl_reference(r, q)), "returned one number; return one value per unit"),
    (lambda r, q: np.mean(kl_reference(r, q)), "no sum or mean"),
    (lambda r, q: np.ravel(kl_reference(r, q))[:2], "returned shape (2,)"),
    (lambda r, q: kl_reference(r, q) + 0.01, "expected"),
])
def test_kl_rejects_wrong_answers(func, fragment):
    incorrect(ch05.kl_function.check(func), fragment)


@pytest.mark.parametrize("func, fragment", [
    (lambda r, q: None, "returned None"),
    (lambda r, q: "KL", "returned the text 'KL'"),
    (lambda r, q: np.full(np.shape(q), np.nan), "NaN or infinite"),
    (lambda r, q: np.full(np.shape(q), np.inf), "NaN or infinite"),
    (lambda r: 0.0, "should take 2 arguments, (rho, rho_hat)"),
    (lambda r, q, beta: 0.0, "should take 2 arguments"),
    (lambda r, q: [kl_reference(r, v) for v in np.ravel(q)], "returned"),   # a flat list for a 2-d rho_hat
    (lambda r, q: 1 / 0, "raised ZeroDivisionError"),
    (kl_divergence, "the package's kl_divergence"),
    ("kl", "its name, without parentheses"),
])
def test_kl_odd_input(func, fragment):
    incorrect(ch05.kl_function.check(func), fragment)


def test_kl_blank_and_a_list_for_one_value():
    assert ch05.kl_function.check(____).status == "not attempted"
    assert ch05.kl_function.check(lambda rho, rho_hat: ____).status == "not attempted"
    # a loop that returns a one-element list for a single rho_hat, and the right shape otherwise
    def loop(rho, rho_hat):
        q = np.asarray(rho_hat, dtype=float)
        out = [rho * np.log(rho / v) + (1 - rho) * np.log((1 - rho) / (1 - v)) for v in q.ravel()]
        return np.array(out).reshape(q.shape) if q.ndim else out
    assert ch05.kl_function.check(loop).correct


# ------------------------------------------------------------ 5.2 spot the dead units


def dead_probe():
    rng = np.random.default_rng(52)
    codes = rng.uniform(0.0, 0.09, size=(23, 9))  # 23 inputs, 9 units: every unit weak ...
    codes[:, 0] = rng.uniform(0.5, 0.9, 23)       # ... except unit 0, on for every input,
    codes[3, 2] = 0.4                            # unit 2, on for one input only,
    codes[:, 4] = 0.3                            # unit 4, always weakly on,
    codes[5, 6] = 0.1                            # unit 6 reaches the threshold exactly (not active),
    codes[:, 8] = 0.095                          # unit 8, mean just below 0.1 but never above it,
    codes[:, 7] = np.where(np.arange(23) % 2 == 0, 0.15, 0.02)   # unit 7: on for half, mean below 0.1
    codes[:, 5] = rng.uniform(0.0, 0.008, 23)    # unit 5: never above 0.01
    codes[11] = 0.005                            # input 11: no unit active
    return codes


CODES = dead_probe()
DEAD = [1, 3, 5, 6, 8]


@pytest.mark.parametrize("answer", [
    DEAD, np.array(DEAD), np.array(DEAD, dtype=float), set(DEAD), tuple(DEAD), list(reversed(DEAD)),
    DEAD + [3],                                               # a repeated index does no harm
    np.flatnonzero(CODES.max(axis=0) <= 0.1),
    sparsity_report(CODES, threshold=0.1).dead_units,
    CODES.max(axis=0) <= 0.1,                                 # a True/False mask, one entry per unit
    ~np.any(CODES > 0.1, axis=0),
    np.argwhere(CODES.max(axis=0) <= 0.1),                    # a column of indices
])
def test_dead_units_accepts_right_answers(answer):
    assert ch05.dead_units.check(answer, CODES, threshold=0.1).correct


def test_dead_units_says_when_a_mask_was_read_as_indices():
    result = ch05.dead_units.check(CODES.max(axis=0) <= 0.1, CODES, threshold=0.1)
    assert result.correct and "True/False mask" in result.message
    assert "mask" not in ch05.dead_units.check(DEAD, CODES, threshold=0.1).message


@pytest.mark.parametrize("answer, fragment", [
    (np.flatnonzero(CODES.mean(axis=0) <= 0.1), "*mean* activation"),
    (np.flatnonzero(CODES.min(axis=0) <= 0.1), "inactive for *some* input"),
    (np.flatnonzero(CODES.max(axis=0) > 0.1), "active at least once, the opposite"),
    (np.flatnonzero(CODES.max(axis=1) <= 0.1), "listed *inputs*"),
    (np.flatnonzero(CODES.max(axis=0) < 0.1), "equals the threshold exactly"),
    (np.flatnonzero(CODES.max(axis=0) <= 0.01), "threshold 0.01"),
    (np.array(DEAD) + 1, "one too large"),
    (CODES.max(axis=1) <= 0.1, "shape (23,)"),               # a mask over the inputs
    ([1, 3], "3 dead unit(s) are missing"),
    ([1, 3, 5, 6, 8, 2], "[2] are active"),
    (len(DEAD), "not how many"),
    ([12], "unit 12 does not exist"),
    ([-1, 3], "negative values"),
])
def test_dead_units_rejects_wrong_answers(answer, fragment):
    incorrect(ch05.dead_units.check(answer, CODES, threshold=0.1), fragment)


def test_dead_units_counts_exact_zeros_as_a_variant():
    codes = CODES.copy()
    codes[:, 1] = 0.0
    incorrect(ch05.dead_units.check([1], codes, threshold=0.1), "only when it is exactly 0")


@pytest.mark.parametrize("args, kwargs, fragment", [
    (("1, 3, 5", CODES), {}, "the text '1, 3, 5'"),
    ((None, CODES), {}, "you gave None"),
    (([1.5, 3], CODES), {}, "whole numbers"),
    (([np.nan, 3], CODES), {}, "NaN or infinite"),
    (([[1, 3, 5, 6, 8]], CODES), {}, "flat list"),
    ((True, CODES), {}, "you gave True"),
    ((DEAD, "codes"), {}, "the second argument should be the codes"),
    ((DEAD, CODES[0]), {}, "2-d array (inputs, units)"),
    ((DEAD, np.full((3, 4), np.nan)), {}, "NaN or infinite"),
    ((DEAD, CODES), {"threshold": "0.1"}, "threshold should be a number"),
    ((DEAD, CODES), {"threshold": float("nan")}, "threshold should be a number"),
    ((DEAD, CODES, 0.1, 2), {}, "called as check(dead, codes, threshold=0.1); you passed 4"),
])
def test_dead_units_odd_input(args, kwargs, fragment):
    incorrect(ch05.dead_units.check(*args, **kwargs), fragment)


def test_dead_units_blank_and_other_thresholds():
    assert ch05.dead_units.check(____, CODES).status == "not attempted"
    assert ch05.dead_units.check(np.flatnonzero(CODES.max(axis=0) <= 0.2), CODES, threshold=0.2).correct
    assert ch05.dead_units.check([], np.full((4, 3), 0.9), threshold=0.1).correct


# -------------------------------------------------------- 5.3 about five active units


N_PROTOTYPES, N_INPUTS, UNITS = 30, 120, 196
X_ONE_HOT = np.eye(N_PROTOTYPES, dtype="float32")[np.arange(N_INPUTS) % N_PROTOTYPES]


def designed(per_input=5, kind="kl", latent_dim=UNITS, background=-5.0, rho=0.02, beta=0.1, train=True,
             same_units=False):
    """A 30-196-30 sigmoid autoencoder: prototype p switches on min(per_input, 6) units of its own, and
    per_input - 6 more units are on for every input (units 180 and up, which the decoder ignores)."""
    import keras

    from aecourse.models import dense_autoencoder
    from aecourse.regularizers import KLSparsity

    penalty = {"l1": keras.regularizers.L1(1e-3), "none": None}.get(
        kind, KLSparsity(rho=rho, beta=beta, name="kl_sparsity"))
    activation = "relu" if kind == "relu" else "sigmoid"
    model = dense_autoencoder((N_PROTOTYPES,), hidden_units=(), latent_dim=latent_dim,
                              latent_activation=activation,
                              activity_regularizer=penalty, name=f"designed_{kind}")
    if not train:
        return model
    kernel = np.zeros((N_PROTOTYPES, latent_dim), "float32")
    decoder = np.zeros((latent_dim, N_PROTOTYPES), "float32")
    enc_bias = np.full(latent_dim, background, "float32")
    dec_bias = np.full(N_PROTOTYPES, -10.0, "float32")
    if same_units:  # 6 units on for every input, their levels spelling the prototype's number in binary
        bits = (np.arange(N_PROTOTYPES)[:, None] >> np.arange(6)) & 1
        kernel[:, :6] = np.where(bits, 3.0, -1.5)
        enc_bias[:6] = 0.0
        levels = 1 / (1 + np.exp(-kernel[:, :6]))
        decoder[:6] = np.where(bits, 20.0, -20.0).T
        dec_bias = 5.0 - np.sum(levels * np.where(bits, 20.0, -20.0), axis=1)
    else:
        own = min(per_input, 6)
        for p in range(N_PROTOTYPES):
            units = [(p * own + k) % latent_dim for k in range(own)]
            kernel[p, units] = 10.0 - background
            decoder[units, p] = 20.0 / own
        enc_bias[180:180 + per_input - own] = 5.0
    model.get_layer("encoder").get_layer("code").set_weights([kernel, enc_bias])
    model.get_layer("decoder").get_layer("reconstruction").set_weights([decoder, dec_bias.astype("float32")])
    return model


def relu_kl_model():
    """ReLU code units with a KL penalty, built by hand (dense_autoencoder refuses this combination)."""
    import keras

    from aecourse.regularizers import KLSparsity

    inputs = keras.Input((N_PROTOTYPES,), name="encoder_input")
    code = keras.layers.Dense(UNITS, activation="relu", name="code")(inputs)
    encoder = keras.Model(inputs, KLSparsity(rho=0.02, beta=0.1, name="kl_sparsity")(code), name="encoder")
    code_input = keras.Input((UNITS,), name="decoder_input")
    decoder = keras.Model(code_input, keras.layers.Dense(N_PROTOTYPES, activation="sigmoid",
                                                         name="reconstruction")(code_input), name="decoder")
    inputs = keras.Input((N_PROTOTYPES,), name="input")
    model = keras.Model(inputs, decoder(encoder(inputs)), name="relu_kl")
    weights = np.zeros((N_PROTOTYPES, UNITS), "float32")
    for p in range(N_PROTOTYPES):
        weights[p, p * 5:p * 5 + 5] = 4.0
    model.get_layer("encoder").get_layer("code").set_weights([weights, np.zeros(UNITS, "float32")])
    return model


@pytest.fixture(scope="module")
def right_model():
    return designed()


def test_five_active_units_accepts_a_right_answer(right_model):
    result = ch05.five_active_units.check(right_model, X_ONE_HOT)
    assert result.correct, result
    assert "5.0 of 196 units active" in result.message


@pytest.mark.parametrize("per_input", [4, 6])
def test_five_active_units_accepts_about_five(per_input):
    assert ch05.five_active_units.check(designed(per_input=per_input), X_ONE_HOT).correct


@pytest.mark.parametrize("build, fragment", [
    (lambda: designed(train=False), "no better than their mean image"),           # random codes
    (lambda: designed(per_input=20), "20.0 active units per test input"),
    (lambda: designed(per_input=20), "lower rho"),
    (lambda: designed(background=-1.5), "196.0 active units"),                     # every unit weakly on
    (lambda: designed(per_input=2), "raise rho or lower beta"),
    (lambda: designed(kind="none"), "no KLSparsity layer"),
    (lambda: designed(kind="l1"), "no KLSparsity layer"),
    (lambda: relu_kl_model(), "use sigmoid code units"),
    (lambda: designed(latent_dim=64), "code has 64 units"),
    (lambda: designed(same_units=True), "same 6 units for every input"),
])
def test_five_active_units_rejects_wrong_answers(build, fragment):
    incorrect(ch05.five_active_units.check(build(), X_ONE_HOT), fragment)


def test_five_active_units_names_the_learners_settings():
    message = ch05.five_active_units.check(designed(per_input=20, rho=0.0255, beta=0.01), X_ONE_HOT).message
    assert "rho=0.0255, beta=0.01" in message


def test_five_active_units_odd_input(right_model):
    import keras

    codes = right_model.get_layer("encoder").predict(X_ONE_HOT, verbose=0)
    incorrect(ch05.five_active_units.check(sparsity_report(codes), X_ONE_HOT), "the check measures the codes itself")
    incorrect(ch05.five_active_units.check(codes, X_ONE_HOT), "not its codes")
    incorrect(ch05.five_active_units.check("model_5", X_ONE_HOT), "trained Keras model, you gave a str")
    incorrect(ch05.five_active_units.check(right_model, "x_test"), "pass the chapter's test images")
    incorrect(ch05.five_active_units.check(right_model, X_ONE_HOT * 255), "pixel values in [0, 1]")
    incorrect(ch05.five_active_units.check(right_model, X_ONE_HOT[:10]), "at least 100")
    incorrect(ch05.five_active_units.check(right_model, X_ONE_HOT[:, :5]), "takes inputs of 30 values")
    plain = keras.Sequential([keras.Input((N_PROTOTYPES,)), keras.layers.Dense(N_PROTOTYPES)], name="plain")
    incorrect(ch05.five_active_units.check(plain, X_ONE_HOT), "no part named 'encoder'")
    incorrect(ch05.five_active_units.check(right_model, X_ONE_HOT, 5), "called as check(model_5, x_test)")
    assert ch05.five_active_units.check(____, X_ONE_HOT).status == "not attempted"


# -------------------------------------------------------------------- solutions


def test_solutions_define_what_their_checks_use(capsys):
    from aecourse.viz import plot_images, to_unit_range

    ns = {"np": np, "rho": 0.05, "kl_divergence": kl_divergence}
    exec(ch05.kl_function.solution_code, ns)
    assert ch05.kl_function.check(ns["kl"]).correct
    assert "as the package: True" in capsys.readouterr().out

    model = designed(kind="l1")
    ns = {"np": np, "plot_images": plot_images, "to_unit_range": to_unit_range,
          "results": {"L1": {"codes": CODES, "model": None}}}
    code = ch05.dead_units.solution_code
    assert 'results["L1"]["codes"]' in code and "codes_l1 = " in code
    head = code.split("decoder = ")[0]  # the lines before the figure, which needs the chapter's model
    exec(head, ns)
    assert ch05.dead_units.check(ns["dead"], CODES, threshold=0.1).correct
    del model

    code = ch05.five_active_units.solution_code
    assert "model_5 = " in code and "x_fit" in code and "x_val" in code
    for exercise in (ch05.kl_function, ch05.dead_units, ch05.five_active_units):
        assert exercise.answer, exercise.title
