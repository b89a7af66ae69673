# Two commands: `make demo` and `make test`. Both bootstrap .venv from nothing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SRC    := $(shell find src -type f -not -path '*/__pycache__/*')
OUT    ?= out

.PHONY: demo test lint typecheck unit clean bench

demo: $(VENV)/.runtime
	$(BIN)/triplehelix demo --out $(OUT)

test: $(VENV)/.dev lint typecheck unit

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.dev
	$(BIN)/mypy --strict src/triplehelix

# Tests run against the installed wheel (not the working tree), so a data file missing
# from the package fails here; doctests run from the installed package too.
unit: $(VENV)/.dev
	$(BIN)/python -m pytest -q tests
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules --pyargs triplehelix

# Load benchmark (S and M, medians of 3 interleaved runs; BENCH_ARGS="--scales S,M,L" for L).
bench: $(VENV)/.dev
	$(BIN)/python benchmarks/run.py --reps 3 --json bench-results.json $(BENCH_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python pyproject.toml $(SRC)
	$(BIN)/python -m pip install -q .
	touch $@

$(VENV)/.dev: $(BIN)/python pyproject.toml $(SRC)
	$(BIN)/python -m pip install -q . --group dev
	touch $@ $(VENV)/.runtime

clean:
	rm -rf $(VENV) $(OUT) build dist .pytest_cache .mypy_cache .ruff_cache
