# The project's commands (README, "Two commands"). Each one creates .venv and installs
# the package with its test and lab extras (pinned by constraints.txt) first.
#   make book      build the book into _build/html from the outputs stored in the chapters
#                  (no data, no training); `make book EXECUTE=1` runs `make execute` first
#   make test      `make data` (quietly), then the whole test suite
#   make execute   re-run chapters in place to refresh their stored outputs (CHAPTERS=...)
#   make data      get the full Fashion-MNIST if it can (never fails by itself)
#   make lab       JupyterLab on book/, to work through the chapters (LAB_ARGS=...)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.aecourse-installed
EXTRAS := test,lab

# The same data everywhere the chapters run (README, "Data"): no downloads, so MNIST
# chapters use the offline sample; a fixed hash seed; figures inline in the kernels.
export AECOURSE_OFFLINE ?= 1
export PYTHONHASHSEED := 0
unexport MPLBACKEND

.PHONY: install book test execute data lab clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[$(EXTRAS)]'
	touch $(STAMP)

# BUILDDIR=path puts _build/ somewhere else (the book test builds into a temporary folder).
book: install $(if $(filter 1 yes true,$(EXECUTE)),execute)
	$(BIN)/jupyter-book build . --all -W --keep-going $(if $(BUILDDIR),--path-output $(BUILDDIR))

test: install
	@$(BIN)/python tools/get_data.py --quiet
	$(BIN)/python -m pytest

execute: install
	$(BIN)/python tools/execute_chapters.py $(CHAPTERS)

data: install
	$(BIN)/python tools/get_data.py

# As root (a container, say), Jupyter refuses to start without --allow-root.
lab: install
	$(BIN)/jupyter lab --notebook-dir=book $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean:
	rm -rf _build .pytest_cache build dist
