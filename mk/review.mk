# Plan review (docs/plan-review.md).
#   make review [BASE=<git ref>] [REVIEW_OUT=file.md]
#       Markdown report of what the working tree (with uncommitted changes) does to every stack
#       compared with BASE. Offline, no AWS credentials; runs terraform validate on both sides
#       when terraform is on PATH. BASE defaults to where this branch left origin/main
#       (git merge-base HEAD origin/main), as a pull request compares; without origin/main, to
#       HEAD, so that the report shows the uncommitted changes.

BASE ?= $(shell cd "$(ROOT)" && git merge-base HEAD origin/main 2>/dev/null || echo HEAD)
REVIEW_OUT ?=

.PHONY: review

review: setup
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m review --base "$(BASE)" $(if $(REVIEW_OUT),--output "$(REVIEW_OUT)")
