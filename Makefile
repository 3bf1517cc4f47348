# aispend: `make demo` builds the sample warehouse and serves the dashboard; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
# Tools the project runs (dbt, from Dagster) are found in the project's environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export UV_NO_PROGRESS := 1
# Installed packages are compiled to bytecode once, at install: Python then never recompiles them at
# start-up, not even where it may not write bytecode (PYTHONDONTWRITEBYTECODE, read-only installs).
# Each dbt call, test worker and dashboard start is seconds faster.
export UV_COMPILE_BYTECODE := 1
# The browser test drives Debian's Chromium (Playwright's own browser download is not needed).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Test runs use their own data folder, never the demo's.
TEST_DATA := $(CURDIR)/.test-data
# Dagster keeps its run history beside the data it runs on.
DAGSTER_HOME ?= $(abspath $(or $(AISPEND_DATA_DIR),data))/dagster

.PHONY: help demo test test-spark lint format pytest dbt-test dbt-docs export-raw bench bench-ingest bench-pages dagster app clean

help: ## List every target
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

# --inexact: a sync for the demo keeps the Spark extra that a test run installed.
$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --python $(BIN)/python
	@touch $@

# The tests also build the dbt project on Spark: the `spark` extra (dbt-spark, pyspark).
$(VENV)/.synced-spark: $(VENV)/.synced
	$(BIN)/uv sync --frozen --inexact --extra spark --python $(BIN)/python
	@touch $@

demo: $(VENV)/.synced ## Generate a year of sample data, build the warehouse and serve the dashboard
	$(BIN)/aispend demo

# pytest builds a year of generated data with `dbt build` (every model, unit test and data test) once,
# and checks the build passed, so `test` needs no separate dbt-test run. It also builds the project on
# a local Spark and compares the marts with DuckDB's.
test: $(VENV)/.synced-spark lint pytest ## Run every check: lint, then pytest (dbt build on DuckDB and on Spark)
	@echo "All checks passed."

lint: $(VENV)/.synced ## ruff, ruff format --check and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p $(TEST_DATA)/lint
	AISPEND_DATA_DIR=$(TEST_DATA)/lint $(BIN)/sqlfluff lint --processes 0 dbt_project/models dbt_project/tests dbt_project/macros

format: $(VENV)/.synced ## Fix what ruff and sqlfluff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	mkdir -p $(TEST_DATA)/lint
	AISPEND_DATA_DIR=$(TEST_DATA)/lint $(BIN)/sqlfluff fix --processes 0 dbt_project/models dbt_project/tests dbt_project/macros

# Two workers, one per core; a module's tests stay together so its fixtures are built once.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder

pytest: $(VENV)/.synced-spark $(CHROMIUM) ## Python tests, Spark's included
	$(BIN)/pytest $(PYTEST_PARALLEL)

test-spark: $(VENV)/.synced-spark ## Only the Spark tests: the dbt project on a local Spark; marts must equal DuckDB's
	$(BIN)/pytest -m spark

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

dbt-test: $(VENV)/.synced ## dbt build (models and dbt tests) alone, on a small generated data set
	rm -rf $(TEST_DATA)
	AISPEND_DATA_DIR=$(TEST_DATA) $(BIN)/aispend generate --out $(TEST_DATA)/landing --days 45 --requests-per-day 400
	AISPEND_DATA_DIR=$(TEST_DATA) $(BIN)/aispend run

dbt-docs: $(VENV)/.synced ## dbt's docs of the warehouse (lineage, every model and column) on localhost:8080
	$(BIN)/aispend docs

export-raw: $(VENV)/.synced ## Write the raw layer as Parquet by source and load date, for Spark and other engines
	$(BIN)/aispend export-raw

bench: $(VENV)/.synced ## Figures in one table: ingest, full pipeline, one more day, pages, storage (ARGS=--full)
	$(BIN)/aispend bench all $(ARGS)

bench-ingest: $(VENV)/.synced ## Ingest speed and memory against DuckDB's read_json (2M LiteLLM rows)
	$(BIN)/aispend bench ingest

bench-pages: $(VENV)/.synced ## Each dashboard page's query and run time on the published warehouse
	$(BIN)/aispend bench pages

dagster: $(VENV)/.synced ## Open the Dagster UI on this project (http://localhost:3000)
	mkdir -p $(DAGSTER_HOME)
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev -m orchestration.definitions

app: $(VENV)/.synced ## Serve the dashboard on the published warehouse
	$(BIN)/aispend app

clean: ## Remove the environment, generated data and build output
	rm -rf $(VENV) $(TEST_DATA) data dbt_project/target dbt_project/logs dbt_project/dbt_packages
