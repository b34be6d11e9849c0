# Plan review (docs/plan-review.md).
#   make review [BASE=<git ref>] [REVIEW_OUT=file] [FORMAT=markdown|json] [FAIL_ON=info|low|medium|high]
#       The report of what the working tree (with uncommitted changes) does to every stack
#       compared with BASE: Markdown, or the findings as JSON. Offline, no AWS credentials; runs
#       terraform validate on both sides when terraform is on PATH. BASE defaults to where this
#       branch left origin/main (git merge-base HEAD origin/main), as a pull request compares;
#       without origin/main, to HEAD, so that the report shows the uncommitted changes.
#       FAIL_ON: exit 1 when a finding of that severity or above is present.

BASE ?= $(shell cd "$(ROOT)" && git merge-base HEAD origin/main 2>/dev/null || echo HEAD)
REVIEW_OUT ?=
FORMAT ?= markdown
FAIL_ON ?=

.PHONY: review

review: setup
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m review --base "$(BASE)" --format "$(FORMAT)" \
		$(if $(REVIEW_OUT),--output "$(REVIEW_OUT)") $(if $(FAIL_ON),--fail-on "$(FAIL_ON)")
