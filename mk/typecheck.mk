# Static types (pyproject.toml [tool.mypy]).
#   make typecheck
#       mypy --strict over aws_facts/, config_kit/, core/, policies/, components/, stacks/ and
#       drill/; part of make test. typings/ keeps it from reading all ~2,100 provider modules
#       (a cold run: 1.5-3.5 min before, 3-10 s now).

.PHONY: typecheck

typecheck: python-deps
	$(call say,mypy --strict on aws_facts/ config_kit/ core/ policies/ components/ stacks/ drill/ review/)
	@cd "$(ROOT)" && "$(VENV_BIN)/mypy"

test: typecheck
