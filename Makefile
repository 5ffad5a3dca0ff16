# Two commands on a fresh machine: `make install`, then `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install test eval bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'

test:
	$(BIN)/python -m pytest -q

eval:
	$(BIN)/python scripts/eval_alignment.py
	$(BIN)/python scripts/eval_langid.py

bench:
	$(BIN)/python scripts/bench_check.py
