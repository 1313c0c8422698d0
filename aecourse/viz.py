"""Figures for the course: image grids, reconstructions, codes and training curves.

Every helper returns the Matplotlib ``Figure`` it drew on, never calls
``plt.show()`` and never changes global settings (rcParams). Where it fits, a helper
takes ``fig=`` or ``ax=`` to draw into an existing figure, creating one only when none
is given. Images may be passed flat (``(n, 784)``, any perfect square, or with
``image_shape=``) or image-shaped (``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "as_images",
    "plot_images",
    "plot_reconstructions",
    "plot_codes",
    "plot_history",
    "plot_latent",
    "plot_image_rows",
    "plot_latent_grid",
    "plot_roc",
]


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


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


def _grid(fig, nrows, ncols, size):
    plt = _pyplot()
    if fig is None:
        fig = plt.figure(figsize=(size * ncols, size * nrows))
    else:
        fig.clear()
    axes = np.asarray(fig.subplots(nrows, ncols, squeeze=False))
    return fig, axes


def _show(ax, image, cmap, vmin=0.0, vmax=1.0, **kwargs):
    if image.ndim == 3:
        ax.imshow(np.clip(image, 0, 1), **kwargs)
    else:
        ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])


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
        fig: a Figure to draw into (it is cleared); a new one when ``None``.
        **imshow_kwargs: passed to ``Axes.imshow``.

    Returns:
        The Figure.

    Example:
        >>> fig = plot_images(np.random.rand(20, 784), labels=range(20))
    """
    x = as_images(images, image_shape)
    n = len(x)
    if n == 0:
        raise ValueError("plot_images: received an empty batch; expected at least one image")
    if labels is not None:
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"plot_images: {n} images but {len(labels)} labels")
    if not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"plot_images(ncols={ncols!r}): expected a positive integer")
    ncols = min(int(ncols), n)
    nrows = math.ceil(n / ncols)
    fig, axes = _grid(fig, nrows, ncols, size)
    for i, ax in enumerate(axes.flat):
        if i < n:
            _show(ax, x[i], cmap, **imshow_kwargs)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
        else:
            ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(originals, reconstructions, *, n=10, show_error=False, image_shape=None,
                         cmap="gray", row_titles=("original", "reconstruction", "|error|"),
                         size=1.0, fig=None):
    """Show originals above their reconstructions, optionally with an error row.

    Args:
        originals: a batch of images (flat or image-shaped).
        reconstructions: the model's outputs for the same images, same shape.
        n: how many of the first images to show.
        show_error: add a third row with the absolute error ``|x - x'|``.
        image_shape: shape of one image, for flat input that is not square.
        cmap: colour map for grey images.
        row_titles: labels written at the left of each row.
        size: inches per image.
        fig: a Figure to draw into (it is cleared); a new one when ``None``.

    Returns:
        The Figure.

    Raises:
        ValueError: if the two batches do not have the same shape.

    Example:
        >>> x = np.random.rand(5, 64)
        >>> fig = plot_reconstructions(x, x * 0.9, n=5, show_error=True)
    """
    a, b = np.asarray(originals), np.asarray(reconstructions)
    if a.shape != b.shape:
        raise ValueError(
            f"plot_reconstructions: originals have shape {a.shape} but reconstructions have shape "
            f"{b.shape}; pass the model's outputs for the same images"
        )
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"plot_reconstructions(n={n!r}): expected a positive integer")
    n = min(int(n), len(a))
    if n == 0:
        raise ValueError("plot_reconstructions: received an empty batch")
    a, b = as_images(a[:n], image_shape), as_images(b[:n], image_shape)
    rows = [a, b] + ([np.abs(a - b)] if show_error else [])
    fig, axes = _grid(fig, len(rows), n, size)
    for r, row in enumerate(rows):
        for i in range(n):
            _show(axes[r, i], row[i], "magma" if r == 2 else cmap)
        if row_titles and r < len(row_titles):
            axes[r, 0].set_ylabel(row_titles[r], fontsize=9)
    fig.tight_layout()
    return fig


