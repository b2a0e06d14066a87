# eagraph — `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run test lint unit parse clean

# make neo4j-start / neo4j-stop / neo4j-status; exports NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to the tests.
include dev/neo4j/neo4j.mk
.DEFAULT_GOAL := help

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
	$(BIN)/eagraph serve --store memory --host $(HOST) --port $(PORT)

parse: install
	$(BIN)/eagraph parse

lint: install
	$(BIN)/ruff check app graph loaders tests
	$(BIN)/ruff format --check app graph loaders tests
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

# The Neo4j tests need a server: fail under CI=true without one, skip elsewhere. `make test` starts it.
test: lint neo4j-start unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
