# gridgov: `make run` serves the platform with demo data; `make test` runs every test.
# Both set everything up first (virtualenv, dependencies, migrations).

PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
STAMP := $(VENV)/.installed-stamp
# The worker of the configured task backend (GRIDGOV_TASKS_BACKEND): RQ's for "rq", else the database queue's.
TASK_WORKER = $(if $(filter rq,$(GRIDGOV_TASKS_BACKEND)),rqworker default,db_worker --interval 1)

.PHONY: setup run test bench faults lint format migrate demo messages clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: migrate
	$(BIN)/python manage.py load_demo --once
	$(BIN)/python manage.py demo_logins
	@echo "Serving on http://127.0.0.1:$(PORT)/ (with a task worker and the scheduler)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py $(TASK_WORKER) & \
	$(BIN)/python manage.py scheduler & \
	$(BIN)/python manage.py runserver --insecure --noreload 127.0.0.1:$(PORT)

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: setup
	@$(BIN)/python bench/run.py

# Reports under faults (killed workers, a held write lock): none lost, none doubled (JSON out).
faults: setup
	@$(BIN)/python bench/fault_test.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate and compile the zh-Hans message catalogues (needs GNU gettext).
messages: setup
	for d in gridgov/*/ ; do if [ -d $$d/locale ]; then (cd $$d && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete) || exit 1; fi; done
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete -i 'gridgov/core/*' -i 'gridgov/accounts/*' \
		-i 'gridgov/orgs/*' -i 'gridgov/geo/*' -i 'gridgov/catalogue/*' -i 'gridgov/cases/*' -i 'gridgov/open311/*' -i 'gridgov/enterprises/*' -i 'gridgov/insights/*' -i 'gridgov/party/*' -i 'gridgov/wishes/*' -i '.venv/*' -i 'var/*' -i 'bench/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache
