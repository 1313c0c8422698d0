"""Shape arithmetic: what size comes out of a convolution, a pooling or a transposed convolution.

The three functions below compute the output length of one spatial axis (or of several
at once) with the same argument names as the Keras layers they describe, so that::

    conv_output_size(28, kernel_size=3, padding="same")          # Conv2D      -> 28
    pool_output_size(7, pool_size=2)                               # MaxPooling2D -> 3
    conv_transpose_output_size(3, kernel_size=3, strides=2)        # Conv2DTranspose -> 7

agree with ``layer.compute_output_shape`` and with what the layer really returns.
With ``n`` the input length, ``k`` the kernel (or pool) size, ``s`` the stride, ``d`` the
dilation rate, ``k_d = d (k - 1) + 1`` the dilated kernel and ``a`` the output padding:

- convolution: ``floor((n - k_d) / s) + 1`` with ``padding="valid"``, ``ceil(n / s)``
  with ``padding="same"``;
- pooling (``strides`` defaults to ``pool_size``): ``floor((n - k) / s) + 1`` with
  ``"valid"``, ``ceil(n / s)`` with ``"same"``;
- transposed convolution with ``output_padding=None``: ``(n - 1) s + max(k_d, s)`` with
  ``"valid"``, ``n s`` with ``"same"``;
- transposed convolution with ``output_padding=a``: ``(n - 1) s + k_d + a`` with
  ``"valid"``, ``(n - 1) s + (k_d mod 2) + a`` with ``"same"``.

:func:`trace_shapes` lists every layer of a model (nested models included) with its
output shape, the number of values per example and its parameter count; the returned
:class:`ShapeTable` prints as text and renders as an HTML table in a notebook.
"""

from __future__ import annotations

import html
import math
import numbers
from collections import namedtuple

from aecourse.nested import walk_layers

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "conv_transpose_output_size",
    "trace_shapes",
    "ShapeTable",
    "ShapeRow",
]


# ------------------------------------------------------------------- validation


