"""Shared test set-up: quiet TensorFlow, a non-interactive plotting backend, nbval's stream handling,
Hypothesis' profile."""

import os

import aecourse

aecourse.quiet_tensorflow()  # the book's environment: no TensorFlow log lines in test output

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# The property tests (tests/test_properties_*.py) draw the same examples on every machine and
# every run ("repeatable", the default), so the suite's result does not depend on chance;
# HYPOTHESIS_PROFILE=explore draws new examples on each run, to look for inputs not tried yet
# (a failure prints the example and how to reproduce it).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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
