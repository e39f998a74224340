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

## demo: fake API → ingest → dbt build → summary, into warehouse/demo.duckdb (no credentials), and
## the report warehouse/demo-report.html (it prints the path).
demo: install
	$(BIN)/halo demo

## test: lint + the whole suite (unit, real HTTP on loopback, real dbt builds, the report in a real
## browser), one pytest-xdist worker per core (at most 4); a test file runs whole on one worker (its
## module fixtures once). Tests install the Debian tools they need when missing (chromium,
## faketime: as root, apt-get). The slowest tests are listed at the end, to keep the suite within
## its 15-minute budget.
TEST_WORKERS ?= auto
test: install lint
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile --durations 25

## lint: ruff (Python) and SQLFluff (the dbt SQL: models, macros, singular tests; config in .sqlfluff).
lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint models macros tests/dbt --disable-progress-bar

## bench: heavy benchmarks (not part of `make test`); results go to BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) target logs .pytest_cache .ruff_cache warehouse/*.duckdb warehouse/*.wal warehouse/*.lock warehouse/*.html warehouse/export
