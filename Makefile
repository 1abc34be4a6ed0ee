# The two commands: `make run` and `make test`. Both create .venv and install the package
# with its dev extras the first time (and again only when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install migrate bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Applies migrations, then serves the configured channels (console demo when none is set).
run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Style and types: Ruff's rules and its formatter, then mypy (configured in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

migrate: $(STAMP)
	$(PY) -m bot migrate

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
