"""The book builds with zero warnings from the stored chapter outputs, and no page
shows TensorFlow log lines.

The build uses the project's _config.yml with execution switched off: nbval (same test
run) already executes every chapter, so executing them again here would only double
the time. `make book` builds the same pages with execution on.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TF_NOISE = re.compile(r"\b[IWEF]\d{4} \d\d:\d\d:\d\d|I0000|W0000|E0000|absl::|cuda", re.IGNORECASE)


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config))
    jb = Path(sys.executable).with_name("jupyter-book")
    command = [str(jb if jb.exists() else shutil.which("jupyter-book")), "build", str(ROOT), "--all", "-W",
               "--keep-going", "--config", str(config_path), "--path-output", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    return out / "_build" / "html", log


def toc_pages():
    return re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())


def test_every_page_is_built(built_book):
    html, _ = built_book
    assert (html / "index.html").is_file()
    for page in toc_pages():
        assert (html / f"{page}.html").is_file(), f"{page}.html was not built"


def test_no_warnings(built_book):
    _, log = built_book
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)


def test_no_tensorflow_noise_in_pages(built_book):
    html, _ = built_book
    for page in html.rglob("*.html"):
        if "_static" in page.parts or "_sources" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        match = TF_NOISE.search(text)
        assert match is None, f"{page.relative_to(html)} shows a TensorFlow log line near: {text[max(0, match.start() - 80):match.end() + 80]!r}"


def test_no_error_outputs_in_pages(built_book):
    html, _ = built_book
    for page in toc_pages():
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, f"{page} shows a traceback"
