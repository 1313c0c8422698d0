"""Figures for the course: image grids, reconstructions, codes, training curves, ROC.

The helpers follow one contract, that of scikit-learn's display objects
(``sklearn.metrics.RocCurveDisplay``):

- a helper that draws on one Axes takes ``ax=None``; one that draws a grid of Axes
  takes ``fig=None`` (an empty Figure, or a part of one made with
  ``fig.subfigures(...)``). Never both. A figure is created only when none is given,
  and a figure that was given is never cleared: a helper refuses a figure that
  already holds Axes rather than drawing over them;
- extra keyword arguments go to the Matplotlib call that draws the data
  (``imshow``, ``plot``, ``scatter``, ``hist``);
- every helper returns a small display object with ``.figure``, ``.axes`` (a tuple,
  in the order of ``figure.axes``) and the artists it drew (``.images``, ``.lines``,
  ...); single-Axes displays also have ``.ax``. In Jupyter, a display left as the
  last expression of a cell shows nothing but the figure itself.

No helper calls ``plt.show()`` or changes global settings (rcParams). Images may be
passed flat (``(n, 784)``, any perfect square, or with ``image_shape=``) or
image-shaped (``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``); a single image
``(h, w, 1)`` or ``(h, w, 3)`` is drawn as one image (a batch of one).

Images are shown on a fixed 0..1 scale. Values a little outside it (the output of a
linear layer) are shown saturated; values far outside it (below -0.5 or above 1.5:
0-255 images, standardised data) and NaN are refused with the fix (divide by 255,
:func:`to_unit_range`, or ``vmin=``/``vmax=`` for another scale). The check is one
``min`` and one ``max`` over the images shown.

Example:
    >>> display = plot_images(np.random.default_rng(0).random((6, 784)), ncols=3)
    >>> len(display.images), display.shape
    (6, (2, 3))
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

import numbers

from aecourse.validation import (check_array, check_bool, check_float, check_instance, check_int, check_int_sequence,
                                 check_names, check_one_image_or_batch, check_values, message)

__all__ = [
    "as_images",
    "to_unit_range",
    "ImageGridDisplay",
    "HeatmapDisplay",
    "CurvesDisplay",
    "ScatterDisplay",
    "LatentGridDisplay",
    "RocDisplay",
    "HistogramDisplay",
    "plot_images",
    "plot_reconstructions",
    "plot_image_rows",
    "plot_codes",
    "plot_code_heatmap",
    "plot_history",
    "plot_latent",
    "plot_latent_grid",
    "plot_roc",
    "plot_rho_hat",
]


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


# -------------------------------------------------------------------- displays


def _root_figure(figure):
    """The top-level Figure of a Figure or SubFigure."""
    from matplotlib.figure import Figure

    while not isinstance(figure, Figure):
        figure = figure.figure
    return figure


class _Display:
    """What every display shares: a short repr, and nothing but the figure in Jupyter."""

    def _ipython_display_(self):
        # A figure made through pyplot is shown by Jupyter's inline backend when the
        # cell ends; showing it here too would draw it twice. Any other figure is shown.
        root = _root_figure(self.figure)
        plt = _pyplot()
        if getattr(root, "number", None) is not None and plt.fignum_exists(root.number):
            return
        from IPython.display import display

        display(root)

    def __repr__(self):
        return f"<{type(self).__name__}: {len(self.axes)} Axes>"


class _OneAxes(_Display):
    """A display drawn on one Axes, ``ax``."""

    @property
    def axes(self):
        """The display's Axes, as a one-element tuple (``(ax,)``)."""
        return (self.ax,)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ImageGridDisplay(_Display):
    """A grid of small images: what :func:`plot_images`, :func:`plot_reconstructions`,
    :func:`plot_image_rows` and :func:`plot_codes` return.

    Attributes:
        figure: the Figure (or SubFigure) drawn on.
        axes: every Axes of the grid, row by row (the order of ``figure.axes``); unused
            cells of the last row are switched off.
        images: the ``AxesImage`` of each image shown, in the order drawn.
        shape: ``(rows, columns)`` of the grid.

    Example:
        >>> display = plot_image_rows([np.zeros((3, 16)), np.ones((3, 16))], ["a", "b"])
        >>> display.shape, display.grid[1, 0].get_ylabel()
        ((2, 3), 'b')
    """

    figure: object
    axes: tuple
    images: tuple
    shape: tuple

    @property
    def grid(self):
        """The Axes as a 2-D array of shape :attr:`shape`."""
        return np.array(self.axes, dtype=object).reshape(self.shape)

    def __repr__(self):
        return f"<ImageGridDisplay: {len(self.images)} images on a {self.shape[0]} x {self.shape[1]} grid>"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class HeatmapDisplay(_OneAxes):
    """A heat map with a colour bar: what :func:`plot_code_heatmap` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes of the heat map.
        image: its ``AxesImage``.
        colorbar: the ``Colorbar``.
        order: the row order used (indices into the codes given).

    Example:
        >>> plot_code_heatmap(np.eye(3), labels=[2, 0, 1]).order.tolist()
        [1, 2, 0]
    """

    figure: object
    ax: object
    image: object
    colorbar: object
    order: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CurvesDisplay(_OneAxes):
    """Training curves: what :func:`plot_history` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes.
        lines: ``{logged name: Line2D}``, ``"val_..."`` names included.

    Example:
        >>> sorted(plot_history({"loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}).lines)
        ['loss', 'val_loss']
    """

    figure: object
    ax: object
    lines: dict


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ScatterDisplay(_OneAxes):
    """A scatter of 2-d codes: what :func:`plot_latent` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes.
        collections: ``{label: PathCollection}`` (one entry, key ``None``, without labels).
        legend: the ``Legend``, or ``None``.

    Example:
        >>> sorted(plot_latent(np.zeros((4, 2)), [0, 1, 0, 1]).collections)
        ['0', '1']
    """

    figure: object
    ax: object
    collections: dict
    legend: object


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class LatentGridDisplay(_OneAxes):
    """Images decoded from a grid of 2-d codes: what :func:`plot_latent_grid` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes (code 1 across, code 2 up).
        image: the ``AxesImage`` of the mosaic.
        codes: the decoded codes, shape ``(n * n, 2)``, row by row from the top left.

    Example:
        >>> plot_latent_grid(lambda z: np.zeros((len(z), 16)), n=3).codes.shape
        (9, 2)
    """

    figure: object
    ax: object
    image: object
    codes: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RocDisplay(_OneAxes):
    """A ROC curve: what :func:`plot_roc` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes.
        line: the curve's ``Line2D``.
        point: the ``Line2D`` marking the threshold's operating point, or ``None``.
        chance: the diagonal of a random score.
        fpr: false-positive rates of the curve.
        tpr: true-positive rates of the curve.
        auc: the area under the curve.

    Example:
        >>> plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc
        0.75
    """

    figure: object
    ax: object
    line: object
    point: object
    chance: object
    fpr: np.ndarray
    tpr: np.ndarray
    auc: float


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class HistogramDisplay(_OneAxes):
    """A histogram: what :func:`plot_rho_hat` returns.

    Attributes:
        figure: the Figure drawn on.
        ax: the Axes.
        counts: the count in each bin.
        edges: the bin edges.
        patches: the bars.

    Example:
        >>> from aecourse.regularizers import sparsity_report
        >>> report = sparsity_report(np.array([[0.0, 0.2, 0.9], [0.0, 0.4, 0.7]]))
        >>> plot_rho_hat(report, bins=[0, 0.5, 1]).counts.tolist()
        [2.0, 1.0]
    """

    figure: object
    ax: object
    counts: np.ndarray
    edges: np.ndarray
    patches: object


