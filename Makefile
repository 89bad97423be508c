# The two commands (README): `make run` starts the bot, `make test` runs every test.
# Each does its own set-up: a virtual environment in .venv, the project installed into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint bench bench-workspaces soak chaos clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## Start the bot: SQLite + the Kennemerland example; console without Slack tokens,
## Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET.
run: $(STAMP)
	@$(BIN)/actiebot db upgrade >/dev/null
	@$(BIN)/actiebot start

## The whole test suite, PostgreSQL included (installed and started on 127.0.0.1 if needed).
test: $(STAMP)
	@bash scripts/ensure-postgres
	@$(BIN)/lint-imports --config pyproject.toml
	@$(BIN)/ruff check --quiet bot handlers storage
	@$(BIN)/mypy bot storage
	@$(BIN)/python scripts/audit
	@$(BIN)/python -m pytest

lint: $(STAMP)
	@$(BIN)/ruff check bot handlers storage
	@$(BIN)/mypy bot storage
	@$(BIN)/lint-imports --config pyproject.toml

## Speed targets: a working day's load against bare Bolt, ratios in one run (README: Performance).
## BENCH_SIZES=10000 BENCH_DBS=sqlite BENCH_ROUNDS=1 make bench  for a quick run.
bench: $(STAMP)
	@bash scripts/ensure-postgres
	@$(BIN)/python scripts/bench.py
	@if [ "$$BENCH_WORKSPACES" = 1 ]; then $(BIN)/python scripts/bench_workspaces.py; fi

## Many workspaces on PostgreSQL: a question's cost and the sweep at 1, 10, 100 and 300
## workspaces × 100 activities (README: One deployment, many workspaces). Not in CI.
bench-workspaces: $(STAMP)
	@bash scripts/ensure-postgres
	@$(BIN)/python scripts/bench_workspaces.py

## 20 minutes of the working day, the largest process's RSS sampled (on demand, not in CI).
soak: $(STAMP)
	@$(BIN)/python scripts/bench.py soak

## Faults under load: 20 minutes per database (CHAOS_SECONDS, CHAOS_DBS, CHAOS_RATE), the table
## of README "Delivery". On demand, not in CI (tests/slack/test_fault_suite.py is the short run).
chaos: $(STAMP)
	@bash scripts/ensure-postgres
	@$(BIN)/python scripts/chaos.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis actiebot.db*
