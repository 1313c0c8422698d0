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

import numpy as np

from aecourse.nested import walk_layers
from aecourse.validation import check_bool, check_instance, check_int, check_int_sequence, check_one_of, message

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "conv_transpose_output_size",
    "trace_shapes",
    "ShapeTable",
    "ShapeRow",
]


# ------------------------------------------------------------------- validation


def _int(value, what, minimum, where):
    return check_int(value, what, where=where, min_value=minimum)


def _axes(size, where):
    """``(sizes, scalar)``: the sizes as a tuple and whether a single int was given."""
    if isinstance(size, numbers.Integral) and not isinstance(size, (bool, np.bool_)):
        return (_int(size, "size", 1, where),), True
    if not isinstance(size, (tuple, list, np.ndarray)):
        raise TypeError(message(where, "size", "an integer >= 1 or a tuple of them such as (28, 28)", size))
    sizes = check_int_sequence(size, "size", where=where, min_value=1, allow_empty=False, allow_scalar=False,
                               example="28 or (28, 28)")
    return sizes, False


def _per_axis(value, n, what, minimum, where):
    if isinstance(value, (tuple, list, np.ndarray)):
        values = check_int_sequence(value, what, where=where, min_value=minimum, allow_scalar=False,
                                    example=f"3 or {(3,) * n}")
        if len(values) != n:
            raise ValueError(message(where, what, f"one integer, or one per axis of size ({n})", value,
                                     f"It has {len(values)} values but size has {n} axes."))
        return values
    return (_int(value, what, minimum, where),) * n


def _padding(padding, where):
    if isinstance(padding, str):
        padding = padding.lower()
    check_one_of(padding, "padding", ("valid", "same"), where=where)
    return padding


def _result(values, scalar):
    return values[0] if scalar else tuple(values)


def _conv_arguments(size, kernel_size, strides, padding, dilation_rate, where):
    """The arguments of a convolution (or a transposed one), checked and one per axis:
    ``(sizes, scalar, kernels, strides, dilated kernels, padding)``, where a dilated kernel
    spans ``dilation_rate * (kernel_size - 1) + 1`` inputs."""
    sizes, scalar = _axes(size, where)
    kernels = _per_axis(kernel_size, len(sizes), "kernel_size", 1, where)
    strides = _per_axis(strides, len(sizes), "strides", 1, where)
    dilations = _per_axis(dilation_rate, len(sizes), "dilation_rate", 1, where)
    padding = _padding(padding, where)
    dilated = [d * (k - 1) + 1 for k, d in zip(kernels, dilations)]
    return sizes, scalar, kernels, strides, dilated, padding


def _window_output(sizes, windows, strides, padding, layer, window_name, where):
    out = []
    for axis, (n, k, s) in enumerate(zip(sizes, windows, strides)):
        if padding == "same":
            out.append(-(-n // s))
            continue
        length = (n - k) // s + 1
        if length < 1:
            on_axis = "" if len(sizes) == 1 else f" on axis {axis}"
            raise ValueError(message(
                where, window_name, f"at most the input size with padding='valid' ({n}{on_axis})", k,
                f"In {layer} with padding='valid' a window of {k} does not fit in an input of {n}{on_axis}: "
                f"use padding='same', a smaller {window_name} or a larger input."))
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
    where = "conv_output_size"
    sizes, scalar, _, strides, dilated, padding = _conv_arguments(size, kernel_size, strides, padding,
                                                                  dilation_rate, where)
    return _result(_window_output(sizes, dilated, strides, padding, "a convolution", "kernel_size", where), scalar)


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
    where = "pool_output_size"
    sizes, scalar = _axes(size, where)
    pools = _per_axis(pool_size, len(sizes), "pool_size", 1, where)
    strides = pools if strides is None else _per_axis(strides, len(sizes), "strides", 1, where)
    padding = _padding(padding, where)
    return _result(_window_output(sizes, pools, strides, padding, "a pooling layer", "pool_size", where), scalar)


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
    where = "conv_transpose_output_size"
    sizes, scalar, kernels, strides, dilated, padding = _conv_arguments(size, kernel_size, strides, padding,
                                                                        dilation_rate, where)
    if output_padding is not None:
        output_padding = _per_axis(output_padding, len(sizes), "output_padding", 0, where)
        for axis, (a, s) in enumerate(zip(output_padding, strides)):
            if a >= s:
                raise ValueError(message(
                    where, "output_padding", "smaller than strides on every axis, as Keras requires",
                    output_padding if len(sizes) > 1 else a,
                    f"On axis {axis}: output_padding={a} with strides={s}; use at most {s - 1}."))
    out = []
    for axis, (n, k, s, k_d) in enumerate(zip(sizes, kernels, strides, dilated)):
        if output_padding is None:
            out.append((n - 1) * s + max(k_d, s) if padding == "valid" else n * s)
        else:
            a = output_padding[axis]
            out.append((n - 1) * s + k_d + a if padding == "valid" else (n - 1) * s + k_d % 2 + a)
        if out[-1] < 1:
            on_axis = "" if len(sizes) == 1 else f" on axis {axis}"
            raise ValueError(message(
                where, "output_padding", "large enough for a non-empty output", output_padding[axis],
                f"A transposed convolution of an input of {n}{on_axis} with kernel_size={k}, strides={s}, "
                f"padding={padding!r} and output_padding={output_padding[axis]} would have an empty output "
                f"({out[-1]}): use a larger output_padding or padding='valid'."))
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
        where = "ShapeTable"
        if isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
            raise TypeError(message(where, "rows", "a list of ShapeRow (or of 5- or 6-tuples)", rows))
        self.rows = []
        for row in rows:
            if not isinstance(row, (tuple, list)) or len(row) not in (5, 6):
                raise TypeError(message(where, "rows", "a list of ShapeRow (or of 5- or 6-tuples)", row,
                                        "Each row is (name, kind, output_shape, values, params[, depth])."))
            self.rows.append(ShapeRow(*row))
        if total_params is not None:
            total_params = check_int(total_params, "total_params", where=where, min_value=0)
        self.model_name = str(model_name)
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
        if isinstance(key, (numbers.Integral, slice)) and not isinstance(key, bool):
            return self.rows[key]
        raise TypeError(message("ShapeTable", "key", "a layer name, a row number or a slice", key))

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
        TypeError: if ``model`` is not a Keras model or ``expand_nested`` not a bool.
        ValueError: if the model has not been built (its shapes are unknown).

    Example:
        >>> from aecourse.models import conv_autoencoder
        >>> table = trace_shapes(conv_autoencoder())
        >>> table.shape_of("encoder_pool_3"), table.shape_of("flatten"), table.shape_of("code")
        ((3, 3, 128), (1152,), (10,))
    """
    import keras

    where = "trace_shapes"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model",
                   fix="Pass a model, e.g. conv_autoencoder(); a single layer has no table.")
    expand_nested = check_bool(expand_nested, "expand_nested", where=where)
    if not model.built:
        raise ValueError(message(where, "model", "a built model (its shapes known)", f"model {model.name!r}",
                                 "Give it an input (keras.Input(shape=...) or model.build((None, ...))) first."))
    return ShapeTable(_rows(model, expand_nested), model.name, model.count_params())
