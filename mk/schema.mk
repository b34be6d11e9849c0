# The configuration schema (core/schema.py; the keys are those core/loading.py and core/steps/ read).
#   make schema
#       Writes docs/configuration.md (the reference) and schema/pipeline-config.schema.json (JSON
#       Schema, for editors); tests/unit/test_schema.py fails when either is stale.

.PHONY: schema

schema: python-deps
	cd "$(ROOT)" && "$(VENV_BIN)/python" -m core.schema_files
