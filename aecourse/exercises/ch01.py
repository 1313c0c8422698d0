"""Exercises of chapter 1, the dense autoencoder.

Each check compares the learner's answer with an independent computation (NumPy for
errors and PCA, the layer list for models), accepts right answers written another way
(another ordering, another library), and recognises the plausible wrong answers by
name.

Example:
    >>> from aecourse.exercises import ch01, ____
    >>> print(ch01.code_size.check(____))
    [not attempted] Exercise 1.1: an 8-number code: replace ____ with your answer, then run the check again.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect

__all__ = ["code_size", "worst_digits", "pca_baseline"]


def _described(value):
    """How a message names a learner's value: "the text '7'", "the number 7", "a dict"."""
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}"
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f"the number {value!r}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _images(array, name):
    """A learner's image array as float64 ``(n, pixels)``, or a message in their terms."""
    try:
        values = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} should be the array of images, you passed {_described(array)}.") from None
    if values.ndim < 2 or len(values) == 0:
        raise Incorrect(f"{name} should be an array of images, one per row; it has shape {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise Incorrect(f"{name} contains NaN or infinite values.")
    return values.reshape(len(values), -1)


# ---------------------------------------------------------- 1.1 an 8-number code


_ARTICLE_UNITS = [128, 64, 8, 64, 128, 784]


def _dense_params(sizes):
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


def _activation_name(layer):
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


def _check_code_size(model_8):
    import keras

    from aecourse.nested import leaf_layers

    if not isinstance(model_8, keras.Model):
        raise Incorrect(f"model_8 should be a Keras model (what dense_autoencoder or keras.Model returns), "
                        f"you gave {_described(model_8)}.")
    layers = leaf_layers(model_8)
    convolutions = [layer.name for layer in layers if "Conv" in type(layer).__name__]
    if convolutions:
        raise Incorrect(f"this exercise changes the article's *dense* model; yours has convolution layers "
                        f"({', '.join(convolutions)}). Use dense_autoencoder.")
    input_shape = tuple(model_8.inputs[0].shape[1:])
    if input_shape != (784,):
        raise Incorrect(f"the chapter's images are flat, 784 values each (x_fit.shape[1] is 784); your model "
                        f"takes inputs of shape {input_shape}. Build it with input_shape=(784,).")
    units = [layer.units for layer in layers if isinstance(layer, keras.layers.Dense)]
    if units != _ARTICLE_UNITS:
        if units == [128, 64, 32, 64, 128, 784]:
            raise Incorrect("this is the chapter's 32-number model; give it a code of 8 numbers (latent_dim=8).")
        if 8 in units and units[-1] == 784:
            raise Incorrect(f"your Dense layers have {' -> '.join(map(str, units))} units; keep the article's "
                            "hidden layers around the code: 128 -> 64 -> 8 -> 64 -> 128 -> 784 "
                            "(hidden_units=(128, 64)).")
        raise Incorrect(f"your Dense layers have {' -> '.join(map(str, units))} units; the article's model with "
                        "an 8-number code has 128 -> 64 -> 8 -> 64 -> 128 -> 784.")
    output = [layer for layer in layers if isinstance(layer, keras.layers.Dense)][-1]
    if _activation_name(output) != "sigmoid":
        raise Incorrect(f"the output layer uses {_activation_name(output)!r}; the article's uses a sigmoid, so "
                        "that every output pixel lies in (0, 1) like the input pixels (BCE needs that).")
    names = [layer.name for layer in model_8.layers]
    if "encoder" in names:
        width = model_8.get_layer("encoder").output.shape[-1]
        if width != 8:
            raise Incorrect(f"the part named 'encoder' outputs {width} numbers; the code is what it outputs, "
                            "so it should end at the 8-unit layer.")
    expected = _dense_params([784] + _ARTICLE_UNITS)
    return (f"An 8-number code with the article's hidden layers: {expected:,} parameters. Now train it with the "
            "same recipe and compare its test errors with the 32-number model's.")


code_size = Exercise(
    "Exercise 1.1: an 8-number code",
    _check_code_size,
    hints=[
        "The builder's argument for the code size is latent_dim.",
        "dense_autoencoder(input_shape=(784,), hidden_units=(128, 64), latent_dim=8); then compile and "
        "train it exactly as the chapter trains `model`.",
    ],
    solution="""
set_seed(0)
model_8 = dense_autoencoder(input_shape=(784,), hidden_units=(128, 64), latent_dim=8)
model_8.compile(optimizer="adam", loss="binary_crossentropy")
train(model_8, x_fit, epochs=50, batch_size=256, validation_data=x_val, every=0)
scores_8 = reconstruction_metrics(x_test, model_8.predict(x_test, batch_size=1000, verbose=0))
for name in ("bce_above_floor", "mse"):
    print(f"test {name}: 32 numbers {ae_scores[name]:.4f}, 8 numbers {scores_8[name]:.4f} "
          f"({scores_8[name] / ae_scores[name]:.1f} times as much)")
""",
    answer="No. The solution prints both test errors and their ratio: a code four times smaller costs well "
           "under twice the error, in BCE above the floor and in MSE. The first numbers of a code capture "
           "what varies most between digits (which digit it is, its slant, its thickness); further numbers "
           "add finer and finer detail, so the error falls steeply over the first few numbers and slowly "
           "after them. PCA behaves the same way: its first components explain the most variance.",
)


# ------------------------------------------------------------ 1.2 the worst digits


def _per_image(x, y, kind):
    if kind == "bce":
        p = np.clip(y, 1e-7, 1 - 1e-7)
        return -(x * np.log(p) + (1 - x) * np.log(1 - p)).mean(axis=1)
    if kind == "mae":
        return np.abs(x - y).mean(axis=1)
    if kind == "max":
        return np.abs(x - y).max(axis=1)
    return ((x - y) ** 2).mean(axis=1)


def _top(scores, k=10):
    return set(np.argsort(scores, kind="stable")[-k:].tolist())


def _as_indices(worst, n):
    if worst is None:
        raise Incorrect("worst is None: assign the array of 10 indices itself.")
    if isinstance(worst, (str, bytes)):
        raise Incorrect(f"worst should be 10 positions in x_test (integers), you gave {_described(worst)}.")
    if isinstance(worst, numbers.Number) and not isinstance(worst, bool):
        raise Incorrect(f"worst should be 10 positions in x_test, not one number ({worst!r}).")
    try:
        array = np.asarray(worst)
    except Exception:
        raise Incorrect(f"worst should be an array of 10 integers, you gave {_described(worst)}.") from None
    if array.dtype == bool:
        if array.shape != (n,):
            raise Incorrect(f"a True/False mask must have one entry per test digit ({n}); yours has shape "
                            f"{array.shape}. Or give the 10 positions, e.g. np.argsort(errors)[-10:].")
        array = np.flatnonzero(array)
    if array.dtype.kind not in "iuf":
        raise Incorrect(f"worst should be an array of 10 integers (positions in x_test), yours holds "
                        f"{array.dtype} values.")
    array = array.reshape(-1) if array.ndim == 2 and 1 in array.shape else array
    if array.ndim != 1 or len(array) != 10:
        more = ""
        if array.ndim == 1 and len(array) in (9, 11):
            more = " Check the slice: np.argsort(errors)[-10:] keeps exactly the last 10."
        raise Incorrect(f"give the positions of the 10 worst test digits, a flat array of 10 integers; yours has "
                        f"shape {array.shape}.{more}")
    if not np.all(np.isfinite(array.astype(float))):
        raise Incorrect("worst contains NaN or infinite values; it should hold 10 positions in x_test.")
    if array.dtype.kind == "f":
        if not np.all(array == np.round(array)):
            raise Incorrect("worst holds fractional numbers: these look like error values, not positions. "
                            "np.argsort(errors) gives the positions that sort the errors.")
        array = array.astype(np.int64)
    if array.min() < 0:
        raise Incorrect(f"worst holds the negative position {int(array.min())}; give positions from 0 to {n - 1}.")
    if array.max() >= n:
        raise Incorrect(f"worst holds the position {int(array.max())}, but x_test has only {n} images (0 to "
                        f"{n - 1}); did you sort the errors of single pixels instead of whole images?")
    if len(set(array.tolist())) != 10:
        raise Incorrect("worst lists a digit more than once; give 10 different positions.")
    return array


def _check_worst(worst, x_test, x_rec):
    x, y = _images(x_test, "x_test"), _images(x_rec, "x_rec")
    if x.shape != y.shape:
        raise Incorrect(f"x_test {np.shape(x_test)} and x_rec {np.shape(x_rec)} should have the same shape: "
                        "pass the test images and their reconstructions, as the check cell does.")
    indices = _as_indices(worst, len(x))
    errors = _per_image(x, y, "mse")
    given = set(indices.tolist())
    tenth = np.sort(errors)[-10]
    if errors[indices].min() >= tenth:  # the 10 largest (any of them, when errors tie)
        return ("These are the ten worst reconstructed test digits by per-image MSE; plot them with "
                "plot_reconstructions and look at what they share.")
    if given == _top(-errors):
        raise Incorrect("these are the 10 *best* reconstructed digits (smallest errors): take the 10 largest, "
                        "np.argsort(errors)[-10:].")
    pixel_errors = ((x - y) ** 2).mean(axis=0)
    if len(pixel_errors) >= 10 and given == _top(pixel_errors):
        raise Incorrect("you averaged over axis 0 (over the images), which gives one error per *pixel*; "
                        "average over each image's pixels instead: axis=1, or mse(..., per_example=True).")
    for kind, text in (("bce", "per-image BCE"), ("mae", "per-image mean absolute error"),
                       ("max", "largest single-pixel error of each image")):
        if given == _top(_per_image(x, y, kind)) and given != _top(errors):
            raise Incorrect(f"these are the 10 worst by {text}; the exercise ranks the digits by per-image MSE, "
                            "the mean of the squared pixel errors.")
    if given == set(np.argsort(errors, kind="stable")[-11:-1].tolist()):
        raise Incorrect("off by one: these are the 2nd to 11th worst digits (the worst one is missing). "
                        "np.argsort(errors)[-10:] ends with the largest error.")
    right = len(given & _top(errors))
    raise Incorrect(f"{10 - right} of your 10 digits are not among the 10 largest per-image MSEs; compute one "
                    "mean over the pixels of each image (mse(x_test, x_rec, per_example=True)), then take the "
                    "10 largest.")


worst_digits = Exercise(
    "Exercise 1.2: the worst digits",
    _check_worst,
    hints=[
        "mse(x_test, x_rec, per_example=True) gives one error per test image.",
        "np.argsort sorts from small to large; the last 10 positions are the largest errors.",
    ],
    solution="""
errors = mse(x_test, x_rec, per_example=True)
worst = np.argsort(errors)[-10:][::-1]
plot_reconstructions(x_test[worst], x_rec[worst], show_error=True)
print("labels of the worst ten:", y_test[worst].tolist())
print(f"ink (mean pixel value): worst ten {x_test[worst].mean():.3f}, "
      f"all test digits {x_test.mean():.3f}")
""",
    answer="Look at the plot: most of them are written in an unusual way (tilted, looped, very wide or "
           "oddly closed shapes) or with thick strokes, and the model returns a blurred, more typical shape, "
           "sometimes of another digit. The solution also prints how much ink they carry: more than the "
           "average test digit. Squared error adds up over every stroke pixel the model gets wrong, so bold "
           "digits weigh more in a ranking by per-image MSE; a ranking by error per ink pixel would pick "
           "somewhat different digits.",
)


# ------------------------------------------------------- 1.3 PCA with 8 components


def _pca(x_fit, n_components):
    """PCA by NumPy's SVD (centred data), independent of scikit-learn: the mean and the components."""
    mean = x_fit.mean(axis=0)
    _, _, vt = np.linalg.svd(x_fit - mean, full_matrices=False)
    return mean, vt[:n_components], vt


def _reconstruct(mean, components, x):
    return (x - mean) @ components.T @ components + mean


def _number(value, what):
    if value is None:
        raise Incorrect(f"{what} is None: assign the number itself.")
    if isinstance(value, (str, bytes)):
        raise Incorrect(f"{what} should be a number, you gave {_described(value)}.")
    if isinstance(value, bool):
        raise Incorrect(f"{what} should be a number, you gave {value!r}.")
    if not isinstance(value, numbers.Number):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise Incorrect(f"{what} should be a number, you gave {_described(value)}.") from None
        if array.size != 1:
            raise Incorrect(f"{what} should be one number, the mean over every pixel of every test image; you "
                            f"gave an array of {array.size} values (a mean per image or per pixel?).")
        value = array.reshape(())
    value = float(value)
    if not math.isfinite(value):
        raise Incorrect(f"{what} should be a finite number, you gave {value}.")
    return value


def _check_pca(pca_8_mse, x_fit, x_test, n_components=8):
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral) or n_components < 1:
        raise Incorrect(f"n_components should be a positive whole number, the check cell passes 8; you passed "
                        f"{n_components!r}.")
    what = f"the test MSE of PCA with {n_components} components"
    value = _number(pca_8_mse, what)
    train, test = _images(x_fit, "x_fit"), _images(x_test, "x_test")
    if train.shape[1] != test.shape[1]:
        raise Incorrect(f"x_fit and x_test should hold images of the same size; they have {train.shape[1]} and "
                        f"{test.shape[1]} values per image.")
    if n_components > min(train.shape):
        raise Incorrect(f"PCA cannot have {n_components} components with {train.shape[0]} training images of "
                        f"{train.shape[1]} values.")
    mean, components, all_components = _pca(train, n_components)
    raw = _reconstruct(mean, components, test)
    clipped = np.clip(raw, 0.0, 1.0)
    expected = float(((test - clipped) ** 2).mean())
    tolerance = 0.01
    if math.isclose(value, expected, rel_tol=tolerance):
        return (f"PCA with {n_components} components: test MSE {expected:.4f}. Compare it with your "
                f"{n_components}-number autoencoder.")

    def close(candidate):
        return math.isclose(value, candidate, rel_tol=tolerance) and not math.isclose(
            candidate, expected, rel_tol=2 * tolerance)

    variants = []
    variants.append((float(((test - raw) ** 2).mean()),
                     "that is the MSE of the reconstruction before clipping; clip it to [0, 1] first, as the "
                     "exercise says (pixels cannot be negative or above 1, and the chapter's PCA row is clipped)."))
    variants.append((math.sqrt(expected), "that is the root of the MSE (RMSE); the exercise asks for the mean "
                                          "squared error itself."))
    variants.append((expected * test.shape[1], "that is a sum over the pixels of each image; the MSE is a mean "
                                               "over every pixel of every image."))
    if n_components != 32 and min(train.shape) >= 32:
        c32 = all_components[:32]
        variants.append((float(((test - np.clip(_reconstruct(mean, c32, test), 0, 1)) ** 2).mean()),
                         "that is PCA with 32 components, the chapter's; the exercise asks for "
                         f"{n_components}."))
    m_train = np.clip(_reconstruct(mean, components, train), 0.0, 1.0)
    variants.append((float(((train - m_train) ** 2).mean()),
                     "that is the error on the training images; reconstruct and score x_test."))
    if n_components <= min(test.shape):
        mt, ct, _ = _pca(test, n_components)
        variants.append((float(((test - np.clip(_reconstruct(mt, ct, test), 0, 1)) ** 2).mean()),
                         "that PCA was fitted on the test images; fit it on x_fit only and then reconstruct "
                         "x_test (a baseline must not see the test set either)."))
    variance = np.var(train - train.mean(axis=0), axis=0).sum()
    centred = train - mean
    explained = float(((centred @ components.T) ** 2).mean(axis=0).sum() / variance) if variance > 0 else math.nan
    variants.append((explained, "that is the fraction of variance the components explain "
                                "(explained_variance_ratio_.sum()), not a reconstruction error."))
    variants.append((1.0 - explained, "that is the fraction of variance left unexplained, a ratio; the exercise "
                                      "asks for the mean squared error of the clipped test reconstructions."))
    p = np.clip(clipped, 1e-7, 1 - 1e-7)
    if test.min() >= 0 and test.max() <= 1:
        variants.append((float(-(test * np.log(p) + (1 - test) * np.log(1 - p)).mean()),
                         "that is the binary cross-entropy of the reconstruction; the exercise asks for the MSE."))
    variants.append((float(((test - train.mean(axis=0)) ** 2).mean()),
                     "that is the error of the mean training image alone (no components at all)."))
    if expected > 0:
        variants.append((10 * math.log10(1.0 / expected), "that is the PSNR in dB; the exercise asks for the MSE."))
    for candidate, text in variants:
        if math.isfinite(candidate) and close(candidate):
            raise Incorrect(text)
    raise Incorrect(f"{what} should be about {expected:.4f}, you gave {value:.4g}. Fit PCA on x_fit, reconstruct "
                    "x_test with transform and inverse_transform, clip to [0, 1], then take mse(x_test, ...).")


