# The cdktf CLI run by hand (`npx cdktf diff <stack>`), as make runs it (docs/development.md).
#   make setup writes .npmrc (not committed: it names this folder), whose node-options preloads
#   scripts/cdktf_cli_env.js into every Node that npm starts here: telemetry off
#   (CHECKPOINT_DISABLE) and the project's Terraform CLI config.

NPMRC := $(ROOT)/.npmrc

.PHONY: npmrc

setup: npmrc

# A temporary file of its own: tests running in parallel (make test) run make setup side by side.
npmrc:
	@tmp="$$(mktemp "$(NPMRC).XXXXXX")" && \
	  printf 'node-options=--require "%s"\n' "$(ROOT)/scripts/cdktf_cli_env.js" > "$$tmp" && mv -f "$$tmp" "$(NPMRC)"
