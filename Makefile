# Two commands on a fresh machine: `make install`, then `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
TORCH_VERSION ?= 2.13.0

SEED_ORIGINAL = $(CURDIR)/seeds/001_77e8c4707eb41a8b.txt
SEED_REWRITE = $(CURDIR)/seeds/000_a2e2bae9bb3cb44c.txt

.PHONY: install test wheel-check lint typecheck eval bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first (pinned): an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION)
	# the extras too: bilingual files (translate-toolkit) and Ray, so that CI runs their tests
	$(BIN)/pip install --quiet -e '.[test,bilingual,ray]'

test:
	$(BIN)/python -m pytest -q

# The package stands alone: build the wheel from this checkout, install it (not editable) into a
# throwaway virtualenv outside the checkout, and from there list the models and check the seed pair.
# build/ (setuptools' staging folder, ignored by git) is emptied first: a stale one would carry
# deleted files into the wheel.
wheel-check:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "wheel-check: building the wheel"; \
	rm -rf build; \
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir "$$tmp/dist" .; \
	echo "wheel-check: installing $$(cd "$$tmp/dist" && ls fidelity-*.whl) into a fresh virtualenv in $$tmp"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install --quiet torch==$(TORCH_VERSION); \
	"$$tmp/venv/bin/pip" install --quiet "$$tmp"/dist/fidelity-*.whl; \
	cd "$$tmp"; unset PYTHONPATH; export FIDELITY_OFFLINE=1; \
	"$$tmp/venv/bin/python" -c 'import fidelity, sys; sys.exit(0 if "site-packages" in fidelity.__file__ else "fidelity imported from " + fidelity.__file__)'; \
	"$$tmp/venv/bin/fidelity" models list; \
	"$$tmp/venv/bin/python" -c 'from importlib.resources import files; t = files("fidelity.frontends.render") / "templates"; \
	missing = [n for n in ("report.html.j2", "report.css", "report.js", "summary.html.j2") if not (t / n).is_file()]; \
	assert not missing, f"the wheel lacks the HTML report files {missing}"'; \
	"$$tmp/venv/bin/fidelity" check $(SEED_ORIGINAL) $(SEED_REWRITE) --original-date 2023-05-10 \
		--format json --output "$$tmp/report.json"; \
	"$$tmp/venv/bin/python" -c 'import json, sys; r = json.load(open(sys.argv[1], encoding="utf-8")); \
	assert r["findings"] and r["alignment"], "the seed check reported no findings"; \
	print("wheel-check: OK,", len(r["findings"]), "findings, score", r["summary"]["score"])' "$$tmp/report.json"; \
	"$$tmp/venv/bin/fidelity" check $(SEED_ORIGINAL) $(SEED_REWRITE) --original-date 2023-05-10 --judge builtin \
		--format json --output "$$tmp/judged.json"; \
	"$$tmp/venv/bin/python" -c 'import json, sys; r = json.load(open(sys.argv[1], encoding="utf-8")); \
	j = r["settings"]["judge"]; assert j and j["name"] == "fidelity-judge", "the judged check named no judge"; \
	print("wheel-check: judged OK,", j["name"], j["version"], len(r["findings"]), "findings, score", r["summary"]["score"])' "$$tmp/judged.json"

# Lint (ruff: its defaults, sorted imports, bugbear, pyupgrade; [tool.ruff] in pyproject.toml): CI fails on a violation.
lint:
	$(BIN)/ruff check fidelity tests scripts

# Types (mypy, [tool.mypy] in pyproject.toml: the whole package, strict where the code is new).
typecheck:
	$(BIN)/mypy

# The deviation figures are one table (scripts/eval_table.py): each evaluation in two modes, the rules
# alone and the learned judge, beside the plain cosine at the same false-alarm rate (long: ten script runs).
eval:
	$(BIN)/python scripts/eval_alignment.py
	$(BIN)/python scripts/eval_langid.py
	$(BIN)/python scripts/eval_table.py

# Whole processes first (scripts/bench_process.py: the seed checks beside `fidelity version`, batch cold /
# warm / shell loop, the judge's cost; --only seeds|batch|judge), then inside one process.
# About 15 minutes on a quiet 2-core machine: bench_check without its WMT21 1,000 x 1,000 check (--no-wmt:
# two long sides, as bench_scale's same-size cases), and bench_scale stops a same-size check at 5x its encoding.
bench:
	$(BIN)/python scripts/bench_process.py
	$(BIN)/python scripts/bench_check.py --repeats 2 --no-wmt
	$(BIN)/python scripts/bench_scale.py
