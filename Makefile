# Build/test entry points for the CDKTF (Python) project.
#   make setup   - install everything (idempotent; safe to re-run)
#   make synth   - synthesize Terraform JSON into cdktf.out/ (installs only what synth needs:
#                  Pipfile's [packages] and package.json's dependencies; the rest on first use)
#   make lint    - ruff check and ruff format --check
#   make test    - lint, then pytest (extra args: make test PYTEST_ARGS="-k foo -x"), in
#                  TEST_WORKERS parallel processes (TEST_WORKERS=0: in one process)
#   make test-fast - the unit and synth tests only, for the edit-test loop: no linters, no
#                  emulator, no terraform, no normal synth (PYTEST_ARGS as for make test)
#   make clean   - remove generated output and stamps
#   make distclean - clean + remove .venv/ and node_modules/
# Progress goes to stderr and recipes are not echoed, so that stdout holds only what a target
# produces: `make review > report.md` and `make synth > summary.txt` hold just that.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

PYTHON         ?= python3
PIPENV_VERSION ?= 2026.10.3
PIPENV         := $(PYTHON) -m pipenv
NPM            ?= npm
PYTEST_ARGS    ?=
# pytest-xdist's workers for make test: two per processor, as the end-to-end tests mostly wait on
# Terraform and the emulator (tests/e2e/conftest.py groups what shares a deployment). Evaluated by
# the recipe's shell.
TEST_WORKERS   ?= $$(( 2 * $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) ))

STAMP_DIR  := $(ROOT)/.make
# Inside node_modules, as the venv's is inside .venv: make clean keeps them, a deleted node_modules
# loses them. NODE_STAMP: the project's Node alone (package.json's dependencies), all make synth needs.
NPM_STAMP  := $(ROOT)/node_modules/.synced-with-package-lock.json
NODE_STAMP := $(ROOT)/node_modules/.node-synced-with-package-lock.json
# PIPENV_VENV_IN_PROJECT puts the venv here. Tools run from it directly: `pipenv run` alone
# costs about a second per call. The stamp lives inside, so a deleted venv is re-made.
VENV_BIN   := $(ROOT)/.venv/bin
VENV_STAMP := $(ROOT)/.venv/synced-with-Pipfile.lock
# Pipfile's [packages] alone, which is all make synth needs.
VENV_SYNTH_STAMP := $(ROOT)/.venv/synced-packages-with-Pipfile.lock
TF_RC      := $(ROOT)/.terraform.d/terraformrc

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
# The project's own Node (the npm package `node`, pinned in package.json) comes first on PATH for
# every target and all it starts: npm scripts, the cdktf CLI, jsii's kernel, fast synth, the tests.
# The system's Node and npm only bootstrap it (npm ci).
PROJECT_NODE_BIN := $(ROOT)/node_modules/node/bin
export PATH := $(PROJECT_NODE_BIN):$(PATH)
export CHECKPOINT_DISABLE := 1
export TF_CLI_CONFIG_FILE := $(TF_RC)

# $(call say,what is happening): one progress line on stderr.
say = @printf '==> %s\n' "$(1)" >&2
# $(call newer,file,prerequisites): a shell test, true when file exists and is newer than each.
newer = { [ -e "$(1)" ] $(foreach prerequisite,$(2), && [ "$(1)" -nt "$(prerequisite)" ]); }

.PHONY: setup synth-setup pipenv python-deps python-synth-deps node-deps node-synth-deps terraformrc synth lint test test-fast clean distclean

setup: python-deps node-deps terraformrc
# What make synth needs, and no more (mk/fast_synth.mk adds the provider's index).
synth-setup: python-synth-deps node-synth-deps

# Install pipenv only when $(PYTHON) cannot import it (looked up, not imported: that takes a second).
# Called by the recipes that need it, so that a warm make synth does not pay for the look-up.
ensure_pipenv = if ! $(PYTHON) -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("pipenv") is None)'; then \
	  echo "==> installing pipenv==$(PIPENV_VERSION)" >&2; \
	  $(PYTHON) -m pip install --disable-pip-version-check "pipenv==$(PIPENV_VERSION)" >&2; \
	fi
pipenv:
	@$(ensure_pipenv)

# $(call pipenv_sync,options): pipenv sync, its chatter (creating the virtualenv, ...) shown only
# when it fails. PIP_COMPILE=0: pip does not byte-compile what it installs (the provider bindings
# alone are 176 MB of Python, 240 MB compiled); Python compiles each module when first imported,
# and a synth imports a few dozen of them.
pipenv_sync = $(ensure_pipenv); cd "$(ROOT)" && log="$$(mktemp)" && \
	  if ! PIP_COMPILE=0 $(PIPENV) sync $(1) >"$$log" 2>&1; then cat "$$log" >&2; rm -f "$$log"; exit 1; fi; rm -f "$$log"

