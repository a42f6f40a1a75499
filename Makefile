# Two commands for users: `make report` and `make test`. Both create/refresh .venv from PyPI only.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.planlib-installed

.PHONY: report test lint process clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/planlib process
	$(BIN)/planlib build

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks

process: $(STAMP)
	$(BIN)/planlib process

clean-venv:
	rm -rf $(VENV)
