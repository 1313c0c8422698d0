"""Tests of aecourse.viz: each helper returns a Figure (Agg backend) for flat and image input."""

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from aecourse import viz

RNG = np.random.default_rng(0)
FLAT = RNG.random((12, 784)).astype("float32")
IMAGES = FLAT.reshape(12, 28, 28, 1)


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("x,shape", [(FLAT, None), (IMAGES, None), (IMAGES[..., 0], None),
                                     (RNG.random((4, 64)), None), (RNG.random((4, 8, 6, 3)), None),
                                     (RNG.random((4, 48)), (8, 6))])
def test_as_images(x, shape):
    out = viz.as_images(x, shape)
    assert out.ndim in (3, 4) and len(out) == len(x)


def test_as_images_rejects_non_square_flat_input():
    with pytest.raises(ValueError, match="flat vectors of length 50 are not square images; pass image_shape"):
        viz.as_images(np.zeros((2, 50)))
    with pytest.raises(ValueError, match=r"cannot reshape a batch of shape \(2, 50\) to images of shape \(7, 7\)"):
        viz.as_images(np.zeros((2, 50)), (7, 7))
    with pytest.raises(ValueError, match=r"received shape \(2, 4, 4, 2\)"):
        viz.as_images(np.zeros((2, 4, 4, 2)))


@pytest.mark.parametrize("x", [FLAT, IMAGES])
def test_plot_images(x):
    fig = viz.plot_images(x, labels=list(range(12)), ncols=5)
    assert isinstance(fig, Figure)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and shown[3].get_title() == "3"


def test_plot_images_into_existing_figure_and_errors():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    assert viz.plot_images(FLAT[:3], fig=fig) is fig
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        viz.plot_images(FLAT[:3], labels=[1, 2])
    with pytest.raises(ValueError, match="empty batch"):
        viz.plot_images(FLAT[:0])


@pytest.mark.parametrize("x", [FLAT, IMAGES])
def test_plot_reconstructions(x):
    fig = viz.plot_reconstructions(x, x * 0.5, n=6, show_error=True)
    assert isinstance(fig, Figure)
    assert len([ax for ax in fig.axes if ax.images]) == 18
    assert fig.axes[0].get_ylabel() == "original"
    error = fig.axes[12].images[0].get_array()
    np.testing.assert_allclose(error, np.abs(x[0] - x[0] * 0.5).reshape(28, 28), rtol=1e-6)


def test_plot_reconstructions_rejects_mismatch():
    with pytest.raises(ValueError, match=r"originals have shape \(12, 784\) but reconstructions have shape \(12, 28, 28, 1\)"):
        viz.plot_reconstructions(FLAT, IMAGES)


def test_plot_codes_images_and_heatmap():
    codes = RNG.random((10, 32))
    fig = viz.plot_codes(codes, code_shape=(4, 8), labels=range(10))
    assert isinstance(fig, Figure) and fig.axes[0].images[0].get_array().shape == (4, 8)
    assert viz.plot_codes(codes).axes[0].images[0].get_array().shape == (4, 8)
    fig = viz.plot_codes(codes, mode="heatmap", labels=np.arange(10)[::-1])
    assert fig.axes[0].images[0].get_array().shape == (10, 32)
    with pytest.raises(ValueError, match=r"code_shape=\(2, 4, 4\)\): holds 32 values, but the codes have 30"):
        viz.plot_codes(RNG.random((3, 30)), code_shape=(2, 4, 4))
    with pytest.raises(ValueError, match="expected 'images' or 'heatmap'"):
        viz.plot_codes(codes, mode="bars")


def test_plot_history():
    fig = viz.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2], "mse": [1, 1, 1]}, metrics=["loss"])
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError, match=r"no values logged for \['acc'\]"):
        viz.plot_history({"loss": [1]}, metrics=["acc"])
    with pytest.raises(TypeError, match="expected a keras History"):
        viz.plot_history([1, 2])


def test_plot_latent():
    fig = viz.plot_latent(RNG.normal(size=(50, 2)), np.arange(50) % 5)
    assert isinstance(fig, Figure) and len(fig.axes[0].collections) == 5
    with pytest.raises(ValueError, match=r"expected codes of shape \(n, 2\)"):
        viz.plot_latent(RNG.normal(size=(50, 3)))
