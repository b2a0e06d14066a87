# eagraph — `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export PYTHONDONTWRITEBYTECODE := 1

# neo4j-install / neo4j-start / neo4j-stop / neo4j-status; exports NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD.
include dev/neo4j/neo4j.mk

.PHONY: help install run test lint unit parse load eval browser-deps interchange-deps bench bench-quick bench-deps clean lock audit loadtest cli-docs doctor
.DEFAULT_GOAL := help

help:
	@echo "make run           install, load the seed into the in-memory store, serve API + page on $(HOST):$(PORT)"
	@echo "make test          install, lint, start Neo4j, run every test (CI=true: none may skip), stop Neo4j"
	@echo "make lint          ruff + mypy"
	@echo "make doctor        what is missing on this machine (Python, venv, portfolio, Neo4j, Java, chromium, port)"
	@echo "make cli-docs      regenerate docs/cli.md from the CLI itself (make test checks it is current)"
	@echo "make interchange-deps  the ecosystem readers of tests/interchange/ (npm ci into node_modules/, chromium)"
	@echo "make parse         print the parsed seed portfolio"
	@echo "make neo4j-start   start the dev Neo4j (bolt $(NEO4J_URI), Browser http://127.0.0.1:$(NEO4J_HTTP_PORT)/browser/)"
	@echo "make load          load the seed into that Neo4j (eagraph load)"
	@echo "make eval          extraction against the gold corpus: precision, recall, F1, direction per document"
	@echo "                   and phrase family; writes bench/results/extraction.{md,json}"
	@echo "make neo4j-stop    stop it"
	@echo "make loadtest      60 s of mixed queries on loopback; p99 into bench/results/loadtest.json"
	@echo "make audit         known vulnerabilities of requirements.lock (needs the vulnerability service)"
	@echo "make lock          pin requirements.lock to the installed, tested versions"
	@echo "make bench         the full benchmark (1k/10k/100k nodes; starts and stops Neo4j): bench/results/full.*"
	@echo "make bench-quick   the same in under three minutes (Neo4j at 10k nodes): bench/results/quick.*"

# The venv is rebuilt whenever pyproject.toml or the lock changes; every version comes from the lock.
$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
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

load: install
	$(BIN)/eagraph load

# How well the loader reads documents other people wrote: tests/extraction/corpus/ against its gold files.
eval: install
	$(BIN)/python -m bench.extraction

lint: install
	$(BIN)/ruff check app graph loaders tests bench dev/lock.py dev/answers.py
	$(BIN)/ruff format --check app graph loaders tests bench dev/lock.py dev/answers.py
	$(BIN)/mypy

# docs/cli.md is generated from the CLI (typer's own renderer); tests/app/test_cli_formats.py checks it is current.
doctor: install
	$(BIN)/eagraph doctor

cli-docs: install
	COLUMNS=100 NO_COLOR=1 $(BIN)/python -m typer app.cli utils docs --name eagraph --output docs/cli.md

# Debian's chromium for the Neo4j Browser test (Playwright drives it; no browser is ever downloaded).
# Without root it cannot be installed: fine on a laptop (that test skips), an error under CI=true.
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then \
	    echo "browser-deps: $(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "browser-deps: installing Debian's chromium"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    [ -x "$(CHROMIUM)" ] || { echo "browser-deps: apt-get installed no $(CHROMIUM)" >&2; exit 1; }; \
	elif [ "$${CI:-}" = true ]; then \
	    echo "browser-deps: $(CHROMIUM) is missing and only root can install it (apt-get install chromium)" >&2; exit 1; \
	else \
	    echo "browser-deps: $(CHROMIUM) is missing and this is not root: the Browser test will skip"; \
	fi

# The readers tests/interchange/ checks the exports with: pyArchimate and python-igraph come with the venv
# (requirements.lock); @backstage/catalog-model and @mermaid-js/mermaid-cli are `npm ci`-ed from
# package-lock.json into node_modules/ (.npmrc: no install scripts, so puppeteer downloads no browser;
# mermaid-cli drives Debian's chromium from browser-deps). Node and npm come from Debian when missing and
# root; otherwise those tests skip (an error under CI=true).
NPM_STAMP := node_modules/.installed
interchange-deps: install browser-deps
	@if ! command -v npm >/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "interchange-deps: installing Debian's nodejs and npm"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	    elif [ "$${CI:-}" = true ]; then \
	        echo "interchange-deps: npm is missing and only root can install it (apt-get install nodejs npm)" >&2; exit 1; \
	    else \
	        echo "interchange-deps: npm is missing and this is not root: the Node interchange tests will skip"; exit 0; \
	    fi; \
	fi; \
	if [ ! -f $(NPM_STAMP) ] || [ package-lock.json -nt $(NPM_STAMP) ] || [ package.json -nt $(NPM_STAMP) ]; then \
	    echo "interchange-deps: npm ci (@backstage/catalog-model, @mermaid-js/mermaid-cli)"; \
	    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NPM_STAMP); \
	fi

# Every test without a server; the Neo4j ones skip unless one is running.
unit: install
	$(BIN)/pytest -q

# The whole suite against a real Neo4j. CI=true for pytest: Neo4j is up, so no Neo4j test may skip.
# Neo4j is stopped afterwards whatever the tests did.
test: lint browser-deps interchange-deps
	@$(MAKE) --no-print-directory neo4j-start
	@rc=0; CI=true $(BIN)/pytest -q || rc=$$?; \
	    $(MAKE) --no-print-directory neo4j-stop; \
	    exit $$rc

# After changing dependencies in pyproject.toml: install them, run the tests, then pin what was tested.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev,audit]'
	$(BIN)/python dev/lock.py

# Not part of `make test`: it needs the vulnerability service, which CI and some machines cannot reach.
# --strict: a dependency that could not be checked fails the audit instead of passing unchecked.
audit: install
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[audit]'
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict --progress-spinner off

# A bounded load test on loopback (fixed duration and concurrency, the in-memory store); the suite runs a
# short one too (tests/reliability/test_load.py).
loadtest: install
	$(BIN)/python bench/loadtest.py --duration 60 --out bench/results/loadtest.json
# Benchmarks (bench/run.py): never part of `make test`. wrk from Debian drives the HTTP part (installed when
# root); Neo4j is started for the run and stopped afterwards, and its database is emptied.
bench-deps:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "bench-deps: installing Debian's wrk"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
	    echo "bench-deps: wrk is missing and only root can install it (apt-get install wrk)" >&2; exit 1; \
	fi

bench bench-quick: install bench-deps
	@$(MAKE) --no-print-directory neo4j-start
	@rc=0; $(BIN)/python -m bench.run $(if $(filter bench-quick,$@),--quick) || rc=$$?; \
	    $(MAKE) --no-print-directory neo4j-stop; \
	    exit $$rc

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
