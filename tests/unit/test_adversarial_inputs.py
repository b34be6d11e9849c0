"""Inputs a careless or hostile user writes, found by mutating the shipped configurations by class
(wrong types, edge-case text, limits, look-alike names): each must be refused when it is loaded,
with the file, the field, the value and what is allowed, rather than end in a traceback or in a
stack AWS refuses at apply (or at every run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config_kit.errors import ConfigError, Problem
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
        f"{path}: ticket.query.{written} = {shown}: {allowed}"  # the field as written: escaped
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


# What ECS refuses in RunTask: the task would fail at every run


ECS_STEP = """\
[[steps]]
name = "Transform"
type = "ecs"
cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline"
task_definition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform"
pass_roles = []
"""


def ecs_step(*lines: str, overrides: str = "") -> str:
    return MINIMAL_CONFIG + "\n" + ECS_STEP + "".join(f"{line}\n" for line in lines) + overrides


def ids(prefix: str, count: int) -> str:
    return ", ".join(f'"{prefix}-{index:08x}"' for index in range(count))


@pytest.mark.parametrize(
    ("key", "prefix", "count", "allowed"),
    [
        ("subnets", "subnet", 17, "at most 16 subnet ids (AwsVpcConfiguration), not 17"),
        ("security_groups", "sg", 6, "at most 5 security group ids (AwsVpcConfiguration), not 6"),
    ],
)
def test_more_network_ids_than_a_task_takes_are_refused(tmp_path, key, prefix, count, allowed):
    text = ecs_step(
        'subnets = ["subnet-0a1b2c3d"]' if key != "subnets" else "", f"{key} = [{ids(prefix, count)}]"
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    [problem] = caught.value.problems
    assert (problem.field, problem.allowed, len(problem.value)) == (f"steps[1].{key}", allowed, count)


def test_the_most_network_ids_a_task_takes_are_accepted(tmp_path):
    text = ecs_step(f"subnets = [{ids('subnet', 16)}]", f"security_groups = [{ids('sg', 5)}]")
    [_, step] = load_configs([write(tmp_path, text)])[0].steps
    assert (len(step.subnets), len(step.security_groups)) == (16, 5)


CONTAINER_NAME = "must be 1-255 letters, digits, '-' or '_'"


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("", CONTAINER_NAME),
        ("app server", CONTAINER_NAME),
        ("app.server", CONTAINER_NAME),
        ("c" * 256, "must be at most 255 characters (it has 256)"),
    ],
)
def test_a_container_override_names_a_container_ecs_could_hold(tmp_path, name, allowed):
    """An override of a container the task definition cannot have fails RunTask at every run."""
    text = ecs_step(
        'subnets = ["subnet-0a1b2c3d"]', overrides=f'[[steps.container_overrides]]\nname = "{name}"\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    [problem] = caught.value.problems
    assert (problem.field, problem.value, problem.allowed) == (
        "steps[1].container_overrides[0].name",
        name,
        allowed,
    )


def test_overrides_longer_than_runtask_takes_are_refused(tmp_path):
    overrides = "".join(
        f'[[steps.container_overrides]]\nname = "c{index}"\nenvironment = {{ VALUE = "{"v" * 3000}" }}\n'
        for index in range(3)
    )
    path = write(tmp_path, ecs_step('subnets = ["subnet-0a1b2c3d"]', overrides=overrides))
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    [problem] = caught.value.problems
    assert problem.field == "steps[1].container_overrides"
    assert problem.allowed.startswith("make RunTask overrides of 9")
    assert problem.allowed.endswith("characters, over the 8192 ECS allows (RunTask)")


# Two files


def test_stack_names_that_differ_only_in_letter_case_are_refused(tmp_path):
    """Their folders cdktf.out/stacks/<name> are one folder on macOS and Windows: one stack's
    output would silently replace the other's."""
    first = write(tmp_path, MINIMAL_CONFIG, "dev.toml")
    renamed = edited('name = "pipeline-test"', 'name = "Pipeline-Test"')
    second = write(
        tmp_path,
        renamed + '\n[state_machine]\nname = "other"\n\n[backend]\npath = "other.tfstate"\n',
        "prod.toml",
    )
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])
    folders = "stack folders whose names differ only in letter case are one folder on macOS and Windows"
    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: stack.name = "Pipeline-Test": is already the stack of {first} as "pipeline-test": {folders}'
    ]


# Time zones


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "posix/Europe/Berlin", "right/UTC"])
def test_a_file_of_the_hosts_zone_folder_is_not_a_time_zone(tmp_path, zone):
    """ZoneInfo reads these files of /usr/share/zoneinfo, but they name no IANA zone Scheduler
    knows; localtime is whatever zone the machine that synthesizes is set to."""
    text = with_section("schedule", f'timezone = "{zone}"')
    expect_problem(
        tmp_path,
        text,
        f'schedule.timezone = "{zone}": must be an IANA time zone such as UTC or Europe/Berlin',
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_iana_time_zones_are_accepted(tmp_path, zone):
    text = with_section("schedule", f'timezone = "{zone}"')
    assert load_configs([write(tmp_path, text)])[0].schedule.timezone == zone


# Messages are printed to a terminal


def test_a_problem_shows_control_and_bidirectional_characters_escaped():
    """A key or value holding ESC, CR or U+202E (right-to-left override) was printed as it is:
    the terminal then cleared the screen, overwrote the line or reordered it, hiding the message."""
    problem = Problem("env.toml", "ticket.query.a\x1b[2J\rb", "must be ...", "x\u202ey\x9bz\u2028")
    assert (
        str(problem) == 'env.toml: ticket.query.a\\u001b[2J\\u000db = "x\\u202ey\\u009bz\\u2028": must be ...'
    )


def test_a_key_with_a_carriage_return_cannot_hide_its_problem(tmp_path):
    path = write(tmp_path, with_section("ticket.query", '"a\\rtoken" = "v"'))
    with pytest.raises(ConfigError) as caught:
        load_configs([path])
    assert "\r" not in str(caught.value)
    assert f"{path}: ticket.query.a\\u000dtoken = " in str(caught.value)
