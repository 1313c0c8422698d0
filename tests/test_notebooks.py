"""Checks of the chapters as stored: one clean top-to-bottom run, nothing stray.

The same pytest command re-executes every chapter (conftest.py) and compares the cells
tagged nbval-check-output; these tests check what is stored.
"""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from toc import toc_entries  # noqa: E402  (_toc.yml is read in one place)

BOOK = ROOT / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))
TOC_FILES = toc_entries()


def code_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def test_there_are_chapters():
    assert NOTEBOOKS, "book/ holds no chapter notebooks"


def test_chapter_names_and_toc():
    for nb in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", nb.name), f"{nb.name}: chapters are named NN_name.ipynb"
        assert f"book/{nb.stem}" in TOC_FILES, f"{nb.name} is not listed in _toc.yml"
    for entry in TOC_FILES:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md")), f"_toc.yml names missing {entry}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_from_one_clean_run(path):
    cells = code_cells(path)
    counts = [c.get("execution_count") for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(cells)}; run `make execute`"
    )
    for i, cell in enumerate(cells, 1):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: cell {i} stored an error"
            assert out.get("name") != "stderr", f"{path.name}: cell {i} stored stderr output"
        assert "NBVAL_" not in "".join(cell["source"]), (
            f"{path.name}: cell {i} marks its check with a comment line; use the cell tag nbval-check-output"
        )
        if "nbval-check-output" in cell.get("metadata", {}).get("tags", []):
            assert cell.get("outputs"), f"{path.name}: checked cell {i} has no stored output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_shape(path):
    """Every chapter states its goals first and ends with a summary and exercises."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"][0].startswith("# ")
    if not path.name.startswith("00_"):
        for heading in ("learning goals", "summary", "exercises"):
            assert heading in text, f"{path.name}: no '{heading}' section"
    for cell in cells:
        if cell["cell_type"] == "code":
            assert "MPLBACKEND" not in "".join(cell["source"]), f"{path.name}: figures must stay inline"


#: The first code cell of every chapter: installs the package where it is missing (Colab),
#: pinned to this repository; hidden on the pages by its remove-cell tag.
INSTALL_CELL = """# On Colab, or anywhere the course's package is missing, install it first.
import importlib.util
import sys

if importlib.util.find_spec("aecourse") is None:
    if "google.colab" in sys.modules:  # Colab already has TensorFlow and Keras: add only the package
        %pip install --quiet --no-deps "aecourse @ git+https://github.com/aecourse/aecourse"
    else:
        %pip install --quiet "aecourse[chapters] @ git+https://github.com/aecourse/aecourse\""""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cells_install_the_package_and_quiet_tensorflow(path):
    """Every chapter starts the same way: the hidden install cell, then an explicit
    aecourse.quiet_tensorflow() before anything can load TensorFlow."""
    cells = code_cells(path)
    first = cells[0]
    assert "".join(first["source"]) == INSTALL_CELL, f"{path.name}: the first code cell is not the install cell"
    assert "remove-cell" in first["metadata"].get("tags", []), f"{path.name}: the install cell must be tagged remove-cell"
    lines = [l for l in "".join(cells[1]["source"]).splitlines() if l.strip() and not l.lstrip().startswith("#")]
    assert lines[:2] == ["import aecourse", "aecourse.quiet_tensorflow()  # before Keras loads TensorFlow: no log lines on the page"], (
        f"{path.name}: the second code cell must start with `import aecourse` and `aecourse.quiet_tensorflow()`"
    )


#: Decimal numbers of at least three significant digits, as prose states measured results.
PROSE_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.]*\d)")


def significant_digits(token):
    return len(token.replace(".", "").lstrip("0"))


def output_text(cells):
    parts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]))
            for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                if mime in out.get("data", {}):
                    parts.append("".join(out["data"][mime]))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbers_in_the_prose_are_printed_by_the_code(path):
    """A measured number the text states must be one the chapter's code prints.

    Every decimal number of three or more significant digits in a markdown cell must
    appear in the chapter's stored outputs, unless the notebook's metadata lists it as a
    cited figure with its source (``"aecourse": {"cited": {"0.0817": "the source article"}}``).
    """
    nb = json.loads(path.read_text())
    cited = nb["metadata"].get("aecourse", {}).get("cited", {})
    outputs = output_text(c for c in nb["cells"] if c["cell_type"] == "code")
    printed = set(PROSE_NUMBER.findall(outputs)) | set(re.findall(r"(?<![\w.])\d+\.\d+", outputs))
    missing = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for token in PROSE_NUMBER.findall("".join(cell["source"])):
            if significant_digits(token) >= 3 and token not in printed and token not in cited:
                missing.append(f"markdown cell {i}: {token}")
    assert not missing, (f"{path.name}: numbers in the text that no output prints (print them, or list a "
                         "cited figure with its source in the notebook metadata):\n" + "\n".join(missing))
