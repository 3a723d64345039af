# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint screenshots benchmark clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "mtcalm needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-app

## Install (first time only) and open the app.
run: $(VENV)/.installed-app
	$(BIN)/mtcalm

## Install (first time only) and run the whole test suite headless.
test: $(VENV)/.installed-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

## Screenshots of every screen from a real window under Xvfb (needs xvfb-run).
screenshots: $(VENV)/.installed-dev
	xvfb-run -a -s '-screen 0 1280x800x24' env QT_QPA_PLATFORM=xcb $(BIN)/python tools/screenshots.py docs/screenshots
	xvfb-run -a -s '-screen 0 800x600x24' env QT_QPA_PLATFORM=xcb $(BIN)/python tools/screenshots.py docs/screenshots/800x600
	xvfb-run -a -s '-screen 0 1280x800x24' env QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1.5 $(BIN)/python tools/screenshots.py docs/screenshots/scale-1.5

benchmark: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/audio.py
	$(BIN)/python benchmarks/backup.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
