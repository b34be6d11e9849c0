"""Single-value checks: None for a good value, a sentence saying what is allowed otherwise."""

from __future__ import annotations

import pytest
from config_kit import validators


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 22 * * ? *)",
        "cron(15 10 ? * MON-FRI *)",
        "cron(0 8 1 * ? 2027)",
        "cron(0/15 * * * ? *)",
        "cron(0 9 ? * 6#3 *)",
        "cron(0 9 L * ? *)",
        "cron(0 9 LW * ? *)",
        "cron(0 9 15W * ? *)",
        "cron(0 9 ? * 6L *)",
        "cron(0,30 8-17 ? JAN-MAR,DEC 2-6 2026-2030)",
        "cron(0 9 ? * FRI#3 *)",
        "cron(0 9 1/2 */3 ? 2026/2)",
        "rate(1 day)",
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(12 hours)",
        "at(2027-01-01T00:00:00)",
    ],
)
def test_schedule_expression_accepts(expression):
    assert validators.schedule_expression(expression) is None


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("cron(0 22 * * ?)", "5 fields were given, 6 are needed"),
        ("cron(0 22 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 22 1 * MON *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(60 22 * * ? *)", "the minutes field '60' is invalid"),
        ("cron(0 22 0 * ? *)", "the day-of-month field '0' is invalid"),
        ("cron(0 22 * 13 ? *)", "the month field '13' is invalid"),
        ("cron(0 22 ? * 0 *)", "the day-of-week field '0' is invalid"),
        ("cron(0 22 ? * FUNDAY *)", "the day-of-week field 'FUNDAY' is invalid"),
        ("cron(0 22 * * ? 1969)", "the year field '1969' is invalid"),
        ("cron(0/0 22 * * ? *)", "the minutes field '0/0' is invalid"),
        ("cron(0-10-20 22 * * ? *)", "the minutes field '0-10-20' is invalid"),
        ("cron(0 9 ? * 1/2 *)", "the day-of-week field '1/2' is invalid"),
        ("cron(0 9 ? * 3#1,6#3 *)", "the day-of-week field '3#1,6#3' is invalid"),
        ("cron(0 9 ? * FUN#2 *)", "the day-of-week field 'FUN#2' is invalid"),
        ("cron(\u0660 22 * * ? *)", "the minutes field '\u0660' is invalid"),
        ("cron(0 22 * * ? 2\uff10\uff12\uff16)", "the year field '2\uff10\uff12\uff16' is invalid"),
        ("rate(\u0665 minutes)", "the rate must be a positive whole number and a unit"),
        ("at(\u0662027-01-01T00:00:00)", "the date must be yyyy-mm-ddThh:mm:ss"),
        ("rate(1 days)", "the unit is singular for 1 and plural otherwise"),
        ("rate(2 hour)", "the unit is singular for 1 and plural otherwise"),
        ("rate(0 hours)", "the rate must be a positive whole number and a unit"),
        ("rate(1 week)", "the rate must be a positive whole number and a unit"),
        ("rate(-1 days)", "the rate must be a positive whole number and a unit"),
        ("at(2027-13-01T00:00:00)", "the date must be yyyy-mm-ddThh:mm:ss"),
        ("at(2027-01-01)", "the date must be yyyy-mm-ddThh:mm:ss"),
    ],
)
def test_schedule_expression_refuses_and_says_why(expression, reason):
    assert validators.schedule_expression(expression).endswith(f"; here {reason}")


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "cron 0 22 * * ? *",
        "cron(0 22 * * ? *",
        "every(1 day)",
        " cron(0 22 * * ? *)",
        "cron(0 22 * * ? *) ",
    ],
)
def test_schedule_expression_refuses_what_is_no_expression_at_all(expression):
    assert validators.schedule_expression(expression).startswith("must be cron(")


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com",
        "https://api.example.com/v1/orders",
        "https://api.example.com:8443/v1/orders",
        "https://myoutseta.outseta.com/api/v1/support/cases",
    ],
)
def test_https_url_accepts(url):
    assert validators.https_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1",
        "ftp://api.example.com",
        "https://",
        "api.example.com/v1",
        "https://api.example.com/a b",
        "https://[::1",
    ],
)
def test_https_url_refuses_what_is_not_an_https_url(url):
    assert validators.https_url(url) == "must be an https:// URL with a host and no query string or fragment"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/v1?limit=10",
        "https://api.example.com/v1?",
        "https://api.example.com/v1#part",
        "https://api.example.com/v1#",
    ],
)
def test_https_url_sends_query_strings_to_the_query_table(url):
    assert validators.https_url(url).endswith("(put query parameters in the query table)")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_timezone_accepts_iana_zones(zone):
    assert validators.timezone(zone) is None


@pytest.mark.parametrize("zone", ["", "CEST+1", "Mars/Olympus_Mons", "Europe/Berlin ", "../etc/passwd"])
def test_timezone_refuses_other_names(zone):
    assert validators.timezone(zone) == "must be an IANA time zone such as UTC or Europe/Berlin"


