"""Loading configuration files: documented defaults, and one message per bad input.

Each negative test edits MINIMAL_CONFIG (tests/unit/support.py) and checks the
whole message: file, field, the value found and what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config_kit.errors import ConfigError, Problem
from core.loading import load_config, load_configs
from core.sections.backend import LocalBackend, S3Backend
from core.sections.state_machine import LogLevel
from core.steps import STEP_KINDS
from core.steps.ecs_run_task import EcsStep
from core.steps.http_invoke import HttpStep
from core.steps.lambda_invoke import LambdaStep
from core.tickets import OUTSETA_SUPPORT_CASE
from tests.unit.support import (
    MINIMAL_CONFIG,
    REFS,
    TRANSIENT_HTTP_ERRORS,
    edited,
    expect_problem,
    in_table,
    load_text,
    problems_of,
    with_section,
    write,
)

ROOT = Path(__file__).resolve().parents[2]

ECS_STEP = """
[[steps]]
name = "TransformOrders"
type = "ecs"
cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline"
task_definition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform"
subnets = ["subnet-0a1b2c3d4e5f60718"]
security_groups = ["sg-0a1b2c3d4e5f60718"]
pass_roles = ["arn:aws:iam::123456789012:role/transform-task"]
"""
HTTP_STEP = """
[[steps]]
name = "FetchOrders"
type = "http"
connection = "ticketing"
endpoint = "https://api.partner.example.com/v1/orders"
"""
WITHOUT_STEPS = MINIMAL_CONFIG[: MINIMAL_CONFIG.index("[[steps]]")]
SCHEDULE_ALLOWED = (
    "must be cron(minutes hours day-of-month month day-of-week year) with '?' in exactly one "
    "day field, rate(N minute|minutes|hour|hours|day|days) or at(yyyy-mm-ddThh:mm:ss), "
    "e.g. cron(0 22 * * ? *)"
)
CONNECTION_SOURCE = (
    "set exactly one of secret_name (an existing Secrets Manager secret holding the API key) "
    "and variable (the environment variable TF_VAR_<variable> holds it when scripts/set-api-keys.sh runs)"
)
FORBIDDEN_HEADER = "is a header Step Functions does not let a state set; credentials belong in the connection"
PLACEHOLDERS = (
    "{{cause}}, {{error}}, {{execution_id}}, {{execution_name}}, {{execution_url}}, {{reporter}}, "
    "{{started_at}}, {{state_machine}}, {{step}}"
)


# Valid files


def test_minimal_config_loads_with_the_documented_defaults(tmp_path):
    config = load_text(tmp_path, MINIMAL_CONFIG)

    assert config.backend == LocalBackend(path=None)
    assert (config.stack.account_id, dict(config.stack.tags)) == (None, {})
    assert config.state_machine.name == "pipeline-test"
    assert config.state_machine.log_level is LogLevel.ERROR
    assert config.state_machine.log_retention_days == 30
    assert config.state_machine.include_execution_data is False
    assert config.state_machine.tracing is False
    assert config.state_machine.test_state_role is False
    assert config.schedule.expression == "cron(0 22 * * ? *)"
    assert config.schedule.timezone == "UTC"
    assert config.schedule.enabled is True
    assert dict(config.schedule.input) == {}
    assert config.schedule.input_json() == "{}"
    assert config.notifications.topic_name == "pipeline-test-failures"
    assert config.notifications.emails == ()
    assert config.notifications.subject == "pipeline-test failed"
    assert config.connections["ticketing"].header == "Authorization"
    assert config.connections["ticketing"].secret.secret_json_key is None


def test_ticket_defaults_to_post_json_and_the_outseta_body_with_bounded_retries(tmp_path):
    ticket = load_text(tmp_path, MINIMAL_CONFIG).ticket

    assert ticket.request.method == "POST"
    assert dict(ticket.request.headers) == {"Content-Type": "application/json"}
    assert dict(ticket.request.query) == {}
    assert ticket.request.body == OUTSETA_SUPPORT_CASE
    assert ticket.reporter == "bot-1"
    assert ticket.retry.errors == TRANSIENT_HTTP_ERRORS
    assert ticket.retry.max_attempts == 3


def test_ticket_body_given_in_the_file_replaces_the_default(tmp_path):
    text = in_table("[ticket]", 'body = { title = "{{state_machine}}: {{error}}" }')

    assert load_text(tmp_path, text).ticket.request.body == {"title": "{{state_machine}}: {{error}}"}


def test_every_step_kind_loads_with_its_defaults(tmp_path):
    config = load_text(tmp_path, MINIMAL_CONFIG + ECS_STEP + HTTP_STEP)

    lambda_step, ecs_step, http_step = config.steps
    assert isinstance(lambda_step, LambdaStep)
    assert lambda_step.payload is None and lambda_step.result_path is None
    assert lambda_step.retry.errors[0] == "Lambda.ClientExecutionTimeoutException"
    assert isinstance(ecs_step, EcsStep)
    assert ecs_step.assign_public_ip is False
    assert ecs_step.retry.to_json() == []
    assert ecs_step.pass_role_arns == ("arn:aws:iam::123456789012:role/transform-task",)
    assert isinstance(http_step, HttpStep)
    assert http_step.request.method == "GET"
    assert dict(http_step.request.headers) == {}
    assert http_step.request.body is None


def test_s3_backend_loads_with_locking_and_encryption_on(tmp_path):
    text = with_section(
        "backend", 'type = "s3"', 'bucket = "state"', 'key = "pipeline.tfstate"', 'region = "eu-west-1"'
    )

    assert load_text(tmp_path, text).backend == S3Backend(
        bucket="state", key="pipeline.tfstate", region="eu-west-1", use_lockfile=True, encrypt=True
    )


def test_secret_json_key_is_allowed_with_secret_name(tmp_path):
    text = in_table("[connections.ticketing]", 'secret_json_key = "api_key"')

    assert load_text(tmp_path, text).connections["ticketing"].secret.secret_json_key == "api_key"


def test_secret_may_be_named_by_its_arn(tmp_path):
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline/ticketing-key-AbCdEf"
    text = edited('secret_name = "pipeline/ticketing-key"', f'secret_name = "{arn}"')

    assert load_text(tmp_path, text).connections["ticketing"].secret.secret_name == arn


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_shipped_configs_load(environment):
    config = load_config(ROOT / "config" / f"{environment}.toml")

    assert config.stack.name == f"nightly-pipeline-{environment}"
    assert [step.name for step in config.steps] == ["FetchOrders", "TransformOrders", "AnalyzeOrders"]


# Unreadable and incomplete files


def test_invalid_toml_says_the_file_cannot_be_read(tmp_path):
    path = write(tmp_path, MINIMAL_CONFIG + "\n[stack\n")

    with pytest.raises(ConfigError, match=rf"^{path}: \(file\): cannot be read: ") as caught:
        load_config(path)
    assert len(caught.value.problems) == 1


def test_missing_file_says_the_file_cannot_be_read(tmp_path):
    with pytest.raises(ConfigError, match=r"missing\.toml: \(file\): cannot be read: "):
        load_config(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            edited('[stack]\nname = "pipeline-test"\nregion = "eu-west-1"\n', ""),
            "stack: is required and must be a table",
            id="no-stack",
        ),
        pytest.param(
            edited('region = "eu-west-1"\n', ""),
            "stack.region: is required and must be a string",
            id="no-region",
        ),
        pytest.param(
            edited('endpoint = "https://tickets.example.com/api/cases"\n', ""),
            "ticket.endpoint: is required and must be a string",
            id="no-endpoint",
        ),
        pytest.param(
            with_section("backend", 'type = "s3"', 'key = "pipeline.tfstate"', 'region = "eu-west-1"'),
            "backend.bucket: is required and must be a string",
            id="s3-without-bucket",
        ),
        pytest.param(
            MINIMAL_CONFIG + ECS_STEP.replace('subnets = ["subnet-0a1b2c3d4e5f60718"]\n', ""),
            "steps[1].subnets = []: at least one subnet id is required",
            id="ecs-without-subnets",
        ),
        pytest.param(
            MINIMAL_CONFIG + ECS_STEP.replace('["subnet-0a1b2c3d4e5f60718"]', "[]"),
            "steps[1].subnets = []: at least one subnet id is required",
            id="ecs-with-empty-subnets",
        ),
    ],
)
def test_missing_required_setting_is_reported(tmp_path, text, message):
    expect_problem(tmp_path, text, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            WITHOUT_STEPS, "steps = []: the pipeline needs at least one [[steps]] table", id="no-steps-table"
        ),
        pytest.param(
            "steps = []\n" + WITHOUT_STEPS,
            "steps = []: the pipeline needs at least one [[steps]] table",
            id="empty-array",
        ),
    ],
)
def test_pipeline_without_steps_is_refused(tmp_path, text, message):
    expect_problem(tmp_path, text, message)


# Unknown keys


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            'colour = "red"\n' + MINIMAL_CONFIG,
            "colour: unknown key; allowed here: "
            "stack, backend, state_machine, schedule, night_watch, notifications, encryption, connections, ticket, steps",
            id="top-level",
        ),
        pytest.param(
            in_table("[stack]", 'colour = "red"'),
            "stack.colour: unknown key; allowed here: name, region, account_id, tags",
            id="stack",
        ),
        pytest.param(
            MINIMAL_CONFIG + 'cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline"\n',
            "steps[0].cluster: unknown key; allowed here: "
            "type, name, result_path, timeout_seconds, function, payload, retry",
            id="ecs-key-on-lambda-step",
        ),
        pytest.param(
            in_table("[ticket]", 'methd = "POST"'),
            "ticket.methd: unknown key; allowed here: "
            "preset, connection, endpoint, endpoint_is_root, method, headers, query, body, reporter, retry",
            id="ticket-typo",
        ),
    ],
)
def test_unknown_key_is_reported_with_the_keys_allowed_there(tmp_path, text, message):
    expect_problem(tmp_path, text, message)


def test_unknown_step_type_is_the_only_problem_reported_for_that_step(tmp_path):
    path = write(tmp_path, edited('type = "lambda"', 'type = "athena"'))
    kinds = ", ".join(STEP_KINDS)
    assert problems_of(path) == [f'{path}: steps[0].type = "athena": must be one of {kinds}']


# HTTP requests and connections


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        pytest.param(
            "http://tickets.example.com/api/cases",
            "must be an https:// URL with a host and no query string or fragment",
            id="http",
        ),
        pytest.param(
            "https://tickets.example.com/api/cases?sentAutoResponder=false",
            "must be an https:// URL with a host and no query string or fragment "
            "(put query parameters in the query table)",
            id="query-string",
        ),
        pytest.param(
            "https://bot:hunter2@tickets.example.com/api/cases",
            "must be an https:// URL with a host and no query string or fragment, "
            "and without credentials (the API key belongs in a connection)",
            id="credentials",
        ),
    ],
)
def test_ticket_endpoint_must_be_https_without_query(tmp_path, endpoint, allowed):
    text = edited("https://tickets.example.com/api/cases", endpoint)

    expect_problem(tmp_path, text, f'ticket.endpoint = "{endpoint}": {allowed}')


def test_unknown_http_method_lists_the_methods(tmp_path):
    expect_problem(
        tmp_path,
        in_table("[ticket]", 'method = "FETCH"'),
        'ticket.method = "FETCH": must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD',
    )


def test_retry_backoff_rate_out_of_range_names_its_bounds_as_numbers(tmp_path):
    expect_problem(
        tmp_path,
        in_table("[ticket]", "retry = { backoff_rate = 12 }"),
        "ticket.retry.backoff_rate = 12: must be between 1.0 and 10.0",
    )


def test_ticket_connection_must_be_configured(tmp_path):
    expect_problem(
        tmp_path,
        edited('connection = "ticketing"', 'connection = "jira"'),
        'ticket.connection = "jira": must name a configured connection ([connections.<name>]): ticketing',
    )


def test_step_connection_must_be_configured(tmp_path):
    text = MINIMAL_CONFIG + HTTP_STEP.replace('connection = "ticketing"', 'connection = "partner"')

    expect_problem(
        tmp_path,
        text,
        'steps[1].connection = "partner": '
        "must name a configured connection ([connections.<name>]): ticketing",
    )


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(['variable = "ticketing_key"'], id="both"),
        pytest.param(None, id="neither"),
    ],
)
def test_connection_needs_exactly_one_key_source(tmp_path, lines):
    if lines is None:
        text = edited('secret_name = "pipeline/ticketing-key"', 'description = "Tickets"')
    else:
        text = in_table("[connections.ticketing]", *lines)

    expect_problem(tmp_path, text, f"connections.ticketing: {CONNECTION_SOURCE}")


def test_secret_json_key_without_secret_name_is_refused(tmp_path):
    text = edited(
        'secret_name = "pipeline/ticketing-key"', 'variable = "ticketing_key"\nsecret_json_key = "api_key"'
    )

    expect_problem(
        tmp_path, text, 'connections.ticketing.secret_json_key = "api_key": only applies with secret_name'
    )


def test_connection_name_must_be_an_identifier(tmp_path):
    text = edited("[connections.ticketing]", "[connections.Ticketing]").replace(
        'connection = "ticketing"', 'connection = "Ticketing"'
    )

    expect_problem(
        tmp_path,
        text,
        'connections.Ticketing = "Ticketing": connection name must be 1-32 lower-case letters, '
        "digits or '_', starting with a letter",
    )


def test_connection_names_that_read_the_same_in_iam_sids_are_refused(tmp_path):
    text = edited(
        "[ticket]\n",
        '[connections.orders_v2]\nvariable = "a"\n\n[connections.orders_v_2]\nvariable = "b"\n\n[ticket]\n',
    )

    expect_problem(
        tmp_path,
        text,
        'connections.orders_v_2 = "orders_v_2": '
        "connection name reads the same as 'orders_v2' once '_' is dropped",
    )


@pytest.mark.parametrize("header", ["Authorization", "X-Amz-Date", "Host", "x-forwarded-for"])
def test_header_step_functions_refuses_is_reported(tmp_path, header):
    text = in_table("[ticket]", f'headers = {{ "{header}" = "x" }}')

    expect_problem(tmp_path, text, f'ticket.headers.{header} = "{header}": {FORBIDDEN_HEADER}')


def test_query_value_must_be_a_string(tmp_path):
    expect_problem(
        tmp_path,
        in_table("[ticket]", "query = { limit = 10 }"),
        "ticket.query.limit = 10: must be a string (quote numbers and booleans)",
    )


# Terraform template syntax


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            in_table("[connections.ticketing]", 'description = "costs ${var.price}"'),
            "connections.ticketing.description",
            "costs ${var.price}",
            id="connection-description",
        ),
        pytest.param(
            in_table("[stack]", 'tags = { owner = "${local.owner}" }'),
            "stack.tags.owner",
            "${local.owner}",
            id="tag",
        ),
        pytest.param(
            MINIMAL_CONFIG + 'payload = { items = ["a", "%{ if x }"] }\n',
            "steps[0].payload.items[1]",
            "%{ if x }",
            id="directive-in-array",
        ),
        pytest.param(
            MINIMAL_CONFIG + 'payload = { "${var.key}" = "x" }\n',
            "steps[0].payload.${var.key}",
            "${var.key}",
            id="table-key",
        ),
    ],
)
def test_terraform_template_syntax_in_any_string_is_refused(tmp_path, text, field, value):
    expect_problem(
        tmp_path,
        text,
        f'{field} = "{value}": '
        "must not contain '${' or '%{': Terraform would read them as template syntax",
    )


# Ticket body template


def test_ticket_body_with_unknown_placeholder_lists_the_known_ones(tmp_path):
    text = in_table("[ticket]", 'body = { Subject = "{{colour}} failed" }')

    expect_problem(
        tmp_path,
        text,
        'ticket.body.Subject = "{{colour}} failed": '
        f"unknown placeholder {{{{colour}}}}; allowed: {PLACEHOLDERS}",
    )


def test_ticket_body_with_run_time_placeholder_in_an_array_is_refused(tmp_path):
    text = in_table("[ticket]", 'body = { Tags = ["nightly", "{{error}}"] }')

    expect_problem(
        tmp_path,
        text,
        'ticket.body.Tags[1] = "{{error}}": '
        "{{error}} is filled at run time, which ASL allows only in object values, not in arrays",
    )


@pytest.mark.parametrize(
    "body",
    [pytest.param(None, id="default-body"), pytest.param('body = { Owner = "{{reporter}}" }', id="own-body")],
)
def test_reporter_placeholder_requires_ticket_reporter(tmp_path, body):
    text = edited('reporter = "bot-1"\n', body + "\n" if body else "")

    expect_problem(
        tmp_path,
        text,
        "ticket.reporter: is required because ticket.body uses {{reporter}}: "
        "the user or bot the ticket is filed as",
    )


def test_body_without_reporter_placeholder_needs_no_reporter(tmp_path):
    text = edited('reporter = "bot-1"\n', 'body = { Subject = "{{error}}" }\n')

    assert load_text(tmp_path, text).ticket.reporter is None


# Schedule


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        pytest.param("cron(0 22 * * ?)", "5 fields were given, 6 are needed", id="five-fields"),
        pytest.param("cron(0 22 * * ? * *)", "7 fields were given, 6 are needed", id="seven-fields"),
        pytest.param(
            "cron(0 22 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'", id="both-days-?"
        ),
        pytest.param(
            "cron(0 22 * * * *)",
            "exactly one of day-of-month and day-of-week must be '?'",
            id="neither-day-?",
        ),
        pytest.param("cron(60 22 * * ? *)", "the minutes field '60' is invalid", id="minute-60"),
        pytest.param("cron(0 24 * * ? *)", "the hours field '24' is invalid", id="hour-24"),
        pytest.param("rate(1 days)", "the unit is singular for 1 and plural otherwise", id="rate-1-days"),
        pytest.param("rate(5 minute)", "the unit is singular for 1 and plural otherwise", id="rate-5-minute"),
        pytest.param("rate(0 hours)", "the rate must be a positive whole number and a unit", id="rate-0"),
        pytest.param("at(2027-02-30T00:00:00)", "the date must be yyyy-mm-ddThh:mm:ss", id="at-no-such-day"),
        pytest.param("at(2027-01-01 00:00:00)", "the date must be yyyy-mm-ddThh:mm:ss", id="at-without-T"),
    ],
)
def test_malformed_schedule_expression_says_what_is_wrong(tmp_path, expression, reason):
    text = with_section("schedule", f'expression = "{expression}"')

    expect_problem(tmp_path, text, f'schedule.expression = "{expression}": {SCHEDULE_ALLOWED}; here {reason}')


def test_unknown_schedule_kind_shows_the_forms_allowed(tmp_path):
    text = with_section("schedule", 'expression = "every(1 day)"')

    expect_problem(tmp_path, text, f'schedule.expression = "every(1 day)": {SCHEDULE_ALLOWED}')


def test_bad_time_zone_is_refused(tmp_path):
    expect_problem(
        tmp_path,
        with_section("schedule", 'timezone = "Mars/Olympus_Mons"'),
        'schedule.timezone = "Mars/Olympus_Mons": must be an IANA time zone such as UTC or Europe/Berlin',
    )


# Notifications and state machine


def test_bad_email_is_refused(tmp_path):
    expect_problem(
        tmp_path,
        with_section("notifications", 'emails = ["team@example.com", "team.example.com"]'),
        'notifications.emails[1] = "team.example.com": must be an e-mail address like team@example.com',
    )


def test_duplicate_email_is_refused(tmp_path):
    emails = '["a@example.com", "b@example.com", "a@example.com"]'

    expect_problem(
        tmp_path,
        with_section("notifications", f"emails = {emails}"),
        'notifications.emails = ["a@example.com", "b@example.com", "a@example.com"]: '
        "lists a@example.com more than once",
    )


@pytest.mark.parametrize(
    ("toml_value", "shown"),
    [
        pytest.param('"' + "x" * 100 + '"', '"' + "x" * 100 + '"', id="too-long"),
        pytest.param(r'"Pipeline\nfailed"', r'"Pipeline\nfailed"', id="newline"),
    ],
)
def test_sns_subject_must_be_one_short_line(tmp_path, toml_value, shown):
    expect_problem(
        tmp_path,
        with_section("notifications", f"subject = {toml_value}"),
        f"notifications.subject = {shown}: "
        "must be 1-99 printable ASCII characters on one line, not starting with a space",
    )


def test_log_level_must_be_one_of_the_levels(tmp_path):
    expect_problem(
        tmp_path,
        with_section("state_machine", 'log_level = "DEBUG"'),
        'state_machine.log_level = "DEBUG": must be one of ALL, ERROR, FATAL, OFF',
    )


def test_log_retention_must_be_a_period_cloudwatch_offers(tmp_path):
    expect_problem(
        tmp_path,
        with_section("state_machine", "log_retention_days = 42"),
        "state_machine.log_retention_days = 42: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
        "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    )


@pytest.mark.parametrize("attempts", [-1, 11])
def test_retry_max_attempts_out_of_range_is_refused(tmp_path, attempts):
    text = MINIMAL_CONFIG + f"\n[ticket.retry]\nmax_attempts = {attempts}\n"

    expect_problem(tmp_path, text, f"ticket.retry.max_attempts = {attempts}: must be between 0 and 10")


def test_step_retry_max_attempts_out_of_range_is_refused(tmp_path):
    text = MINIMAL_CONFIG + "\n[steps.retry]\nmax_attempts = 99\n"

    expect_problem(tmp_path, text, "steps[0].retry.max_attempts = 99: must be between 0 and 10")


# Step settings


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders",
            "arn:aws:lambda:eu-west-1:123456789012:extract-orders",
            'steps[0].function = "arn:aws:lambda:eu-west-1:123456789012:extract-orders": '
            "must be an ARN like arn:aws:lambda:eu-west-1:123456789012:function:extract-orders",
            id="lambda-function",
        ),
        pytest.param(
            "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
            "arn:aws:ecs:eu-west-1:123456789012:pipeline",
            'steps[1].cluster = "arn:aws:ecs:eu-west-1:123456789012:pipeline": '
            "must be an ARN like arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
            id="ecs-cluster",
        ),
        pytest.param(
            "task-definition/transform",
            "task-definition/transform:latest",
            "steps[1].task_definition = "
            '"arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:latest": '
            "must be an ARN like arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3 "
            "(the revision may be left out)",
            id="ecs-task-definition",
        ),
        pytest.param(
            '"subnet-0a1b2c3d4e5f60718"',
            '"subnet-xyz"',
            'steps[1].subnets[0] = "subnet-xyz": must be a subnet id like subnet-0123456789abcdef0',
            id="subnet",
        ),
        pytest.param(
            '"sg-0a1b2c3d4e5f60718"',
            '"sg-12"',
            'steps[1].security_groups[0] = "sg-12": must be a security group id like sg-0123456789abcdef0',
            id="security-group",
        ),
        pytest.param(
            "arn:aws:iam::123456789012:role/transform-task",
            "arn:aws:iam::123456789012:user/transform-task",
            'steps[1].pass_roles[0] = "arn:aws:iam::123456789012:user/transform-task": '
            "must be an ARN like arn:aws:iam::123456789012:role/transform-task",
            id="pass-role",
        ),
    ],
)
def test_malformed_aws_id_in_a_step_is_refused(tmp_path, old, new, message):
    expect_problem(tmp_path, edited(old, new, MINIMAL_CONFIG + ECS_STEP), message)


# Step names


def lambda_step(name: str) -> str:
    return f"""
