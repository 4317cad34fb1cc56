# eventwire: `make run` codes the bundled sample feeds offline; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(CURDIR)/scripts/uv
RUN := $(UV) run --frozen
# The embedded demo interval: the bundled samples were published up to 2017-11-02 09:00 UTC.
# It is passed as the ingest run's `interval` param, not as the logical date: `dags test`
# records a run's start as its logical date, and 2017 starts made durations of 3317 days.
RUN_INTERVAL ?= 2017-11-02T08:45:00+00:00/2017-11-02T09:00:00+00:00
# The API server's port; a test or a second checkout picks a free one: `make airflow AIRFLOW_PORT=8181`.
AIRFLOW_PORT ?= 8080

# Embedded default: Airflow home inside the repo, SQLite, LocalExecutor sized for 2 cores.
AIRFLOW_ENV := AIRFLOW_HOME=$(CURDIR)/.airflow \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins \
	AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__CORE__EXECUTOR=LocalExecutor \
	AIRFLOW__CORE__PARALLELISM=4 \
	AIRFLOW__API__HOST=127.0.0.1 \
	AIRFLOW__API__PORT=$(AIRFLOW_PORT) \
	AIRFLOW__CORE__EXECUTION_API_SERVER_URL=http://127.0.0.1:$(AIRFLOW_PORT)/execution/ \
	EVENTWIRE_DATA_ROOT=$${EVENTWIRE_DATA_ROOT:-$(CURDIR)/data}

.PHONY: help env run test test-fast airflow airflow-init eval bench lint format clean

help:
	@echo "make run      - code the bundled sample feeds offline and print a summary"
	@echo "make test     - run the whole test suite"
	@echo "make test-fast - the suite without its slow tests (processes, Airflow, browser)"
	@echo "make airflow  - Airflow standalone (UI and scheduler) on http://127.0.0.1:$(AIRFLOW_PORT)"
	@echo "make eval     - score the extractor on ../shared/gold"
	@echo "make bench    - throughput and memory of every stage"
	@echo "make lint     - ruff check, format check and mypy"

env: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

airflow-init: env
	@mkdir -p .airflow
	@$(AIRFLOW_ENV) $(RUN) airflow db migrate > .airflow/db-migrate.log 2>&1 \
		|| { tail -n 40 .airflow/db-migrate.log; exit 1; }
	@$(AIRFLOW_ENV) $(RUN) airflow pools set eventwire_fetch 4 "concurrent feed fetches" \
		> /dev/null
	@$(AIRFLOW_ENV) $(RUN) airflow pools set eventwire_publish 1 "one merge into events at a time" \
		> /dev/null

run: airflow-init
	@echo "Running eventwire_ingest for $(RUN_INTERVAL) (log: .airflow/run.log)"
	@$(AIRFLOW_ENV) $(RUN) airflow dags test eventwire_ingest \
		--conf '{"interval": "$(RUN_INTERVAL)"}' > .airflow/run.log 2>&1 \
		|| { tail -n 60 .airflow/run.log; exit 1; }
	@echo "Running eventwire_events (log: .airflow/run.log)"
	@$(AIRFLOW_ENV) $(RUN) airflow dags test eventwire_events >> .airflow/run.log 2>&1 \
		|| { tail -n 60 .airflow/run.log; exit 1; }
	@$(AIRFLOW_ENV) $(RUN) eventwire summary

# CI runs `make test`, so lint (ruff and mypy) is checked first: a type error fails the build.
test: lint
	$(RUN) pytest

# The inner loop: everything but the tests marked slow (they start processes, run Airflow or a
# browser); `make test` and CI still run them. Two workers, one a core (pytest-xdist).
test-fast: env
	$(RUN) pytest -m "not slow" -n 2

# The API server listens on 127.0.0.1 only; scripts/standalone/airflow keeps the log servers,
# which would listen on every interface, from starting. Called directly, not through uv run,
# which would put .venv/bin ahead of that folder on PATH.
airflow: airflow-init
	$(AIRFLOW_ENV) PATH=$(CURDIR)/scripts/standalone:$(CURDIR)/.venv/bin:$$PATH \
		$(CURDIR)/scripts/standalone/airflow standalone

eval: env
	$(RUN) python -m eventwire.extract.evaluate --json eval-results/eval.json

bench: env
	$(RUN) python -m benchmarks.run --json bench-results/bench.json

lint: env
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

format: env
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

clean:
	rm -rf .airflow data eval-results bench-results test-output
