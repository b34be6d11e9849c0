# Fast synth (fast_synth/, docs/fast-synth.md).
#   make bench [RUNS=5]
#       Normal and fast synth side by side in one run: medians, spread and ratios.
#   make bench-waits [RUNS=5] [ROWS=fresh,try-failure,cdktf,mypy,synth,review]
#       The waits around synth (first make synth on a fresh clone, make try-failure, npx cdktf
#       synth, a cold typecheck, warm make synth, make review after a one-line change), each
#       beside the way before, measured in the same run, with the goal of issue 21 (issue 18 for
#       make review) and whether it is met. 10-20 minutes with every row.
#   fast-synth-index (part of make setup)
#       Has jsii index the AWS provider's types once per machine; fast synth needs the index and
#       falls back to the normal import until it exists. A no-op once done; never fails setup.
RUNS ?= 5

ROWS ?= fresh,try-failure,cdktf,mypy,synth,review

.PHONY: bench bench-waits fast-synth-index

setup synth-setup: fast-synth-index

# Runs before every make synth and make test: a no-op taking 0.1 s once the index is built.
fast-synth-index: python-synth-deps node-synth-deps
	-@cd "$(ROOT)" && "$(VENV_BIN)/python" -m fast_synth.prepare

bench: setup
	$(call say,timing normal and fast synth: $(RUNS) runs of each per config set; several minutes)
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m fast_synth.bench --runs $(RUNS)

bench-waits: setup
	$(call say,timing the waits around synth, each beside the way before ($(ROWS)); many minutes)
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m fast_synth.bench_waits --runs $(RUNS) --rows "$(ROWS)"
