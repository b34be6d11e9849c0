"""Values that crashed synth or that AWS refuses at apply are refused when the file is loaded,
each with the file, the field, the value and what is allowed. One class of value per section;
each tries several values of its kind.
tests/synth/test_main_bad_values.py runs main.py on one case of every class."""

from __future__ import annotations

import pytest
from config_kit import validators
from config_kit.errors import ConfigError, Problem

from core import asl_paths
from core.loading import load_config
from tests.unit.support import (
    MINIMAL_CONFIG,
    edited,
    expect_problem,
    in_table,
    load_text,
    problems_of,
    with_section,
    write,
)
from tests.unit.test_loading import ECS_STEP, HTTP_STEP

LAMBDA_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"
WITH_ACCOUNT = in_table("[stack]", 'account_id = "123456789012"')
STATE_MACHINE_STEP = """
[[steps]]
name = "LoadWarehouse"
type = "state_machine"
state_machine = "arn:aws:states:eu-west-1:123456789012:stateMachine:load-warehouse"
"""
GLUE_STEP = """
[[steps]]
name = "Crawl"
type = "glue"
job = "crawl-orders"
"""


def lambda_step(*lines: str) -> str:
    """MINIMAL_CONFIG, whose last table is its Lambda step, with lines added to that step."""
    return MINIMAL_CONFIG + "".join(f"{line}\n" for line in lines)


def only_problems(tmp_path, text: str) -> list[str]:
    """Every problem, without the leading file name."""
    path = write(tmp_path, text)
    return [problem.removeprefix(f"{path}: ") for problem in problems_of(path)]


# TOML dates and times: no JSON form


DATE_ALLOWED = "which has no JSON form; put it in quotes to pass it on as text, as written"
DATES = [
    pytest.param("1979-05-27T07:32:00Z", "1979-05-27T07:32:00+00:00", "date-time", id="offset-date-time"),
    pytest.param("1979-05-27T07:32:00", "1979-05-27T07:32:00", "date-time", id="local-date-time"),
    pytest.param("1979-05-27", "1979-05-27", "date", id="local-date"),
    pytest.param("07:32:00", "07:32:00", "time", id="local-time"),
]


@pytest.mark.parametrize(("written", "shown", "kind"), DATES)
@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            with_section("schedule", "input = {{ day = {value} }}"), "schedule.input.day", id="input"
        ),
        pytest.param(in_table("[ticket]", "body = {{ when = [{value}] }}"), "ticket.body.when[0]", id="body"),
        pytest.param(
            lambda_step("payload = {{ a = {{ b = {value} }} }}"), "steps[0].payload.a.b", id="payload"
        ),
        pytest.param(
            MINIMAL_CONFIG + STATE_MACHINE_STEP + "input = {{ at = {value} }}\n",
            "steps[1].input.at",
            id="input-of-child",
        ),
    ],
)
def test_a_toml_date_or_time_anywhere_is_refused_with_a_message(tmp_path, text, field, written, shown, kind):
    expect_problem(
        tmp_path, text.format(value=written), f'{field} = "{shown}": is a TOML {kind}, {DATE_ALLOWED}'
    )


def test_a_date_where_a_string_is_expected_is_reported_once(tmp_path):
    text = edited('name = "pipeline-test"', "name = 2024-01-01")

    assert only_problems(tmp_path, text) == [f'stack.name = "2024-01-01": is a TOML date, {DATE_ALLOWED}']


def test_a_quoted_date_passes_on_as_written(tmp_path):
    config = load_text(tmp_path, with_section("schedule", 'input = { day = "1979-05-27T07:32:00Z" }'))

    assert config.schedule.input_json() == '{"day": "1979-05-27T07:32:00Z"}'


# Numbers JSON cannot carry


