# Workflow linters (docs/plan-review.md, "Linting the workflows"), all from .venv/ (Pipfile).
#   make lint-workflows
#       actionlint on .github/workflows/, with shellcheck on every `run:` script, then zizmor's
#       security audits (offline, pedantic persona). Part of make test; fails on any finding.
#       An exception is a `# zizmor: ignore[<audit>]` or `# shellcheck disable=SC<n>` comment, with
#       its reason, on the line it applies to.

WORKFLOWS ?= $(ROOT)/.github/workflows

.PHONY: lint-workflows

lint-workflows: python-deps
	$(call say,actionlint (with shellcheck on run: scripts) and zizmor on $(WORKFLOWS))
	@cd "$(ROOT)" && "$(VENV_BIN)/actionlint" -shellcheck="$(VENV_BIN)/shellcheck" -pyflakes= $(wildcard $(WORKFLOWS)/*.yml)
	@"$(VENV_BIN)/zizmor" --offline --persona=pedantic --no-progress --quiet $(wildcard $(WORKFLOWS)/*.yml)

test: lint-workflows
