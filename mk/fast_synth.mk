# Fast synth (fast_synth/, README "Fast synth").
#   make bench [RUNS=5]
#       Normal and fast synth side by side in one run: medians, spread and ratios.
#   fast-synth-index (part of make setup)
#       Has jsii index the AWS provider's types once per machine; fast synth needs the index and
#       falls back to the normal import until it exists. A no-op once done; never fails setup.
RUNS ?= 5

.PHONY: bench fast-synth-index

setup: fast-synth-index

# The venv's python directly (PIPENV_VENV_IN_PROJECT puts it in .venv/): this runs before every
# make synth and make test, and `pipenv run` alone would add about a second to each.
fast-synth-index: python-deps node-deps
	-cd "$(ROOT)" && "$(ROOT)/.venv/bin/python" -m fast_synth.prepare

bench: setup
	cd "$(ROOT)" && $(PIPENV) run python -m fast_synth.bench --runs $(RUNS)
