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


# ------------------------------------------------------------- the test split stays for the end

#: Arguments through which a split steers training or a decision: a split passed here
#: must not be the test split (validation data, thresholds and stopping rules use a
#: validation split carved from the training data; the test split is scored once).
DECIDING_KEYWORDS = {"validation_data", "val_scores", "val_labels", "target_loss"}
#: Functions whose every argument decides something (thresholds, stopping, choices).
DECIDING_CALLS = {"choose_threshold", "EarlyStopping", "ReduceLROnPlateau", "learning_rate_sweep"}
TEST_NAME = re.compile(r"(^|_)test(_|$|\d)")


def _chapter_code(path):
    """A chapter's code as one Python source, IPython magics and shell lines made ``pass``."""
    lines = []
    for cell in code_cells(path):
        for line in "".join(cell["source"]).splitlines():
            stripped = line.lstrip()
            lines.append(line[: len(line) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines)


def test_split_uses(source):
    """Where ``source`` passes the test split (a name with 'test' in it, or a name
    assigned from one) to an argument that trains, stops, or chooses."""
    import ast

    tree = ast.parse(source)
    tainted = set()

    def mentions_test(node):
        return any(isinstance(n, ast.Name) and (TEST_NAME.search(n.id) or n.id in tainted) for n in ast.walk(node))

    for node in ast.walk(tree):  # names assigned from the test split (in the order ast.walk visits them)
        if isinstance(node, ast.Assign) and mentions_test(node.value):
            for target in node.targets:
                tainted |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        for keyword in node.keywords:
            if keyword.arg in DECIDING_KEYWORDS and mentions_test(keyword.value):
                found.append(f"line {node.lineno}: {name}({keyword.arg}={ast.unparse(keyword.value)})")
        if name in DECIDING_CALLS:
            for arg in list(node.args) + [k.value for k in node.keywords if k.arg not in DECIDING_KEYWORDS]:
                if mentions_test(arg):
                    found.append(f"line {node.lineno}: {name}(..., {ast.unparse(arg)}, ...)")
    return found


test_split_uses.__test__ = False  # a helper, not a test


@pytest.mark.parametrize("snippet, bad", [
    ("fit_fast(m, x_fit, validation_data=x_test)", True),
    ("fit_fast(m, x_fit, validation_data=(x_test_noisy, x_test))", True),
    ("x_val = x_test[:1000]\nmodel.fit(x, x, validation_data=(x_val, x_val))", True),
    ("t = choose_threshold(test_scores, max_fpr=0.05)", True),
    ("fit_fast(m, x_fit, validation_data=x_val, target_loss=test_bce)", True),
    ("(x_fit, x_val) = split_validation(x_train)\nfit_fast(m, x_fit, validation_data=x_val)", False),
    ("t = choose_threshold(val_scores, max_fpr=0.05)\nflagged = test_scores > t", False),
    ("print(bce(x_test, model.predict(x_test)))", False),
])
def test_the_test_split_rule_itself(snippet, bad):
    assert bool(test_split_uses(snippet)) == bad


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_decides_on_its_test_split(path):
    """No chapter passes its test split as validation data, to a threshold or to a
    stopping rule: those choices are made on a validation split carved from the
    training images, and the test split is scored once at the end."""
    found = test_split_uses(_chapter_code(path))
    assert not found, (f"{path.name} passes its test split where a decision is made; carve a validation split "
                       "from the training data (aecourse.data.split_validation):\n" + "\n".join(found))