[[steps]]
name = "{name}"
type = "lambda"
function = "arn:aws:lambda:eu-west-1:123456789012:function:other"
"""


def test_duplicate_step_name_is_refused_once(tmp_path):
    path = write(tmp_path, MINIMAL_CONFIG + lambda_step("ExtractOrders"))
    assert problems_of(path) == [
        f"{path}: steps[1].name = \"ExtractOrders\": 'ExtractOrders' is already a state name, used by steps[0].name"
    ]


@pytest.mark.parametrize("name", ["PipelineFailed", "DescribeFailure", "OpenSupportTicket", "NotifyTeam"])
def test_step_named_like_a_failure_path_state_is_refused(tmp_path, name):
    expect_problem(
        tmp_path,
        edited('name = "ExtractOrders"', f'name = "{name}"'),
        f"steps[0].name = \"{name}\": '{name}' is already a state name, used by the failure path",
    )


def test_step_named_like_another_steps_failure_record_is_refused(tmp_path):
    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + lambda_step("ExtractOrdersFailed"),
        "steps[1].name = \"ExtractOrdersFailed\": 'ExtractOrdersFailed' is already a state name, "
        "used by steps[0].name",
    )


def test_step_names_differing_only_by_punctuation_are_refused(tmp_path):
    text = edited('name = "ExtractOrders"', 'name = "Load-Orders"') + lambda_step("Load Orders")

    expect_problem(
        tmp_path,
        text,
        'steps[1].name = "Load Orders": '
        "reads the same as steps[0].name once spaces and punctuation are dropped",
    )


def test_step_name_reading_like_the_ticket_state_is_refused(tmp_path):
    # Its IAM Sid CallOpenSupportTicketEndpoint would clash with the ticket's.
    text = MINIMAL_CONFIG + HTTP_STEP.replace('"FetchOrders"', '"Open Support Ticket"')

    expect_problem(
        tmp_path,
        text,
        'steps[1].name = "Open Support Ticket": '
        "reads the same as the failure path once spaces and punctuation are dropped",
    )


def test_step_name_whose_failure_record_is_too_long_says_how_long_it_may_be(tmp_path):
    name = "A" * 75

    expect_problem(
        tmp_path,
        edited('name = "ExtractOrders"', f'name = "{name}"'),
        f"steps[0].name = \"{name}\": its failure state '{name}Failed' would be longer than 80 characters; "
        "use at most 74",
    )


def test_step_name_with_spaces_whose_failure_record_is_too_long_says_how_long_it_may_be(tmp_path):
    name = "Extract " + "a" * 67  # 75 characters; the record adds " failed"

    expect_problem(
        tmp_path,
        edited('name = "ExtractOrders"', f'name = "{name}"'),
        f"steps[0].name = \"{name}\": its failure state '{name} failed' would be longer than 80 characters; "
        "use at most 73",
    )


def test_step_name_over_80_characters_is_refused(tmp_path):
    name = "A" * 81

    expect_problem(
        tmp_path,
        edited('name = "ExtractOrders"', f'name = "{name}"'),
        f'steps[0].name = "{name}": must be at most 80 characters (it has 81)',
    )


def test_step_name_with_other_characters_is_refused(tmp_path):
    expect_problem(
        tmp_path,
        edited('name = "ExtractOrders"', 'name = "Extract.Orders"'),
        'steps[0].name = "Extract.Orders": '
        "must be letters, digits, spaces, '-' or '_', starting with a letter",
    )


# Many problems, many files


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = edited('region = "eu-west-1"', 'region = "europe"').replace(
        "https://tickets.example.com/api/cases", "http://tickets.example.com/api/cases"
    ).replace("function:extract-orders", "extract-orders").replace(
        "[ticket]", '[schedule]\ntimezone = "Nowhere"\n\n[ticket]'
    ) + lambda_step("PipelineFailed")
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    problems = caught.value.problems
    assert len(problems) == 5
    assert [problem.field for problem in problems] == [
        "stack.region",
        "schedule.timezone",
        "ticket.endpoint",
        "steps[0].function",
        "steps[1].name",
    ]
    assert {problem.file for problem in problems} == {str(path)}
    assert str(caught.value) == "\n".join(str(problem) for problem in problems)


def test_load_configs_refuses_two_files_for_one_stack(tmp_path):
    first = write(tmp_path, MINIMAL_CONFIG, "dev.toml")
    second = write(tmp_path, MINIMAL_CONFIG, "prod.toml")

    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])

    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: stack.name = "pipeline-test": is already the stack of {first}',
        f'{second}: backend.path = "terraform.pipeline-test.tfstate": is already the state file of {first}',
    ]


def test_load_configs_reports_the_problems_of_every_file(tmp_path):
    first = write(tmp_path, edited('region = "eu-west-1"', 'region = "europe"'), "dev.toml")
    second = write(
        tmp_path,
        edited('name = "pipeline-test"', 'name = "pipeline-prod"').replace("bot-1", "${x}"),
        "prod.toml",
    )

    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])

    assert [problem.file for problem in caught.value.problems] == [str(first), str(second)]


def test_load_configs_returns_one_config_per_file(tmp_path):
    first = write(tmp_path, MINIMAL_CONFIG, "dev.toml")
    second = write(tmp_path, edited('name = "pipeline-test"', 'name = "pipeline-prod"'), "prod.toml")

    assert [config.stack.name for config in load_configs([first, second])] == [
        "pipeline-test",
        "pipeline-prod",
    ]


# How a problem reads


def test_problem_shows_file_field_value_and_what_is_allowed():
    assert str(Problem("dev.toml", "stack.region", "must be a region", "europe")) == (
        'dev.toml: stack.region = "europe": must be a region'
    )


def test_problem_without_value_shows_no_value():
    assert str(Problem("dev.toml", "stack", "is required")) == "dev.toml: stack: is required"


def test_problem_shortens_long_values():
    shown = str(Problem("dev.toml", "ticket.body", "is wrong", {"text": "x" * 200}))

    assert shown == 'dev.toml: ticket.body = {"text": "' + "x" * 107 + "...: is wrong"


def test_ecs_step_without_pass_roles_is_refused_because_run_task_would_be_denied(tmp_path):
    without = ECS_STEP.replace('pass_roles = ["arn:aws:iam::123456789012:role/transform-task"]\n', "")

    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + without,
        "steps[1].pass_roles: is required: the ARNs of the task definition's task role and execution role, "
        "which RunTask passes to ECS (iam:PassRole; without them every run is denied). "
        "Write pass_roles = [] if the task definition has neither",
    )


def test_ecs_step_with_no_roles_to_pass_grants_no_pass_role(tmp_path):
    text = MINIMAL_CONFIG + ECS_STEP.replace(
        'pass_roles = ["arn:aws:iam::123456789012:role/transform-task"]', "pass_roles = []"
    )

    (_, ecs_step) = load_text(tmp_path, text).steps

    assert ecs_step.pass_role_arns == ()
    assert all("iam:PassRole" not in statement.actions for statement in ecs_step.policy_statements(REFS))