NON_FINITE = "is not a number JSON can carry (nan, inf and -inf are not JSON, and AWS takes JSON only); "
NON_FINITE += "write a finite number, or quote it if text is meant"


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+inf", "-nan"])
@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            with_section("schedule", "input = {{ limit = {value} }}"), "schedule.input.limit", id="input"
        ),
        pytest.param(in_table("[ticket]", "body = {{ score = {value} }}"), "ticket.body.score", id="body"),
        pytest.param(
            lambda_step("payload = {{ xs = [1.0, {value}] }}"), "steps[0].payload.xs[1]", id="payload"
        ),
    ],
)
def test_non_finite_numbers_are_refused_wherever_they_would_reach_aws(tmp_path, text, field, number):
    shown = str(float(number))
    expect_problem(tmp_path, text.format(value=number), f'{field} = "{shown}": {NON_FINITE}')


def test_a_non_finite_number_for_a_numeric_key_is_reported_once(tmp_path):
    text = in_table("[ticket]", "retry = { backoff_rate = nan }")

    assert only_problems(tmp_path, text) == [f'ticket.retry.backoff_rate = "nan": {NON_FINITE}']


# References that are written but empty


CONNECTION_ALLOWED = "must name a configured connection ([connections.<name>]): ticketing"


@pytest.mark.parametrize("name", ["", " ", "Ticketing"])
@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            MINIMAL_CONFIG.replace('connection = "ticketing"', "connection = {value}"),
            "ticket.connection",
            id="ticket",
        ),
        pytest.param(
            MINIMAL_CONFIG + HTTP_STEP.replace('"ticketing"', "{value}"), "steps[1].connection", id="step"
        ),
    ],
)
def test_a_connection_reference_that_names_none_is_refused(tmp_path, text, field, name):
    expect_problem(tmp_path, text.format(value=f'"{name}"'), f'{field} = "{name}": {CONNECTION_ALLOWED}')


# Placeholders in template keys


KEY_ALLOWED = "a key cannot hold a placeholder: keys are sent as written; put the placeholder in the value"


@pytest.mark.parametrize(
    ("table", "field", "key"),
    [
        pytest.param('body = { "{{error}}" = "x" }', "ticket.body.{{error}}", "{{error}}", id="top-level"),
        pytest.param('body = { a = { "{{step}}" = 1 } }', "ticket.body.a.{{step}}", "{{step}}", id="nested"),
        pytest.param(
            'body = { a = [{ "x{{cause}}" = 1 }] }',
            "ticket.body.a[0].x{{cause}}",
            "x{{cause}}",
            id="in-array",
        ),
        pytest.param('body = { "{{nope}}" = "x" }', "ticket.body.{{nope}}", "{{nope}}", id="unknown"),
    ],
)
def test_a_placeholder_in_a_template_key_is_refused(tmp_path, table, field, key):
    problems = only_problems(tmp_path, in_table("[ticket]", table))

    assert f'{field} = "{key}": {KEY_ALLOWED}' in problems, problems


# The file itself


def test_a_byte_order_mark_at_the_start_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "env.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL_CONFIG.encode())

    assert load_config(path).stack.name == "pipeline-test"


# .$ values: a JSONPath or a known intrinsic


