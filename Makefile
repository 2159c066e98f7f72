# The two commands of the README: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test install deps assets browser services db demo lint format bench clean check

## run: install everything, prepare the database and the demo studio, serve on :8000
run: install services db demo
	@bash scripts/run_dev.sh

## test: install everything, lint, and run the whole suite (browser tests included)
test: install browser services lint
	@DJANGO_SETTINGS_MODULE=config.settings.test bash scripts/run_tests.sh

install: deps assets

# Locked Python dependencies (requirements.lock, generated with `uv pip compile`).
deps: $(BIN)/.deps-stamp
$(BIN)/.deps-stamp: requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	@$(UV) pip sync --quiet --python $(BIN)/python requirements.lock
	@$(UV) pip install --quiet --python $(BIN)/python uv==0.13.8
	@touch $@

# Browser packages from npm, copied into static/vendor (not committed).
assets: static/vendor/.stamp
static/vendor/.stamp: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent
	@mkdir -p static/vendor
	@cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	@cp node_modules/@event-calendar/build/dist/event-calendar.min.js \
		node_modules/@event-calendar/build/dist/event-calendar.min.css static/vendor/
	@cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/
	@touch $@

# Debian's Chromium for the browser tests (a test tool's own browser download does not work here).
browser:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| { echo "Could not install chromium: run 'sudo apt-get install chromium' and retry."; exit 1; }; }

services:
	@bash scripts/ensure_services.sh

db:
	@bash scripts/ensure_database.sh
	@$(BIN)/python manage.py migrate_schemas --shared -v 0
	@$(BIN)/python manage.py platform_bootstrap
	@$(BIN)/python manage.py migrate_schemas --tenant -v 0

demo:
	@$(BIN)/python manage.py seed_demo

lint:
	@$(BIN)/ruff format --check .
	@$(BIN)/ruff check .
	@$(BIN)/lint-imports --no-cache
	@DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy config tenants shared_apps tenant_apps realtime billing

format:
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

## bench: measured budgets (not timed tests); prints figures and ratios against a same-run baseline
bench: install services
	@DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest tests/benchmarks -p no:cacheprovider -s -q -o addopts=""

clean:
	rm -rf $(VENV) node_modules static/vendor var
