"""``python -m aecourse.bench.worker SPEC``: time one row of the ingredient table in this process.

:func:`aecourse.bench.ingredients.ingredient_table` starts one such process per row,
with the row's environment (``TF_ENABLE_ONEDNN_OPTS``) already set; this module applies
the row's thread settings before TensorFlow runs anything, times the row with
:func:`aecourse.bench.ingredients.time_way` and prints the result as one line of JSON.
"""

from __future__ import annotations

import json
import sys

__all__ = ["main"]


def main(argv=None):
    """Time the row described by the JSON ``SPEC`` and print its result as JSON.

    Args:
        argv: ``[SPEC]``, a JSON object with ``way`` (the fields of a
            :class:`~aecourse.bench.ingredients.Way`), ``data`` (a ``.npy`` file of
            images), ``epochs`` and ``seed``.

    Returns:
        0; a row that fails prints ``{"error": ...}`` and returns 1.

    Example:
        >>> main(["not json"])
        {"error": "the worker expects one JSON argument"}
        1
    """
    import aecourse

    aecourse.quiet_tensorflow()  # keeps TF_ENABLE_ONEDNN_OPTS if the parent set it
    argv = sys.argv[1:] if argv is None else argv
    try:
        spec = json.loads(argv[0])
    except (IndexError, ValueError):
        print(json.dumps({"error": "the worker expects one JSON argument"}))
        return 1
    import numpy as np

    from aecourse.bench.ingredients import Way, time_way

    way = spec["way"]
    way = Way(**{**way, "threads": tuple(way["threads"]) if way.get("threads") else None})
    if way.threads is not None:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(way.threads[0])
        tf.config.threading.set_inter_op_parallelism_threads(way.threads[1])
    try:
        row = time_way(way, np.load(spec["data"]), epochs=spec["epochs"], seed=spec["seed"])
    except Exception as exc:  # report what this machine cannot run, as a row
        text = str(exc).strip().splitlines()
        print(json.dumps({"error": f"{type(exc).__name__}: {text[0][:300] if text else ''}"}))
        return 1
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