# ----------------------------------------------------------------------- canvas


def _axes(ax, where, figsize):
    """``ax`` if given (checked), else the Axes of a new figure."""
    if ax is None:
        return _pyplot().subplots(figsize=figsize)[1]
    from matplotlib.axes import Axes

    check_instance(ax, "ax", Axes, where=where, expected="a Matplotlib Axes or None",
                   fix="Pass one Axes, e.g. axes[0] of fig.subplots(1, 2).")
    return ax


def _grid(fig, nrows, ncols, size, where):
    """A grid of Axes on a new figure, or on ``fig`` if given (which must be empty)."""
    if fig is None:
        fig = _pyplot().figure(figsize=(size * ncols, size * nrows))
    else:
        from matplotlib.figure import FigureBase

        check_instance(fig, "fig", FigureBase, where=where, expected="a Matplotlib Figure or SubFigure, or None")
        if fig.axes:
            raise ValueError(message(where, "fig", "an empty Figure or SubFigure", f"a figure with {len(fig.axes)} Axes",
                                     "This helper never clears a figure it did not make: pass a new figure, or "
                                     "a free part of one made with fig.subfigures(...)."))
    axes = np.asarray(fig.subplots(nrows, ncols, squeeze=False))
    return fig, axes


def _finish_grid(fig, axes, images, title):
    from matplotlib.figure import Figure

    if title:
        fig.suptitle(title)
    if isinstance(fig, Figure) and fig.get_layout_engine() is None:
        fig.tight_layout()
    return ImageGridDisplay(figure=fig, axes=tuple(axes.flat), images=tuple(images), shape=axes.shape)


def _show(ax, image, cmap, vmin=0.0, vmax=1.0, **kwargs):
    if image.ndim == 3:
        artist = ax.imshow(np.clip(image, 0, 1), **kwargs)
    else:
        artist = ax.imshow(image, **{"cmap": cmap, "vmin": vmin, "vmax": vmax, **kwargs})
    ax.set_xticks([])
    ax.set_yticks([])
    return artist


# ---------------------------------------------------------------------- images


def as_images(x, image_shape=None) -> np.ndarray:
    """Turn a batch of flat or image-shaped arrays into ``(n, h, w)`` or ``(n, h, w, 3)``.

    Args:
        x: array of shape ``(n, d)``, ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``,
            or one image ``(h, w, 1)`` or ``(h, w, 3)`` (read as a batch of one).
        image_shape: ``(h, w)`` or ``(h, w, c)`` for flat input whose length is not a
            perfect square (or to override the square guess).

    Returns:
        A float array ready for ``imshow``.

    Raises:
        TypeError: if ``x`` does not hold numbers, or ``image_shape`` is not integers.
        ValueError: if the shape cannot be read as a batch of images.

    Example:
        >>> as_images(np.zeros((3, 784))).shape
        (3, 28, 28)
        >>> as_images(np.zeros((28, 28, 1))).shape  # one image: a batch of one
        (1, 28, 28)
    """
    return _as_images(x, image_shape, "as_images", "x").astype(np.float32, copy=False)


_IMAGE_SHAPES = "(n, d), (n, h, w), (n, h, w, 1) or (n, h, w, 3), or one image (h, w, 1) or (h, w, 3)"


