# The two set-up commands of the README: `make demo` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/insidetrack demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/insidetrack makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/demo_generation.py

clean:
	rm -rf $(VENV) var test-results
