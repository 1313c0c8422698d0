"""Chapter 1's exercise checkers: right answers written several ways pass, the plausible
wrong answers fail with the message that explains them, odd input gets a message in the
learner's terms, and the published solutions run and pass on small data."""

import contextlib
import io
import math

import keras
import matplotlib
import numpy as np
import pytest
from sklearn.decomposition import PCA

from aecourse.evaluation import reconstruction_metrics
from aecourse.exercises import ____, ch01
from aecourse.losses import bce, mse
from aecourse.models import conv_autoencoder, dense_autoencoder
from aecourse.training import set_seed, train
from exercise_support import incorrect

matplotlib.use("Agg")

RNG = np.random.default_rng(0)
PROTOTYPES = (RNG.random((10, 784)) < 0.12).astype(float)      # ten "stroke patterns"


def digit_like(n):
    """Images mostly 0 with strokes near 1, each one pattern plus a fainter second one: a few
    directions explain most of the variance (as with digits), and PCA reconstructions leave [0, 1]."""
    labels = RNG.integers(0, 10, n)
    strokes = PROTOTYPES[labels] * RNG.uniform(0.7, 1.0, (n, 1))
    second = PROTOTYPES[(labels + 1) % 10] * RNG.uniform(0.0, 0.5, (n, 1))
    return np.clip(strokes + second + RNG.normal(0, 0.05, (n, 784)), 0, 1).astype("float32")


X_FIT, X_TEST = digit_like(200), digit_like(40)
#: Reconstructions with two kinds of error per image (small noise everywhere, a few flipped pixels), in
#: amounts that vary independently: ranking by MSE, BCE, mean absolute or largest error disagree.
NOISY = X_TEST + RNG.normal(0, 1, X_TEST.shape) * RNG.uniform(0.02, 0.2, (40, 1))
FLIPS = RNG.random(X_TEST.shape) < RNG.uniform(0, 0.03, (40, 1))
X_REC = np.clip(np.where(FLIPS, 1 - X_TEST, NOISY), 0, 1).astype("float32")
ERRORS = ((X_TEST - X_REC) ** 2).mean(axis=1)




# ------------------------------------------------------------ 1.1 an 8-number code


def hand_built(code=8, hidden=(128, 64), output="sigmoid"):
    """The article's model written out layer by layer, as a Sequential model without named parts."""
    sizes = list(hidden) + [code] + list(reversed(hidden))
    return keras.Sequential([keras.Input((784,))] + [keras.layers.Dense(n, activation="relu") for n in sizes]
                            + [keras.layers.Dense(784, activation=output)])


@pytest.mark.parametrize("build", [
    lambda: dense_autoencoder(latent_dim=8),
    lambda: dense_autoencoder(input_shape=(784,), hidden_units=(128, 64), latent_dim=8),
    lambda: dense_autoencoder(latent_dim=8, latent_activation=None),          # a linear code is still a code
    lambda: hand_built(),
])
def test_code_size_accepts_right_answers(build):
    result = ch01.code_size.check(build())
    assert result.correct and "219,288 parameters" in result.message


@pytest.mark.parametrize("build, fragment", [
    (lambda: dense_autoencoder(), "this is the chapter's 32-number model"),
    (lambda: dense_autoencoder(hidden_units=(64,), latent_dim=8), "keep the article's hidden layers"),
    (lambda: dense_autoencoder(hidden_units=(), latent_dim=8), "keep the article's hidden layers"),
    (lambda: dense_autoencoder(hidden_units=(256, 128), latent_dim=8), "128 -> 64 -> 8 -> 64 -> 128 -> 784"),
    (lambda: dense_autoencoder(latent_dim=16), "128 -> 64 -> 8 -> 64 -> 128 -> 784"),
    (lambda: dense_autoencoder(input_shape=(28, 28, 1), latent_dim=8), "Build it with input_shape=(784,)"),
    (lambda: conv_autoencoder(latent_dim=8), "convolution layers"),
    (lambda: dense_autoencoder(latent_dim=8, output_activation="relu"), "uses 'relu'; the article's uses a sigmoid"),
    (lambda: hand_built(output="linear"), "uses 'linear'"),
])
def test_code_size_rejects_wrong_models(build, fragment):
    incorrect(ch01.code_size.check(build()), fragment)


