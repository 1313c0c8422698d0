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
image-shaped (``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``).

Example:
    >>> display = plot_images(np.random.default_rng(0).random((6, 784)), ncols=3)
    >>> len(display.images), display.shape
    (6, (2, 3))
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from aecourse.validation import check_instance, message

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
        x: array of shape ``(n, d)``, ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``.
        image_shape: ``(h, w)`` or ``(h, w, c)`` for flat input whose length is not a
            perfect square (or to override the square guess).

    Returns:
        A float array ready for ``imshow``.

    Raises:
        ValueError: if the shape cannot be read as a batch of images.

    Example:
        >>> as_images(np.zeros((3, 784))).shape
        (3, 28, 28)
    """
    x = np.asarray(x)
    if x.dtype == object or not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"expected a numeric array of images, received dtype {x.dtype}")
    if image_shape is not None:
        image_shape = tuple(int(s) for s in image_shape)
        if x.ndim < 1 or math.prod(x.shape[1:]) != math.prod(image_shape):
            raise ValueError(
                f"cannot reshape a batch of shape {x.shape} to images of shape {image_shape}: "
                f"each item has {math.prod(x.shape[1:]) if x.ndim else 0} values, the image shape needs "
                f"{math.prod(image_shape)}"
            )
        x = x.reshape((x.shape[0],) + image_shape)
    elif x.ndim == 2:
        side = math.isqrt(x.shape[1])
        if side * side != x.shape[1]:
            raise ValueError(
                f"flat vectors of length {x.shape[1]} are not square images; pass image_shape=(h, w) "
                "or (h, w, channels)"
            )
        x = x.reshape(x.shape[0], side, side)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3):
        return x.astype(np.float32, copy=False)
    raise ValueError(
        f"expected a batch of images shaped (n, d), (n, h, w), (n, h, w, 1) or (n, h, w, 3); "
        f"received shape {x.shape}"
    )



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
        ValueError: if ``rows`` is not 2-D or holds NaN or infinite values.
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
        ValueError: for an empty batch, labels that do not match the images, a bad
            ``ncols`` or a figure that already holds Axes.

    Example:
        >>> display = plot_images(np.random.rand(20, 784), labels=range(20))
        >>> display.shape, display.axes[3].get_title()
        ((2, 10), '3')
    """
    x = as_images(images, image_shape)
    n = len(x)
    if n == 0:
        raise ValueError("plot_images: received an empty batch; expected at least one image")
    if labels is not None:
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"plot_images: {n} images but {len(labels)} labels")
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"plot_images(ncols={ncols!r}): expected a positive integer")
    ncols = min(int(ncols), n)
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
        ValueError: if the two batches do not have the same shape, for a bad ``n``, or
            a figure that already holds Axes.

    Example:
        >>> x = np.random.rand(5, 64)
        >>> display = plot_reconstructions(x, x * 0.9, n=5, show_error=True)
        >>> display.shape, display.grid[0, 0].get_ylabel()
        ((3, 5), 'original')
    """
    a, b = np.asarray(originals), np.asarray(reconstructions)
    if a.shape != b.shape:
        raise ValueError(
            f"plot_reconstructions: originals have shape {a.shape} but reconstructions have shape "
            f"{b.shape}; pass the model's outputs for the same images"
        )
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"plot_reconstructions(n={n!r}): expected a positive integer")
    n = min(int(n), len(a))
    if n == 0:
        raise ValueError("plot_reconstructions: received an empty batch")
    a, b = as_images(a[:n], image_shape), as_images(b[:n], image_shape)
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
    if isinstance(rows, np.ndarray) or not isinstance(rows, (list, tuple)) or not rows:
        raise TypeError(
            "plot_image_rows: expected a list of image batches, one per row, e.g. [noisy, output, clean]; "
            f"received {type(rows).__name__}"
        )
    batches = [as_images(r, image_shape) for r in rows]
    shapes = {b.shape[1:] for b in batches}
    if len(shapes) != 1:
        raise ValueError(f"plot_image_rows: the rows hold images of different shapes {sorted(shapes)}")
    if row_titles is not None:
        row_titles = list(row_titles)
        if len(row_titles) != len(batches):
            raise ValueError(f"plot_image_rows: {len(batches)} rows but {len(row_titles)} row titles")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"plot_image_rows(n={n!r}): expected a positive integer")
    n = min(int(n), min(len(b) for b in batches))
    if n == 0:
        raise ValueError("plot_image_rows: a row is empty; expected at least one image per row")
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
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or codes.shape[0] == 0:
        raise ValueError(f"{where}: expected codes of shape (n_codes, latent_dim), received {codes.shape}")
    if labels is not None:
        labels = np.asarray(labels)
        if len(labels) != len(codes):
            raise ValueError(f"{where}: {len(codes)} codes but {len(labels)} labels")
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
    codes, labels = _codes(codes, labels, "plot_codes")
    dim = codes.shape[1]
    vmin, vmax = float(codes.min()), float(codes.max())
    if code_shape is None:
        h = max(d for d in range(1, math.isqrt(dim) + 1) if dim % d == 0)
        code_shape = (h, dim // h)
    if math.prod(code_shape) != dim:
        raise ValueError(
            f"plot_codes(code_shape={tuple(code_shape)}): holds {math.prod(code_shape)} values, "
            f"but the codes have {dim}"
        )
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(message("plot_codes", "n", "an integer >= 1", n))
    count = min(int(n), len(codes))
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


def plot_history(history, *, metrics=None, ax=None, logy=False, title=None, **plot_kwargs):
    """Plot training curves (each metric and its ``val_`` twin) against the epoch.

    Args:
        history: a :class:`aecourse.training.FitResult` (what :func:`~aecourse.training.train`
            and :func:`~aecourse.fast.fit_fast` return), a ``keras.callbacks.History``
            (what ``fit`` returns) or a dict of lists.
        metrics: names to plot (default: every key without the ``val_`` prefix).
        ax: an Axes to draw into; a new figure when ``None``.
        logy: logarithmic loss axis.
        title: optional title.
        **plot_kwargs: passed to ``Axes.plot``.

    Returns:
        A :class:`CurvesDisplay`.

    Raises:
        TypeError: for something that is not a history, or an ``ax`` that is not an Axes.
        ValueError: for metrics that were not logged.

    Example:
        >>> display = plot_history({"loss": [0.3, 0.2], "val_loss": [0.31, 0.22]})
        >>> display.lines["val_loss"].get_label()
        'validation loss'
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(
            f"plot_history: expected a FitResult, a keras History or a non-empty dict of lists, "
            f"received {type(history).__name__}"
        )
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_")]
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"plot_history: no values logged for {missing}; logged: {sorted(logs)}")
    ax = _axes(ax, "plot_history", (6, 3.5))
    lines = {}
    for name in metrics:
        epochs = np.arange(1, len(logs[name]) + 1)
        (lines[name],) = ax.plot(epochs, logs[name], label=f"training {name}", **plot_kwargs)
        if f"val_{name}" in logs:
            (lines[f"val_{name}"],) = ax.plot(epochs, logs[f"val_{name}"], "--", color=lines[name].get_color(),
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
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"plot_latent: expected codes of shape (n, 2), received {codes.shape}")
    if labels is not None:
        labels = np.asarray(labels)
        if len(labels) != len(codes):
            raise ValueError(f"plot_latent: {len(codes)} codes but {len(labels)} labels")
    ax = _axes(ax, "plot_latent", (5.5, 5))
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
        n: images per side (``n * n`` codes are decoded).
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
    ranges = []
    for name, r in (("x_range", x_range), ("y_range", y_range)):
        try:
            low, high = (float(v) for v in r)
        except (TypeError, ValueError):
            raise ValueError(f"plot_latent_grid({name}={r!r}): expected a pair (low, high)") from None
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"plot_latent_grid({name}={r!r}): expected finite low < high")
        ranges.append((low, high))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"plot_latent_grid(n={n!r}): expected an integer >= 2")
    n = int(n)
    xs = np.linspace(*ranges[0], n)
    ys = np.linspace(*ranges[1], n)
    # row 0 of the mosaic is the top of the plane (largest second coordinate)
    gx, gy = np.meshgrid(xs, ys[::-1])
    codes = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    predict = getattr(decoder, "predict", None)
    out = predict(codes, verbose=0) if callable(predict) else decoder(codes)
    images = as_images(np.asarray(out), image_shape)
    if len(images) != n * n:
        raise ValueError(f"plot_latent_grid: the decoder returned {len(images)} images for {n * n} codes")
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


def plot_rho_hat(report, *, ax=None, bins=30, log=False, title=None, **hist_kwargs):
    """Histogram of the per-unit mean activations ``rho_hat`` of a sparsity report.

    Args:
        report: a :class:`aecourse.regularizers.SparsityReport`
            (:func:`aecourse.regularizers.sparsity_report`), or the ``rho_hat`` array.
        ax: an Axes to draw into; a new figure when ``None``.
        bins: histogram bins (number or edges).
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
    rho_hat = np.asarray(getattr(report, "rho_hat", report), dtype=np.float64)
    if rho_hat.ndim != 1 or rho_hat.size == 0:
        raise ValueError(message("plot_rho_hat", "report", "a SparsityReport or a 1-D array of mean activations",
                                 rho_hat))
    ax = _axes(ax, "plot_rho_hat", (4.5, 3))
    counts, edges, patches = ax.hist(rho_hat, bins=bins, log=log, **hist_kwargs)
    ax.set_xlabel("mean activation of a unit (rho_hat)")
    ax.set_ylabel("units")
    if title:
        ax.set_title(title)
    return HistogramDisplay(figure=ax.figure, ax=ax, counts=np.asarray(counts), edges=np.asarray(edges),
                            patches=patches)
