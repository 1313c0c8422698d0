"""The package as a learner gets it with pip (Colab, their own project), not as a clone.

* Every third-party import of the package, the chapters, the tests and the tools is
  declared in pyproject.toml: the package's own imports as core dependencies, the
  chapters' in the ``chapters`` extra, the tests' and tools' in an extra.
* The wheel (built without network) holds every module of the source tree, exercises
  and benchmark included, the benchmark results, and nothing else.
* Installed non-editable into a fresh virtual environment that cannot see the
  repository, every public module imports from that environment, and a chapter with
  exercises runs top to bottom from a folder outside the repository, its checks
  included. The environment borrows the third-party packages of the test environment
  through a .pth file (no network needed), but not its editable install of aecourse.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aecourse"
#: A chapter with exercises, executed from the installed wheel.
CHAPTER = ROOT / "book" / "03_shapes_and_reshaping.ipynb"
CHECK_CELL = re.compile(r"^\s*ch\d\d\.\w+\.check\(", re.MULTILINE)
RESULT_SUFFIXES = (".json", ".md", ".png")


# ------------------------------------------------------------------ declared imports


def declared_requirements():
    """Distribution names declared in pyproject.toml: ``{"core": {...}, extra: {...}}``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"core": project.get("dependencies", []), **project.get("optional-dependencies", {})}

    def names(group, seen=()):
        found = set()
        for text in groups[group]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "aecourse":
                for extra in requirement.extras - set(seen):
                    found |= names(extra, (*seen, group))
            else:
                found.add(canonicalize_name(requirement.name))
        return found

    return {group: names(group) for group in groups}


#: Imports of the package that need no declaration, with the reason.
PACKAGE_UNDECLARED_OK = {
    "IPython": "imported only inside _ipython_display_, which only IPython calls",
    "pandas": "imported only inside SeedResults.to_pandas, which says to install it if missing",
}