def _as_images(x, image_shape, where, name):
    x = received = check_array(x, name, where=where, min_ndim=0, dtype=None, finite=False, min_length=0)
    if x.dtype == np.bool_:
        x = x.astype(np.float32)
    if image_shape is not None:
        image_shape = check_int_sequence(image_shape, "image_shape", where=where, min_value=1, allow_empty=False,
                                         allow_scalar=False, example="(28, 28) or (32, 32, 3)")
        if len(image_shape) not in (2, 3) or (len(image_shape) == 3 and image_shape[2] not in (1, 3)):
            raise ValueError(message(where, "image_shape", "(h, w), (h, w, 1) or (h, w, 3)", image_shape))
        if x.ndim < 1 or math.prod(x.shape[1:]) != math.prod(image_shape):
            each = math.prod(x.shape[1:]) if x.ndim else 0
            raise ValueError(message(where, name, f"a batch of items of {math.prod(image_shape)} values, to reshape to "
                                     f"images of shape {image_shape}", x,
                                     f"Each item has {each} values: check image_shape, or pass the batch axis first."))
        x = x.reshape((x.shape[0],) + image_shape)
    else:
        x = check_one_image_or_batch(x, name, where=where)
        if x.ndim == 2:
            side = math.isqrt(x.shape[1])
            if side * side != x.shape[1]:
                one = (f" For one image of shape {x.shape}, pass it as image[None] or with a channel axis, "
                       f"image[..., None]." if x.shape[0] > 3 else "")
                raise ValueError(message(where, name, "flat vectors whose length is a square (784 = 28 x 28), or "
                                         "image_shape=(h, w)", x,
                                         f"Vectors of length {x.shape[1]} are not square images: pass "
                                         f"image_shape=(h, w) or (h, w, channels).{one}"))
            x = x.reshape(x.shape[0], side, side)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3):
        if 0 in x.shape[1:3]:
            raise ValueError(message(where, name, "images of at least 1 x 1 pixels", received,
                                     "Check how the images were sliced or reshaped."))
        return x  # in its own dtype: the scale check names it; the plots convert to float32
    raise ValueError(message(where, name, f"a batch of images shaped {_IMAGE_SHAPES}", x))


def _check_scale(x, name, where, imshow_kwargs):
    """Images must be on the 0..1 scale the plots show, up to a margin; one min and one max."""
    if x.size == 0 or any(k in imshow_kwargs for k in ("vmin", "vmax", "norm")):
        if x.size:
            check_values(x, name, where=where)
        return
    check_values(x, name, where=where, min_value=-0.5, max_value=1.5,
                 expected="images on the 0..1 scale the plot shows (values a little outside it are saturated)",
                 fix="Rescale to [0, 1] (aecourse.viz.to_unit_range for weights), clip with np.clip(x, 0, 1), or "
                     "pass vmin= and vmax= to show another scale.")


def _check_common(where, size=None, title=None, cmap=None):
    if size is not None:
        check_float(size, "size", where=where, min_value=0, min_inclusive=False, fix="Use inches per image, e.g. 1.0.")
    if title is not None:
        check_instance(title, "title", str, where=where, expected="a string or None")
    if cmap is not None:
        _check_cmap(cmap, where)


def _check_cmap(cmap, where):
    import matplotlib

    if isinstance(cmap, matplotlib.colors.Colormap):
        return cmap
    if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
        raise ValueError(message(where, "cmap", "a Matplotlib colour map name such as 'gray' or 'viridis', or a "
                                 "Colormap", cmap, "matplotlib.colormaps lists the names."))
    return cmap


def _check_labels(labels, n, where, what="images"):
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
        raise TypeError(message(where, "labels", f"a sequence of labels, one per {what[:-1]}", labels))
    labels = list(labels)
    for label in labels:
        if not isinstance(label, (str, numbers.Number, np.generic)):
            raise TypeError(message(where, "labels", "a sequence of labels (numbers or strings)", labels,
                                    f"{label!r} is not a label."))
    if len(labels) != n:
        raise ValueError(message(where, "labels", f"one label per {what[:-1]} ({n})", f"{len(labels)} labels"))
    return labels


def to_unit_range(rows, *, keep_zero=True):
    """Scale each row of an array (say, a layer's weights) to [0, 1], to show it as an image.

    Weights have no fixed range, so each row gets its own scale:

    - ``keep_zero=True``: ``0.5 + 0.5 * w / max|w|``: zero stays mid-grey, the row's
      largest magnitude becomes 0 (negative) or 1 (positive), so signs can be read;
    - ``keep_zero=False``: ``(w - min) / (max - min)``: the row's whole range is
      stretched over 0..1, which shows the most detail but no sign.

    A row that is constant becomes 0.5 everywhere.

    Args:
        rows: an array ``(n, d)``: one image per row, e.g. a Dense kernel's rows
            ``model.get_layer("decoder").get_layer("reconstruction").get_weights()[0]``
            or PCA's ``components_``.
        keep_zero: map 0 to 0.5 (see above).

    Returns:
        A float array of the same shape, values in [0, 1].

    Raises:
        ValueError: if ``rows`` is not 2-D, has rows of no values, or holds NaN or
            infinite values.
        TypeError: if ``rows`` does not hold numbers, or ``keep_zero`` is not a bool.

    Example:
        >>> to_unit_range(np.array([[-2.0, 0.0, 1.0]])).tolist()
        [[0.0, 0.5, 0.75]]
        >>> to_unit_range(np.array([[-2.0, 0.0, 1.0]]), keep_zero=False).round(3).tolist()
        [[0.0, 0.667, 1.0]]
    """
    from aecourse.validation import check_array, check_bool

    w = check_array(rows, "rows", where="to_unit_range", min_ndim=2, dtype="float64")
    if w.ndim != 2:
        raise ValueError(message("to_unit_range", "rows", "a 2-D array, one row per image", w,
                                 "Reshape it with rows.reshape(len(rows), -1)."))
    if w.shape[1] == 0:
        raise ValueError(message("to_unit_range", "rows", "rows of at least one value each", w,
                                 "Pass the weights themselves, one image per row."))
    if check_bool(keep_zero, "keep_zero", where="to_unit_range"):
        scale = np.abs(w).max(axis=1, keepdims=True)
        return 0.5 + 0.5 * np.divide(w, scale, out=np.zeros_like(w), where=scale > 0)
    low, high = w.min(axis=1, keepdims=True), w.max(axis=1, keepdims=True)
    span = high - low
    return np.divide(w - low, span, out=np.full_like(w, 0.5), where=span > 0)


