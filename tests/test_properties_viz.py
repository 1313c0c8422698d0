"""Property-based tests of aecourse.viz: wrong images, codes, histories and arguments give a
display or an error of aecourse's own (never one from inside Matplotlib or NumPy)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse import viz
from properties_support import image_batches, junk, numbers, result_or_own_error, wrong_arrays

images = st.one_of(image_batches(), wrong_arrays)
counts = st.one_of(st.integers(-1, 5), numbers, junk)
labels = st.one_of(st.none(), junk, st.lists(st.one_of(st.integers(0, 3), st.text(max_size=1)), max_size=5))


@settings(max_examples=60, deadline=None)
@given(images, images, labels, counts, st.one_of(st.none(), junk, st.tuples(st.integers(-1, 5), st.integers(-1, 5))))
def test_image_plots_on_wrong_inputs(a, b, names, n, image_shape):
    out, _ = result_or_own_error(viz.as_images, a, image_shape)
    assert out is None or (out.dtype == np.float32 and out.ndim in (3, 4))
    display, _ = result_or_own_error(viz.plot_images, a, names, ncols=n if n != 0 else 1, image_shape=image_shape)
    assert display is None or len(display.images) == len(viz.as_images(a, image_shape))
    result_or_own_error(viz.plot_reconstructions, a, b, n=n, image_shape=image_shape)
    result_or_own_error(viz.plot_image_rows, [a, b], names, n=n, image_shape=image_shape)
    result_or_own_error(viz.plot_image_rows, a)


@settings(max_examples=60, deadline=None)
@given(wrong_arrays, labels, counts, st.one_of(st.none(), junk, st.tuples(st.integers(-1, 5), st.integers(-1, 5))))
def test_code_plots_on_wrong_inputs(codes, names, n, code_shape):
    result_or_own_error(viz.plot_codes, codes, code_shape=code_shape, labels=names, n=n)
    result_or_own_error(viz.plot_code_heatmap, codes, labels=names)
    result_or_own_error(viz.plot_latent, codes, names)
    result_or_own_error(viz.plot_rho_hat, codes, bins=n if not isinstance(n, bool) and n != 0 else 3)
    out, _ = result_or_own_error(viz.to_unit_range, codes, keep_zero=n)
    assert out is None or (out.min(initial=0.5) >= 0 and out.max(initial=0.5) <= 1)


histories = st.one_of(junk, numbers, st.dictionaries(st.sampled_from(["loss", "val_loss", "mse", 3]),
                                                     st.one_of(st.lists(numbers, max_size=4), junk), max_size=3))


@settings(max_examples=80, deadline=None)
@given(histories, st.one_of(st.none(), st.sampled_from(["loss", "val_loss", "acc"]), junk, st.lists(st.text(max_size=3))),
       st.one_of(st.none(), counts, st.lists(st.integers(-1, 5), max_size=3)))
def test_plot_history_on_wrong_inputs(history, metrics, validation_freq):
    display, _ = result_or_own_error(viz.plot_history, history, metrics=metrics, validation_freq=validation_freq)
    if display is not None:
        for name, line in display.lines.items():
            assert len(line.get_xdata()) == len(history[name])


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.sampled_from(["ok", "short", "u8"]), junk), st.one_of(st.tuples(numbers, numbers), junk, numbers),
       counts)
def test_plot_latent_grid_on_wrong_inputs(decoder, x_range, n):
    decoders = {"ok": lambda z: np.full((len(z), 16), 0.5), "short": lambda z: np.zeros((2, 16)),
                "u8": lambda z: np.full((len(z), 16), 200, np.uint8)}
    result_or_own_error(viz.plot_latent_grid, decoders.get(decoder, decoder) if isinstance(decoder, str) else decoder,
                        x_range=x_range, n=n)
