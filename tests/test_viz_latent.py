"""Tests of the plots added for denoising and the latent space: image rows, latent grid, ROC."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from aecourse import viz
from aecourse.anomaly import roc_auc

RNG = np.random.default_rng(0)


# ------------------------------------------------------------------ image rows


@pytest.mark.parametrize("shape", [(8, 784), (8, 28, 28, 1), (8, 28, 28)])
def test_plot_image_rows(shape):
    x = RNG.random(shape)
    display = viz.plot_image_rows([x, x * 0.5, x], ["noisy", "output", "clean"], n=5)
    assert isinstance(display.figure, Figure) and display.shape == (3, 5)
    fig = display.figure
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 15
    assert [fig.axes[i * 5].get_ylabel() for i in range(3)] == ["noisy", "output", "clean"]
    # column i holds item i of every row
    np.testing.assert_allclose(fig.axes[5 + 2].images[0].get_array(), (x * 0.5)[2].reshape(28, 28))


def test_plot_image_rows_n_is_capped_by_the_shortest_row():
    fig = viz.plot_image_rows([RNG.random((3, 64)), RNG.random((7, 64))], n=10)
    assert len(fig.axes) == 6


def test_plot_image_rows_bad_input():
    x = RNG.random((4, 784))
    with pytest.raises(TypeError, match=r"^plot_image_rows: Expected `rows` to be a list of image batches, one per "
                                        r"row, e\.g\. \[noisy, output, clean\]\. Received: rows=array of shape"):
        viz.plot_image_rows(x)
    with pytest.raises(ValueError, match=r"^plot_image_rows: Expected `row_titles` to be one title per row \(2\)\. "
                                         r"Received: row_titles=\['a', 'b', 'c'\]\.$"):
        viz.plot_image_rows([x, x], ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"^plot_image_rows: Expected `rows` to be batches of images of one shape\. "
                                         r"Received: rows=\['images of shape \(28, 28\)', 'images of shape \(8, 8\)'\]"):
        viz.plot_image_rows([x, RNG.random((4, 64))])
    with pytest.raises(ValueError, match=r"^plot_image_rows: Expected `n` to be an integer >= 1\. Received: n=0\."):
        viz.plot_image_rows([x], n=0)


# ------------------------------------------------------------------ latent grid


def test_plot_latent_grid_places_each_decoded_image_at_its_code():
    n = 4
    seen = []

    def decoder(codes):
        seen.append(codes.copy())
        # image brightness encodes the code: left half = code 1, right half = code 2 (scaled to 0..1)
        z = (codes + 2.0) / 4.0
        img = np.zeros((len(codes), 6, 6))
        img[:, :, :3] = z[:, :1, None]
        img[:, :, 3:] = z[:, 1:, None]
        return img

    fig = viz.plot_latent_grid(decoder, x_range=(-2, 2), y_range=(-2, 2), n=n)
    ax = fig.axes[0]
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (n * 6, n * 6)
    assert seen[0].shape == (n * n, 2) and seen[0].dtype == np.float32
    left, right, bottom, top = ax.images[0].get_extent()
    assert (left, right) == pytest.approx((-2 - 2 / 3, 2 + 2 / 3))
    assert (bottom, top) == pytest.approx((-2 - 2 / 3, 2 + 2 / 3))
    # top-left tile: code (-2, +2); bottom-right tile: code (+2, -2)
    assert mosaic[0, 0] == pytest.approx(0.0) and mosaic[0, 5] == pytest.approx(1.0)
    assert mosaic[-1, -6] == pytest.approx(1.0) and mosaic[-1, -1] == pytest.approx(0.0)
    assert ax.get_xlabel() == "code 1"


def test_plot_latent_grid_uses_predict_quietly():
    class Model:
        def predict(self, codes, verbose=1):
            self.verbose = verbose
            return np.zeros((len(codes), 784))

    model = Model()
    fig, ax = viz._pyplot().subplots()
    assert viz.plot_latent_grid(model, n=3, ax=ax).figure is fig
    assert model.verbose == 0


def test_plot_latent_grid_bad_input():
    dec = lambda z: np.zeros((len(z), 16))  # noqa: E731
    with pytest.raises(ValueError, match=r"^plot_latent_grid: Expected `x_range` to be a pair \(low, high\) of finite "
                                         r"numbers with low < high\. Received: x_range=\(1, 1\)\.$"):
        viz.plot_latent_grid(dec, x_range=(1, 1))
    with pytest.raises(TypeError, match=r"^plot_latent_grid: Expected `y_range` to be a pair \(low, high\).*"
                                        r"Received: y_range=3\.$"):
        viz.plot_latent_grid(dec, y_range=3)
    with pytest.raises(ValueError, match=r"^plot_latent_grid: Expected `n` to be an integer in \[2, 100\]\. Received: n=1\."):
        viz.plot_latent_grid(dec, n=1)
    with pytest.raises(ValueError, match=r"^plot_latent_grid: Expected `decoder` to be a function returning one image "
                                         r"per code \(9\)\. Received: decoder='a decoder that returned 2 images'\.$"):
        viz.plot_latent_grid(lambda z: np.zeros((2, 16)), n=3)
    with pytest.raises(TypeError, match=r"^plot_latent_grid: Expected `decoder` to be a Keras model or a function"):
        viz.plot_latent_grid("decoder")
    with pytest.raises(ValueError, match=r"Expected `decoder\(codes\)` to be images on the 0\.\.1 scale.*divide by 255"):
        viz.plot_latent_grid(lambda z: np.full((len(z), 16), 200, np.uint8), n=3)


# ------------------------------------------------------------------------- ROC


def test_plot_roc_curve_legend_and_threshold_point():
    y = np.r_[np.zeros(50, int), np.ones(50, int)]
    s = RNG.normal(size=100) + y
    fig = viz.plot_roc(y, s, threshold=0.5, label="AE")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == f"AE (AUC {roc_auc(y, s):.3f})"
    flagged = s > 0.5
    point = ax.lines[1].get_xydata()[0]
    assert point == pytest.approx([flagged[y == 0].mean(), flagged[y == 1].mean()])
    with pytest.raises(ValueError, match="both"):
        viz.plot_roc([0, 0], [0.1, 0.2])