def plot_images(images, labels=None, *, ncols=10, image_shape=None, cmap="gray", title=None,
                size=1.0, fig=None, **imshow_kwargs):
    """Show a grid of images, optionally with a label above each.

    Args:
        images: a batch of images, flat or image-shaped (see :func:`as_images`).
        labels: optional sequence of labels (one per image) shown as titles.
        ncols: images per row.
        image_shape: shape of one image, for flat input that is not square.
        cmap: colour map for grey images (values are shown on a fixed 0..1 scale).
        title: optional title of the figure.
        size: inches per image.
        fig: an empty Figure or SubFigure to draw into; a new figure when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        An :class:`ImageGridDisplay`.

    Raises:
        ValueError: for an empty batch, values far off the 0..1 scale (0-255 images:
            divide by 255) or NaN, labels that do not match the images, a bad
            ``ncols`` or a figure that already holds Axes.
        TypeError: for images that are not numbers or arguments of the wrong type.

    Example:
        >>> display = plot_images(np.random.rand(20, 784), labels=range(20))
        >>> display.shape, display.axes[3].get_title()
        ((2, 10), '3')
    """
    where = "plot_images"
    x = _as_images(images, image_shape, where, "images")
    n = len(x)
    if n == 0:
        raise ValueError(message(where, "images", "at least one image", x))
    _check_scale(x, "images", where, imshow_kwargs)
    x = x.astype(np.float32, copy=False)
    labels = _check_labels(labels, n, where)
    ncols = check_int(ncols, "ncols", where=where, min_value=1, fix="It is the number of images per row, e.g. 10.")
    _check_common(where, size, title, cmap)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = _grid(fig, nrows, ncols, size, "plot_images")
    shown = []
    for i, ax in enumerate(axes.flat):
        if i < n:
            shown.append(_show(ax, x[i], cmap, **imshow_kwargs))
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
        else:
            ax.axis("off")
    return _finish_grid(fig, axes, shown, title)


def plot_reconstructions(originals, reconstructions, *, n=10, show_error=False, image_shape=None,
                         cmap="gray", row_titles=("original", "reconstruction", "|error|"),
                         size=1.0, title=None, fig=None, **imshow_kwargs):
    """Show originals above their reconstructions, optionally with an error row.

    Args:
        originals: a batch of images (flat or image-shaped).
        reconstructions: the model's outputs for the same images, same shape.
        n: how many of the first images to show.
        show_error: add a third row with the absolute error ``|x - x'|`` (colour map
            ``"magma"``, on the same 0..1 scale).
        image_shape: shape of one image, for flat input that is not square.
        cmap: colour map for grey images.
        row_titles: labels written at the left of each row.
        size: inches per image.
        title: optional title of the figure.
        fig: an empty Figure or SubFigure to draw into; a new figure when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        An :class:`ImageGridDisplay` (rows: originals, reconstructions, errors).

    Raises:
        ValueError: if the two batches do not have the same shape, values are far off
            the 0..1 scale or NaN, for a bad ``n``, or a figure that already holds Axes.
        TypeError: for images that are not numbers or arguments of the wrong type.

    Example:
        >>> x = np.random.rand(5, 64)
        >>> display = plot_reconstructions(x, x * 0.9, n=5, show_error=True)
        >>> display.shape, display.grid[0, 0].get_ylabel()
        ((3, 5), 'original')
    """
    where = "plot_reconstructions"
    a = _as_images(originals, image_shape, where, "originals")
    b = _as_images(reconstructions, image_shape, where, "reconstructions")
    if a.shape != b.shape:
        raise ValueError(message(where, "reconstructions", f"images of the shape of the originals, {a.shape}", b,
                                 "Pass the model's outputs for the same images, e.g. model.predict(originals)."))
    n = check_int(n, "n", where=where, min_value=1, fix="It is how many of the first images to show, e.g. 10.")
    show_error = check_bool(show_error, "show_error", where=where)
    _check_common(where, size, title, cmap)
    n = min(n, len(a))
    if n == 0:
        raise ValueError(message(where, "originals", "at least one image", a))
    a, b = a[:n], b[:n]
    _check_scale(a, "originals", where, imshow_kwargs)
    _check_scale(b, "reconstructions", where, imshow_kwargs)
    a, b = a.astype(np.float32, copy=False), b.astype(np.float32, copy=False)
    rows = [a, b] + ([np.abs(a - b)] if show_error else [])
    fig, axes = _grid(fig, len(rows), n, size, "plot_reconstructions")
    shown = []
    for r, row in enumerate(rows):
        for i in range(n):
            shown.append(_show(axes[r, i], row[i], "magma" if r == 2 else cmap, **imshow_kwargs))
        if row_titles and r < len(row_titles):
            axes[r, 0].set_ylabel(row_titles[r], fontsize=9)
    return _finish_grid(fig, axes, shown, title)


