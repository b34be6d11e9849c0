# Static types (pyproject.toml [tool.mypy]).
#   make typecheck
#       mypy --strict over core/, policies/, components/ and stacks/; part of make test.

.PHONY: typecheck

typecheck: python-deps
	$(call say,mypy --strict on core/ policies/ components/ stacks/)
	@cd "$(ROOT)" && "$(VENV_BIN)/mypy"

test: typecheck
