"""Property-based tests of aecourse.models: wrong sizes, shapes, activations and names give a
model of the asked input shape, or an error of aecourse's own (never one from inside Keras)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aecourse.models import conv_autoencoder, dense_autoencoder
from properties_support import junk, numbers, result_or_own_error

small = st.integers(-2, 12)
shapes = st.one_of(small, numbers, junk, st.tuples(small), st.tuples(small, small), st.tuples(small, small, small),
                   st.lists(st.one_of(small, numbers), max_size=4), st.sampled_from([(3, 32, 32), (1, 28, 28),
                                                                                      (40, 784), (None, 16)]))
units = st.one_of(small, numbers, junk, st.lists(st.one_of(small, numbers), max_size=3), st.tuples(small, small))
activations = st.one_of(st.sampled_from(["relu", "sigmoid", None, "linear", "relux"]), junk, numbers)


@settings(max_examples=40, deadline=None)
@given(shapes, units, st.one_of(small, numbers, junk), activations, activations)
def test_dense_autoencoder_on_wrong_inputs(input_shape, hidden_units, latent_dim, activation, output_activation):
    model, _ = result_or_own_error(dense_autoencoder, input_shape, hidden_units, latent_dim, activation=activation,
                                   output_activation=output_activation)
    if model is not None:
        assert model.output.shape[1:] == model.input.shape[1:]


@settings(max_examples=40, deadline=None)
@given(shapes, units, st.one_of(small, numbers, junk), st.one_of(small, st.tuples(small, small), junk, numbers),
       st.one_of(st.sampled_from(["transpose", "nearest", "bilinear"]), junk, numbers), activations)
def test_conv_autoencoder_on_wrong_inputs(input_shape, filters, latent_dim, kernel_size, upsampling, activation):
    model, _ = result_or_own_error(conv_autoencoder, input_shape, filters, latent_dim, kernel_size=kernel_size,
                                   upsampling=upsampling, activation=activation)
    if model is not None:
        assert model.output.shape[1:] == model.input.shape[1:]
