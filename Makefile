# The two set-up commands (see README): `make demo` and `make test`.
PYTHON ?= python3
# make demo PORT=8080 serves on another port
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'

# Installs, migrates, loads regions and the NTT demo, prints the demo logins, serves on 127.0.0.1:8000.
demo: install
	$(BIN)/lindung demo --port $(PORT)

# Installs the development dependencies and runs the whole suite on SQLite and on a throwaway PostgreSQL.
test: install-dev
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check lindung tests bench
