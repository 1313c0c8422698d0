"""Property-based tests of aecourse.shapes: wrong sizes give a size or an error of aecourse's own."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.shapes import ShapeTable, conv_output_size, conv_transpose_output_size, pool_output_size, trace_shapes
from properties_support import junk, numbers, result_or_own_error

sizes = st.one_of(numbers, junk, st.tuples(numbers, numbers), st.lists(st.integers(-2, 30), max_size=3))
paddings = st.one_of(st.sampled_from(["valid", "same", "SAME", "full"]), junk, numbers)


@settings(max_examples=300, deadline=None)
@given(sizes, sizes, sizes, paddings, sizes)
def test_size_formulas_on_wrong_inputs(size, kernel, strides, padding, extra):
    for function, kwargs in ((conv_output_size, {"dilation_rate": extra}), (pool_output_size, {}),
                             (conv_transpose_output_size, {"output_padding": extra})):
        out, _ = result_or_own_error(function, size, kernel, strides, padding, **kwargs)
        if out is not None:
            values = out if isinstance(out, tuple) else (out,)
            assert all(type(n) is int and n >= 1 for n in values)


@settings(max_examples=100, deadline=None)
@given(st.one_of(junk, numbers, st.lists(st.one_of(junk, st.tuples(st.text(max_size=2), st.text(max_size=2))),
                                         max_size=3)), st.one_of(junk, numbers))
def test_trace_shapes_and_tables_on_wrong_inputs(rows, key):
    result_or_own_error(trace_shapes, rows)
    table, _ = result_or_own_error(ShapeTable, rows)
    if table is not None:
        try:
            table[key]
        except (KeyError, IndexError):
            pass  # what a list and a mapping raise for a missing entry
        except TypeError as exc:
            assert str(exc).startswith("ShapeTable: "), exc
