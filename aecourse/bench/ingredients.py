"""What each ingredient of a training recipe is worth per epoch: timed ways of training.

A :class:`Way` is one way of running the same model's training (Keras ``fit`` or the
course's compiled loop, a batch size, XLA or not, TensorFlow's oneDNN kernels or not,
thread settings, a memory layout, an upsampling layer). :func:`time_way` times a few
epochs of it over the same images, without any evaluation, and
:func:`ingredient_table` does so for a list of ways, each in a fresh Python process
by default (so that environment variables read when TensorFlow loads, such as
``TF_ENABLE_ONEDNN_OPTS``, and thread settings can differ from row to row, and no row
inherits another's compiled functions). :func:`ways_for` lists the rows the
benchmark times for each of its models.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from aecourse.validation import check_int, check_one_of

__all__ = ["Way", "ways_for", "time_way", "ingredient_table"]


@dataclasses.dataclass(frozen=True)
class Way:
    """One way of running a model's training, for the ingredient table.

    Attributes:
        name: the row's label.
        trainer: ``"fit"`` (Keras ``model.fit`` with Adam) or ``"fast"``
            (:func:`aecourse.fast.fit_fast`).
        batch_size: examples per step.
        jit_compile: compile ``fit_fast``'s epoch with XLA.
        steps_per_execution: Keras ``fit``'s steps per call.
        upsampling: the conv model's upsampling (``"transpose"``, ``"nearest"``,
            ``"bilinear"``); ``None`` for the dense model.
        channels_first: build the conv model with ``data_format="channels_first"``.
        onednn: ``True``/``False`` sets ``TF_ENABLE_ONEDNN_OPTS`` to 1/0 in the row's
            process; ``None`` keeps the benchmark's setting.
        threads: ``(intra_op, inter_op)`` thread counts for TensorFlow, or ``None``
            for its defaults.
        n_examples: time on at most this many images (for slow rows).

    A row with ``onednn`` or ``threads`` set :attr:`needs_process`: it can only be timed
    in a fresh process (TensorFlow reads those settings when it loads).

    Example:
        >>> Way("keras fit (article)", trainer="fit").batch_size
        256
    """

    name: str
    trainer: str = "fast"
    batch_size: int = 256
    jit_compile: bool = False
    steps_per_execution: int = 1
    upsampling: str | None = None
    channels_first: bool = False
    onednn: bool | None = None
    threads: tuple | None = None
    n_examples: int | None = None

    def __post_init__(self):
        check_one_of(self.trainer, "trainer", ("fit", "fast"), where="Way")
        check_int(self.batch_size, "batch_size", where="Way", min_value=1)

    @property
    def needs_process(self):
        """Whether the row needs a process of its own (settings read when TensorFlow loads)."""
        return self.onednn is not None or self.threads is not None


def ways_for(model, recipe):
    """The rows of the ingredient table for one of the benchmark's models.

    Every row trains the same model on the same images. The rows start from Keras
    ``fit`` at batch 256 (the article's way) and add or change one thing at a time:
    ``steps_per_execution``; the course's compiled epoch over in-memory data
    (``fit_fast``) without and with XLA; other batch sizes; TensorFlow's oneDNN
    kernels switched the other way from the benchmark's setting; for the conv model
    also thread settings, a channels-first layout and the upsampling layer.

    Args:
        model: ``"dense"`` or ``"conv"``.
        recipe: the course's :class:`~aecourse.fast.FastRecipe` for that model.

    Returns:
        A list of :class:`Way`.

    Example:
        >>> from aecourse.fast import FastRecipe
        >>> [way.name for way in ways_for("dense", FastRecipe())][:2]
        ['keras fit (article)', 'keras fit + 64 steps per execution']
    """
    model = check_one_of(model, "model", ("dense", "conv"), where="ways_for")
    up = "transpose" if model == "conv" else None
    b, xla = recipe.batch_size, recipe.jit_compile
    onednn_on = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") not in ("0", "false", "False")
    other = "on" if not onednn_on else "off"
    ways = [
        Way("keras fit (article)", trainer="fit", upsampling=up),
        Way("keras fit + 64 steps per execution", trainer="fit", steps_per_execution=64, upsampling=up),
        Way("fit_fast: compiled epoch, in-memory data", upsampling=up),
        Way("fit_fast + XLA" + (" (the course's recipe)" if (b, xla) == (256, True) else ""), jit_compile=True,
            upsampling=up, n_examples=1024 if model == "conv" else None),
    ]
    if b != 256:
        ways.append(Way(f"keras fit at batch {b}", trainer="fit", batch_size=b, upsampling=up))
    if (b, xla) not in ((256, True), (256, False)):
        ways.append(Way(f"the course's recipe: fit_fast at batch {b}" + (", XLA" if xla else ", no XLA"),
                        batch_size=b, jit_compile=xla, upsampling=up))
    for size in ((512, 1024) if model == "dense" else (64, 128, 512)):
        if size != b:
            ways.append(Way(f"the course's recipe at batch {size}", batch_size=size, jit_compile=xla, upsampling=up))
    ways += [Way(f"keras fit (article), oneDNN {other}", trainer="fit", upsampling=up, onednn=not onednn_on),
             Way(f"the course's recipe, oneDNN {other}", batch_size=b, jit_compile=xla, upsampling=up,
                 onednn=not onednn_on)]
    if model == "conv":
        ways += [Way("the course's recipe, 1 thread (intra-op 1, inter-op 1)", batch_size=b, jit_compile=xla,
                     upsampling=up, threads=(1, 1)),
                 Way("the course's recipe, intra-op 2, inter-op 1 threads", batch_size=b, jit_compile=xla,
                     upsampling=up, threads=(2, 1)),
                 Way("the course's recipe, channels-first layout", batch_size=b, jit_compile=xla, upsampling=up,
                     channels_first=True),
                 Way("the course's recipe, nearest upsampling + conv", batch_size=b, jit_compile=xla,
                     upsampling="nearest"),
                 Way("the course's recipe, bilinear upsampling + conv", batch_size=b, jit_compile=xla,
                     upsampling="bilinear")]
    return ways


def _channels_first_conv_autoencoder():
    """The article's CAE (as :func:`aecourse.models.conv_autoencoder` builds it) in NCHW."""
    import keras

    fmt = "channels_first"
    inputs = keras.Input((1, 28, 28), name="input")
    x = inputs
    for i, f in enumerate((32, 64, 128), 1):
        x = keras.layers.Conv2D(f, 3, padding="same", activation="relu", data_format=fmt, name=f"conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, data_format=fmt, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(data_format=fmt, name="flatten")(x)
    x = keras.layers.Dense(10, name="code")(x)
    x = keras.layers.Dense(1152, activation="relu", name="decoder_dense")(x)
    x = keras.layers.Reshape((128, 3, 3), name="unflatten")(x)
    x = keras.layers.Conv2DTranspose(64, 3, strides=2, padding="valid", activation="relu", data_format=fmt,
                                     name="upconv_1")(x)
    x = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu", data_format=fmt,
                                     name="upconv_2")(x)
    x = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid", data_format=fmt,
                                     name="upconv_3")(x)
    return keras.Model(inputs, x, name="conv_autoencoder_channels_first")