BAD_PATH = "States.Format('{} {}', $.a)"
BAD_PATH_ALLOWED = asl_paths.problem(BAD_PATH)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            lambda_step(f'payload = {{ "a.$" = "{BAD_PATH}" }}'), "steps[0].payload.a.$", id="payload"
        ),
        pytest.param(
            MINIMAL_CONFIG + STATE_MACHINE_STEP + f'input = {{ x = [{{ "a.$" = "{BAD_PATH}" }}] }}\n',
            "steps[1].input.x[0].a.$",
            id="child-input",
        ),
        pytest.param(
            MINIMAL_CONFIG + HTTP_STEP + f'body = {{ "a.$" = "{BAD_PATH}" }}\n',
            "steps[1].body.a.$",
            id="http-body",
        ),
        pytest.param(
            MINIMAL_CONFIG + HTTP_STEP + f'headers = {{ "X-Day.$" = "{BAD_PATH}" }}\n',
            "steps[1].headers.X-Day.$",
            id="http-header",
        ),
        pytest.param(
            MINIMAL_CONFIG + HTTP_STEP + f'query = {{ "day.$" = "{BAD_PATH}" }}\n',
            "steps[1].query.day.$",
            id="http-query",
        ),
        pytest.param(
            MINIMAL_CONFIG + GLUE_STEP + f'arguments = {{ "--day.$" = "{BAD_PATH}" }}\n',
            "steps[1].arguments.--day.$",
            id="glue",
        ),
        pytest.param(
            in_table("[ticket]", f'body = {{ "Subject.$" = "{BAD_PATH}" }}'),
            "ticket.body.Subject.$",
            id="ticket-body",
        ),
    ],
)
def test_a_dollar_value_step_functions_would_refuse_is_refused_where_it_stands(tmp_path, text, field):
    expect_problem(tmp_path, text, f'{field} = "{BAD_PATH}": {BAD_PATH_ALLOWED}')


def test_good_dollar_values_load_and_the_execution_input_is_not_parameters(tmp_path):
    text = with_section(
        "schedule",
        'input = { "a.$" = "plain data" }',
        text=lambda_step(
            'payload = { "id.$" = "$$.Execution.Id", "msg.$" = "States.Format(\'{} failed\', $.step)" }'
        ),
    )

    config = load_text(tmp_path, text)

    assert config.steps[0].payload == {
        "id.$": "$$.Execution.Id",
        "msg.$": "States.Format('{} failed', $.step)",
    }


# Endpoints an API destination and the HTTP Task refuse


HTTPS = "must be an https:// URL with a host and no query string or fragment"
ENDPOINTS = [
    pytest.param(
        "https://bücher.example/x",
        f"{HTTPS}, in ASCII: it holds U+00FC (LATIN SMALL LETTER U WITH DIAERESIS); write the host as xn--bcher-kva.example",
        id="idn",
    ),
    pytest.param(
        "https://tickets.exämple.com/api",
        f"{HTTPS}, in ASCII: it holds U+00E4 (LATIN SMALL LETTER A WITH DIAERESIS); write the host as tickets.xn--exmple-cua.com",
        id="non-ascii-host",
    ),
    pytest.param(
        "https://tickets.example.com/caf\u00e9",
        f"{HTTPS}, in ASCII: it holds U+00E9 (LATIN SMALL LETTER E WITH ACUTE)",
        id="non-ascii-path",
    ),
    pytest.param(
        "https://tick\u200bets.example.com/api",
        f"{HTTPS}, in ASCII: it holds U+200B (ZERO WIDTH SPACE)",
        id="zero-width",
    ),
    pytest.param(
        "https://tickets.example.com/\u202eipa",
        f"{HTTPS}, in ASCII: it holds U+202E (RIGHT-TO-LEFT OVERRIDE)",
        id="bidi",
    ),
    pytest.param(
        "https://203.0.113.7/api",
        f"{HTTPS}, whose host is a domain name: the HTTP Task calls public domain names, not IP addresses",
        id="ipv4",
    ),
    pytest.param(
        "https://[2001:db8::1]/api",
        f"{HTTPS}, whose host is a domain name: the HTTP Task calls public domain names, not IP addresses",
        id="ipv6",
    ),
    pytest.param(
        "https://tickets.example.com/{{error}}",
        f"{HTTPS}; placeholders are not filled in an endpoint",
        id="placeholder",
    ),
    pytest.param(
        "https://tickets.example.com:0/api", f"{HTTPS}, and a port from 1 to 65535 if any", id="port-0"
    ),
    pytest.param(
        "https://tickets.example.com:65536/api",
        f"{HTTPS}, and a port from 1 to 65535 if any",
        id="port-too-high",
    ),
    pytest.param(
        "https://tickets.example.com:https/api", f"{HTTPS}, and a port from 1 to 65535 if any", id="port-name"
    ),
    pytest.param(
        "https://tickets.example.com:/api", f"{HTTPS}, and a port from 1 to 65535 if any", id="port-empty"
    ),
    pytest.param(
        "https://tickets.example.com/" + "a" * 2030,
        f"{HTTPS}, at most 2048 characters (it has 2058)",
        id="too-long",
    ),
    pytest.param("https://tickets.example.com/a|b", f"{HTTPS}; | must be percent-encoded (%XX)", id="pipe"),
]