def _int(value, what, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be an integer >= {minimum}, received {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, received {value}")
    return int(value)


def _axes(size):
    """``(sizes, scalar)``: the sizes as a tuple and whether a single int was given."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        return (_int(size, "size", 1),), True
    if isinstance(size, (tuple, list)) and len(size) > 0:
        return tuple(_int(s, f"size[{i}]", 1) for i, s in enumerate(size)), False
    raise ValueError(
        f"size must be a positive integer (one axis) or a tuple of them such as (28, 28), received {size!r}"
    )


def _per_axis(value, n, what, minimum):
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ValueError(f"{what}={tuple(value)!r} has {len(value)} values but size has {n} axes")
        return tuple(_int(v, f"{what}[{i}]", minimum) for i, v in enumerate(value))
    return (_int(value, what, minimum),) * n


def _padding(padding):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same' (as in Keras), received {padding!r}")
    return padding.lower()


def _result(values, scalar):
    return values[0] if scalar else tuple(values)


def _window_output(sizes, windows, strides, padding, layer, window_name):
    out = []
    for axis, (n, k, s) in enumerate(zip(sizes, windows, strides)):
        if padding == "same":
            out.append(-(-n // s))
            continue
        length = (n - k) // s + 1
        if length < 1:
            where = "" if len(sizes) == 1 else f" on axis {axis}"
            raise ValueError(
                f"{layer} with padding='valid': a window of {k} does not fit in an input of {n}{where} "
                f"({window_name} {k} > size {n}); use padding='same', a smaller {window_name} or a larger input"
            )
        out.append(length)
    return out


# --------------------------------------------------------------------- formulas


def conv_output_size(size, kernel_size, strides=1, padding="valid", dilation_rate=1):
    """Output length of a convolution (``Conv1D``/``Conv2D``/``Conv3D``) along each axis.

    ``padding="valid"`` (no padding): ``floor((n - k_d) / s) + 1`` with the dilated kernel
    ``k_d = dilation_rate * (kernel_size - 1) + 1``; ``padding="same"``: ``ceil(n / s)``.

    Args:
        size: input length, an int for one axis or a tuple such as ``(28, 28)``.
        kernel_size: kernel length, an int or one per axis.
        strides: step of the kernel, an int or one per axis.
        padding: ``"valid"`` or ``"same"``, as in Keras.
        dilation_rate: spacing of the kernel taps, an int or one per axis.

    Returns:
        An int for an int ``size``, else a tuple with one length per axis.

    Raises:
        ValueError: for non-positive or non-integer arguments, an unknown padding, or a
            kernel that does not fit in the input with ``padding="valid"``.

    Example:
        >>> conv_output_size(28, kernel_size=3)
        26
        >>> conv_output_size((28, 28), kernel_size=3, strides=2, padding="same")
        (14, 14)
    """
    sizes, scalar = _axes(size)
    kernels = _per_axis(kernel_size, len(sizes), "kernel_size", 1)
    strides = _per_axis(strides, len(sizes), "strides", 1)
    dilations = _per_axis(dilation_rate, len(sizes), "dilation_rate", 1)
    padding = _padding(padding)
    effective = [d * (k - 1) + 1 for k, d in zip(kernels, dilations)]
    return _result(_window_output(sizes, effective, strides, padding, "a convolution", "kernel_size"), scalar)


def pool_output_size(size, pool_size=2, strides=None, padding="valid"):
    """Output length of a pooling layer (``MaxPooling2D``, ``AveragePooling2D``, ...).

    The same arithmetic as a convolution without dilation: ``padding="valid"`` gives
    ``floor((n - pool_size) / strides) + 1`` and ``padding="same"`` gives ``ceil(n / strides)``.
    As in Keras, ``strides=None`` means ``strides=pool_size``, so the default 2 x 2
    pooling halves a length and rounds down: 7 -> 3, the last row is dropped.

    Args:
        size: input length, an int for one axis or a tuple such as ``(7, 7)``.
        pool_size: window length, an int or one per axis.
        strides: step of the window (default: ``pool_size``), an int or one per axis.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        An int for an int ``size``, else a tuple with one length per axis.

    Raises:
        ValueError: for non-positive arguments, an unknown padding, or a window larger
            than the input with ``padding="valid"``.

    Example:
        >>> [pool_output_size(n) for n in (28, 14, 7)]
        [14, 7, 3]
        >>> pool_output_size(7, padding="same")
        4
    """
    sizes, scalar = _axes(size)
    pools = _per_axis(pool_size, len(sizes), "pool_size", 1)
    strides = pools if strides is None else _per_axis(strides, len(sizes), "strides", 1)
    padding = _padding(padding)
    return _result(_window_output(sizes, pools, strides, padding, "a pooling layer", "pool_size"), scalar)


def conv_transpose_output_size(size, kernel_size, strides=1, padding="valid", output_padding=None,
                               dilation_rate=1):
    """Output length of a transposed convolution (``Conv2DTranspose``) along each axis.

    With the dilated kernel ``k_d = dilation_rate * (kernel_size - 1) + 1`` and the
    output padding ``a``:

    - ``output_padding=None`` (the Keras default): ``"valid"`` gives ``(n - 1) s + max(k_d, s)``
      and ``"same"`` gives exactly ``n s``;
    - ``output_padding=a``: ``"valid"`` gives ``(n - 1) s + k_d + a`` and ``"same"`` gives
      ``(n - 1) s + (k_d mod 2) + a``.

    The output padding adds ``a`` rows at the end; Keras requires ``a < strides``.

    Args:
        size: input length, an int for one axis or a tuple such as ``(3, 3)``.
        kernel_size: kernel length, an int or one per axis.
        strides: upsampling factor, an int or one per axis.
        padding: ``"valid"`` or ``"same"``.
        output_padding: ``None``, or extra rows at the end, an int or one per axis,
            each smaller than its stride.
        dilation_rate: spacing of the kernel taps, an int or one per axis.

    Returns:
        An int for an int ``size``, else a tuple with one length per axis.

    Raises:
        ValueError: for non-positive arguments, an unknown padding, an output padding
            not smaller than the stride, or an empty output.

    Example:
        >>> conv_transpose_output_size(3, kernel_size=3, strides=2)             # 'valid'
        7
        >>> conv_transpose_output_size(7, kernel_size=3, strides=2, padding="same")
        14
        >>> conv_transpose_output_size(3, kernel_size=3, strides=2, padding="same", output_padding=1)
        6
    """
    sizes, scalar = _axes(size)
    kernels = _per_axis(kernel_size, len(sizes), "kernel_size", 1)
    strides = _per_axis(strides, len(sizes), "strides", 1)
    dilations = _per_axis(dilation_rate, len(sizes), "dilation_rate", 1)
    padding = _padding(padding)
    if output_padding is not None:
        output_padding = _per_axis(output_padding, len(sizes), "output_padding", 0)
        for axis, (a, s) in enumerate(zip(output_padding, strides)):
            if a >= s:
                raise ValueError(
                    f"output_padding must be smaller than strides on every axis, as Keras requires; "
                    f"received output_padding={a} with strides={s} on axis {axis}"
                )
    out = []
    for axis, (n, k, s, d) in enumerate(zip(sizes, kernels, strides, dilations)):
        k_d = d * (k - 1) + 1
        if output_padding is None:
            out.append((n - 1) * s + max(k_d, s) if padding == "valid" else n * s)
        else:
            a = output_padding[axis]
            out.append((n - 1) * s + k_d + a if padding == "valid" else (n - 1) * s + k_d % 2 + a)
        if out[-1] < 1:
            where = "" if len(sizes) == 1 else f" on axis {axis}"
            raise ValueError(
                f"a transposed convolution of an input of {n}{where} with kernel_size={k}, strides={s}, "
                f"padding={padding!r} and output_padding={output_padding[axis]} would have an empty output "
                f"({out[-1]}); use a larger output_padding or padding='valid'"
            )
    return _result(out, scalar)


# ------------------------------------------------------------------ shape table


ShapeRow = namedtuple("ShapeRow", ["name", "kind", "output_shape", "values", "params", "depth"], defaults=(0,))
ShapeRow.__doc__ = """One row of a :class:`ShapeTable`: ``(name, kind, output_shape, values, params, depth)``.

``kind`` is the layer's class name, ``output_shape`` excludes the batch axis
(``(28, 28, 1)``), ``values`` is the number of values per example (their product),
``params`` the layer's parameter count and ``depth`` the nesting level (0 for the
model's own layers, 1 inside a nested model, ...).

Example:
    >>> row = ShapeRow("flatten", "Flatten", (1152,), 1152, 0, depth=1)
    >>> row.values, row.depth
    (1152, 1)
"""


def _format_shape(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return " + ".join(_format_shape(s) for s in shape)
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


class ShapeTable:
    """The per-layer table that :func:`trace_shapes` returns.

    It prints as a plain-text table (``print(table)`` or ``str(table)``), renders as an
    HTML table in Jupyter (``_repr_html_``), and behaves like a list of
    :class:`ShapeRow`: ``len(table)``, ``table[0]``, iteration. ``table["code"]``
    finds a row by layer name, and ``table.shape_of("code")`` returns its output shape.

    Attributes:
        rows: the rows, in the order the layers are called.
        model_name: name of the traced model.
        total_params: parameter count of the whole model.

    Example:
        >>> from aecourse.models import conv_autoencoder
        >>> table = trace_shapes(conv_autoencoder())
        >>> table.shape_of("flatten"), table["flatten"].values
        ((1152,), 1152)
        >>> len(table) == len(table.rows), table.total_params
        (True, 209419)
    """

    _headers = ("layer", "type", "output shape", "values", "params")

    def __init__(self, rows, model_name="model", total_params=None):
        self.rows = [ShapeRow(*r) for r in rows]
        self.model_name = model_name
        self.total_params = (
            sum(r.params for r in self.rows if r.depth == 0) if total_params is None else int(total_params)
        )

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            for row in self.rows:
                if row.name == key:
                    return row
            raise KeyError(f"no layer named {key!r} in the table of {self.model_name!r}; "
                           f"layers: {', '.join(r.name for r in self.rows)}")
        return self.rows[key]

    def shape_of(self, name):
        """Output shape (without the batch axis) of the layer called ``name``.

        Args:
            name: a layer's name.

        Returns:
            A tuple, such as ``(3, 3, 128)``.

        Raises:
            KeyError: if no layer has that name (the message lists the names).

        Example:
            >>> ShapeTable([ShapeRow("code", "Dense", (10,), 10, 110)]).shape_of("code")
            (10,)
        """
        return self[name].output_shape

    def _cells(self):
        return [("  " * r.depth + r.name, r.kind, _format_shape(r.output_shape), f"{r.values:,}",
                 f"{r.params:,}") for r in self.rows]

    def __str__(self):
        cells = self._cells()
        widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
                  for i, h in enumerate(self._headers)]
        right = (False, False, False, True, True)

        def line(values):
            parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)]
            return "  ".join(parts).rstrip()

        rule = "  ".join("-" * w for w in widths)
        body = [line(self._headers), rule] + [line(c) for c in cells]
        body += [rule, f"{self.model_name}: {self.total_params:,} parameters"]
        return "\n".join(body)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        esc = html.escape
        head = "".join(
            f'<th style="text-align:{"right" if i >= 3 else "left"}">{esc(h)}</th>'
            for i, h in enumerate(self._headers)
        )
        body = []
        for r in self.rows:
            indent = f' style="padding-left:{0.4 + 1.5 * r.depth:.1f}em"' if r.depth else ""
            weight = "<b>{}</b>" if r.kind in ("Functional", "Sequential", "Model") else "{}"
            body.append(
                "<tr>"
                f"<td{indent}>{weight.format(esc(r.name))}</td>"
                f"<td>{esc(r.kind)}</td>"
                f"<td><code>{esc(_format_shape(r.output_shape))}</code></td>"
                f'<td style="text-align:right">{r.values:,}</td>'
                f'<td style="text-align:right">{r.params:,}</td>'
                "</tr>"
            )
        caption = f"{esc(self.model_name)}: {self.total_params:,} parameters"
        return (
            '<table class="aecourse-shapes">'
            f'<caption style="caption-side:bottom;text-align:left">{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


def _layer_output_shape(layer):
    try:
        output = layer.output
    except (AttributeError, ValueError):
        return None
    if isinstance(output, (list, tuple)):
        return [tuple(o.shape[1:]) for o in output]
    return tuple(output.shape[1:])


def _values(shape):
    if shape is None:
        return 0
    if isinstance(shape, list):
        return sum(_values(s) for s in shape)
    if any(s is None for s in shape):
        return 0
    return math.prod(shape)


def _rows(model, expand_nested):
    rows = []
    for layer, depth in walk_layers(model, expand_nested=expand_nested):
        shape = _layer_output_shape(layer)
        rows.append(ShapeRow(layer.name, type(layer).__name__, shape, _values(shape), layer.count_params(), depth))
    return rows


def trace_shapes(model, expand_nested=True):
    """List every layer of a built Keras model with its output shape and parameter count.

    Nested models (such as the ``"encoder"`` and ``"decoder"`` of the course's
    builders) get a row of their own followed by their layers, indented. Input layers
    are listed too, so the table reads from the input shape to the output shape.

    Args:
        model: a built ``keras.Model`` (functional or ``Sequential`` with a known input).
        expand_nested: also list the layers inside nested models.

    Returns:
        A :class:`ShapeTable` (prints as text, renders as HTML in a notebook).

    Raises:
        TypeError: if ``model`` is not a Keras model.
        ValueError: if the model has not been built (its shapes are unknown).

    Example:
        >>> from aecourse.models import conv_autoencoder
        >>> table = trace_shapes(conv_autoencoder())
        >>> table.shape_of("encoder_pool_3"), table.shape_of("flatten"), table.shape_of("code")
        ((3, 3, 128), (1152,), (10,))
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"trace_shapes expects a keras.Model, received {type(model).__name__}")
    if not model.built:
        raise ValueError(
            f"model {model.name!r} is not built, so its shapes are unknown; give it an input "
            "(keras.Input(shape=...) or model.build((None, ...))) before tracing it"
        )
    return ShapeTable(_rows(model, expand_nested), model.name, model.count_params())
