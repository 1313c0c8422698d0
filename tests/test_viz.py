"""Tests of aecourse.viz: the plot contract (ax/fig, never clear, kwargs, display objects), and
what each helper draws, for flat and image input."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from aecourse import viz
from aecourse.regularizers import sparsity_report

RNG = np.random.default_rng(0)
FLAT = RNG.random((12, 784)).astype("float32")
IMAGES = FLAT.reshape(12, 28, 28, 1)
Y = np.r_[np.zeros(20, int), np.ones(20, int)]
S = RNG.normal(size=40) + Y

# every single-Axes helper, called with valid data
AX_HELPERS = {
    "plot_history": lambda **kw: viz.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, **kw),
    "plot_latent": lambda **kw: viz.plot_latent(RNG.normal(size=(30, 2)), np.arange(30) % 3, **kw),
    "plot_latent_grid": lambda **kw: viz.plot_latent_grid(lambda z: np.zeros((len(z), 16)), n=3, **kw),
    "plot_roc": lambda **kw: viz.plot_roc(Y, S, threshold=0.5, **kw),
    "plot_code_heatmap": lambda **kw: viz.plot_code_heatmap(RNG.random((6, 8)), labels=np.arange(6) % 2, **kw),
    "plot_rho_hat": lambda **kw: viz.plot_rho_hat(sparsity_report(RNG.random((10, 8))), **kw),
}
# every grid helper
GRID_HELPERS = {
    "plot_images": lambda **kw: viz.plot_images(FLAT[:6], labels=range(6), ncols=3, **kw),
    "plot_reconstructions": lambda **kw: viz.plot_reconstructions(FLAT, FLAT * 0.5, n=4, show_error=True, **kw),
    "plot_image_rows": lambda **kw: viz.plot_image_rows([FLAT, FLAT * 0.5], ["a", "b"], n=4, **kw),
    "plot_codes": lambda **kw: viz.plot_codes(RNG.random((5, 32)), labels=range(5), **kw),
}


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


# --------------------------------------------------------------------- contract


@pytest.mark.parametrize("name", sorted(AX_HELPERS))
def test_ax_helpers_make_a_figure_only_when_none_is_given(name):
    before = len(plt.get_fignums())
    display = AX_HELPERS[name]()
    assert len(plt.get_fignums()) == before + 1
    assert display.ax in display.figure.axes and display.axes[0] is display.ax
    fig, (left, right) = plt.subplots(1, 2)
    (kept,) = left.plot([0, 1], [1, 0])
    count = len(plt.get_fignums())
    display = AX_HELPERS[name](ax=right)
    assert len(plt.get_fignums()) == count  # no new figure
    assert display.ax is right and display.figure is fig
    assert list(left.lines) == [kept] and left in fig.axes  # the other Axes is untouched


@pytest.mark.parametrize("name", sorted(AX_HELPERS))
def test_ax_helpers_reject_what_is_not_an_axes(name):
    with pytest.raises(TypeError, match=f"{name}: Expected `ax` to be a Matplotlib Axes or None"):
        AX_HELPERS[name](ax=plt.figure())


@pytest.mark.parametrize("name", sorted(GRID_HELPERS))
def test_grid_helpers_never_clear_a_figure_they_were_given(name):
    fig = plt.figure()
    fig.add_subplot().plot([0, 1])
    with pytest.raises(ValueError, match=f"{name}: Expected `fig` to be an empty Figure or SubFigure. "
                                         "Received: fig='a figure with 1 Axes'.*never clears"):
        GRID_HELPERS[name](fig=fig)
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1
    # an empty figure, or a free part of a figure, is drawn into
    empty = plt.figure()
    assert GRID_HELPERS[name](fig=empty).figure is empty
    whole = plt.figure()
    (top, bottom) = whole.subfigures(2, 1)
    top.add_subplot().plot([1, 2])
    display = GRID_HELPERS[name](fig=bottom)
    assert display.figure is bottom and len(top.axes) == 1 and len(top.axes[0].lines) == 1
    assert set(display.axes) <= set(whole.axes)
    with pytest.raises(TypeError, match="Expected `fig` to be a Matplotlib Figure or SubFigure"):
        GRID_HELPERS[name](fig=top.axes[0])


@pytest.mark.parametrize("name", sorted(GRID_HELPERS))
def test_grid_displays_list_axes_as_the_figure_does(name):
    display = GRID_HELPERS[name]()
    assert isinstance(display, viz.ImageGridDisplay)
    assert list(display.axes) == display.figure.axes
    assert display.grid.shape == display.shape and display.grid[0, 0] is display.axes[0]
    assert all(image.axes in display.axes for image in display.images)
    assert repr(display).startswith("<ImageGridDisplay: ")


def test_keyword_arguments_reach_matplotlib():
    assert viz.plot_images(FLAT[:2], interpolation="bilinear").images[0].get_interpolation() == "bilinear"
    assert viz.plot_image_rows([FLAT[:2]], cmap="magma", alpha=0.5).images[0].get_alpha() == 0.5
    assert viz.plot_history({"loss": [1, 2]}, linewidth=3).lines["loss"].get_linewidth() == 3
    assert viz.plot_latent(np.zeros((3, 2)), marker="x").collections[None].get_paths()
    assert viz.plot_roc(Y, S, color="red").line.get_color() == "red"
    bars = viz.plot_rho_hat(np.array([0.1, 0.2]), color="green").patches
    assert bars[0].get_facecolor() == matplotlib.colors.to_rgba("green")


def test_displays_show_only_the_figure_in_jupyter(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    # a pyplot figure is shown by the inline backend at the end of the cell: nothing more
    viz.plot_images(FLAT[:2])._ipython_display_()
    assert shown == []
    # a figure made without pyplot is shown once, as a figure (not as text)
    fig = Figure()
    viz.plot_history({"loss": [1, 2]}, ax=fig.subplots())._ipython_display_()
    assert shown == [fig]
    assert repr(viz.plot_history({"loss": [1, 2]})) == "<CurvesDisplay: 1 Axes>"


def test_displays_are_frozen():
    display = viz.plot_history({"loss": [1, 2]})
    with pytest.raises(AttributeError):
        display.ax = None


# ----------------------------------------------------------------------- images


@pytest.mark.parametrize("x,shape", [(FLAT, None), (IMAGES, None), (IMAGES[..., 0], None),
                                     (RNG.random((4, 64)), None), (RNG.random((4, 8, 6, 3)), None),
                                     (RNG.random((4, 48)), (8, 6))])
def test_as_images(x, shape):
    out = viz.as_images(x, shape)
    assert out.ndim in (3, 4) and len(out) == len(x)


def test_as_images_rejects_non_square_flat_input():
    with pytest.raises(ValueError, match=r"^as_images: Expected `x` to be flat vectors whose length is a square "
                                         r"\(784 = 28 x 28\), or image_shape=\(h, w\)\. Received: x=array of shape "
                                         r"\(2, 50\) and dtype float64\. Vectors of length 50 are not square images: "
                                         r"pass image_shape=\(h, w\) or \(h, w, channels\)\.$"):
        viz.as_images(np.zeros((2, 50)))
    with pytest.raises(ValueError, match=r"Expected `x` to be a batch of items of 49 values, to reshape to images of "
                                         r"shape \(7, 7\)\. Received: x=array of shape \(2, 50\)"):
        viz.as_images(np.zeros((2, 50)), (7, 7))
    with pytest.raises(ValueError, match=r"Expected `x` to be a batch of images shaped .* Received: x=array of shape "
                                         r"\(2, 4, 4, 2\)"):
        viz.as_images(np.zeros((2, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"Received: x=array of shape \(28, 30\) .* For one image of shape \(28, 30\), "
                                         r"pass it as image\[None\] or with a channel axis"):
        viz.as_images(np.zeros((28, 30)))
    for no_pixels in ((1, 0, 0, 3), (2, 0, 5), (2, 5, 0, 1)):
        with pytest.raises(ValueError, match=r"^plot_images: Expected `images` to be images of at least 1 x 1 pixels. "
                                             r"Received: images=array of shape \(" + ", ".join(map(str, no_pixels))):
            viz.plot_images(np.zeros(no_pixels, np.float32))
    with pytest.raises(TypeError, match=r"^as_images: Expected `x` to be an array of numbers\. Received: x='abc'\."):
        viz.as_images("abc")
    with pytest.raises(TypeError, match=r"^as_images: Expected `image_shape` to be a sequence of integers"):
        viz.as_images(np.zeros((2, 49)), "7x7")


def test_one_image_is_drawn_as_one_image_not_as_strips():
    image = RNG.random((28, 28, 1))
    display = viz.plot_images(image)
    assert len(display.images) == 1 and display.images[0].get_array().shape == (28, 28)
    assert viz.as_images(RNG.random((32, 32, 3))).shape == (1, 32, 32, 3)
    assert viz.as_images(RNG.random((5, 28, 28))).shape == (5, 28, 28)  # a batch of grey images stays one


@pytest.mark.parametrize("x", [FLAT, IMAGES])
def test_plot_images(x):
    display = viz.plot_images(x, labels=list(range(12)), ncols=5, title="digits")
    assert display.shape == (3, 5) and len(display.images) == 12
    assert display.axes[3].get_title() == "3" and not display.axes[-1].axison  # unused cell switched off
    np.testing.assert_array_equal(display.images[0].get_array(), x[0].reshape(28, 28))
    assert display.figure._suptitle.get_text() == "digits"


def test_plot_images_errors():
    with pytest.raises(ValueError, match=r"^plot_images: Expected `labels` to be one label per image \(3\)\. "
                                         r"Received: labels='2 labels'\.$"):
        viz.plot_images(FLAT[:3], labels=[1, 2])
    with pytest.raises(ValueError, match=r"^plot_images: Expected `images` to be at least one image"):
        viz.plot_images(FLAT[:0])
    with pytest.raises(ValueError, match=r"^plot_images: Expected `ncols` to be an integer >= 1\. Received: ncols=0\."):
        viz.plot_images(FLAT[:3], ncols=0)
    with pytest.raises(ValueError, match=r"^plot_images: Expected `cmap` to be a Matplotlib colour map name"):
        viz.plot_images(FLAT[:3], cmap="greys_x")
    with pytest.raises(TypeError, match=r"^plot_images: Expected `labels` to be a sequence of labels \(numbers or "
                                        r"strings\)"):
        viz.plot_images(FLAT[:2], labels=[[1], [2, 3]])


def test_images_off_the_display_scale_are_refused_with_the_fix():
    """0-255 images on the fixed 0..1 scale would show as white squares; they are refused."""
    x8 = (FLAT[:4] * 255).astype(np.uint8)
    divide = r"These look like 8-bit images \(values 0-255\): divide by 255 first"
    with pytest.raises(ValueError, match=r"^plot_images: Expected `images` to be images on the 0\.\.1 scale the plot "
                                         r"shows \(values a little outside it are saturated\)\. Received: images=array "
                                         r"of shape \(4, 28, 28\) and dtype uint8 with values from \d+ to \d+\. " + divide):
        viz.plot_images(x8)
    with pytest.raises(ValueError, match=r"^plot_reconstructions: Expected `reconstructions` to be images on the "
                                         r"0\.\.1 scale.*" + divide):
        viz.plot_reconstructions(FLAT[:4], x8)
    with pytest.raises(ValueError, match=r"^plot_image_rows: Expected `rows\[1\]` to be images on the 0\.\.1 scale"):
        viz.plot_image_rows([FLAT[:4], x8])
    with pytest.raises(ValueError, match=r"with values from -2\.99\d* to .*\. Rescale to \[0, 1\] \(aecourse\.viz\."
                                         r"to_unit_range for weights\), clip with np\.clip\(x, 0, 1\), or pass vmin= "
                                         r"and vmax= to show another scale\.$"):
        viz.plot_images(FLAT[:4] * 4 - 3)
    with pytest.raises(ValueError, match=r"^plot_images: Expected `images` to be an array of finite numbers.*4 NaN value"):
        viz.plot_images(np.where(np.arange(784) == 5, np.nan, FLAT[:4]))
    # what is allowed: a little outside [0, 1] (shown saturated), or another scale asked for
    assert len(viz.plot_images(FLAT[:4] * 1.2 - 0.1).images) == 4
    shown = viz.plot_images(x8, vmin=0, vmax=255)
    assert shown.images[0].get_clim() == (0, 255)


@pytest.mark.parametrize("x", [FLAT, IMAGES])
def test_plot_reconstructions(x):
    display = viz.plot_reconstructions(x, x * 0.5, n=6, show_error=True)
    assert display.shape == (3, 6) and len(display.images) == 18
    assert display.grid[0, 0].get_ylabel() == "original"
    error = display.grid[2, 0].images[0].get_array()
    np.testing.assert_allclose(error, np.abs(x[0] - x[0] * 0.5).reshape(28, 28), rtol=1e-6)


def test_plot_reconstructions_rejects_mismatch():
    with pytest.raises(ValueError, match=r"^plot_reconstructions: Expected `reconstructions` to be images of the shape "
                                         r"of the originals, \(12, 28, 28\)\. Received: reconstructions=array of shape "
                                         r"\(12, 8, 8\) and dtype float64\. Pass the model's outputs for the same images"):
        viz.plot_reconstructions(FLAT, RNG.random((12, 64)))
    assert viz.plot_reconstructions(FLAT, IMAGES, n=2).shape == (2, 2)  # the same images, flat or not


def test_plot_codes_and_heatmap():
    codes = RNG.random((10, 32))
    display = viz.plot_codes(codes, code_shape=(4, 8), labels=range(10))
    assert display.images[0].get_array().shape == (4, 8) and display.axes[2].get_title() == "2"
    # one colour scale for all codes
    assert len({image.get_clim() for image in display.images}) == 1
    assert display.images[0].get_clim() == pytest.approx((codes.min(), codes.max()), rel=1e-6)
    assert viz.plot_codes(codes).images[0].get_array().shape == (4, 8)
    heat = viz.plot_code_heatmap(codes, labels=np.arange(10)[::-1])
    np.testing.assert_allclose(heat.image.get_array(), codes[::-1], rtol=1e-6)
    assert heat.colorbar.ax in heat.figure.axes
    with pytest.raises(ValueError, match=r"^plot_codes: Expected `code_shape` to be a shape holding the codes' 30 "
                                         r"values\. Received: code_shape=\(2, 4, 4\)\. It holds 32\.$"):
        viz.plot_codes(RNG.random((3, 30)), code_shape=(2, 4, 4))
    with pytest.raises(ValueError, match=r"^plot_codes: Expected `n` to be an integer >= 1\. Received: n=0\. It is how "
                                         r"many codes to show \(the first n\), e\.g\. n=10\.$"):
        viz.plot_codes(codes, n=0)
    with pytest.raises(ValueError, match=r"^plot_code_heatmap: Expected `codes` to be an array of finite numbers"):
        viz.plot_code_heatmap(np.full((2, 3), np.inf))


def test_plot_history_reads_fit_results_histories_and_dicts():
    display = viz.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2], "mse": [1, 1, 1]}, metrics=["loss"])
    assert sorted(display.lines) == ["loss", "val_loss"] and len(display.ax.lines) == 2
    np.testing.assert_array_equal(display.lines["val_loss"].get_ydata(), [3, 2.5, 2])
    with pytest.raises(ValueError, match=r"^plot_history: Expected `metrics` to be names of logged values \(loss\)\. "
                                         r"Received: metrics=\['acc'\]\. Not logged: acc\.$"):
        viz.plot_history({"loss": [1]}, metrics=["acc"])
    with pytest.raises(TypeError, match=r"^plot_history: Expected `history` to be a FitResult, a keras History or a "
                                        r"non-empty dict of lists\. Received: history=\[1, 2\]\."):
        viz.plot_history([1, 2])


def test_plot_history_takes_one_name_and_draws_each_curve_against_its_own_epochs():
    assert sorted(viz.plot_history({"loss": [3, 2], "val_loss": [3, 2]}, metrics="loss").lines) == ["loss", "val_loss"]
    logs = {"loss": [6, 5, 4, 3, 2, 1, 0.5], "val_loss": [4.5, 2.5, 0.8]}  # validation_freq=2 over 7 epochs
    display = viz.plot_history(logs)
    assert display.lines["loss"].get_xdata().tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert display.lines["val_loss"].get_xdata().tolist() == [2, 4, 6]
    listed = viz.plot_history({"loss": [4, 3, 2, 1], "val_loss": [3.5, 1.5]}, validation_freq=[1, 4])
    assert listed.lines["val_loss"].get_xdata().tolist() == [1, 4]
    with pytest.raises(ValueError, match=r"^plot_history: Expected `history` to be as many val_loss values as training "
                                         r"epochs \(10\), or a validation_freq that says when they were logged\. Received: "
                                         r"history='2 values of val_loss'\. Pass validation_freq= as given to fit"):
        viz.plot_history({"loss": list(range(10)), "val_loss": [1, 2]})  # every 4th or every 5th epoch?
    assert viz.plot_history({"loss": list(range(10)), "val_loss": [1, 2]}, validation_freq=4) \
        .lines["val_loss"].get_xdata().tolist() == [4, 8]
    with pytest.raises(ValueError, match=r"Expected `validation_freq` to be the epochs of the 2 values of val_loss\. "
                                         r"Received: validation_freq=3\. It gives 3 epochs in 10\.$"):
        viz.plot_history({"loss": list(range(10)), "val_loss": [1, 2]}, validation_freq=3)


def test_plot_latent():
    display = viz.plot_latent(RNG.normal(size=(50, 2)), np.arange(50) % 5)
    assert sorted(display.collections) == ["0", "1", "2", "3", "4"] and len(display.ax.collections) == 5
    assert display.legend is display.ax.get_legend()
    with pytest.raises(ValueError, match=r"^plot_latent: Expected `codes` to be an array of shape \(n, 2\): 2-d codes\. "
                                         r"Received: codes=array of shape \(50, 3\) and dtype float64\. For longer "
                                         r"codes, project them first"):
        viz.plot_latent(RNG.normal(size=(50, 3)))
    with pytest.raises(ValueError, match=r"^plot_latent: Expected `labels` to be one label per code \(5\)"):
        viz.plot_latent(RNG.normal(size=(5, 2)), labels=[1, 2])


def test_plot_rho_hat_counts_like_numpy():
    report = sparsity_report(RNG.uniform(size=(20, 8)))
    display = viz.plot_rho_hat(report, bins=5, title="codes")
    counts, edges = np.histogram(report.rho_hat, bins=5)
    np.testing.assert_array_equal(display.counts, counts)
    np.testing.assert_allclose(display.edges, edges)
    assert display.ax.get_title() == "codes" and display.ax.get_xlabel() == "mean activation of a unit (rho_hat)"
    with pytest.raises(ValueError, match="Expected `report` to be a SparsityReport or a 1-D array"):
        viz.plot_rho_hat(np.zeros((2, 2)))


@pytest.mark.parametrize("values, kwargs", [
    ([0.2], {"bins": 3}),  # a single value: NumPy's range of width 1 around it
    ([0.05, 0.1, 0.9, 0.3], {"bins": 4, "range": (0, 1)}),
    ([0.5, 0.5, 0.5], {"bins": 7}),
    ([2.25e15], {"bins": 3}),  # large, but 0.5 apart is still representable
])
def test_plot_rho_hat_bins_like_numpy(values, kwargs):
    display = viz.plot_rho_hat(np.array(values), **kwargs)
    counts, edges = np.histogram(values, **kwargs)
    np.testing.assert_array_equal(display.counts, counts)
    assert np.all(np.diff(display.edges) > 0)
    if values[0] < 1e6:
        np.testing.assert_allclose(display.edges, edges)


@pytest.mark.parametrize("values, kwargs, expected", [
    ([1e16], {"bins": 3}, r"bins=3 for values from 1e\+16 to 1e\+16, a range too narrow"),
    ([1e17, 1e17 + 16], {"bins": 30}, r"bins=30 .* Pass increasing bin edges"),
    ([0.1, 0.2], {"bins": 3, "range": (1, 0)}, r"Expected `range` to be a pair \(low, high\) with low <= high. "
                                                r"Received: range=\(1, 0\)"),
])
def test_plot_rho_hat_bins_it_cannot_draw(values, kwargs, expected):
    with pytest.raises(ValueError, match="^plot_rho_hat: .*" + expected):
        viz.plot_rho_hat(np.array(values), **kwargs)


def test_to_unit_range_matches_numpy():
    w = RNG.normal(size=(5, 16))
    w[2] = 0.0  # a constant row
    kept = viz.to_unit_range(w)
    expected = 0.5 + 0.5 * w / np.maximum(np.abs(w).max(axis=1, keepdims=True), 1e-300)
    np.testing.assert_allclose(kept, expected)
    assert np.all(kept[2] == 0.5) and kept.min() >= 0 and kept.max() <= 1
    stretched = viz.to_unit_range(w, keep_zero=False)
    for row, out in zip(w, stretched):
        if np.ptp(row):
            np.testing.assert_allclose(out, (row - row.min()) / np.ptp(row))
    assert np.all(stretched[2] == 0.5) and stretched.min() == 0 and stretched.max() == 1
    with pytest.raises(ValueError, match="to_unit_range: Expected `rows` to be a 2-D array"):
        viz.to_unit_range(np.zeros((2, 3, 4)))
    for keep_zero in (True, False):
        with pytest.raises(ValueError, match=r"to_unit_range: Expected `rows` to be rows of at least one value each. "
                                             r"Received: rows=array of shape \(3, 0\)"):
            viz.to_unit_range(np.zeros((3, 0)), keep_zero=keep_zero)
    with pytest.raises(TypeError, match="Expected `keep_zero` to be True or False"):
        viz.to_unit_range(w, keep_zero="yes")
