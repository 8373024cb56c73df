# Lacrima: `make run` serves the app with demo data, `make test` runs lint and the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install browser bench e2e clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium' (browser tests will be skipped)"; fi; }

run: install
	$(BIN)/lacrima migrate
	$(BIN)/lacrima demo
	$(BIN)/lacrima serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

test: install browser lint
	$(BIN)/pytest

e2e: install browser
	$(BIN)/pytest -m browser

bench: install
	$(BIN)/python benchmarks/beats_accuracy.py
	$(BIN)/python benchmarks/bench_physio.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
