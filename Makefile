# Trefpunt leermiddelen. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
EDITOR_EMAIL ?= redacteur@trefpunt.local

.DEFAULT_GOAL := help
.PHONY: help run test soak bench relevance lint format clean browser translations

help: ## show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed ## set up (venv, install, migrate, seed, index) and serve on http://127.0.0.1:5000
	$(BIN)/trefpunt init
	$(BIN)/trefpunt seed
	$(BIN)/trefpunt index rebuild
	$(BIN)/trefpunt user login --role admin --url http://$(HOST):$(PORT) $(EDITOR_EMAIL)
	$(BIN)/trefpunt serve --host $(HOST) --port $(PORT)

browser: ## install Debian's Chromium for the browser tests when it is missing
	@command -v /usr/bin/chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test: $(VENV)/.installed-test browser ## lint and type-check, then the whole suite (also on PostgreSQL when TREFPUNT_TEST_DATABASE_URL is set)
	$(BIN)/ruff check trefpunt tests bench
	$(BIN)/ruff format --check trefpunt tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

soak: $(VENV)/.installed-test ## the long runs at full scale: a 100,000-material import on serving instances (also on PostgreSQL when TREFPUNT_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -m soak $(PYTEST_ARGS)

# The benchmark needs the app and matplotlib, not the test tools: a fresh clone installs less before it.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $(VENV)/.installed $@

bench: $(VENV)/.installed-bench ## run the benchmark, under 15 min with the install (writes bench/results/; BENCH_ARGS="--sizes 110,1000")
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y -qq wrk >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1; } || \
	  echo "wrk is not available: the benchmark uses its Python load generator" >&2
	$(BIN)/python -m bench $(BENCH_ARGS)

relevance: $(VENV)/.installed-bench ## rank the judged queries: Trefpunt against BM25 (writes bench/relevance/results.md; RELEVANCE_ARGS="--per-query")
	$(BIN)/python -m bench.relevance $(RELEVANCE_ARGS)

lint: $(VENV)/.installed-test ## ruff check and format check, mypy over the catalogue and the search
	$(BIN)/ruff check trefpunt tests bench
	$(BIN)/ruff format --check trefpunt tests bench
	$(BIN)/mypy

format: $(VENV)/.installed-test ## format the code
	$(BIN)/ruff format trefpunt tests bench
	$(BIN)/ruff check --fix trefpunt tests bench

clean: ## remove the virtualenv and build output (not the instance folder)
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache

translations: $(VENV)/.installed-test ## extract messages, update the English catalogue and compile it
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k _l --no-location -o trefpunt/translations/messages.pot .
	$(BIN)/pybabel update -i trefpunt/translations/messages.pot -d trefpunt/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d trefpunt/translations
