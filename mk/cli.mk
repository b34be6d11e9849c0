# The cdktf CLI run by hand (`npx cdktf diff <stack>`), as make runs it (docs/development.md).
#   make setup writes .npmrc (not committed: it names this folder), whose node-options preloads
#   scripts/cdktf_cli_env.js into every Node that npm starts here: telemetry off
#   (CHECKPOINT_DISABLE) and the project's Terraform CLI config.

NPMRC := $(ROOT)/.npmrc

.PHONY: npmrc

setup: npmrc

npmrc:
	@printf 'node-options=--require "%s"\n' "$(ROOT)/scripts/cdktf_cli_env.js" > "$(NPMRC).tmp" && mv -f "$(NPMRC).tmp" "$(NPMRC)"
