"""Exercises of chapter 1, the dense autoencoder.

Example:
    >>> from aecourse.exercises import ch01, ____
    >>> print(ch01.code_size.check(____))
    [not attempted] Exercise 1.1: an 8-number code: replace ____ with your answer, then run the check again.
"""

from __future__ import annotations

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, check_model, check_number

__all__ = ["code_size", "worst_digits", "pca_baseline"]


def _dense_params(sizes):
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


def _check_code_size(model):
    check_model(model, code_dim=8, what="your model")
    expected = _dense_params([784, 128, 64, 8, 64, 128, 784])
    check_model(model, output_shape=(784,), count_params=expected, what="your model (784-128-64-8-64-128-784)")
    return f"An 8-number code with the article's hidden layers: {expected:,} parameters. Now train it and compare the losses."


code_size = Exercise(
    "Exercise 1.1: an 8-number code",
    _check_code_size,
    hints=[
        "The builder's argument for the code size is latent_dim.",
        "dense_autoencoder(latent_dim=8) keeps the article's hidden layers (128, 64).",
    ],
    solution="""
model_8 = dense_autoencoder(latent_dim=8)
model_8.compile(optimizer="adam", loss="binary_crossentropy")
train(model_8, x_train, epochs=20, validation_data=x_test)
print(bce(x_test, model_8.predict(x_test, verbose=0)))
""",
)


def _check_worst(indices, x_test, x_rec):
    indices = np.asarray(indices)
    if indices.shape != (10,):
        raise Incorrect(f"give the indices of the 10 worst test digits, as an array of shape (10,); yours has shape {indices.shape}.")
    if not np.issubdtype(indices.dtype, np.integer):
        raise Incorrect(f"indices should be integers (positions in x_test), yours have dtype {indices.dtype}.")
    x_test, x_rec = np.asarray(x_test, float), np.asarray(x_rec, float)
    if x_test.shape != x_rec.shape:
        raise Incorrect(f"x_test {x_test.shape} and x_rec {x_rec.shape} should have the same shape.")
    errors = ((x_test - x_rec) ** 2).reshape(len(x_test), -1).mean(axis=1)
    expected = set(np.argsort(errors)[-10:].tolist())
    if set(indices.tolist()) != expected:
        if set(indices.tolist()) == set(np.argsort(errors)[:10].tolist()):
            raise Incorrect("these are the 10 *best* reconstructed digits: sort the errors in decreasing order.")
        missing = len(expected - set(indices.tolist()))
        raise Incorrect(
            f"{missing} of your 10 indices are not among the 10 largest per-image MSEs; compute the mean "
            "over the pixels of each image (per_example=True), then take the 10 largest."
        )
    return "These are the ten worst reconstructed test digits; plot them with plot_reconstructions."


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
""",
)


def _check_pca(value, x_train, x_test, n_components=8):
    from sklearn.decomposition import PCA

    pca = PCA(n_components=n_components, random_state=0).fit(np.asarray(x_train).reshape(len(x_train), -1))
    flat = np.asarray(x_test).reshape(len(x_test), -1)
    recon = np.clip(pca.inverse_transform(pca.transform(flat)), 0.0, 1.0)
    expected = float(((flat - recon) ** 2).mean())
    unclipped = float(((flat - pca.inverse_transform(pca.transform(flat))) ** 2).mean())
    try:
        check_number(value, expected, rtol=2e-2, what=f"the test MSE of PCA with {n_components} components")
    except Incorrect:
        if np.isclose(float(value), unclipped, rtol=2e-2):
            return (f"Correct (without clipping the reconstruction to [0, 1]: {unclipped:.4f}; clipped, "
                    f"as in the chapter, it is {expected:.4f}).")
        raise
    return f"PCA with {n_components} components: test MSE {expected:.4f}."


pca_baseline = Exercise(
    "Exercise 1.3: PCA with 8 components",
    _check_pca,
    hints=[
        "Fit PCA(n_components=8) on x_train only, then reconstruct x_test with transform and inverse_transform.",
        "Clip the reconstruction to [0, 1] as in the chapter, then take mse(x_test, reconstruction).",
    ],
    solution="""
pca8 = PCA(n_components=8, random_state=0).fit(x_train)
x_pca8 = np.clip(pca8.inverse_transform(pca8.transform(x_test)), 0.0, 1.0)
answer = mse(x_test, x_pca8)
""",
)
