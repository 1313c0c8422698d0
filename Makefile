# The project's commands. Each one creates .venv and installs what it needs first.
#   make book      build the book into _build/html (executes changed chapters)
#   make test      the whole test suite: unit tests, every chapter under nbval, book build
#   make execute   re-run the chapters in place to refresh their stored outputs
# Optional system step (Debian/Ubuntu, as root): make system-data

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.aecourse-installed

# Quiet TensorFlow on CPU-only machines; figures inline (no MPLBACKEND in kernels);
# the same data everywhere the book is built (see README, "Data").
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export AECOURSE_OFFLINE ?= 1
export PYTHONHASHSEED := 0
unexport MPLBACKEND

.PHONY: install book test execute system-data clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

book: install
	$(BIN)/jupyter-book build . --all -W --keep-going

test: install
	$(BIN)/python -m pytest

execute: install
	$(BIN)/python tools/execute_chapters.py $(CHAPTERS)

system-data:
	@if [ -d /usr/share/datasets/fashion-mnist ]; then echo "Fashion-MNIST files already installed"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >/dev/null; }; \
	  echo "installed Debian's dataset-fashion-mnist"; \
	else echo "skipping: needs apt-get as root (sudo make system-data)"; fi

clean:
	rm -rf _build .pytest_cache
