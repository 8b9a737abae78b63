# Everything a fresh machine needs: `make run` starts the bot, `make test` checks the project.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chat demo lint typecheck bench soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the bot: checks the configuration first, applies migrations, then polls (or serves the webhook).
run: $(STAMP)
	$(BIN)/python bot.py

## Talk to the bot in this terminal, no Telegram token needed (ARGS="--telegram-id 100001").
chat: $(STAMP)
	$(BIN)/kinerja-bot db upgrade
	$(BIN)/kinerja-bot chat $(ARGS)

## Load the Tangerang Selatan demo data set.
demo: $(STAMP)
	$(BIN)/kinerja-bot db upgrade
	$(BIN)/kinerja-bot demo

## Lint: ruff, formatting, and the architecture's import contracts (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

## Lint, type check and the whole test suite (DATABASE_URL=postgresql://... runs it on PostgreSQL).
test: lint typecheck
	$(BIN)/pytest -q

## Every benchmark's named figures, also in bench/results.json (under 10 minutes; ARGS="--quick"
## for smaller data; BENCH_DATABASE_URL=postgresql://... adds PostgreSQL, wiping that database).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(ARGS)

## Two minutes of 200 users against bot.py with Bot API faults, kills and a database cut
## (SOAK_DATABASE_URL=postgresql://...: that database is wiped). See docs/reliability.md.
soak: $(STAMP)
	$(BIN)/python tools/soak.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