@pytest.mark.parametrize(("endpoint", "allowed"), ENDPOINTS)
def test_an_endpoint_aws_refuses_is_refused_saying_why(endpoint, allowed):
    assert validators.https_url(endpoint) == allowed


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://tickets.example.com/api",
        "https://xn--bcher-kva.example/x",
        "https://tickets.example.com:8443/a%20b",
        "https://api.example.com/v1/(x)/a,b;c",
    ],
)
def test_an_endpoint_aws_accepts_passes(endpoint):
    assert validators.https_url(endpoint) is None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(MINIMAL_CONFIG, "ticket.endpoint", id="ticket"),
        pytest.param(
            MINIMAL_CONFIG
            + HTTP_STEP.replace(
                "https://api.partner.example.com/v1/orders", "https://tickets.example.com/api/cases"
            ),
            "steps[1].endpoint",
            id="http-step",
        ),
        pytest.param(
            edited(
                'endpoint = "https://tickets.example.com/api/cases"',
                'preset = "jira"\nbase_url = "https://tickets.example.com/api/cases"\nproject = "OPS"',
            ),
            "ticket.base_url",
            id="preset-base-url",
        ),
    ],
)
def test_every_endpoint_key_refuses_what_aws_refuses(tmp_path, text, field):
    bad = "https://tickets.exämple.com/api/cases"
    expect_problem(
        tmp_path,
        text.replace("https://tickets.example.com/api/cases", bad),
        f'{field} = "{bad}": {validators.https_url(bad)}',
    )


# Header values


HEADER_VALUE = "must be 1-512 printable ASCII characters on one line"


@pytest.mark.parametrize(
    ("value", "written", "shown"),
    [
        pytest.param(
            "line\nbreak", '"line\\nbreak"', " (it holds U+000A (a control character))", id="newline"
        ),
        pytest.param(
            "carriage\rreturn",
            '"carriage\\rreturn"',
            " (it holds U+000D (a control character))",
            id="carriage-return",
        ),
        pytest.param(
            "caf\u00e9", '"café"', " (it holds U+00E9 (LATIN SMALL LETTER E WITH ACUTE))", id="non-ascii"
        ),
        pytest.param("a\u200bb", '"a\u200bb"', " (it holds U+200B (ZERO WIDTH SPACE))", id="zero-width"),
        pytest.param("", '""', "", id="empty"),
        pytest.param("x" * 513, f'"{"x" * 513}"', " (it has 513)", id="too-long"),
    ],
)
@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            in_table("[ticket]", "headers = {{ X-Team = {value} }}"), "ticket.headers.X-Team", id="ticket"
        ),
        pytest.param(
            MINIMAL_CONFIG + HTTP_STEP + "headers = {{ X-Team = {value} }}\n",
            "steps[1].headers.X-Team",
            id="http-step",
        ),
        pytest.param(
            in_table("[connections.ticketing]", "invocation.headers = {{ X-Team = {value} }}"),
            "connections.ticketing.invocation.headers.X-Team",
            id="connection",
        ),
    ],
)
def test_a_header_value_eventbridge_refuses_is_refused(tmp_path, text, field, value, written, shown):
    problems = only_problems(tmp_path, text.format(value=written))

    assert any(
        problem.startswith(f"{field} = ") and problem.endswith(HEADER_VALUE + shown) for problem in problems
    ), problems