def plot_image_rows(rows, row_titles=None, *, n=10, image_shape=None, cmap="gray", size=1.0,
                    title=None, fig=None, **imshow_kwargs):
    """Show several batches of images as rows, column ``i`` holding item ``i`` of every batch.

    Use it to compare versions of the *same* examples, e.g. noisy input, the model's
    output and the clean target of a denoising autoencoder.

    Args:
        rows: a sequence of batches (flat or image-shaped, see :func:`as_images`) with
            at least ``n`` items each; batch ``r`` becomes row ``r``.
        row_titles: optional label written at the left of each row.
        n: how many of the first items to show (at most the shortest batch).
        image_shape: shape of one image, for flat input that is not square.
        cmap: colour map for grey images (values shown on a fixed 0..1 scale).
        size: inches per image.
        title: optional title of the figure.
        fig: an empty Figure or SubFigure to draw into; a new figure when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        An :class:`ImageGridDisplay`.

    Raises:
        TypeError: if ``rows`` is not a list or tuple of batches.
        ValueError: for rows whose images differ in shape, titles that do not match
            the rows, a bad ``n`` or a figure that already holds Axes.

    Example:
        >>> x = np.random.rand(6, 784)
        >>> display = plot_image_rows([x, x * 0.5, x], ["noisy", "output", "clean"], n=6)
        >>> display.shape, len(display.images)
        ((3, 6), 18)
    """
    where = "plot_image_rows"
    if isinstance(rows, np.ndarray) or not isinstance(rows, (list, tuple)) or not rows:
        raise TypeError(message(where, "rows", "a list of image batches, one per row, e.g. [noisy, output, clean]",
                                rows))
    batches = [_as_images(r, image_shape, where, f"rows[{i}]") for i, r in enumerate(rows)]
    shapes = {b.shape[1:] for b in batches}
    if len(shapes) != 1:
        raise ValueError(message(where, "rows", "batches of images of one shape",
                                 [f"images of shape {b.shape[1:]}" for b in batches]))
    if row_titles is not None:
        if isinstance(row_titles, (str, bytes)) or not hasattr(row_titles, "__iter__"):
            raise TypeError(message(where, "row_titles", "a list of titles, one per row", row_titles))
        row_titles = list(row_titles)
        if len(row_titles) != len(batches):
            raise ValueError(message(where, "row_titles", f"one title per row ({len(batches)})", row_titles))
    n = check_int(n, "n", where=where, min_value=1, fix="It is how many of the first items to show, e.g. 10.")
    _check_common(where, size, title, cmap)
    n = min(n, min(len(b) for b in batches))
    if n == 0:
        raise ValueError(message(where, "rows", "at least one image in every row",
                                 [f"{len(b)} images" for b in batches]))
    batches = [b[:n] for b in batches]
    for i, batch in enumerate(batches):
        _check_scale(batch, f"rows[{i}]", where, imshow_kwargs)
    batches = [b.astype(np.float32, copy=False) for b in batches]
    fig, axes = _grid(fig, len(batches), n, size, "plot_image_rows")
    shown = []
    for r, batch in enumerate(batches):
        for i in range(n):
            shown.append(_show(axes[r, i], batch[i], cmap, **imshow_kwargs))
        if row_titles is not None:
            axes[r, 0].set_ylabel(str(row_titles[r]), fontsize=9)
    return _finish_grid(fig, axes, shown, title)


# ----------------------------------------------------------------------- codes


def _codes(codes, labels, where):
    codes = check_array(codes, "codes", where=where, min_ndim=2, dtype="float32")
    if codes.ndim != 2 or codes.shape[1] == 0:
        raise ValueError(message(where, "codes", "an array of shape (n_codes, latent_dim)", codes,
                                 "Reshape feature maps with codes.reshape(len(codes), -1)."))
    if labels is not None:
        labels = np.asarray(_check_labels(labels, len(codes), where, "codes"))
    return codes, labels


