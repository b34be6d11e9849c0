# The failure path, offline (docs/offline.md).
#   make try-failure [TRY_FAILURE_ARGS="config/prod.toml --step TransformOrders"]
#       Deploys a config (config/dev.toml by default) to a local AWS emulator with real
#       Terraform, makes a step fail (the last by default) and prints the ticket request,
#       the SNS message and how the execution ended. No AWS account, nothing leaves 127.0.0.1.
#       The emulator stays up between runs (offline/warm.py): a run of the same stack and config
#       reuses the last deployment, without Terraform (about 1 s instead of about a minute).
#   make try-failure-stop
#       Stops that server now (it stops by itself after 20 idle minutes, on make clean, or when
#       the code changes).
#   make checkov-setup
#       checkov in its own venv .venv-checkov/ from the hash-locked tools/checkov/requirements.txt
#       (it pins packaging<24, which the Pipfile's pytest cannot share); reinstalled only when
#       that file changes. make test needs it (tests/e2e/test_checkov.py).
#   make checkov-lock
#       Re-resolves tools/checkov/requirements.in into requirements.txt, with hashes, from PyPI.

TRY_FAILURE_ARGS ?=
CHECKOV_VENV   := $(ROOT)/.venv-checkov
CHECKOV_LOCK   := $(ROOT)/tools/checkov/requirements.txt
CHECKOV_STAMP  := $(STAMP_DIR)/checkov.stamp
PIP_TOOLS_VERSION ?= 7.6.2
# PyPI only: no local wheel folders or indexes of this machine.
PYPI_ONLY      := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null

.PHONY: try-failure try-failure-stop checkov-setup checkov-lock

try-failure: setup
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m offline.warm $(TRY_FAILURE_ARGS)

try-failure-stop:
	@cd "$(ROOT)" && "$(PYTHON)" -m offline.warm --stop

# Reinstall when the lock changed, or when the venv is gone although the stamp is not.
ifeq ($(wildcard $(CHECKOV_VENV)/bin/checkov),)
.PHONY: $(CHECKOV_STAMP)
endif
checkov-setup: $(CHECKOV_STAMP)

$(CHECKOV_STAMP): $(CHECKOV_LOCK)
	$(call say,installing checkov into .venv-checkov/ from tools/checkov/requirements.txt)
	@rm -rf "$(CHECKOV_VENV)"
	@$(PYTHON) -m venv "$(CHECKOV_VENV)"
	@$(PYPI_ONLY) "$(CHECKOV_VENV)/bin/pip" install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r "$(CHECKOV_LOCK)"
	@mkdir -p "$(STAMP_DIR)" && touch "$@"

checkov-lock:
	$(call say,re-resolving tools/checkov/requirements.in into requirements.txt with pip-compile)
	@rm -rf "$(STAMP_DIR)/pip-tools"
	@$(PYTHON) -m venv "$(STAMP_DIR)/pip-tools"
	@$(PYPI_ONLY) "$(STAMP_DIR)/pip-tools/bin/pip" install --quiet "pip-tools==$(PIP_TOOLS_VERSION)"
	@cd "$(ROOT)/tools/checkov" && $(PYPI_ONLY) "$(STAMP_DIR)/pip-tools/bin/pip-compile" --quiet \
	  --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.txt requirements.in

test: checkov-setup
