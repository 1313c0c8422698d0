"""`make book` builds every page with zero warnings from the chapters' stored outputs.

The build runs the README's command (into a temporary folder): it executes no chapter
(execution is off in _config.yml; the outputs stored by `make execute` are the pages'
outputs), so it needs no data and no training. The pages show no TensorFlow log line,
no traceback and no nbval marker, and link the stylesheet that wraps printed output.
"""

import re
import subprocess
import sys

import pytest
import yaml

from make_targets import ROOT, make_command

sys.path.insert(0, str(ROOT / "tools"))
from toc import chapter_paths, toc_entries  # noqa: E402

TF_NOISE = re.compile(r"\b[IWEF]\d{4} \d\d:\d\d:\d\d|I0000|W0000|E0000|absl::|cuda", re.IGNORECASE)
STYLESHEET = "aecourse.css"


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(make_command("book", BUILDDIR=str(out), EXECUTE=""),
                            capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"make book failed:\n{log[-6000:]}"
    return out / "_build" / "html", log


def pages(html):
    """The built HTML pages a reader sees (not the theme's static files or page sources)."""
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        yield page


def test_execution_is_off_in_the_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off", (
        "_config.yml must build from stored outputs (`make book EXECUTE=1` runs the chapters first)"
    )


def test_execute_option_runs_the_project_command_first():
    dry_run = subprocess.run(make_command("book", EXECUTE="1") + ["--dry-run"],
                             capture_output=True, text=True, cwd=ROOT, check=True).stdout
    lines = dry_run.splitlines()
    executes = [i for i, line in enumerate(lines) if "tools/execute_chapters.py" in line]
    builds = [i for i, line in enumerate(lines) if "jupyter-book build" in line]
    assert executes and builds and executes[0] < builds[0], dry_run
    plain = subprocess.run(make_command("book") + ["--dry-run"], capture_output=True, text=True,
                           cwd=ROOT, check=True).stdout
    assert "execute_chapters" not in plain, plain


def test_toc_lists_the_chapters_in_reading_order():
    entries = toc_entries()
    assert entries[0] == "book/intro"
    chapters = chapter_paths()
    assert chapters and all(path.suffix == ".ipynb" and path.is_file() for path in chapters)
    names = [path.name for path in chapters]
    assert names == sorted(names), f"chapters are listed out of reading order: {names}"


def test_every_page_is_built(built_book):
    html, _ = built_book
    assert (html / "index.html").is_file()
    for entry in toc_entries():
        assert (html / f"{entry}.html").is_file(), f"{entry}.html was not built"


def test_no_warnings(built_book):
    _, log = built_book
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)


def test_no_tensorflow_noise_in_pages(built_book):
    html, _ = built_book
    for page in pages(html):
        if page.name in ("genindex.html", "search.html"):
            continue
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        match = TF_NOISE.search(text)
        assert match is None, f"{page.relative_to(html)} shows a TensorFlow log line near: {text[max(0, match.start() - 80):match.end() + 80]!r}"


def test_no_error_outputs_in_chapter_pages(built_book):
    """No chapter shows a traceback (the API page may: docstring examples of errors)."""
    html, _ = built_book
    for path in chapter_paths():
        page = html / path.relative_to(ROOT).with_suffix(".html")
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, f"{page.relative_to(html)} shows a traceback"


def test_no_nbval_marker_in_pages(built_book):
    """Checked cells are marked with a cell tag (invisible), never a comment line."""
    html, _ = built_book
    for page in pages(html):
        text = page.read_text(encoding="utf-8")
        assert "NBVAL" not in text, f"{page.relative_to(html)} contains {text[text.index('NBVAL') - 60:][:120]!r}"


def test_printed_output_wraps(built_book):
    """The stylesheet that wraps printed output (the data-source sentence) is on every page."""
    html, _ = built_book
    css = (html / "_static" / STYLESHEET).read_text(encoding="utf-8")
    assert re.search(r"div\.cell_output[^{]*pre\s*{[^}]*white-space:\s*pre-wrap", css), css
    for entry in toc_entries():
        text = (html / f"{entry}.html").read_text(encoding="utf-8")
        assert re.search(rf'<link[^>]+href="[./]*_static/{re.escape(STYLESHEET)}', text), (
            f"{entry}.html does not link _static/{STYLESHEET}"
        )