def time_way(way, x, *, epochs=2, seed=0):
    """Time ``epochs`` training epochs of one :class:`Way` on the images ``x``, in this process.

    A first, untimed epoch traces and compiles; the fastest of the next ``epochs`` is
    kept. No evaluation runs. Settings read when TensorFlow loads (``way.onednn``,
    ``way.threads``) cannot change in a running process: time such rows with
    :func:`ingredient_table`, which gives each its own.

    Args:
        way: a :class:`Way`.
        x: training images: flattened ``(n, 784)`` for the dense model, ``(n, 28, 28, 1)``
            for the conv model (``way.upsampling`` set).
        epochs: timed epochs.
        seed: seed of the weights and the shuffles.

    Returns:
        A dict: ``name``, ``batch_size``, ``seconds_per_epoch``, ``examples_per_second``,
        ``examples`` (per epoch), ``load``.

    Example:
        >>> x = np.random.default_rng(0).random((512, 784), dtype="float32")
        >>> row = time_way(Way("keras fit", trainer="fit"), x, epochs=1)
        >>> row["examples"], row["examples_per_second"] > 0
        (512, True)
    """
    from aecourse.bench.runs import build_model, load_average
    from aecourse.fast import fit_fast
    from aecourse.training import set_seed, train

    epochs = check_int(epochs, "epochs", where="time_way", min_value=1)
    x = np.asarray(x, dtype="float32")[: way.n_examples]
    set_seed(seed, deterministic=False)
    if way.channels_first:
        model, x = _channels_first_conv_autoencoder(), np.moveaxis(x, -1, 1)
    elif way.upsampling is not None:
        model = build_model("conv", upsampling=way.upsampling)
    else:
        model = build_model("dense")
    if way.trainer == "fit":
        model.compile(optimizer="adam", loss="binary_crossentropy", steps_per_execution=way.steps_per_execution)
        result = train(model, x, batch_size=way.batch_size, epochs=epochs + 1, every=0)
        examples = len(x)
    else:
        result = fit_fast(model, x, batch_size=way.batch_size, jit_compile=way.jit_compile, epochs=epochs + 1,
                          init_output_bias=True, seed=seed)
        examples = (len(x) // way.batch_size) * way.batch_size  # fit_fast drops a last partial batch
    seconds = min(result.epoch_seconds[1:])
    return {"name": way.name, "batch_size": way.batch_size, "seconds_per_epoch": seconds,
            "examples_per_second": examples / seconds, "examples": examples, "load": load_average()}


def _in_process(way, path, epochs, seed, timeout):
    """Run one row in a fresh ``python -m aecourse.bench.worker`` process."""
    env = dict(os.environ)
    if way.onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = "1" if way.onednn else "0"
    spec = {"way": dataclasses.asdict(way), "data": str(path), "epochs": epochs, "seed": seed}
    try:
        done = subprocess.run([sys.executable, "-m", "aecourse.bench.worker", json.dumps(spec)], env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"took more than {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:  # the process died before it could report
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}, no output"])[-1]
        return {"error": last[:300]}
    return json.loads(lines[-1])


def ingredient_table(x, ways, *, epochs=2, flops_per_example=None, seed=0, processes=True, timeout=1800.0,
                     log=None):
    """Time each :class:`Way` on the same images: seconds per epoch, examples/s, GFLOP/s.

    Args:
        x: the training images (see :func:`time_way`).
        ways: a list of :class:`Way` (:func:`ways_for`).
        epochs: timed epochs per row (after a first, untimed one); the fastest is kept.
        flops_per_example: training FLOPs per example (:func:`aecourse.flops.model_flops`),
            for the GFLOP/s column; for a row with another upsampling the FLOPs of that
            model are used.
        seed: seed of each row.
        processes: time each row in a fresh process (``False``: in this one, and the
            rows that need their own process are skipped).
        timeout: seconds after which a row's process is stopped (the row reports it).
        log: a print-like function for progress, or ``None``.

    Returns:
        A list of dicts (see :func:`time_way`), each also with ``gflops`` (with
        ``flops_per_example``), ``upsampling``; a row that failed or was skipped has
        ``error`` (the reason) and no timings.

    Example:
        >>> x = np.random.default_rng(0).random((512, 784), dtype="float32")
        >>> rows = ingredient_table(x, [Way("keras fit", trainer="fit"), Way("oneDNN off", onednn=False)],
        ...                         epochs=1, processes=False)
        >>> [sorted(row) for row in rows][1]
        ['error', 'name']
    """
    from aecourse.flops import model_flops
    from aecourse.bench.runs import build_model

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.npy"
        if processes:
            np.save(path, np.asarray(x, dtype="float32"))
        for way in ways:
            if processes:
                row = _in_process(way, path, epochs, seed, timeout)
            elif way.needs_process:
                row = {"error": "needs a process of its own (skipped)"}
            else:
                try:
                    row = time_way(way, x, epochs=epochs, seed=seed)
                except Exception as exc:  # a way this machine cannot run is a result, not a crash
                    row = {"error": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300]}"}
            row["name"] = way.name
            if "error" not in row:
                row["upsampling"] = way.upsampling
                per_example = flops_per_example
                if way.upsampling not in (None, "transpose"):
                    per_example = model_flops(build_model("conv", upsampling=way.upsampling)).training
                if per_example:
                    row["gflops"] = row["examples_per_second"] * per_example / 1e9
            rows.append(row)
            if log:
                log(f"    {way.name}: " + (row["error"] if "error" in row else
                                          f"{row['seconds_per_epoch']:.2f} s per epoch of {row['examples']:,} "
                                          f"images, {row['examples_per_second']:,.0f} images/s"))
    return rows
