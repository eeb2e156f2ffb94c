# Plaza: `make demo` runs the demo network; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export PLAYWRIGHT_BROWSERS_PATH ?= 0

.PHONY: demo test install test-deps bench-deps lint format worker bench messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	mkdir -p var
	$(PY) manage.py compilemessages --ignore '.venv' -v0 || true
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo ""
	@echo "Plaza is running at http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# What the suite needs from Debian: Chromium (Playwright drives it; it never downloads a browser),
# gettext (compiled translations) and redis-server (the real-worker tests start one if none runs).
TEST_PACKAGES := chromium:chromium gettext:msgfmt redis-server:redis-server
test-deps:
	@missing=""; for pair in $(TEST_PACKAGES); do command -v $${pair#*:} >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

test: install test-deps
	$(PY) manage.py compilemessages --ignore '.venv' -v0
	PLAZA_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check plaza benchmarks

format: install
	$(VENV)/bin/ruff format plaza benchmarks

worker: install
	$(VENV)/bin/celery -A plaza worker --loglevel=info --concurrency=2

# What the benchmarks need from Debian: wrk, the load generator (a few microseconds of CPU a request, where
# the Python client costs a millisecond on the same cores); without it they fall back to the Python client.
BENCH_PACKAGES := wrk:wrk
bench-deps:
	@missing=""; for pair in $(BENCH_PACKAGES); do command -v $${pair#*:} >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/plaza_bench); no browser.
bench: install bench-deps
	$(PY) benchmarks/run.py $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l es -l fr -l pt --ignore '.venv/*' --ignore 'var/*' --ignore '*/tests/*'

clean:
	rm -rf var/plaza.sqlite3*
