"""Inputs a careless or hostile user writes, found by mutating the shipped configurations by class
(wrong types, edge-case text, limits, look-alike names): each must be refused when it is loaded,
with the file, the field, the value and what is allowed, rather than end in a traceback or in a
stack AWS refuses at apply (or at every run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config_kit.errors import ConfigError
from core.loading import load_configs
from tests.unit.support import MINIMAL_CONFIG, edited, expect_problem, in_table, with_section, write

PROJECT = Path(__file__).resolve().parents[2]
JIRA = (PROJECT / "examples" / "tickets" / "jira.toml").read_text(encoding="utf-8")

# A value that fills a {{placeholder}} is text, not a template


LITERAL_FILL = "is filled in as written, so it cannot hold a {{placeholder}}"


@pytest.mark.parametrize("value", ["{{step}}", "{{reporter}}", "{{nope}}", "id-{{ state_machine }}"])
def test_reporter_cannot_hold_a_placeholder(tmp_path, value):
    """It crashed the night watch's input template with a KeyError ({{nope}}), or became a
    run-time value there and a literal in the state machine ({{step}})."""
    text = edited('reporter = "bot-1"', f'reporter = "{value}"')
    expect_problem(tmp_path, text, f'ticket.reporter = "{value}": {LITERAL_FILL}')


@pytest.mark.parametrize(("field", "written"), [("project", 'project = "OPS"'), ("issue_type", 'issue_type = "Bug"')])
def test_a_preset_field_cannot_hold_a_placeholder(tmp_path, field, written):
    """jira's project = "{{step}}" was accepted: every ticket went to the project named after the
    failed step; "{{cause}}" in an array item was reported at ticket.body, not at the key written."""
    text = edited(written, f'{field} = "{{{{step}}}}"', JIRA)
    expect_problem(tmp_path, text, f'ticket.{field} = "{{{{step}}}}": {LITERAL_FILL}')