pca_baseline = Exercise(
    "Exercise 1.3: PCA with 8 components",
    _check_pca,
    hints=[
        "Fit PCA(n_components=8) on x_fit only, then reconstruct x_test with transform and inverse_transform.",
        "Clip the reconstruction to [0, 1] as in the chapter, then take mse(x_test, reconstruction).",
    ],
    solution="""
pca_8 = PCA(n_components=8, random_state=0).fit(x_fit)
x_pca_8 = np.clip(pca_8.inverse_transform(pca_8.transform(x_test)), 0.0, 1.0)
pca_8_mse = mse(x_test, x_pca_8)
ae_8_mse = mse(x_test, model_8.predict(x_test, verbose=0))  # model_8: trained in exercise 1.1
print(f"32 numbers: autoencoder {ae_scores['mse']:.4f}, PCA {pca_scores['mse']:.4f}")
print(f" 8 numbers: autoencoder {ae_8_mse:.4f}, PCA {pca_8_mse:.4f}")
""",
    answer="It shrinks, and in the solution's run it reverses: at 32 numbers PCA's test MSE is clearly below "
           "the autoencoder's, at 8 numbers the autoencoder's is the lower one (the solution prints both "
           "pairs; this is one seed, so read it as a trend to confirm with over_seeds). With only 8 numbers, "
           "which variations of the digits are kept matters most, and a non-linear code can follow the "
           "curved family of digit shapes where a linear one must stay flat. With 32 numbers PCA keeps most "
           "of the variance, and the briefly trained autoencoder, with some of its units dead, does not "
           "catch up.",
)
