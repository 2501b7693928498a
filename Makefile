# Rathaus – the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install test test-stress lint format vendor bench worker beat clean lock

# Every dependency from the lock file, checked against its hashes; the project itself without
# dependencies (docs/operations.md "Locked installs"). `make lock` updates the lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	bash scripts/ensure-build-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --require-hashes -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	$(VENV)/bin/pip check
	touch $@

install: $(VENV)/.installed

setup: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo

run: setup
	@echo "Rathaus läuft auf http://$(HOST):$(PORT)/  (Strg+C beendet)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy rathaus/engines
	RATHAUS_TESTING=1 $(PY) manage.py makemigrations --check --dry-run -v0

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	bash scripts/test.sh

# The whole suite RUNS times (default 3) while stress-ng saturates every core.
test-stress: install
	RUNS=$(or $(RUNS),3) bash scripts/test-stress.sh

worker: install
	$(VENV)/bin/celery -A config worker -Q celery,solver -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

vendor:
	bash scripts/vendor.sh

bench: install
	@echo "see README: python bench/<name>.py --help"

clean:
	rm -rf var/*.sqlite3* var/static

# Pins every Python dependency (runtime and the dev extra) with hashes from pyproject.toml;
# `make lock UPGRADE=1` moves all pins to the newest allowed versions. Commit requirements.lock.
lock:
	test -x $(VENV)/bin/uv || { $(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q uv; }
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		--extra dev $(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" \
		--output-file requirements.lock pyproject.toml
