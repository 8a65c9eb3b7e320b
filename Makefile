# The two commands of a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck unit unit-fast install bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cdht db upgrade
	$(BIN)/cdht run

lint: $(STAMP)
	$(BIN)/ruff check cdht tests benchmarks
	$(BIN)/ruff format --check cdht tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy cdht

unit: $(STAMP)
	$(BIN)/python -m pytest -q

# The inner loop: every test but the slow ones (tests/scale, the long end-to-end runs). `make test` runs all.
unit-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

test: lint unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
