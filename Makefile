# eagraph — `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run test lint unit parse clean

help:
	@echo "make run     install, load the seed into the in-memory store, serve API + page on $(HOST):$(PORT)"
	@echo "make test    install, lint, run every test"
	@echo "make lint    ruff + mypy"
	@echo "make parse   print the parsed seed portfolio"

# The venv is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

run: install
	@echo "eagraph: web explorer on http://$(HOST):$(PORT)/ and API docs on http://$(HOST):$(PORT)/docs; try:"
	@echo "  curl -s 'http://$(HOST):$(PORT)/api/v1/impact?down=hINT'"
	@echo "  curl -s 'http://$(HOST):$(PORT)/api/v1/paths?from=Praksisinfo&to=HelseID'"
	@echo "  curl -s 'http://$(HOST):$(PORT)/api/v1/nodes?q=tjenesteportalen'"
	$(BIN)/eagraph serve --store memory --host $(HOST) --port $(PORT)

parse: install
	$(BIN)/eagraph parse

lint: install
	$(BIN)/ruff check app graph loaders tests
	$(BIN)/ruff format --check app graph loaders tests
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
