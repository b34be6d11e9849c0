"""The configuration schema: the generated reference and JSON Schema are current and match the loader."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest
from config_kit.errors import ConfigError

from core.connections import AuthKind
from core.loading import load_config
from core.schema_files import JSON_SCHEMA, PROJECT, REFERENCE, rendered
from core.steps import STEP_KINDS
from core.tickets import Preset

TAPLO = tomllib.loads((PROJECT / ".taplo.toml").read_text())
[SCHEMA_RULE] = TAPLO["rule"]
# Every configuration the project ships or tests with, as the editors' rule matches them.
SHIPPED_CONFIGS = sorted({path for pattern in SCHEMA_RULE["include"] for path in PROJECT.glob(pattern)})


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(JSON_SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_editors_are_pointed_at_the_json_schema():
    assert (PROJECT / SCHEMA_RULE["schema"]["path"]).resolve() == JSON_SCHEMA
    assert {"config", "tests", "examples"} <= {path.relative_to(PROJECT).parts[0] for path in SHIPPED_CONFIGS}


@pytest.mark.parametrize("path", [REFERENCE, JSON_SCHEMA], ids=lambda path: path.name)
def test_generated_file_is_current(path):
    assert path.read_text() == rendered()[path], f"{path.relative_to(PROJECT)} is stale: run `make schema`"


@pytest.mark.parametrize("path", SHIPPED_CONFIGS, ids=lambda path: str(path.relative_to(PROJECT)))
def test_every_shipped_configuration_loads_and_matches_the_json_schema(validator, path):
    load_config(path)
    assert [error.message for error in validator.iter_errors(tomllib.loads(path.read_text()))] == []


def test_the_shipped_configurations_cover_every_step_kind_preset_and_auth_kind():
    text = "\n".join(path.read_text() for path in SHIPPED_CONFIGS)

    assert all(f'type = "{kind}"' in text for kind in STEP_KINDS)
    assert all(f'preset = "{preset.value}"' in text for preset in Preset)
    assert all(f'auth = "{kind.value}"' in text for kind in AuthKind if kind is not AuthKind.API_KEY)


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        pytest.param(
            ("[schedule]\n", "[schedule]\ntimezon = 1\n"), "'timezon' was unexpected", id="unknown-key"
        ),
        pytest.param(
            ("log_retention_days = 14", 'log_retention_days = "14"'),
            "'14' is not of type 'integer'",
            id="type",
        ),
        pytest.param(('log_level = "ALL"', 'log_level = "DEBUG"'), "'DEBUG' is not one of", id="choice"),
        pytest.param(
            ('type = "lambda"', 'type = "glue"'),
            "'function' was unexpected",
            id="other-kind",
        ),
    ],
)
def test_json_schema_refuses_what_the_loader_refuses(validator, tmp_path, edit, error):
    _assert_refused(validator, tmp_path, PROJECT / "config" / "dev.toml", edit, error)


@pytest.mark.parametrize(
    ("path", "edit", "error"),
    [
        pytest.param(
            "examples/tickets/zendesk.toml",
            ('preset = "zendesk"', 'preset = "zendesk"\npriority = "soon"'),
            "'soon' is not one of ['urgent', 'high', 'normal', 'low']",
            id="preset-field-choice",
        ),
        pytest.param(
            "examples/tickets/jira.toml",
            ('project = "OPS"', ""),
            "'project' is a required property",
            id="preset-field-required",
        ),
        pytest.param(
            "examples/tickets/github.toml",
            ('preset = "github"', 'preset = "gitlab"'),
            "'gitlab' is not one of",
            id="unknown-preset",
        ),
        pytest.param(
            "tests/fixtures/auth-kinds.toml",
            ('auth = "basic"', 'auth = "basic"\nheader = "X-Key"'),
            "'header' was unexpected",
            id="key-of-another-auth-kind",
        ),
        pytest.param(
            "config/dev.toml",
            ('header = "X-Api-Key"', 'header = "X-Api-Key"\nusername = "ops"'),
            "'username' was unexpected",
            id="left-out-auth-is-api-key",
        ),
        pytest.param(
            "config/dev.toml",
            ('endpoint = "https://myoutseta.outseta.com/api/v1/support/cases"', ""),
            "'endpoint' is a required property",
            id="no-preset-needs-an-endpoint",
        ),
        pytest.param(
            "config/dev.toml",
            ("[ticket]", "[backend]\nbucket = 'state'\n\n[ticket]"),
            "'bucket' was unexpected",
            id="left-out-backend-type-is-local",
        ),
    ],
)
def test_json_schema_refuses_presets_and_auth_kinds_the_loader_refuses(
    validator, tmp_path, path, edit, error
):
    _assert_refused(validator, tmp_path, PROJECT / path, edit, error)


def _assert_refused(validator, tmp_path, path, edit, error):
    text = path.read_text()
    assert text.count(edit[0]) == 1
    edited = tmp_path / path.name
    edited.write_text(text.replace(*edit))
    messages = [e.message for e in validator.iter_errors(tomllib.loads(edited.read_text()))]

    assert any(error in message for message in messages), messages
    with pytest.raises(ConfigError):
        load_config(edited)


def test_reference_has_a_section_for_every_step_kind():
    reference = REFERENCE.read_text()

    assert all(f'### `[[steps]]` with `type = "{kind}"`' in reference for kind in STEP_KINDS)
