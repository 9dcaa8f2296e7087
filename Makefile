# Two commands do all the set-up: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6.1 needs Python >= 3.12; the machine's default python3 may be older, so look for one.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --build-constraint build-constraints.txt
CHROMIUM := /usr/bin/chromium

.PHONY: run serve test lint bench install install-dev chromium pdf-libs clean

run: $(VENV)/.installed pdf-libs
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	bin/with-worker $(BIN)/python manage.py runserver 127.0.0.1:8000

# The production server (gunicorn, DEBUG=0) and the task worker, on 127.0.0.1:8000.
serve: $(VENV)/.installed pdf-libs
	bin/serve

# Two pytest-xdist workers, one per core here: about 7 minutes instead of 10 (each has its own
# test database, media folder and live server).
TEST_WORKERS ?= 2

test: $(VENV)/.installed-dev chromium pdf-libs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev pdf-libs
	$(BIN)/python bench/run.py
	$(BIN)/python bench/marking.py
	$(BIN)/python bench/upload_memory.py
	$(BIN)/python bench/s3_upload.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/release_diff.py
	$(BIN)/python bench/validation_plans.py
	$(BIN)/python bench/outcomes.py
	$(BIN)/python bench/retention.py
	$(BIN)/python bench/retention_scale.py
	$(BIN)/python bench/report_pages.py

$(VENV)/bin/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6.1). Install it, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.3"

$(VENV)/.installed: requirements.txt build-constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# WeasyPrint subsets the forms' fonts with HarfBuzz when Debian's libharfbuzz-subset0 is present:
# PDFs come out about 2.7 times faster and smaller.
pdf-libs:
	@if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
		echo "Installing Debian's libharfbuzz-subset0 for WeasyPrint"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libharfbuzz-subset0 >/dev/null; \
	fi

clean:
	rm -rf $(VENV) db.sqlite3 var artifacts