@pytest.mark.parametrize("answer, fragment", [
    (8, "you gave the number 8"),
    ("dense_autoencoder(latent_dim=8)", "you gave the text"),
    (PCA(n_components=8), "you gave a PCA"),
    (None, "you gave None"),
    (math.nan, "you gave the number nan"),
])
def test_code_size_odd_answers(answer, fragment):
    incorrect(ch01.code_size.check(answer), fragment)


def test_code_size_blank_and_extra_argument():
    assert ch01.code_size.check(____).status == "not attempted"
    incorrect(ch01.code_size.check(dense_autoencoder(latent_dim=8), 8), "called as check(model_8); you passed 2")


# ------------------------------------------------------------ 1.2 the worst digits


def test_the_battery_tells_the_rankings_apart():
    """The wrong rankings must differ from the right one on the test arrays."""
    right = set(np.argsort(ERRORS)[-10:])
    p = np.clip(X_REC, 1e-7, 1 - 1e-7)
    for other in (-(X_TEST * np.log(p) + (1 - X_TEST) * np.log(1 - p)).mean(axis=1),
                  np.abs(X_TEST - X_REC).mean(axis=1), np.abs(X_TEST - X_REC).max(axis=1)):
        assert set(np.argsort(other)[-10:]) != right


@pytest.mark.parametrize("worst", [
    np.argsort(ERRORS)[-10:][::-1],                                  # the solution
    np.argsort(ERRORS)[-10:],                                        # any order
    np.argsort(-ERRORS)[:10],
    np.argpartition(ERRORS, -10)[-10:],                              # argpartition
    list(np.argsort(ERRORS)[-10:].tolist()),                         # a list
    np.argsort(((X_TEST - X_REC) ** 2).sum(axis=1))[-10:],           # sums rank like means
    np.argsort(mse(X_TEST, X_REC, per_example=True))[-10:],          # the package
    np.isin(np.arange(40), np.argsort(ERRORS)[-10:]),                # a True/False mask
    np.argsort(ERRORS)[-10:].astype(float),                          # whole numbers as floats
    np.argsort(ERRORS)[-10:].reshape(10, 1),
])
def test_worst_digits_accepts_right_answers(worst):
    assert ch01.worst_digits.check(worst, X_TEST, X_REC).correct


def test_worst_digits_accepts_images_shaped_data():
    images, recon = X_TEST.reshape(40, 28, 28, 1), X_REC.reshape(40, 28, 28, 1)
    assert ch01.worst_digits.check(np.argsort(ERRORS)[-10:], images, recon).correct


def test_worst_digits_accepts_any_of_tied_digits():
    x = np.zeros((12, 4))
    y = np.zeros((12, 4))
    y[:11, 0] = 0.5          # 11 digits with the same error: any 10 of them are "the 10 worst"
    assert ch01.worst_digits.check(np.arange(10), x, y).correct
    assert ch01.worst_digits.check(np.arange(1, 11), x, y).correct


def top(scores, k=10):
    return np.argsort(scores, kind="stable")[-k:]


@pytest.mark.parametrize("worst, fragment", [
    (np.argsort(ERRORS)[:10], "the 10 *best*"),
    (top(-(X_TEST * np.log(np.clip(X_REC, 1e-7, 1)) + (1 - X_TEST) * np.log(np.clip(1 - X_REC, 1e-7, 1)))
         .mean(axis=1)), "by per-image BCE"),
    (top(np.abs(X_TEST - X_REC).mean(axis=1)), "by per-image mean absolute error"),
    (top(np.abs(X_TEST - X_REC).max(axis=1)), "largest single-pixel error"),
    (np.argsort(ERRORS, kind="stable")[-11:-1], "off by one"),
    (np.argsort(ERRORS)[-10:-1], "shape (9,). Check the slice"),
    (np.argsort(ERRORS)[-11:], "shape (11,)"),
    (np.sort(ERRORS)[-10:], "look like error values, not positions"),
    (np.r_[np.argsort(ERRORS)[-9:], 700], "x_test has only 40 images"),
    (np.r_[np.argsort(ERRORS)[-9:], -1], "negative position -1"),
    (np.r_[np.argsort(ERRORS)[-9:], np.argsort(ERRORS)[-1]], "more than once"),
    (np.arange(10), "not among the 10 largest per-image MSEs"),
])
def test_worst_digits_rejects_wrong_answers(worst, fragment):
    incorrect(ch01.worst_digits.check(worst, X_TEST, X_REC), fragment)


