"""Shared test set-up: quiet TensorFlow, a non-interactive plotting backend, nbval's stream handling."""

import aecourse

aecourse.quiet_tensorflow()  # the book's environment: no TensorFlow log lines in test output

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402


def pytest_collection_modifyitems(session, config, items):
    """Let nbval ignore stderr: ipykernel does not capture C-level stderr under pytest,
    so TensorFlow's start-up lines may or may not appear there. Pages never show stderr
    (it is removed at build time) and the stored notebooks must hold none
    (tests/test_notebooks.py)."""
    for item in items:
        parent = getattr(item, "parent", None)
        skip = getattr(parent, "skip_compare", None)
        if skip is not None and "stderr" not in skip:
            parent.skip_compare = tuple(skip) + ("stderr",)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
