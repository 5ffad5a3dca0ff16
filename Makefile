# Two commands on a fresh machine: `make install`, then `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
TORCH_VERSION ?= 2.13.0

.PHONY: install test eval bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first (pinned): an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/pip install --quiet -e '.[test]'

test:
	$(BIN)/python -m pytest -q

eval:
	$(BIN)/python scripts/eval_alignment.py
	$(BIN)/python scripts/eval_langid.py
	$(BIN)/python scripts/eval_perturbations.py
	$(BIN)/python scripts/eval_refresd.py
	$(BIN)/python scripts/eval_ced.py
	$(BIN)/python scripts/eval_faithful.py

bench:
	$(BIN)/python scripts/bench_check.py
