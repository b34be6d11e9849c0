# The configuration schema (config_kit/schema.py; the keys are core.loading.CONFIG, the ones the loader reads).
#   make schema
#       Rewrites the key reference in docs/configuration.md and schema/pipeline-config.schema.json
#       (JSON Schema, for editors; .taplo.toml points them at it); tests/unit/test_schema.py fails
#       when either is stale.

.PHONY: schema

schema: python-deps
	$(call say,the key reference in docs/configuration.md and schema/pipeline-config.schema.json)
	@cd "$(ROOT)" && "$(VENV_BIN)/python" -m core.schema_files
