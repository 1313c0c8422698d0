"""The chapter checks of conftest.py fail when they should: a trained number outside its
tolerance, changed text, a broken exercise solution, missing data under CI's rule."""

import textwrap
from pathlib import Path

import nbformat
import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = (ROOT / "conftest.py").read_text()
SANITIZE = ROOT / "tests" / "sanitize.cfg"


def code(source, outputs=(), tags=(), **metadata):
    cell = nbformat.v4.new_code_cell(textwrap.dedent(source).strip())
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in outputs]
    cell.metadata.update(metadata)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells, **metadata):
    nb = nbformat.v4.new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells, 1):
        cell.execution_count = i
    nb.metadata.update(metadata)
    return nbformat.writes(nb)


def run(pytester, nb_text, *, missing_fashion=False, env=None):
    plugin = PLUGIN + ("\n_available['fashion_mnist'] = False\n" if missing_fashion else "")
    pytester.makeconftest(plugin)
    pytester.makefile(".ipynb", chapter=nb_text)
    pytester._monkeypatch.delenv("AECOURSE_REQUIRE_DATA", raising=False)  # CI sets it; each test decides
    for key, value in (env or {}).items():
        pytester._monkeypatch.setenv(key, value)
    return pytester.runpytest_subprocess("chapter.ipynb", "--nbval-current-env", "-p", "no:cacheprovider",
                                         f"--nbval-sanitize-with={SANITIZE}", "-rA")


TRAINED = {"nbval-tolerance": {"rtol": 0.02, "atol": 0.0}}


def test_trained_number_within_tolerance_passes(pytester):
    nb = notebook([code('print("test BCE 0.1250   test MSE 0.0201")', ["test BCE 0.1240   test MSE 0.0199\n"],
                        tags=["nbval-check-output"], **TRAINED)])
    run(pytester, nb).assert_outcomes(passed=1)


def test_trained_number_outside_tolerance_fails(pytester):
    nb = notebook([code('print("test BCE 0.1300")', ["test BCE 0.1240\n"], tags=["nbval-check-output"], **TRAINED)])
    result = run(pytester, nb)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*0.13*stored 0.1240*outside the tolerance*"])


def test_text_around_numbers_must_match(pytester):
    nb = notebook([code('print("lower test MSE: PCA 0.0156")', ["lower test MSE: the autoencoder 0.0156\n"],
                        tags=["nbval-check-output"], **TRAINED)])
    result = run(pytester, nb)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the text around the numbers differs*"])


def test_exact_cells_stay_exact_and_untagged_cells_are_free(pytester):
    nb = notebook([code('print(222_384 + 1)', ["222384\n"], tags=["nbval-check-output"]),
                   code('print(1)', ["2\n"])])
    result = run(pytester, nb)
    result.assert_outcomes(failed=1, passed=1)


EXERCISE = '''
from aecourse.exercises import Exercise, check_number
ex = Exercise("Exercise 0.1: two", lambda x: check_number(x, 2, what="the answer"), solution={solution!r})
'''


@pytest.mark.parametrize("solution, outcome", [("answer = 1 + 1", "passed"), ("answer = 3", "failed"),
                                               ("answer = undefined_name", "failed"), ("other = 2", "failed")])
def test_published_solutions_are_run_and_checked(pytester, solution, outcome):
    cells = [code(EXERCISE.format(solution=solution)), code("import types\nch00 = types.SimpleNamespace(two=ex)"),
             code("from aecourse.exercises import ____\nanswer = ____"),
             code("ch00.two.check(answer)")]
    result = run(pytester, notebook(cells))
    result.assert_outcomes(**{"passed": 4 + (outcome == "passed"), **({"failed": 1} if outcome == "failed" else {})})
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*solution of ch00.two*"])


def test_missing_data_skips_with_the_command_and_fails_under_ci(pytester):
    nb = notebook([code('print(1)', ["1\n"], tags=["nbval-check-output"])], aecourse={"needs": ["fashion_mnist"]})
    skipped = run(pytester, nb, missing_fashion=True)
    skipped.assert_outcomes(skipped=1)
    skipped.stdout.fnmatch_lines(["*needs fashion_mnist*`make data` provides it*"])
    failed = run(pytester, nb, missing_fashion=True, env={"AECOURSE_REQUIRE_DATA": "1"})
    failed.assert_outcomes(failed=1)