@pytest.mark.parametrize("address", ["team@example.com", "data-team+alerts@mail.example.co.uk", "a.b@c.io"])
def test_email_accepts(address):
    assert validators.email(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "team.example.com",
        "team@example",
        "team@@example.com",
        "te am@example.com",
        "te\u00a0am@example.com",
        "@example.com",
        "team@example.c",
    ],
)
def test_email_refuses(address):
    assert validators.email(address) == "must be an e-mail address like team@example.com"


@pytest.mark.parametrize("name", ["ExtractOrders", "Extract orders", "load-orders_2", "A", "A" * 80])
def test_state_name_accepts(name):
    assert validators.state_name(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "",
        "2Extract",
        "-Extract",
        " Extract",
        "Extract.Orders",
        "Extract/Orders",
        "Extrakt\u00f6",
        "Ex\ntract",
    ],
)
def test_state_name_refuses_other_characters(name):
    assert (
        validators.state_name(name) == "must be letters, digits, spaces, '-' or '_', starting with a letter"
    )


def test_state_name_refuses_more_than_80_characters():
    assert validators.state_name("A" * 81) == "must be at most 80 characters (it has 81)"


@pytest.mark.parametrize("header", ["Content-Type", "Accept", "X-Request-Id", "Idempotency-Key", "X-Author"])
def test_request_header_accepts(header):
    assert validators.request_header(header) is None


@pytest.mark.parametrize(
    "header",
    [
        "Authorization",
        "authorization",
        "Host",
        "X-Amz-Date",
        "X-Amzn-Trace-Id",
        "X-Forwarded-For",
        "Proxy-Authorization",
    ],
)
def test_request_header_refuses_headers_step_functions_sets_itself(header):
    assert validators.request_header(header) == (
        "is a header Step Functions does not let a state set; credentials belong in the connection"
    )


@pytest.mark.parametrize("header", ["", "Bad Header", "X-Api-Key:", "Caf\u00e9"])
def test_request_header_refuses_what_is_no_header_name(header):
    assert validators.request_header(header) == validators.HEADER_NAME_ALLOWED


@pytest.mark.parametrize("subject", ["nightly failed", "x" * 99, "[prod] Pipeline failed: ExtractOrders"])
def test_sns_subject_accepts(subject):
    assert validators.sns_subject(subject) is None


@pytest.mark.parametrize(
    "subject", ["", "x" * 100, "Pipeline\nfailed", " leading space", "Pipeline \u2013 failed", "tab\there"]
)
def test_sns_subject_refuses(subject):
    assert validators.sns_subject(subject) == (
        "must be 1-99 printable ASCII characters on one line, not starting with a space"
    )


@pytest.mark.parametrize(
    ("days", "allowed"), [(1, True), (30, True), (3653, True), (0, False), (42, False), (3654, False)]
)
def test_log_retention_days_only_allows_cloudwatch_periods(days, allowed):
    assert (validators.log_retention_days(days) is None) == allowed


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (validators.lambda_function_arn, "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"),
        (
            validators.lambda_function_arn,
            "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders:live",
        ),
        (validators.lambda_function_arn, "arn:aws-cn:lambda:cn-north-1:123456789012:function:extract"),
        (validators.ecs_cluster_arn, "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline"),
        (validators.ecs_task_definition_arn, "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform"),
        (
            validators.ecs_task_definition_arn,
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:12",
        ),
        (validators.iam_role_arn, "arn:aws:iam::123456789012:role/transform-task"),
        (validators.iam_role_arn, "arn:aws:iam::123456789012:role/service-role/transform-task"),
        (validators.subnet_id, "subnet-0a1b2c3d"),
        (validators.security_group_id, "sg-0a1b2c3d4e5f60718"),
    ],
)
def test_aws_id_checks_accept(check, value):
    assert check(value) is None


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (validators.lambda_function_arn, "extract-orders"),
        (validators.lambda_function_arn, "arn:aws:lambda:eu-west-1:1234:function:extract-orders"),
        (validators.lambda_function_arn, "arn:aws:lambda:eu-west-1:123456789012:function:extract.orders"),
        (validators.ecs_cluster_arn, "arn:aws:ecs:eu-west-1:123456789012:cluster/"),
        (
            validators.ecs_task_definition_arn,
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:latest",
        ),
        (validators.iam_role_arn, "arn:aws:iam::123456789012:user/transform-task"),
        (validators.iam_role_arn, "arn:aws:iam:eu-west-1:123456789012:role/transform-task"),
        (validators.subnet_id, "subnet-xyz"),
        (validators.subnet_id, "subnet-0a1b2c3d\n"),
        (validators.security_group_id, "sg-12"),
    ],
)
def test_aws_id_checks_refuse(check, value):
    assert check(value) is not None