# pipenv sync only when the venv is missing or Pipfile(.lock) changed since the last sync.
python-deps: $(VENV_STAMP)

$(VENV_STAMP): $(ROOT)/Pipfile.lock $(ROOT)/Pipfile
	$(call say,installing the Python packages of Pipfile.lock into .venv/ (pipenv sync --dev; about a minute the first time))
	@$(call pipenv_sync,--dev)
	@touch "$@" "$(VENV_SYNTH_STAMP)"

python-synth-deps: $(VENV_SYNTH_STAMP)

# A venv synced with --dev since Pipfile(.lock) changed holds [packages] too.
$(VENV_SYNTH_STAMP): $(ROOT)/Pipfile.lock $(ROOT)/Pipfile
	@if ! $(call newer,$(VENV_STAMP),$^); then \
	  printf '==> %s\n' "installing the Python packages synth needs (Pipfile's [packages]) into .venv/ (pipenv sync)" >&2; \
	  $(call pipenv_sync,); \
	fi
	@touch "$@"

# npm ci only when node_modules is missing or package(-lock).json changed.
ifeq ($(wildcard $(ROOT)/node_modules/.package-lock.json),)
.PHONY: $(NPM_STAMP)
endif
ifeq ($(wildcard $(PROJECT_NODE_BIN)/node),)
.PHONY: $(NODE_STAMP)
endif
node-deps: $(NPM_STAMP)

$(NPM_STAMP): $(ROOT)/package-lock.json $(ROOT)/package.json
	$(call say,installing the project's Node and the Node tools of package-lock.json into node_modules/ (npm ci))
	@cd "$(ROOT)" && $(NPM) ci --no-audit --no-fund >&2
	@touch "$@" "$(NODE_STAMP)"

node-synth-deps: $(NODE_STAMP)

# npm ci of the dependencies alone, unless a full npm ci since package(-lock).json changed holds
# them; npm ci empties node_modules/ first, so the full install's stamp goes (make setup redoes it).
$(NODE_STAMP): $(ROOT)/package-lock.json $(ROOT)/package.json
	@if ! $(call newer,$(NPM_STAMP),$^); then \
	  printf '==> %s\n' "installing the project's Node into node_modules/ (npm ci --omit=dev)" >&2; \
	  rm -f "$(NPM_STAMP)"; \
	  cd "$(ROOT)" && $(NPM) ci --omit=dev --no-audit --no-fund >&2; \
	fi
	@touch "$@"

terraformrc:
	@"$(ROOT)/scripts/terraformrc.sh" "$(TF_RC)"

synth: synth-setup
	@cd "$(ROOT)" && "$(VENV_BIN)/python" main.py

lint: setup
	$(call say,ruff check and ruff format --check)
	@cd "$(ROOT)" && "$(VENV_BIN)/ruff" check . && "$(VENV_BIN)/ruff" format --check .

test: setup lint
	$(call say,pytest -n $(TEST_WORKERS) $(PYTEST_ARGS))
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m pytest -n "$(TEST_WORKERS)" $(PYTEST_ARGS)

# What needs no emulator and no terraform: tests/unit (pure) and tests/synth (synthesized JSON),
# less the comparison with the normal synth (make test runs it), in one worker per processor.
FAST_TIERS := tests/unit tests/synth
FAST_PYTEST_ARGS := -n logical -m 'not normal_synth'

test-fast: python-deps node-deps
	$(call say,pytest $(FAST_TIERS) $(FAST_PYTEST_ARGS) $(PYTEST_ARGS))
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m pytest $(FAST_TIERS) $(FAST_PYTEST_ARGS) $(PYTEST_ARGS)

# Feature targets (make try-failure, make review, make bench, ...) live one file each in mk/.
-include $(wildcard $(ROOT)/mk/*.mk)

clean:
	$(call say,removing cdktf.out/ and cdktf.hcl/ and the stamps and caches (.review-cache/ too))
	@cd "$(ROOT)" && rm -rf cdktf.out cdktf.hcl .make .terraform.d .pytest_cache .review-cache
	@cd "$(ROOT)" && find . -path ./.venv -prune -o -path ./node_modules -prune -o \
	  -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	$(call say,removing .venv/ and node_modules/)
	@cd "$(ROOT)" && rm -rf .venv node_modules
