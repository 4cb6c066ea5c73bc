# One command per job. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= luoshi.db
PORT ?= 8000
export LUOSHI_DATABASE_URL ?= sqlite:///$(abspath $(DB))

.PHONY: setup run test lint typecheck bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)  ## create the virtualenv and install luoshi with its dev tools

run: setup  ## migrate, import the seed plans, print the register, create the demo admin, serve
	$(BIN)/luoshi db upgrade
	$(BIN)/luoshi import data/seeds/*.txt
	$(BIN)/luoshi summary
	$(BIN)/luoshi user demo-admin
	$(BIN)/luoshi serve --host 127.0.0.1 --port $(PORT)

lint: setup  ## ruff
	$(BIN)/ruff check src tests benchmarks

typecheck: setup  ## mypy, strict on the package
	$(BIN)/mypy

system-deps:  ## Debian's chromium for the browser tests (installed when missing and we may)
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test: lint typecheck system-deps  ## lint, typecheck and the test suite
	$(BIN)/pytest -q

bench: setup  ## print the figures the README quotes
	$(BIN)/python benchmarks/extraction_speed.py
	$(BIN)/python benchmarks/extraction_quality.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
