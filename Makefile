# Lacrima: `make run` serves the app with demo data, `make test` runs lint and the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install browser bench validate e2e clean

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

## The whole suite on SQLite; then, when LACRIMA_TEST_POSTGRES is set (as in CI), every
## test that touches the database again on PostgreSQL.
test: install browser lint
	env -u LACRIMA_TEST_POSTGRES $(BIN)/pytest
	@if [ -n "$$LACRIMA_TEST_POSTGRES" ]; then \
	  echo "== again on PostgreSQL ($$LACRIMA_TEST_POSTGRES)"; \
	  $(BIN)/pytest tests/web tests/browser; fi

e2e: install browser
	$(BIN)/pytest -m browser

## Speed and accuracy against NeuroKit2 and the floors; prints medians and ratios.
bench: install
	$(BIN)/python benchmarks/beats_accuracy.py
	$(BIN)/python benchmarks/bench_physio.py
	$(BIN)/python benchmarks/bench_sp.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_dashboard.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
	$(BIN)/python benchmarks/bench_batch.py

## The S-P model against real (Stress-Predict) and simulated sessions (docs/validation.md).
validate: install
	$(BIN)/python benchmarks/validate_stress_predict.py
	$(BIN)/python benchmarks/validate_sim.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