def test_a_header_name_longer_than_eventbridge_takes_is_refused(tmp_path):
    name = "X-" + "a" * 511
    text = in_table("[connections.ticketing]", f'invocation.headers = {{ {name} = "x" }}')

    problems = only_problems(tmp_path, text)

    assert [
        problem.startswith(f"connections.ticketing.invocation.headers.{name} = ") for problem in problems
    ] == [True]
    assert problems[0].endswith(validators.HEADER_NAME_ALLOWED)


# Credentials written as text into a connection


PLAIN_TEXT = (
    "names a credential, whose literal value would stand in plain text in the Terraform JSON, its state and "
    "the plan; give its value as { secret_name = ... } or { variable = ... }, which the connection keeps secret"
)


@pytest.mark.parametrize(
    ("section", "name"),
    [
        pytest.param("invocation.headers", "X-Api-Key", id="header"),
        pytest.param("invocation.headers", "X-Auth-Token", id="token-header"),
        pytest.param("invocation.query", "access_token", id="query"),
        pytest.param("invocation.body", "password", id="body"),
        pytest.param("invocation.body", "routing_key", id="routing-key"),
    ],
)
def test_a_credential_named_connection_parameter_given_as_text_is_refused_without_showing_it(
    tmp_path, section, name
):
    problems = only_problems(
        tmp_path, in_table("[connections.ticketing]", f'{section} = {{ {name} = "s3cr3t" }}')
    )

    assert problems == [f'connections.ticketing.{section}.{name} = "{name}": {PLAIN_TEXT}']


def test_a_credential_named_parameter_from_a_secret_source_loads(tmp_path):
    text = in_table(
        "[connections.ticketing]", 'invocation.headers = { X-Api-Key = { variable = "partner_key" } }'
    )

    assert load_text(tmp_path, text).connections["ticketing"].invocation.headers[0].secret is not None


def test_the_oauth_token_request_follows_the_same_rule(tmp_path):
    text = edited(
        'secret_name = "pipeline/ticketing-key"',
        'auth = "oauth_client_credentials"\nsecret_name = "pipeline/ticketing-key"\n'
        'authorization_endpoint = "https://auth.example.com/token"\nclient_id = "pipeline"\n'
        'token_request.body = { grant_type = "client_credentials", client_assertion_token = "abc" }',
    )

    expect_problem(
        tmp_path,
        text,
        f'connections.ticketing.token_request.body.client_assertion_token = "client_assertion_token": {PLAIN_TEXT}',
    )


# Connection logins


@pytest.mark.parametrize("login", ["", "user:name", "line\\nbreak", "x" * 513])
@pytest.mark.parametrize(
    ("settings", "key"),
    [
        pytest.param('auth = "basic"\nusername = {value}', "username", id="basic-username"),
        pytest.param(
            'auth = "oauth_client_credentials"\nauthorization_endpoint = "https://auth.example.com/token"\n'
            "client_id = {value}",
            "client_id",
            id="oauth-client-id",
        ),
    ],
)
def test_a_login_eventbridge_refuses_is_refused(tmp_path, settings, key, login):
    text = in_table("[connections.ticketing]", settings.format(value=f'"{login}"'))

    problems = only_problems(tmp_path, text)

    login_problems = [
        problem for problem in problems if problem.startswith(f"connections.ticketing.{key} = ")
    ]
    assert len(login_problems) == 1, problems
    assert login_problems[0].endswith(": must be 1-512 characters on one line, without ':'")


# ARNs the stack cannot reach


