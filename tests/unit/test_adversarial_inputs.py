"""Inputs a careless or hostile user writes, found by mutating the shipped configurations by class
(wrong types, edge-case text, limits, look-alike names): each must be refused when it is loaded,
with the file, the field, the value and what is allowed, rather than end in a traceback or in a
stack AWS refuses at apply (or at every run)."""

from __future__ import annotations

import json
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


@pytest.mark.parametrize(
    ("field", "written"), [("project", 'project = "OPS"'), ("issue_type", 'issue_type = "Bug"')]
)
def test_a_preset_field_cannot_hold_a_placeholder(tmp_path, field, written):
    """jira's project = "{{step}}" was accepted: every ticket went to the project named after the
    failed step; "{{cause}}" in an array item was reported at ticket.body, not at the key written."""
    text = edited(written, f'{field} = "{{{{step}}}}"', JIRA)
    expect_problem(tmp_path, text, f'ticket.{field} = "{{{{step}}}}": {LITERAL_FILL}')


# What the state machine's definition adds up to


def steps(count: int) -> str:
    return "".join(
        f'\n[[steps]]\nname = "Load{index}"\ntype = "lambda"\n'
        'function = "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"\n'
        for index in range(count)
    )


def test_a_definition_over_step_functions_limit_is_refused(tmp_path):
    """1,000 steps made a 1.2 MB definition, which CreateStateMachine (and the provider) refuse."""
    path = write(tmp_path, MINIMAL_CONFIG + steps(999))
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    [problem] = [str(problem) for problem in caught.value.problems]
    assert problem.startswith(f'{path}: steps = "1000 steps": make a state machine definition of 1')
    assert "characters, over Step Functions' limit of 1048576 (CreateStateMachine)" in problem


def test_a_definition_under_the_limit_is_accepted(tmp_path):
    assert len(load_configs([write(tmp_path, MINIMAL_CONFIG + steps(799))])[0].steps) == 800


# Query parameters EventBridge sends: a connection's, and the ticket's (the night watch's API
# destination target sends them too)

QUERY_VALUE = "must be 1-512 characters without control characters other than line breaks"
QUERY_NAME = "must be 1-512 characters without control characters"


@pytest.mark.parametrize(
    ("written", "shown", "allowed"),
    [
        ('k = "a\\u0001b"', '"a\\u0001b"', QUERY_VALUE),
        ('k = "a\\tb"', '"a\\tb"', QUERY_VALUE),
        ('k = ""', '""', QUERY_VALUE),
        (f'k = "{"v" * 513}"', f'"{"v" * 116}...', f"{QUERY_VALUE} (it has 513)"),
    ],
)
def test_a_query_value_eventbridge_refuses_is_refused(tmp_path, written, shown, allowed):
    """CreateConnection and PutTargets refused these at apply."""
    for section, field in [
        ("ticket.query", "ticket.query.k"),
        ("connections.ticketing.invocation.query", "connections.ticketing.invocation.query.k"),
    ]:
        expect_problem(tmp_path, with_section(section, written), f"{field} = {shown}: {allowed}")


@pytest.mark.parametrize(
    ("written", "name", "allowed"),
    [
        ("k" * 513, "k" * 513, f"{QUERY_NAME} (it has 513)"),
        ("a\\u0001b", "a\x01b", QUERY_NAME),
    ],
)
def test_a_query_name_eventbridge_refuses_is_refused(tmp_path, written, name, allowed):
    path = write(tmp_path, with_section("ticket.query", f'"{written}" = "v"'))
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    shown = json.dumps(name)
    shown = shown if len(shown) <= 120 else f"{shown[:117]}..."
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}: ticket.query.{name} = {shown}: {allowed}"
    ]


def test_a_token_request_query_value_is_checked_too(tmp_path):
    text = in_table(
        "[connections.ticketing]",
        'auth = "oauth_client_credentials"',
        'authorization_endpoint = "https://auth.example.com/token"',
        'client_id = "pipeline"',
    )
    text = with_section("connections.ticketing.token_request.query", 'scope = "a\\u0007"', text=text)
    expect_problem(
        tmp_path, text, f'connections.ticketing.token_request.query.scope = "a\\u0007": {QUERY_VALUE}'
    )


def test_line_breaks_and_any_script_stay_allowed_in_a_query_value(tmp_path):
    text = with_section("ticket.query", 'note = "zwei Zeilen\\nüber Ä"')
    assert load_configs([write(tmp_path, text)])[0].ticket.request.query == {"note": "zwei Zeilen\nüber Ä"}