def imported_modules(source, name):
    """Top-level names of the absolute imports in Python ``source``."""
    found = set()
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def notebook_source(path):
    """The code cells of a chapter as Python (IPython's % and ! lines left out)."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    lines = []
    for cell in cells:
        for line in cell.source.splitlines():
            stripped = line.lstrip()
            magic = stripped.startswith(("%", "!"))
            lines.append(line[: len(line) - len(stripped)] + "pass" if magic else line)
        lines.append("")
    return "\n".join(lines)


def local_modules():
    """Modules of this repository that tests and tools import by plain name."""
    names = {"aecourse"}
    for folder in (ROOT, ROOT / "tests", ROOT / "tools"):
        names |= {path.stem for path in folder.glob("*.py")}
    return names


SOURCES = {
    # where the imports are: which groups of pyproject.toml may declare them
    "the package (aecourse/)": (sorted(PACKAGE.rglob("*.py")), ("core",)),
    "the chapters (book/*.ipynb)": (sorted((ROOT / "book").glob("*.ipynb")), ("core", "chapters")),
    "the tests and tools": (sorted([*(ROOT / "tests").glob("*.py"), *(ROOT / "tools").glob("*.py"),
                                    *ROOT.glob("conftest.py")]), None),
}


@pytest.mark.parametrize("where", SOURCES)
def test_every_import_is_declared(where):
    paths, groups = SOURCES[where]
    declared = declared_requirements()
    allowed = set().union(*(declared[g] for g in (groups or declared)))
    providers = importlib.metadata.packages_distributions()
    ignore = set(sys.stdlib_module_names) | local_modules()
    if groups == ("core",):
        ignore |= set(PACKAGE_UNDECLARED_OK)
    problems = []
    for path in paths:
        source = notebook_source(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
        for module in sorted(imported_modules(source, str(path)) - ignore):
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists and canonicalize_name(module) in allowed:
                continue  # declared for another Python version or platform (tomli before 3.11)
            if not dists:
                problems.append(f"{path.relative_to(ROOT)} imports {module}, which no installed distribution provides")
            elif not dists & allowed:
                problems.append(f"{path.relative_to(ROOT)} imports {module} (from {', '.join(sorted(dists))}), "
                                f"not declared in pyproject.toml ({' or '.join(groups or ['any group'])})")
    assert not problems, "\n".join(problems)


def test_one_version_number():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "aecourse.__version__"}


# ------------------------------------------------------------------------- the wheel


def source_files():
    """Files of the source tree the wheel must hold (paths relative to the repository)."""
    modules = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    results = PACKAGE / "bench" / "results"
    data = {p.relative_to(ROOT).as_posix() for p in results.glob("*") if p.suffix in RESULT_SUFFIXES}
    return modules | data


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build the wheel without network, from a copy of what the build reads."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(PACKAGE, src / "aecourse", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                             "--no-index", "--quiet", "--wheel-dir", str(tmp / "dist"), str(src)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = (tmp / "dist").glob("aecourse-*.whl")
    return path


def test_wheel_holds_every_module_and_nothing_else(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = source_files() - names
    assert not missing, f"the wheel lacks: {sorted(missing)}"
    stray = {n for n in names if not n.startswith(("aecourse/", "aecourse-"))}
    assert not stray, f"the wheel holds files outside the package: {sorted(stray)}"
    assert any(n.startswith("aecourse/exercises/ch") for n in names)


def test_wheel_metadata(wheel):
    import aecourse

    with zipfile.ZipFile(wheel) as archive:
        (meta_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = archive.read(meta_name).decode()
    assert f"\nVersion: {aecourse.__version__}\n" in meta
    assert wheel.name.startswith(f"aecourse-{aecourse.__version__}-")
    requires = [Requirement(line.split(":", 1)[1].strip()) for line in meta.splitlines()
                if line.startswith("Requires-Dist:")]
    core = {canonicalize_name(r.name) for r in requires if r.marker is None or "extra" not in str(r.marker)}
    assert {"keras", "numpy", "scipy", "scikit-learn", "matplotlib", "mlxtend"} <= core
    assert "pandas" not in core, "pandas is for the chapters: the chapters extra"
    for extra in ("chapters", "book", "lab", "test"):
        assert f"\nProvides-Extra: {extra}\n" in meta


# ------------------------------------------------- non-editable install, outside the repo


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the wheel installed; third-party packages borrowed by a .pth file."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Install first, while the new environment sees nothing but itself (no aecourse).
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                             "--no-index", "--quiet", str(wheel)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    borrowed = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    # A path line in a .pth file adds the folder only: the editable install's own .pth
    # file in that folder (its import hook) is not run, so aecourse comes from the wheel.
    Path(site, "zz_borrowed_packages.pth").write_text("\n".join(borrowed) + "\n")
    outside = tmp / "outside"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(AECOURSE_OFFLINE="1", PYTHONHASHSEED="0", MPLBACKEND="Agg", PYTHONNOUSERSITE="1")
    return venv, python, outside, env


def run_in(installed, code, *args, env=None):
    venv, python, outside, base_env = installed
    result = subprocess.run([str(python), "-c", code, *args], cwd=outside, capture_output=True, text=True,
                            env={**base_env, **(env or {})}, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def public_modules():
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "__pycache__" in path.parts or any(p.startswith("_") for p in parts):
            continue
        names.append(".".join(parts))
    return names


def test_installed_package_is_the_wheel(installed):
    venv = installed[0]
    out = run_in(installed, "import aecourse, importlib.metadata as m, json, sys; "
                            "print(aecourse.__file__); print(m.version('aecourse')); print(json.dumps(sys.path))")
    location, version, path = out.splitlines()[:3]
    assert Path(location).resolve().is_relative_to(venv.resolve()), f"aecourse imported from {location}"
    assert str(ROOT) not in [p.rstrip("/") for p in json.loads(path)], "the repository is on sys.path"
    import aecourse

    assert version == aecourse.__version__


def test_every_public_module_imports_from_the_wheel(installed):
    venv = installed[0]
    modules = public_modules()
    assert {"aecourse", "aecourse.exercises", "aecourse.data"} <= set(modules)
    code = ("import importlib, json, sys, aecourse; aecourse.quiet_tensorflow(); "
            "print(json.dumps({n: importlib.import_module(n).__file__ for n in sys.argv[1:]}))")
    files = json.loads(run_in(installed, code, *modules).splitlines()[-1])
    elsewhere = {n: f for n, f in files.items() if not Path(f).resolve().is_relative_to(venv.resolve())}
    assert not elsewhere, f"imported from outside the new environment: {elsewhere}"


def test_benchmark_results_ship_with_the_package(installed):
    results = PACKAGE / "bench" / "results"
    expected = sorted(p.name for p in results.glob("*") if p.suffix in RESULT_SUFFIXES)
    if not expected:
        pytest.skip("aecourse/bench/results/ holds no stored results")
    code = ("import importlib.resources as r, json; "
            "print(json.dumps(sorted(p.name for p in r.files('aecourse.bench').joinpath('results').iterdir())))")
    shipped = json.loads(run_in(installed, code).splitlines()[-1])
    assert set(expected) <= set(shipped), f"missing from the installed package: {set(expected) - set(shipped)}"


def test_a_chapter_with_exercises_runs_from_the_wheel(installed):
    venv, python, outside, _ = installed
    chapter = outside / CHAPTER.name
    shutil.copy2(CHAPTER, chapter)
    stored = nbformat.read(CHAPTER, as_version=4)
    checks = {i: c for i, c in enumerate(stored.cells) if c.cell_type == "code" and CHECK_CELL.search(c.source)}
    assert checks, f"{CHAPTER.name} has no exercise check cell"
    # A kernel that runs the new environment's Python, whatever kernels this machine has.
    kernels = outside.parent / "jupyter" / "kernels" / "aecourse-wheel"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "aecourse from the wheel", "language": "python"}))
    code = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import aecourse, sys\\nprint(aecourse.__file__)\\nprint(sys.executable)"))
NotebookClient(nb, kernel_name="aecourse-wheel", timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
nbformat.write(nb, path)
"""
    run_in(installed, code, str(chapter), env={"JUPYTER_PATH": str(kernels.parent.parent),
                                               "JUPYTER_DATA_DIR": str(outside.parent / "jupyter-data")})
    ran = nbformat.read(chapter, as_version=4)
    for i, cell in enumerate(ran.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"cell {i} failed: {out.get('ename')}: {out.get('evalue')}"
    location, executable = ran.cells[-1].outputs[0].text.split()
    assert Path(location).resolve().is_relative_to(venv.resolve()), f"the kernel imported aecourse from {location}"
    assert Path(executable).parent == python.parent, f"the kernel ran {executable}"

    def text(outputs):
        return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)

    for i, cell in checks.items():
        verdict = text(ran.cells[i].outputs)
        assert verdict and verdict == text(cell.outputs), (
            f"exercise check cell {i} ({cell.source.strip()}) printed {verdict!r}, stored {text(cell.outputs)!r}"
        )
