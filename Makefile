# Developer and CI entry points. Works on a fresh clone: the first `make run` or `make test`
# creates .venv, installs node_modules and builds the front-end assets.
#
#   make run     migrate, seed demo users, serve on http://127.0.0.1:$(PORT)
#   make test    the whole test suite (builds CSS/JS first: the browser tests need them)
#   make lint    ruff
#   make assets  npm ci + npm run build  ->  build/static/
#   make clean   built assets and caches;  make distclean  also .venv and node_modules

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS_STAMP := build/.built
FRONTEND_SOURCES := $(wildcard frontend/*)

.PHONY: help venv install weasyprint-deps assets run test lint clean distclean

help:
	@echo "make run | test | lint | assets | install | clean | distclean"
	@echo "  PORT=$(PORT)  PYTHON=$(PYTHON)  PYTEST_ARGS='$(PYTEST_ARGS)'"

# --- Python ------------------------------------------------------------------------------
venv install: $(VENV_STAMP)
	@$(BIN)/python -c "import weasyprint" >/dev/null 2>&1 || $(MAKE) --no-print-directory weasyprint-deps

$(VENV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# WeasyPrint (letters to PDF) needs Pango, HarfBuzz's subsetter and a font from Debian.
# Installed only when missing, and only as root; otherwise say what to install.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

weasyprint-deps:
	@missing=""; for pkg in $(WEASYPRINT_DEBS); do \
		dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "make: WeasyPrint needs Pango, HarfBuzz and the DejaVu fonts; install them" >&2; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "make: WeasyPrint needs:$$missing. Run: sudo apt-get install$$missing" >&2; exit 1; fi; \
	echo "make: installing for WeasyPrint:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y --no-install-recommends $$missing \
		|| { apt-get update && apt-get install -y --no-install-recommends $$missing; }

# --- Front end ---------------------------------------------------------------------------
assets: $(ASSETS_STAMP)

$(NODE_STAMP): package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund
	touch $@

$(ASSETS_STAMP): $(NODE_STAMP) $(FRONTEND_SOURCES)
	npm run build
	touch $@

# --- Run ---------------------------------------------------------------------------------
# DEMO=1: a dev SECRET_KEY, localhost only, mail as one line per message on the console, and
# DEBUG off, so the pages are the ones staff will see (the app's own 404, not Django's
# technical page listing every URL); static files are collected and served by WhiteNoise.
# `DEBUG=1 make run` for Django's debug pages. With REDIS_URL set, a Celery worker and beat
# run beside runserver and stop with it.
run: export DEMO ?= 1
run: install assets
	@set -euo pipefail; \
	if [ -n "$${DATABASE_URL:-}" ]; then db="$${DATABASE_URL%%://*} ($${DATABASE_URL#*@})"; \
	else db="SQLite (db.sqlite3)"; fi; \
	if [ -n "$${REDIS_URL:-}" ]; then queue="Redis, Celery worker + beat"; \
	else queue="eager (tasks run in the web process; set REDIS_URL for a worker)"; fi; \
	echo "make run: database: $$db; Celery: $$queue; DEMO=$${DEMO:-0} DEBUG=$${DEBUG:-0}"; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py seed_demo --url "http://127.0.0.1:$(PORT)/"; \
	case "$${DEBUG:-0}" in 1|true|True|yes|on) ;; *) $(BIN)/python manage.py collectstatic --noinput -v0 ;; esac; \
	pids=""; \
	if [ -n "$${REDIS_URL:-}" ]; then \
		beat_dir=$$(mktemp -d); \
		trap 'kill $$pids 2>/dev/null || true; wait $$pids 2>/dev/null || true; rm -rf "$$beat_dir"' EXIT; \
		$(BIN)/celery -A ucp worker -l info & pids="$$pids $$!"; \
		$(BIN)/celery -A ucp beat -l info --schedule "$$beat_dir/celerybeat-schedule" & pids="$$pids $$!"; \
	fi; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# --- Checks ------------------------------------------------------------------------------
# pytest's exit code 5 ("no tests collected") fails like any other. pytest-xdist runs the
# suite in one process per core (TEST_WORKERS=0: one process); --dist loadgroup keeps the
# browser tests together in one worker, with one Chromium.
test: TEST_WORKERS ?= auto
test: install assets
	@$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses=8 --dist loadgroup $(PYTEST_ARGS) || { rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
		exit $$rc; }

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf build staticfiles .pytest_cache .ruff_cache test-results $(NODE_STAMP)
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		-type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