def plot_codes(codes, *, code_shape=None, labels=None, n=10, cmap="viridis", size=1.0, title=None,
               fig=None, **imshow_kwargs):
    """Show latent codes as small images, one per code, all on one colour scale.

    Args:
        codes: array ``(n_codes, latent_dim)``.
        code_shape: ``(h, w)`` each code is reshaped to; by default the most square
            factorisation of ``latent_dim`` (32 -> (4, 8)).
        labels: optional labels, shown as titles.
        n: number of codes shown (the first ``n``).
        cmap: colour map.
        size: inches per code image.
        title: optional title of the figure.
        fig: an empty Figure or SubFigure to draw into; a new figure when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        An :class:`ImageGridDisplay` (one row).

    Raises:
        ValueError: for codes that are not 2-D, labels that do not match, a
            ``code_shape`` of the wrong size, or a figure that already holds Axes.

    Example:
        >>> display = plot_codes(np.random.rand(10, 32), code_shape=(4, 8))
        >>> display.images[0].get_array().shape
        (4, 8)
    """
    where = "plot_codes"
    n = check_int(n, "n", where=where, min_value=1, fix="It is how many codes to show (the first n), e.g. n=10.")
    codes, labels = _codes(codes, labels, where)
    _check_common(where, size, title, cmap)
    dim = codes.shape[1]
    vmin, vmax = float(codes.min()), float(codes.max())
    if code_shape is None:
        h = max(d for d in range(1, math.isqrt(dim) + 1) if dim % d == 0)
        code_shape = (h, dim // h)
    code_shape = check_int_sequence(code_shape, "code_shape", where=where, min_value=1, allow_empty=False,
                                    allow_scalar=False, example="(4, 8)")
    if math.prod(code_shape) != dim:
        raise ValueError(message(where, "code_shape", f"a shape holding the codes' {dim} values", code_shape,
                                 f"It holds {math.prod(code_shape)}."))
    count = min(n, len(codes))
    fig, axes = _grid(fig, 1, count, size, "plot_codes")
    shown = []
    for i in range(count):
        shown.append(_show(axes[0, i], codes[i].reshape(code_shape), cmap, vmin=vmin, vmax=vmax,
                           **{"interpolation": "nearest", **imshow_kwargs}))
        if labels is not None:
            axes[0, i].set_title(str(labels[i]), fontsize=9)
    return _finish_grid(fig, axes, shown, title)


def plot_code_heatmap(codes, labels=None, *, cmap="viridis", title=None, ax=None, **imshow_kwargs):
    """Show codes as a heat map: one row per code, one column per latent unit, a colour bar.

    Args:
        codes: array ``(n_codes, latent_dim)``.
        labels: optional labels: rows are sorted by label (stable) and the labels
            become the row ticks.
        cmap: colour map.
        title: optional title.
        ax: an Axes to draw into; a new figure when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        A :class:`HeatmapDisplay`.

    Raises:
        ValueError: for codes that are not 2-D or labels that do not match.
        TypeError: if ``ax`` is not an Axes.

    Example:
        >>> display = plot_code_heatmap(np.random.rand(10, 32), labels=np.arange(10))
        >>> display.image.get_array().shape
        (10, 32)
    """
    codes, labels = _codes(codes, labels, "plot_code_heatmap")
    _check_common("plot_code_heatmap", title=title, cmap=cmap)
    dim = codes.shape[1]
    ax = _axes(ax, "plot_code_heatmap", (max(4.0, 0.2 * dim + 2), 4.0))
    order = np.argsort(labels, kind="stable") if labels is not None else np.arange(len(codes))
    image = ax.imshow(codes[order], **{"aspect": "auto", "cmap": cmap, "interpolation": "nearest", **imshow_kwargs})
    ax.set_xlabel("code unit")
    if labels is None:
        ax.set_ylabel("example")
    else:
        sorted_labels = labels[order]
        values, starts, counts = np.unique(sorted_labels, return_index=True, return_counts=True)
        ax.set_yticks(starts + (counts - 1) / 2, [str(v) for v in values])
        ax.set_ylabel("label" if len(values) == len(codes) else "examples, grouped by label")
    colorbar = ax.figure.colorbar(image, ax=ax, label="activation")
    if title:
        ax.set_title(title)
    return HeatmapDisplay(figure=ax.figure, ax=ax, image=image, colorbar=colorbar, order=order)


# --------------------------------------------------------------------- curves


def _validation_epochs(n, m, validation_freq, name, where):
    """The epochs (1-based) at which ``m`` validation values were logged during ``n`` epochs.

    Keras logs validation only at the epochs ``validation_freq`` picks: every k-th epoch
    for an integer k (k, 2k, ...), or the listed epochs. Without ``validation_freq``, k is
    inferred when only one k gives ``m`` values in ``n`` epochs.
    """
    if validation_freq is None:
        candidates = [k for k in range(1, n + 1) if n // k == m]
        if m > n or len(candidates) != 1:
            raise ValueError(message(where, "history", f"as many {name} values as training epochs ({n}), or a "
                                     "validation_freq that says when they were logged", f"{m} values of {name}",
                                     "Pass validation_freq= as given to fit (an integer k, or the list of epochs)."))
        validation_freq = candidates[0]
    if isinstance(validation_freq, numbers.Integral) and not isinstance(validation_freq, bool):
        k = check_int(validation_freq, "validation_freq", where=where, min_value=1)
        epochs = np.arange(k, n + 1, k)
    else:
        epochs = np.asarray(check_int_sequence(validation_freq, "validation_freq", where=where, min_value=1,
                                               allow_empty=False, allow_scalar=False, example="2 or [5, 10]"))
    if len(epochs) != m:
        raise ValueError(message(where, "validation_freq", f"the epochs of the {m} values of {name}",
                                 validation_freq, f"It gives {len(epochs)} epochs in {n}."))
    return epochs


def plot_history(history, *, metrics=None, ax=None, logy=False, title=None, validation_freq=None, **plot_kwargs):
    """Plot training curves (each metric and its ``val_`` twin) against the epoch.

    Args:
        history: a :class:`aecourse.training.FitResult` (what :func:`~aecourse.training.train`
            and :func:`~aecourse.fast.fit_fast` return), a ``keras.callbacks.History``
            (what ``fit`` returns) or a dict of lists.
        metrics: a name or names to plot (default: every key without the ``val_``
            prefix).
        ax: an Axes to draw into; a new figure when ``None``.
        logy: logarithmic loss axis.
        title: optional title.
        validation_freq: when the ``val_`` values were logged, as given to ``fit``:
            every k-th epoch (an integer k) or a list of epochs. Each curve is drawn
            against its own epochs; without it, k is inferred from the lengths when
            only one k fits.
        **plot_kwargs: passed to ``Axes.plot``.

    Returns:
        A :class:`CurvesDisplay`.

    Raises:
        TypeError: for something that is not a history, or an ``ax`` that is not an Axes.
        ValueError: for metrics that were not logged, or validation values whose
            epochs cannot be told (pass ``validation_freq``).

    Example:
        >>> display = plot_history({"loss": [0.3, 0.2], "val_loss": [0.31, 0.22]})
        >>> display.lines["val_loss"].get_label()
        'validation loss'
        >>> logs = {"loss": [0.5, 0.4, 0.3, 0.25], "val_loss": [0.42, 0.28]}  # validation_freq=2
        >>> plot_history(logs, metrics="loss").lines["val_loss"].get_xdata().tolist()
        [2, 4]
    """
    where = "plot_history"
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(message(where, "history", "a FitResult, a keras History or a non-empty dict of lists",
                                history, "Pass what train, fit_fast or model.fit returned."))
    for name, values in logs.items():
        if not isinstance(name, str) or isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(message(where, "history", "a dict {name: one value per epoch}", f"{name!r}: {values!r}"))
        check_array(values, f"history[{name!r}]", where=where, min_ndim=1, dtype=None, finite=False, min_length=0)
    metrics = check_names(metrics, "metrics", where=where)
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_")]
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(message(where, "metrics", f"names of logged values ({', '.join(logs)})", metrics,
                                 f"Not logged: {', '.join(missing)}."))
    logy = check_bool(logy, "logy", where=where)
    _check_common(where, title=title)
    epochs = {name: np.arange(1, len(values) + 1) for name, values in logs.items()}
    for name in metrics:
        val = f"val_{name}"
        if val in logs and len(logs[val]) != len(logs[name]):
            epochs[val] = _validation_epochs(len(logs[name]), len(logs[val]), validation_freq, val, where)
    ax = _axes(ax, where, (6, 3.5))
    lines = {}
    for name in metrics:
        (lines[name],) = ax.plot(epochs[name], logs[name], label=f"training {name}", **plot_kwargs)
        if f"val_{name}" in logs:
            val = f"val_{name}"
            (lines[val],) = ax.plot(epochs[val], logs[val], "--", color=lines[name].get_color(),
                                    label=f"validation {name}", **plot_kwargs)
    ax.set_xlabel("epoch")
    ax.set_ylabel("value")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return CurvesDisplay(figure=ax.figure, ax=ax, lines=lines)


# ---------------------------------------------------------------- latent space


def plot_latent(codes, labels=None, *, ax=None, cmap="tab10", s=6, title=None, **scatter_kwargs):
    """Scatter 2-d codes, coloured by label.

    Args:
        codes: array ``(n, 2)``.
        labels: optional integer labels for colours (with a legend).
        ax: an Axes to draw into; a new figure when ``None``.
        cmap: colour map for the labels.
        s: marker size.
        title: optional title.
        **scatter_kwargs: passed to ``Axes.scatter``.

    Returns:
        A :class:`ScatterDisplay`.

    Raises:
        ValueError: for codes not shaped ``(n, 2)`` or labels that do not match.
        TypeError: if ``ax`` is not an Axes.

    Example:
        >>> display = plot_latent(np.random.randn(100, 2), np.arange(100) % 10)
        >>> len(display.collections), display.ax.get_xlabel()
        (10, 'code 1')
    """
    where = "plot_latent"
    codes = check_array(codes, "codes", where=where, min_ndim=2, dtype="float64")
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(message(where, "codes", "an array of shape (n, 2): 2-d codes", codes,
                                 "For longer codes, project them first (e.g. PCA to 2 components)."))
    if labels is not None:
        labels = np.asarray(_check_labels(labels, len(codes), where, "codes"))
    check_float(s, "s", where=where, min_value=0, fix="It is the marker size, e.g. 6.")
    _check_common(where, title=title, cmap=cmap)
    ax = _axes(ax, where, (5.5, 5))
    collections, legend = {}, None
    if labels is None:
        collections[None] = ax.scatter(codes[:, 0], codes[:, 1], s=s, **scatter_kwargs)
    else:
        colours = _pyplot().get_cmap(cmap)
        for i, value in enumerate(np.unique(labels)):
            mask = labels == value
            collections[str(value)] = ax.scatter(codes[mask, 0], codes[mask, 1], s=s, color=colours(i % colours.N),
                                                 label=str(value), **scatter_kwargs)
        legend = ax.legend(markerscale=3, fontsize=8, loc="best")
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
    if title:
        ax.set_title(title)
    return ScatterDisplay(figure=ax.figure, ax=ax, collections=collections, legend=legend)


def plot_latent_grid(decoder, *, x_range=(-3.0, 3.0), y_range=(-3.0, 3.0), n=15, image_shape=None,
                     cmap="gray", ax=None, title=None, **imshow_kwargs):
    """Decode a regular grid of 2-d codes and show the images where their codes lie.

    The images are drawn on the code plane itself (each one centred on its code), so
    the axes read like those of :func:`plot_latent` and the two figures can be put
    side by side with the same limits.

    Args:
        decoder: a Keras model with a ``predict`` method, or any callable, mapping an
            array of codes ``(m, 2)`` to images.
        x_range: ``(low, high)`` of the first code coordinate.
        y_range: ``(low, high)`` of the second code coordinate.
        n: images per side (``n * n`` codes are decoded), from 2 to 100.
        image_shape: shape of one image, for flat output that is not square.
        cmap: colour map for grey images.
        ax: an Axes to draw into; a new figure when ``None``.
        title: optional title.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        A :class:`LatentGridDisplay`.

    Raises:
        ValueError: for ranges that are not ``(low, high)`` with ``low < high``, a bad
            ``n``, or a decoder whose output is not ``n * n`` images.

    Example:
        >>> display = plot_latent_grid(lambda z: np.tile(z[:, :1], (1, 64)) % 1, n=5)
        >>> display.image.get_array().shape
        (40, 40)
    """
    where = "plot_latent_grid"
    predict = getattr(decoder, "predict", None)
    if not callable(predict) and not callable(decoder):
        raise TypeError(message(where, "decoder", "a Keras model or a function from codes (m, 2) to images", decoder))
    ranges = []
    for name, r in (("x_range", x_range), ("y_range", y_range)):
        expected = "a pair (low, high) of finite numbers with low < high"
        if isinstance(r, (str, bytes)) or not hasattr(r, "__len__") or len(r) != 2:
            raise TypeError(message(where, name, expected, r))
        low, high = (check_float(v, name, where=where) for v in r)
        if not low < high:
            raise ValueError(message(where, name, expected, r))
        ranges.append((low, high))
    n = check_int(n, "n", where=where, min_value=2, max_value=100,
                  fix="It is the number of images per side (n * n are decoded), e.g. 15.")
    _check_common(where, title=title, cmap=cmap)
    xs = np.linspace(*ranges[0], n)
    ys = np.linspace(*ranges[1], n)
    # row 0 of the mosaic is the top of the plane (largest second coordinate)
    gx, gy = np.meshgrid(xs, ys[::-1])
    codes = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    out = predict(codes, verbose=0) if callable(predict) else decoder(codes)
    images = _as_images(out, image_shape, where, "decoder(codes)")
    if len(images) != n * n:
        raise ValueError(message(where, "decoder", f"a function returning one image per code ({n * n})",
                                 f"a decoder that returned {len(images)} images"))
    _check_scale(images, "decoder(codes)", where, imshow_kwargs)
    images = images.astype(np.float32, copy=False)
    h, w = images.shape[1:3]
    mosaic = images.reshape((n, n) + images.shape[1:]).swapaxes(1, 2).reshape((n * h, n * w) + images.shape[3:])
    ax = _axes(ax, "plot_latent_grid", (5.5, 5))
    dx = (ranges[0][1] - ranges[0][0]) / (n - 1) / 2
    dy = (ranges[1][1] - ranges[1][0]) / (n - 1) / 2
    extent = (ranges[0][0] - dx, ranges[0][1] + dx, ranges[1][0] - dy, ranges[1][1] + dy)
    if mosaic.ndim == 3:
        image = ax.imshow(np.clip(mosaic, 0, 1), **{"extent": extent, "aspect": "auto", **imshow_kwargs})
    else:
        image = ax.imshow(mosaic, **{"cmap": cmap, "vmin": 0.0, "vmax": 1.0, "extent": extent, "aspect": "auto",
                                     **imshow_kwargs})
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
    if title:
        ax.set_title(title)
    return LatentGridDisplay(figure=ax.figure, ax=ax, image=image, codes=codes)


# ----------------------------------------------------------------- evaluation


def plot_roc(labels, scores, *, threshold=None, ax=None, label=None, **plot_kwargs):
    """Draw the ROC curve of anomaly scores, with its area in the legend.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example.
        scores: anomaly scores (higher means more anomalous).
        threshold: optional number or :class:`aecourse.anomaly.Threshold`; its
            operating point (false- and true-positive rate of ``score > threshold``)
            is marked.
        ax: an Axes to draw into; a new figure when ``None``.
        label: name of the curve in the legend.
        **plot_kwargs: passed to ``Axes.plot`` for the curve.

    Returns:
        A :class:`RocDisplay`.

    Raises:
        ValueError: as :func:`aecourse.anomaly.roc_curve`.
        TypeError: if ``ax`` is not an Axes.

    Example:
        >>> display = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.3)
        >>> display.auc, display.point.get_xydata().tolist()
        (0.75, [[0.5, 1.0]])
    """
    from aecourse.anomaly import precision_recall, roc_auc, roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    auc = roc_auc(labels, scores)
    ax = _axes(ax, "plot_roc", (4.5, 4.5))
    name = f"{label} (AUC {auc:.3f})" if label else f"AUC {auc:.3f}"
    (line,) = ax.plot(fpr, tpr, **{"label": name, **plot_kwargs})
    point = None
    if threshold is not None:
        at = precision_recall(labels, scores, threshold)
        (point,) = ax.plot([at["fpr"]], [at["recall"]], "o", color=line.get_color(),
                           label=f"threshold: FPR {at['fpr']:.3f}, recall {at['recall']:.3f}")
    (chance,) = ax.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    ax.set_xlabel("false-positive rate (normal examples flagged)")
    ax.set_ylabel("true-positive rate (anomalies flagged)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return RocDisplay(figure=ax.figure, ax=ax, line=line, point=point, chance=chance, fpr=fpr, tpr=tpr, auc=auc)


def _equal_bins(values, bins, where, value_range=None):
    """``bins + 1`` equally spaced edges over ``value_range`` or the range of ``values``
    (NumPy's rule: a range of width 1 around a single value), or an error when floating
    point cannot split that range into ``bins`` parts of non-zero width (values huge next
    to their spread)."""
    if value_range is not None:
        values = check_array(value_range, "range", where=where, dtype="float64", min_length=2)
        if values.shape != (2,) or not values[0] <= values[1]:
            raise ValueError(message(where, "range", "a pair (low, high) with low <= high", value_range))
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    if not np.all(np.diff(edges) > 0):
        raise ValueError(
            f"{where}: Expected `bins` to split the range of the values into parts of non-zero width. "
            f"Received: bins={bins} for values from {values.min():.6g} to {values.max():.6g}, a range too "
            f"narrow for their size in float64. Pass increasing bin edges that fit the values (e.g. bins=[0, 0.5, 1] "
            f"for mean activations in [0, 1]) or fewer bins.")
    return edges


def plot_rho_hat(report, *, ax=None, bins=30, log=False, title=None, **hist_kwargs):
    """Histogram of the per-unit mean activations ``rho_hat`` of a sparsity report.

    Args:
        report: a :class:`aecourse.regularizers.SparsityReport`
            (:func:`aecourse.regularizers.sparsity_report`), or the ``rho_hat`` array.
        ax: an Axes to draw into; a new figure when ``None``.
        bins: histogram bins (a number up to 10,000, or increasing edges).
        log: logarithmic count axis.
        title: optional title.
        **hist_kwargs: passed to ``Axes.hist``.

    Returns:
        A :class:`HistogramDisplay`.

    Raises:
        ValueError: if ``rho_hat`` is not a non-empty 1-D array.
        TypeError: if ``ax`` is not an Axes.

    Example:
        >>> display = plot_rho_hat(np.array([0.05, 0.1, 0.9]), bins=[0, 0.5, 1])
        >>> display.counts.tolist()
        [2.0, 1.0]
    """
    where = "plot_rho_hat"
    rho_hat = check_array(getattr(report, "rho_hat", report), "report", where=where, min_ndim=1, dtype="float64")
    if rho_hat.ndim != 1:
        raise ValueError(message(where, "report", "a SparsityReport or a 1-D array of mean activations", rho_hat))
    if isinstance(bins, numbers.Integral) and not isinstance(bins, (bool, np.bool_)):
        bins = _equal_bins(rho_hat, check_int(bins, "bins", where=where, min_value=1, max_value=10_000,
                                              fix="Use a number such as 30."), where, hist_kwargs.pop("range", None))
    else:
        edges = check_array(bins, "bins", where=where, min_ndim=1, dtype="float64", min_length=2)
        if edges.ndim != 1 or np.any(np.diff(edges) <= 0):
            raise ValueError(message(where, "bins", "a number of bins, or increasing bin edges", bins))
    log = check_bool(log, "log", where=where)
    _check_common(where, title=title)
    ax = _axes(ax, where, (4.5, 3))
    counts, edges, patches = ax.hist(rho_hat, bins=bins, log=log, **hist_kwargs)
    ax.set_xlabel("mean activation of a unit (rho_hat)")
    ax.set_ylabel("units")
    if title:
        ax.set_title(title)
    return HistogramDisplay(figure=ax.figure, ax=ax, counts=np.asarray(counts), edges=np.asarray(edges),
                            patches=patches)