@pytest.mark.parametrize(
    ("text", "field", "arn", "allowed"),
    [
        pytest.param(
            MINIMAL_CONFIG.replace("arn:aws:lambda", "arn:aws-cn:lambda"),
            "steps[0].function",
            LAMBDA_ARN.replace("arn:aws:", "arn:aws-cn:"),
            "is in partition aws-cn, and stack.region eu-west-1 is in aws: nothing reaches across partitions; use an arn:aws:... ARN",
            id="lambda-other-partition",
        ),
        pytest.param(
            MINIMAL_CONFIG.replace("lambda:eu-west-1", "lambda:us-east-1"),
            "steps[0].function",
            LAMBDA_ARN.replace("eu-west-1", "us-east-1"),
            "is in region us-east-1: Step Functions reaches lambda resources in its own region only (stack.region = eu-west-1)",
            id="lambda-other-region",
        ),
        pytest.param(
            MINIMAL_CONFIG + STATE_MACHINE_STEP.replace("eu-west-1", "eu-central-1"),
            "steps[1].state_machine",
            "arn:aws:states:eu-central-1:123456789012:stateMachine:load-warehouse",
            "is in region eu-central-1: Step Functions reaches states resources in its own region only (stack.region = eu-west-1)",
            id="state-machine-other-region",
        ),
        pytest.param(
            WITH_ACCOUNT
            + ECS_STEP.replace("cluster/pipeline", "cluster/pipeline").replace(
                ":123456789012:cluster", ":210987654321:cluster"
            ),
            "steps[1].cluster",
            "arn:aws:ecs:eu-west-1:210987654321:cluster/pipeline",
            "is in account 210987654321, not stack.account_id 123456789012: ecs has no resource-based policy, so the execution role cannot reach another account's",
            id="ecs-cluster-other-account",
        ),
        pytest.param(
            WITH_ACCOUNT + STATE_MACHINE_STEP.replace(":123456789012:", ":210987654321:"),
            "steps[1].state_machine",
            "arn:aws:states:eu-west-1:210987654321:stateMachine:load-warehouse",
            "is in account 210987654321, not stack.account_id 123456789012: states has no resource-based policy, so the execution role cannot reach another account's",
            id="state-machine-other-account",
        ),
        pytest.param(
            MINIMAL_CONFIG + ECS_STEP.replace("arn:aws:iam::", "arn:aws-us-gov:iam::"),
            "steps[1].pass_roles[0]",
            "arn:aws-us-gov:iam::123456789012:role/transform-task",
            "is in partition aws-us-gov, and stack.region eu-west-1 is in aws: nothing reaches across partitions; use an arn:aws:... ARN",
            id="pass-role-other-partition",
        ),
        pytest.param(
            edited(
                'secret_name = "pipeline/ticketing-key"',
                'secret_name = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:key"',
            ),
            "connections.ticketing.secret_name",
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:key",
            "is in partition aws-cn, and stack.region eu-west-1 is in aws: nothing reaches across partitions; use an arn:aws:... ARN",
            id="secret-other-partition",
        ),
    ],
)
def test_an_arn_the_stack_cannot_reach_is_refused(tmp_path, text, field, arn, allowed):
    expect_problem(tmp_path, text, f'{field} = "{arn}": {allowed}')


def test_arns_the_stack_can_reach_load(tmp_path):
    cross_account_lambda = MINIMAL_CONFIG.replace(":123456789012:function", ":210987654321:function")
    china = MINIMAL_CONFIG.replace('"eu-west-1"', '"cn-north-1"').replace(
        "arn:aws:lambda:eu-west-1", "arn:aws-cn:lambda:cn-north-1"
    )

    assert load_text(
        tmp_path, in_table("[stack]", 'account_id = "123456789012"', text=cross_account_lambda)
    ).steps
    assert load_text(tmp_path, china).stack.region == "cn-north-1"


# The headline


@pytest.mark.parametrize(("count", "headline"), [(1, "(1 problem):"), (2, "(2 problems):")])
def test_the_headline_counts_problems_in_good_english(count, headline):
    error = ConfigError([Problem("env.toml", "stack.name", "is required")] * count)

    assert error.headline == f"Invalid configuration {headline}"
