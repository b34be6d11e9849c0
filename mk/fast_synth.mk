# Fast synth (fast_synth/, docs/fast-synth.md).
#   make bench [RUNS=5]
#       Normal and fast synth side by side in one run: medians, spread and ratios.
#   fast-synth-index (part of make setup)
#       Has jsii index the AWS provider's types once per machine; fast synth needs the index and
#       falls back to the normal import until it exists. A no-op once done; never fails setup.
RUNS ?= 5

.PHONY: bench fast-synth-index

setup synth-setup: fast-synth-index

# Runs before every make synth and make test: a no-op taking 0.1 s once the index is built.
fast-synth-index: python-synth-deps node-synth-deps
	-@cd "$(ROOT)" && "$(VENV_BIN)/python" -m fast_synth.prepare

bench: setup
	$(call say,timing normal and fast synth: $(RUNS) runs of each per config set; several minutes)
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m fast_synth.bench --runs $(RUNS)
