# Two commands on a fresh machine (Python 3.11 + make):  `make demo`  and  `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

## demo: fake API → ingest → dbt build → summary, into warehouse/demo.duckdb (no credentials).
demo: install
	$(BIN)/halo demo

## test: lint + the whole suite (unit, real HTTP on loopback, real dbt builds).
test: install lint
	$(BIN)/pytest

## lint: ruff (Python) and SQLFluff (the dbt SQL: models, macros, singular tests; config in .sqlfluff).
lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint models macros tests/dbt --disable-progress-bar

## bench: heavy benchmarks (not part of `make test`); results go to BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) target logs .pytest_cache .ruff_cache warehouse/*.duckdb warehouse/*.wal warehouse/*.lock