def test_worst_digits_names_a_mean_over_the_wrong_axis():
    x, y = np.zeros((1000, 784)), np.zeros((1000, 784))
    y[:, :20] = np.linspace(0.1, 0.9, 20)          # pixel errors: pixels 10..19 are the worst
    y[500:520, 300] = 0.95                          # image errors: images 500..519 are the worst
    wrong_axis = np.argsort(((x - y) ** 2).mean(axis=0))[-10:]
    incorrect(ch01.worst_digits.check(wrong_axis, x, y), "averaged over axis 0")


@pytest.mark.parametrize("worst, fragment", [
    ("3, 5, 7", "you gave the text"),
    (7, "not one number"),
    (None, "worst is None"),
    ([float("nan")] * 10, "NaN or infinite"),
    (np.zeros(10, dtype=bool), "one entry per test digit (40)"),
    ([["a"]] * 10, "array of 10 integers"),
])
def test_worst_digits_odd_answers(worst, fragment):
    incorrect(ch01.worst_digits.check(worst, X_TEST, X_REC), fragment)


def test_worst_digits_odd_data_blank_and_extra_argument():
    incorrect(ch01.worst_digits.check(np.arange(10), X_TEST, X_REC[:20]), "should have the same shape")
    incorrect(ch01.worst_digits.check(np.arange(10), "x_test", X_REC), "x_test should be the array of images")
    nan_rec = X_REC.copy()
    nan_rec[0, 0] = np.nan
    incorrect(ch01.worst_digits.check(np.arange(10), X_TEST, nan_rec), "x_rec contains NaN")
    assert ch01.worst_digits.check(____, X_TEST, X_REC).status == "not attempted"
    incorrect(ch01.worst_digits.check(np.arange(10), X_TEST), "called as check(worst, x_test, x_rec)")


# ------------------------------------------------------- 1.3 PCA with 8 components


def pca_mse(x_fit, x_test, k, clip=True, **options):
    pca = PCA(n_components=k, random_state=0, **options).fit(x_fit)
    recon = pca.inverse_transform(pca.transform(x_test))
    return float(((x_test - (np.clip(recon, 0, 1) if clip else recon)) ** 2).mean())


RIGHT_PCA = pca_mse(X_FIT, X_TEST, 8)


def numpy_pca_mse():
    mean = X_FIT.mean(axis=0)
    _, _, vt = np.linalg.svd(X_FIT - mean, full_matrices=False)
    recon = (X_TEST - mean) @ vt[:8].T @ vt[:8] + mean
    return float(np.mean((X_TEST - np.clip(recon, 0, 1)) ** 2))


@pytest.mark.parametrize("value", [
    RIGHT_PCA, np.float32(RIGHT_PCA), mse(X_TEST, np.clip(PCA(8).fit(X_FIT).inverse_transform(
        PCA(8).fit(X_FIT).transform(X_TEST)), 0, 1)),
    pca_mse(X_FIT, X_TEST, 8, svd_solver="full"), numpy_pca_mse(), np.array(RIGHT_PCA), np.array([RIGHT_PCA]),
])
def test_pca_accepts_right_answers(value):
    result = ch01.pca_baseline.check(value, X_FIT, X_TEST)
    assert result.correct, result


def test_the_pca_battery_is_distinguishable():
    """Clipping matters on these images: the unclipped error is clearly different."""
    assert abs(pca_mse(X_FIT, X_TEST, 8, clip=False) / RIGHT_PCA - 1) > 0.05


def fraction_explained():
    return float(PCA(8).fit(X_FIT).explained_variance_ratio_.sum())


