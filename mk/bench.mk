# make bench - normal and fast synth side by side (fast_synth/bench.py); RUNS=5 by default.
RUNS ?= 5

.PHONY: bench
bench: setup
	cd "$(ROOT)" && $(PIPENV) run python -m fast_synth.bench --runs $(RUNS)
