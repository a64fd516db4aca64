# Lectern's verbs. A newcomer needs two: `make run` and `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

# Development settings for everything started from here; production sets its own environment.
export DJANGO_DEBUG ?= true
export PYTHONDONTWRITEBYTECODE := 1

# Find a Python >= 3.12: the usual names on PATH first (pyenv's shims honour .python-version),
# then any pyenv-installed version.
define FIND_PYTHON
for candidate in python3.13 python3.12 python3.14 python3 \
    $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if command -v "$$candidate" >/dev/null 2>&1 && \
     "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

# What pip cannot install: Debian packages the tests drive (the browser, the reverse proxy, Redis),
# as command -> package.
SYSTEM_TOOLS := chromium:chromium nginx:nginx-light redis-server:redis-server wrk:wrk
SYSTEM_EXTRAS := fonts-dejavu-core fonts-noto-color-emoji

.PHONY: help run worker test lint fmt demo bench stop-db reset check-port venv venv-dev superuser \
	shell manage system-deps backup restore

help:
	@echo "make run      start the site with demo content at http://127.0.0.1:$(PORT)"
	@echo "make worker   run the task worker (mail, digests) as production does"
	@echo "make test     run linters, checks and the whole test suite"
	@echo "make lint     ruff check and format check"
	@echo "make fmt      format and fix the code with ruff"
	@echo "make demo     (re)load the demo content"
	@echo "make superuser  create an admin account (manage.py createsuperuser)"
	@echo "make shell    a Django shell on the development database"
	@echo "make manage ARGS=\"...\"  any manage.py command, e.g. ARGS=\"showmigrations blog\""
	@echo "make bench    the essay page and posting under load, against nginx's limit (bench/)"
	@echo "make bench ONLY=bench_comments   another benchmark in bench/ (ONLY=all: every one)"
	@echo "make stop-db  stop the embedded Postgres"
	@echo "make reset    wipe the embedded Postgres and reload the demo content"
	@echo "make backup   write the database and media to backups/lectern-….tar.gz"
	@echo "make restore FILE=backups/….tar.gz   replace the database and media by a backup"

# A venv whose python does not run (left half-made by a killed run) is removed and rebuilt.
ifneq ($(shell $(PY) -c 'print("ok")' 2>/dev/null),ok)
$(shell rm -rf $(VENV))
endif

$(VENV)/.created:
	@python=$$( $(FIND_PYTHON) ) || { \
	  echo "Lectern needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or your system's python3.13 package) and run make again."; \
	  exit 1; }; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	@touch $@

$(VENV)/.runtime-installed: requirements.txt $(VENV)/.created
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.created
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed
venv-dev: $(VENV)/.dev-installed

check-port:
	@$(PY) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); sys.exit(s.connect_ex(("127.0.0.1", $(PORT))) == 0)' || { \
	  echo "Port $(PORT) is already in use (another 'make run'?). Stop that program, or choose another port: PORT=8001 make run"; \
	  exit 1; }

run: venv check-port
	$(PY) -m config.embedded_db start
	$(PY) manage.py demo --migrate
	@echo ""
	@echo "Lectern is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops the web server; 'make stop-db' stops the database)"
	@echo "  Readers: browse as you are. Members: the dashed 'Demo member' button under any essay signs you in."
	@echo "  Editors and moderators: create an admin account with 'make superuser', then open http://127.0.0.1:$(PORT)/admin/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The task worker as production runs it, on the database queue. `make run` runs tasks at once;
# start it as `TASKS_BACKEND=$(DB_TASKS) make run` to queue them for this worker instead.
DB_TASKS := django_tasks_db.DatabaseBackend
worker: venv
	$(PY) -m config.embedded_db start
	$(PY) manage.py migrate --noinput
	@echo "Worker running; the site queues work for it when started as: TASKS_BACKEND=$(DB_TASKS) make run"
	TASKS_BACKEND=$(DB_TASKS) $(PY) manage.py db_worker

demo: venv
	$(PY) manage.py demo --migrate

# manage.py with the development environment (DJANGO_DEBUG, the embedded Postgres) already set.
superuser: venv
	$(PY) manage.py createsuperuser

shell: venv
	$(PY) manage.py shell

manage: venv
	$(PY) manage.py $(ARGS)

# Installs the missing tools when it can (root with apt-get, as in CI); otherwise one line says what
# to install.
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/$${pair%%:*}" ] || missing="$$missing $${pair#*:}"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing what the tests need:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing $(SYSTEM_EXTRAS) >/dev/null; \
	else \
	  echo "The tests need these Debian/Ubuntu packages; install them and run make test again: sudo apt-get install$$missing"; \
	  exit 1; \
	fi

# Everything runs inside one database session: a Postgres started for the run is stopped after it.
test: venv-dev system-deps
	$(PY) -m config.embedded_db session -- $(MAKE) --no-print-directory _test

# Two pytest-xdist workers: much of the suite waits on servers, browsers and subprocesses, so two
# overlap well even on two cores (tests/conftest.py says how tests are handed out).
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

_test: lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest --numprocesses=$(TEST_WORKERS) $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The essay page per viewer against nginx's limit, and posting (bench/bench_scale.py), a few
# minutes at the defaults; ONLY=bench_comments (or a list, or all) runs other benches instead.
bench: venv-dev system-deps
	ONLY="$(ONLY)" $(PY) -m config.embedded_db session -- $(PY) -m bench

# Whatever database the settings use: the embedded one, or DATABASE_URL's.
backup: venv
	@$(PY) -m config.backup dump

restore: venv
	@$(PY) -m config.backup restore "$(FILE)" $(if $(YES),--yes)

stop-db: venv
	$(PY) -m config.embedded_db stop

reset: venv
	$(PY) -m config.embedded_db stop
	rm -rf .pgdata
	$(MAKE) --no-print-directory demo
