"""How the test command checks the book's chapters (book/*.ipynb).

Each chapter runs top to bottom in one fresh kernel, one test per code cell, with
nbval's runner (``--nbval-current-env`` and the other ``--nbval-*`` options apply).
On top of nbval, this plugin adds the book's three rules:

1. **Checked cells.** Only cells tagged ``nbval-check-output`` are compared with their
   stored output. A cell whose metadata also holds
   ``"nbval-tolerance": {"rtol": R, "atol": A}`` prints numbers that come out of
   training, which differ in the third decimal between machines: its text must match
   the stored text exactly except for the numbers, and each number ``x`` must satisfy
   ``|x - stored| <= A + R * |stored|`` (HTML renderings of such a cell are not
   compared; its plain text is). Every other checked cell must match exactly (after
   the sanitizers of ``tests/sanitize.cfg``).
2. **Exercise solutions.** After a chapter's last cell, every exercise's published
   solution (``chNN.<name>.solution_code``) runs in the chapter's kernel, followed by
   the exercise's check cell (a cell holding one ``chNN.<name>.check(...)`` call); the
   check must report ``[correct]``.
3. **Data.** A chapter whose notebook metadata says ``"aecourse": {"needs":
   ["fashion_mnist"]}`` is skipped, with the reason and the command that provides the
   data, when full Fashion-MNIST is not available; with ``AECOURSE_REQUIRE_DATA=1``
   (CI) the missing data is a failure instead.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers, find_metadata_tags

TOLERANCE_KEY = "nbval-tolerance"
DATA_COMMAND = "make data"

#: A number as the chapters print it: optional sign, thousands separators, decimals,
#: exponent (``-3``, ``222,384``, ``0.0201``, ``1.5e-05``).
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])"
                    r"|(?<![\w.])[-+]?\.\d+(?![\w])")
CHECK_CALL = re.compile(r"^\s*(ch\d\d)\.([A-Za-z_]\w*)\.check\(")


# ------------------------------------------------------------------- tolerances


def parse_tolerance(metadata):
    """The ``(rtol, atol)`` of a cell's ``nbval-tolerance`` metadata, or ``None``."""
    spec = metadata.get(TOLERANCE_KEY)
    if spec is None:
        return None
    if not isinstance(spec, dict) or not set(spec) <= {"rtol", "atol"} or not spec:
        raise ValueError(f'{TOLERANCE_KEY} must be a dict such as {{"rtol": 0.05, "atol": 0.001}}, '
                         f"received {spec!r}")
    rtol, atol = float(spec.get("rtol", 0.0)), float(spec.get("atol", 0.0))
    if not (rtol >= 0 and atol >= 0 and math.isfinite(rtol) and math.isfinite(atol)):
        raise ValueError(f"{TOLERANCE_KEY}: rtol and atol must be finite and >= 0, received {spec!r}")
    return rtol, atol


def _to_float(token):
    return float(token.replace(",", ""))


def numbers_close(reference, new, rtol, atol):
    """Compare two texts: equal once numbers are masked, and each number within tolerance.

    Returns a list of problems (empty when the texts agree).
    """
    ref_skeleton, new_skeleton = NUMBER.sub("<n>", reference), NUMBER.sub("<n>", new)
    if ref_skeleton != new_skeleton:
        return [f"the text around the numbers differs:\n  stored: {reference!r}\n  now:    {new!r}"]
    problems = []
    for ref_token, new_token in zip(NUMBER.findall(reference), NUMBER.findall(new)):
        a, b = _to_float(ref_token), _to_float(new_token)
        if not abs(b - a) <= atol + rtol * abs(a):
            problems.append(f"{new_token} (stored {ref_token}) is outside the tolerance "
                            f"|x - stored| <= {atol:g} + {rtol:g} * |stored|")
    return problems


class TolerantText(str):
    """A string whose inequality with another allows for the numbers' tolerance."""

    def __new__(cls, text, rtol, atol):
        self = super().__new__(cls, text)
        self.rtol, self.atol = rtol, atol
        return self

    def __eq__(self, other):
        return isinstance(other, str) and not numbers_close(str(self), str(other), self.rtol, self.atol)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


# ------------------------------------------------------------------------ data


_available = {}


def dataset_available(name):
    """Whether a dataset a chapter needs can be loaded here without a download."""
    if name not in _available:
        if name != "fashion_mnist":
            raise ValueError(f'unknown dataset {name!r} in a chapter\'s "needs"; known: fashion_mnist')
        from aecourse.data import DataSourceError, load_fashion_mnist

        previous = os.environ.get("AECOURSE_OFFLINE")
        os.environ["AECOURSE_OFFLINE"] = "1"
        try:
            load_fashion_mnist(verbose=False)
            _available[name] = True
        except DataSourceError:
            _available[name] = False
        finally:
            if previous is None:
                os.environ.pop("AECOURSE_OFFLINE", None)
            else:
                os.environ["AECOURSE_OFFLINE"] = previous
    return _available[name]


# ------------------------------------------------------------------ collection


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if file_path.suffix == ".ipynb" and not (getattr(option, "nbval", False) or getattr(option, "nbval_lax", False)):
        return ChapterFile.from_parent(parent, path=file_path)
    return None


class ChapterFile(IPyNbFile):
    """A chapter: its code cells, then one test per exercise solution."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False  # only tagged cells are compared (nbval's "lax" mode)
        self.missing_data = []

    def setup(self):
        if not self.missing_data:
            super().setup()

    def collect(self):
        self.nb = nbformat.read(str(self.fspath), as_version=4)
        needs = self.nb.metadata.get("aecourse", {}).get("needs", [])
        self.missing_data = [name for name in needs if not dataset_available(name)]
        if self.missing_data:
            yield MissingData.from_parent(self, name="needs " + ", ".join(self.missing_data))
            return
        cell_num = 0
        checks = []
        for cell in self.nb.cells:
            if cell.cell_type != "code":
                continue
            options = defaultdict(bool, find_metadata_tags(cell.metadata))
            options.update(dict(find_comment_markers(cell.source)))
            options.setdefault("check", self.compare_outputs)
            yield ChapterCell.from_parent(self, name=f"Cell {cell_num}", cell_num=cell_num, cell=cell,
                                          options=options)
            cell_num += 1
            calls = [CHECK_CALL.match(line) for line in cell.source.splitlines() if line.strip()]
            if calls and calls[0] is not None:
                checks.append((calls[0].group(1), calls[0].group(2), cell.source))
        for chapter, exercise, check_source in checks:
            yield SolutionCheck.from_parent(self, name=f"solution of {chapter}.{exercise}", chapter=chapter,
                                            exercise=exercise, check_source=check_source, cell_num=cell_num)


class MissingData(pytest.Item):
    """Stands for a chapter whose data is not available here."""

    def runtest(self):
        names = ", ".join(self.parent.missing_data)
        reason = (f"{self.parent.fspath.basename} needs {names}, which is not available on this machine; "
                  f"`{DATA_COMMAND}` provides it (Debian's dataset package as root, or a checksum-verified "
                  "download)")
        if os.environ.get("AECOURSE_REQUIRE_DATA", "").strip() in {"1", "true", "yes"}:
            pytest.fail(reason + " (AECOURSE_REQUIRE_DATA is set, so this fails instead of skipping)",
                        pytrace=False)
        pytest.skip(reason)

    def reportinfo(self):
        return self.fspath, 0, f"{self.fspath.basename}: {self.name}"


class ChapterCell(IPyNbCell):
    """A code cell; tagged cells are compared exactly or within their stated tolerance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tolerance = parse_tolerance(self.cell.metadata)
        if self.tolerance is not None and not self.options["check"]:
            raise ValueError(f"{self.fspath.basename}, cell {self.cell_num}: {TOLERANCE_KEY} is set but the "
                             "cell is not tagged nbval-check-output")

    def compare_outputs(self, test, ref, skip_compare=None):
        if self.tolerance is None:
            return super().compare_outputs(test, ref, skip_compare)
        skip = tuple(skip_compare or self.parent.skip_compare) + ("text/html", "text/markdown", "text/latex")
        return super().compare_outputs(test, ref, skip)

    def format_output_compare(self, key, left, right):
        if isinstance(left, TolerantText):
            self.comparison_traceback.append(f" mismatch '{key}' (numbers compared with rtol={left.rtol:g}, "
                                             f"atol={left.atol:g}):")
            self.comparison_traceback.extend("  " + p for p in numbers_close(str(left), str(right), left.rtol,
                                                                            left.atol))
            return
        super().format_output_compare(key, left, right)

    def sanitize(self, s):
        s = super().sanitize(s)
        if self.tolerance is not None and isinstance(s, str):
            return TolerantText(s, *self.tolerance)
        return s


SOLUTION_MARK = "aecourse-solution-check:"


class SolutionCheck(IPyNbCell):
    """Runs an exercise's published solution in the chapter's kernel, then its check cell."""

    def __init__(self, name, parent, chapter, exercise, check_source, cell_num):
        runner = (
            f"_solution_run = get_ipython().run_cell({chapter}.{exercise}.solution_code, store_history=False)\n"
            "_solution_run.raise_error()\n"
            f"_check_run = get_ipython().run_cell({check_source!r}, store_history=False)\n"
            "_check_run.raise_error()\n"
            f"print({SOLUTION_MARK!r}, repr(_check_run.result))\n"
        )
        cell = nbformat.v4.new_code_cell(runner)
        super().__init__(name, parent, cell_num, cell, defaultdict(bool, check=False))
        self.chapter, self.exercise = chapter, exercise

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, pytest.fail.Exception):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def runtest(self):
        super().runtest()
        text = "".join(out.get("text", "") for out in self.test_outputs if out.get("output_type") == "stream")
        found = [line for line in text.splitlines() if line.startswith(SOLUTION_MARK)]
        verdict = found[-1][len(SOLUTION_MARK):].strip() if found else "(the check printed nothing)"
        if not verdict.startswith("[correct]"):
            pytest.fail(f"the published solution of {self.chapter}.{self.exercise} does not pass its check "
                        f"cell in the chapter: {verdict}", pytrace=False)

    def reportinfo(self):
        return self.fspath, 0, f"{self.fspath.basename}::{self.name}"
