# The README's two commands: `make demo` and `make test`. Each installs what it needs first.
BIN := .venv/bin

.PHONY: setup demo test test-fast lint format bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(BIN)/cookiegov demo

test: setup lint
	$(BIN)/pytest

# The fast layer: no browser, nothing slow (docs/architecture.md, "Tests").
test-fast: setup
	$(BIN)/pytest -m "not browser and not slow"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/classify_bench.py

clean:
	rm -rf .venv out .pytest_cache .mypy_cache .ruff_cache cookiegov.db*