def plot_codes(codes, *, mode="images", code_shape=None, labels=None, n=10, cmap="viridis",
               size=1.0, title=None, ax=None, fig=None):
    """Show latent codes, either one small image per code or all codes as a heat map.

    Args:
        codes: array ``(n_codes, latent_dim)``.
        mode: ``"images"``: each code reshaped to ``code_shape`` and drawn as a small
            image (all on one colour scale); ``"heatmap"``: one row per code, one column
            per latent unit, with a colour bar.
        code_shape: ``(h, w)`` for ``mode="images"``; by default the most square
            factorisation of ``latent_dim`` (32 -> (4, 8)).
        labels: optional labels; titles in ``"images"`` mode, row order (sorted by label)
            and tick labels in ``"heatmap"`` mode.
        n: number of codes shown in ``"images"`` mode.
        cmap: colour map.
        size: inches per code image.
        title: optional title.
        ax: an Axes for ``"heatmap"`` mode.
        fig: a Figure for ``"images"`` mode (it is cleared).

    Returns:
        The Figure.

    Example:
        >>> fig = plot_codes(np.random.rand(10, 32), code_shape=(4, 8))
    """
    plt = _pyplot()
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or codes.shape[0] == 0:
        raise ValueError(f"plot_codes: expected codes of shape (n_codes, latent_dim), received {codes.shape}")
    if labels is not None:
        labels = np.asarray(labels)
        if len(labels) != len(codes):
            raise ValueError(f"plot_codes: {len(codes)} codes but {len(labels)} labels")
    dim = codes.shape[1]
    vmin, vmax = float(codes.min()), float(codes.max())
    if mode == "heatmap":
        order = np.argsort(labels, kind="stable") if labels is not None else np.arange(len(codes))
        if ax is None:
            fig, ax = plt.subplots(figsize=(max(4.0, 0.2 * dim + 2), 4.0))
        image = ax.imshow(codes[order], aspect="auto", cmap=cmap, interpolation="nearest")
        ax.set_xlabel("code unit")
        if labels is None:
            ax.set_ylabel("example")
        else:
            sorted_labels = labels[order]
            values, starts, counts = np.unique(sorted_labels, return_index=True, return_counts=True)
            ax.set_yticks(starts + (counts - 1) / 2, [str(v) for v in values])
            ax.set_ylabel("label" if len(values) == len(codes) else "examples, grouped by label")
        ax.figure.colorbar(image, ax=ax, label="activation")
        if title:
            ax.set_title(title)
        return ax.figure
    if mode != "images":
        raise ValueError(f"plot_codes(mode={mode!r}): expected 'images' or 'heatmap'")
    if code_shape is None:
        h = max(d for d in range(1, math.isqrt(dim) + 1) if dim % d == 0)
        code_shape = (h, dim // h)
    if math.prod(code_shape) != dim:
        raise ValueError(
            f"plot_codes(code_shape={tuple(code_shape)}): holds {math.prod(code_shape)} values, "
            f"but the codes have {dim}"
        )
    count = min(int(n), len(codes))
    fig, axes = _grid(fig, 1, count, size)
    for i in range(count):
        _show(axes[0, i], codes[i].reshape(code_shape), cmap, vmin=vmin, vmax=vmax,
              interpolation="nearest")
        if labels is not None:
            axes[0, i].set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, *, metrics=None, ax=None, logy=False, title=None):
    """Plot training curves (each metric and its ``val_`` twin) against the epoch.

    Args:
        history: a ``keras.callbacks.History`` (what ``fit`` returns) or a dict of lists.
        metrics: names to plot (default: every key without the ``val_`` prefix).
        ax: an Axes to draw into; a new figure when ``None``.
        logy: logarithmic loss axis.
        title: optional title.

    Returns:
        The Figure.

    Example:
        >>> fig = plot_history({"loss": [0.3, 0.2], "val_loss": [0.31, 0.22]})
    """
    plt = _pyplot()
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError(
            f"plot_history: expected a keras History or a non-empty dict of lists, received {type(history).__name__}"
        )
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_")]
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"plot_history: no values logged for {missing}; logged: {sorted(logs)}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.5))
    for name in metrics:
        epochs = np.arange(1, len(logs[name]) + 1)
        (line,) = ax.plot(epochs, logs[name], label=f"training {name}")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "--", color=line.get_color(), label=f"validation {name}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("value")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax.figure


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
        The Figure.

    Example:
        >>> fig = plot_latent(np.random.randn(100, 2), np.arange(100) % 10)
    """
    plt = _pyplot()
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"plot_latent: expected codes of shape (n, 2), received {codes.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    if labels is None:
        ax.scatter(codes[:, 0], codes[:, 1], s=s, **scatter_kwargs)
    else:
        labels = np.asarray(labels)
        if len(labels) != len(codes):
            raise ValueError(f"plot_latent: {len(codes)} codes but {len(labels)} labels")
        colours = plt.get_cmap(cmap)
        for i, value in enumerate(np.unique(labels)):
            mask = labels == value
            ax.scatter(codes[mask, 0], codes[mask, 1], s=s, color=colours(i % colours.N),
                       label=str(value), **scatter_kwargs)
        ax.legend(markerscale=3, fontsize=8, loc="best")
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_image_rows(rows, row_titles=None, *, n=10, image_shape=None, cmap="gray", size=1.0,
                    fig=None):
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
        fig: a Figure to draw into (it is cleared); a new one when ``None``.

    Returns:
        The Figure.

    Raises:
        ValueError: for no rows, rows whose images differ in shape, or titles that do
            not match the rows.

    Example:
        >>> x = np.random.rand(6, 784)
        >>> fig = plot_image_rows([x, x * 0.5, x], ["noisy", "output", "clean"], n=6)
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
    fig, axes = _grid(fig, len(batches), n, size)
    for r, batch in enumerate(batches):
        for i in range(n):
            _show(axes[r, i], batch[i], cmap)
        if row_titles is not None:
            axes[r, 0].set_ylabel(str(row_titles[r]), fontsize=9)
    fig.tight_layout()
    return fig


def plot_latent_grid(decoder, *, x_range=(-3.0, 3.0), y_range=(-3.0, 3.0), n=15, image_shape=None,
                     cmap="gray", ax=None, title=None):
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

    Returns:
        The Figure.

    Raises:
        ValueError: for ranges that are not ``(low, high)`` with ``low < high``, a bad
            ``n``, or a decoder whose output is not ``n * n`` images.

    Example:
        >>> fig = plot_latent_grid(lambda z: np.tile(z[:, :1], (1, 64)) % 1, n=5)
    """
    plt = _pyplot()
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
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    dx = (ranges[0][1] - ranges[0][0]) / (n - 1) / 2
    dy = (ranges[1][1] - ranges[1][0]) / (n - 1) / 2
    extent = (ranges[0][0] - dx, ranges[0][1] + dx, ranges[1][0] - dy, ranges[1][1] + dy)
    if mosaic.ndim == 3:
        ax.imshow(np.clip(mosaic, 0, 1), extent=extent, aspect="auto")
    else:
        ax.imshow(mosaic, cmap=cmap, vmin=0.0, vmax=1.0, extent=extent, aspect="auto")
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_roc(labels, scores, *, threshold=None, ax=None, label=None):
    """Draw the ROC curve of anomaly scores, with its area in the legend.

    Args:
        labels: 0 (normal) / 1 (anomaly) per example.
        scores: anomaly scores (higher means more anomalous).
        threshold: optional number or :class:`aecourse.anomaly.Threshold`; its
            operating point (false- and true-positive rate of ``score > threshold``)
            is marked.
        ax: an Axes to draw into; a new figure when ``None``.
        label: name of the curve in the legend.

    Returns:
        The Figure.

    Example:
        >>> fig = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.3)
    """
    from aecourse.anomaly import precision_recall, roc_auc, roc_curve

    plt = _pyplot()
    fpr, tpr, _ = roc_curve(labels, scores)
    auc = roc_auc(labels, scores)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
    name = f"{label} (AUC {auc:.3f})" if label else f"AUC {auc:.3f}"
    (line,) = ax.plot(fpr, tpr, label=name)
    if threshold is not None:
        point = precision_recall(labels, scores, threshold)
        ax.plot([point["fpr"]], [point["recall"]], "o", color=line.get_color(),
                label=f"threshold: FPR {point['fpr']:.3f}, recall {point['recall']:.3f}")
    ax.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    ax.set_xlabel("false-positive rate (normal examples flagged)")
    ax.set_ylabel("true-positive rate (anomalies flagged)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return ax.figure