@pytest.mark.parametrize("value, fragment", [
    (pca_mse(X_FIT, X_TEST, 8, clip=False), "before clipping"),
    (math.sqrt(RIGHT_PCA), "root of the MSE"),
    (RIGHT_PCA * 784, "a sum over the pixels"),
    (pca_mse(X_FIT, X_TEST, 32), "PCA with 32 components"),
    (pca_mse(X_FIT, X_FIT, 8), "the error on the training images"),
    (pca_mse(X_TEST, X_TEST, 8), "fitted on the test images"),
    (fraction_explained(), "fraction of variance the components explain"),
    (1 - fraction_explained(), "fraction of variance left unexplained"),
    (bce(X_TEST, np.clip(PCA(8).fit(X_FIT).inverse_transform(PCA(8).fit(X_FIT).transform(X_TEST)), 0, 1)),
     "binary cross-entropy"),
    (float(((X_TEST - X_FIT.mean(axis=0)) ** 2).mean()), "mean training image alone"),
    (10 * math.log10(1 / RIGHT_PCA), "PSNR"),
    (0.5, "should be about"),
])
def test_pca_rejects_wrong_answers(value, fragment):
    incorrect(ch01.pca_baseline.check(value, X_FIT, X_TEST), fragment)


@pytest.mark.parametrize("value, fragment", [
    ("0.08", "should be a number, you gave the text '0.08'"),
    (math.nan, "finite number"),
    (math.inf, "finite number"),
    (None, "is None"),
    (True, "should be a number"),
    (((X_TEST - 0.5) ** 2).mean(axis=1), "an array of 40 values"),
    (PCA(8), "should be a number, you gave a PCA"),
])
def test_pca_odd_answers(value, fragment):
    incorrect(ch01.pca_baseline.check(value, X_FIT, X_TEST), fragment)


def test_pca_odd_data_blank_and_extra_argument():
    incorrect(ch01.pca_baseline.check(RIGHT_PCA, X_FIT, X_TEST, n_components="8"), "n_components should be")
    incorrect(ch01.pca_baseline.check(RIGHT_PCA, X_FIT[:, :100], X_TEST), "images of the same size")
    assert ch01.pca_baseline.check(____, X_FIT, X_TEST).status == "not attempted"
    incorrect(ch01.pca_baseline.check(RIGHT_PCA, X_FIT, X_TEST, 8, 9), "called as check(pca_8_mse, x_fit")


# ------------------------------------------------- the published solutions, on small data


@pytest.fixture(scope="module")
def chapter_state():
    """What the chapter has defined when its exercises start, on small data."""
    set_seed(0)
    model = dense_autoencoder()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    train(model, X_FIT, epochs=2, batch_size=64, every=0)
    x_rec = model.predict(X_TEST, verbose=0)
    pca = PCA(n_components=32, random_state=0).fit(X_FIT)
    return {
        "np": np, "PCA": PCA, "mse": mse, "set_seed": set_seed, "train": train,
        "dense_autoencoder": dense_autoencoder, "reconstruction_metrics": reconstruction_metrics,
        "plot_reconstructions": __import__("aecourse.viz", fromlist=["plot_reconstructions"]).plot_reconstructions,
        "x_fit": X_FIT[:150], "x_val": X_FIT[150:], "x_test": X_TEST, "y_test": np.arange(40) % 10,
        "x_rec": x_rec, "ae_scores": reconstruction_metrics(X_TEST, x_rec),
        "pca_scores": reconstruction_metrics(X_TEST, np.clip(pca.inverse_transform(pca.transform(X_TEST)), 0, 1)),
    }


def run(code, scope):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, scope)
    return out.getvalue()


def test_solutions_run_in_order_and_pass(chapter_state):
    scope = dict(chapter_state)
    printed = run(ch01.code_size.solution_code, scope)
    assert ch01.code_size.check(scope["model_8"]).correct
    assert "test bce_above_floor: 32 numbers" in printed and "times as much" in printed
    printed = run(ch01.worst_digits.solution_code, scope)
    assert ch01.worst_digits.check(scope["worst"], scope["x_test"], scope["x_rec"]).correct
    assert "labels of the worst ten" in printed and "ink (mean pixel value)" in printed
    printed = run(ch01.pca_baseline.solution_code, scope)
    assert ch01.pca_baseline.check(scope["pca_8_mse"], scope["x_fit"], scope["x_test"], n_components=8).correct
    assert "32 numbers: autoencoder" in printed and " 8 numbers: autoencoder" in printed


def test_every_exercise_answers_its_question():
    assert ch01.code_size.answer.startswith("No.")
    assert "It shrinks" in ch01.pca_baseline.answer
    for exercise in (ch01.code_size, ch01.worst_digits, ch01.pca_baseline):
        assert exercise.answer and exercise.hints and exercise.solution_code
        assert "Answer:" in str(exercise.solution())
