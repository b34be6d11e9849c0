"""Checks of single values. Each returns None when the value is fine, or a sentence
saying what is allowed, for the error message that names the field and value."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core import aws_rules

Check = Callable[[str], "str | None"]

_PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-b)?"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]"
_ACCOUNT = aws_rules.ACCOUNT_ID


def pattern(regex: str, allowed: str) -> Check:
    compiled = re.compile(regex, re.ASCII)
    return lambda value: None if compiled.fullmatch(value) else allowed


def arn(service_and_resource: str, example: str) -> Check:
    return pattern(
        rf"arn:{_PARTITION}:{service_and_resource}",
        f"must be an ARN like {example}",
    )


region = pattern(_REGION, "must be an AWS region code such as eu-west-1")
account_id = pattern(_ACCOUNT, "must be a 12-digit AWS account id")
lambda_function_arn = arn(
    rf"lambda:{_REGION}:{_ACCOUNT}:function:[A-Za-z0-9_-]{{1,64}}(?::[A-Za-z0-9$_-]{{1,128}})?",
    "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders",
)
ecs_cluster_arn = arn(
    rf"ecs:{_REGION}:{_ACCOUNT}:cluster/[A-Za-z0-9_-]{{1,255}}",
    "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
)
ecs_task_definition_arn = arn(
    rf"ecs:{_REGION}:{_ACCOUNT}:task-definition/[A-Za-z0-9_-]{{1,255}}(?::[0-9]+)?",
    "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3 (the revision may be left out)",
)
iam_role_arn = arn(
    rf"iam::{_ACCOUNT}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,{aws_rules.IAM_ROLE_NAME.max_length}}}",
    "arn:aws:iam::123456789012:role/transform-task",
)
subnet_id = pattern(r"subnet-[0-9a-f]{8,17}", "must be a subnet id like subnet-0123456789abcdef0")
security_group_id = pattern(r"sg-[0-9a-f]{8,17}", "must be a security group id like sg-0123456789abcdef0")
email = pattern(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", "must be an e-mail address like team@example.com")
stack_name = pattern(
    r"[A-Za-z][A-Za-z0-9_-]{0,63}",
    "must be 1-64 letters, digits, '-' or '_', starting with a letter",
)
state_machine_name = aws_rules.STATE_MACHINE_NAME.problem
schedule_group = aws_rules.SCHEDULE_GROUP_NAME.problem
topic_name = aws_rules.SNS_TOPIC_NAME.problem
identifier = pattern(
    r"[a-z][a-z0-9_]{0,31}",
    "must be 1-32 lower-case letters, digits or '_', starting with a letter",
)
_SECRET = f"[{aws_rules.SECRET_NAME_CHARACTERS}]{{1,{aws_rules.MAX_SECRET_NAME}}}"
secret_name = pattern(
    rf"{_SECRET}|arn:{_PARTITION}:secretsmanager:{_REGION}:{_ACCOUNT}:secret:{_SECRET}",
    "must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a secret ARN",
)
result_path = pattern(
    r"\$\.[A-Za-z_][A-Za-z0-9_]*",
    "must be a top-level JSONPath such as $.extract",
)
header_name = pattern(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", "must be an HTTP header name")


def terraform_variable(value: str) -> str | None:
    problem = identifier(value)
    if problem is None and value in aws_rules.TERRAFORM_RESERVED_VARIABLE_NAMES:
        reserved = ", ".join(sorted(aws_rules.TERRAFORM_RESERVED_VARIABLE_NAMES))
        problem = f"is reserved by Terraform; choose another name than {reserved}"
    return problem


def connection_description(value: str) -> str | None:
    longest = aws_rules.MAX_CONNECTION_DESCRIPTION
    return f"must be at most {longest} characters (it has {len(value)})" if len(value) > longest else None


def project_path(value: str) -> str | None:
    """A local path that stays inside the project folder, relative to it."""
    normalized = posixpath.normpath(value)
    if (
        not value
        or value.startswith(("/", "\\"))
        or normalized in (".", "..")
        or normalized.startswith("../")
    ):
        return "must be a file path relative to the project folder and inside it, such as state/dev.tfstate"
    return None


def state_name(value: str) -> str | None:
    """Step names also become IAM Sids and derived state names, hence the narrow alphabet."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", value, re.ASCII):
        return "must be letters, digits, spaces, '-' or '_', starting with a letter"
    if len(value) > aws_rules.MAX_STATE_NAME:
        return f"must be at most {aws_rules.MAX_STATE_NAME} characters (it has {len(value)})"
    return None


def https_url(value: str) -> str | None:
    allowed = "must be an https:// URL with a host and no query string or fragment"
    try:
        parts = urlsplit(value)
    except ValueError:
        return allowed
    if parts.scheme != "https" or not parts.hostname or re.search(r"\s", value):
        return allowed
    if parts.username is not None or parts.password is not None:
        return f"{allowed}, and without credentials (the API key belongs in a connection)"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return f"{allowed} (put query parameters in the query table)"
    return None


def http_method(value: str) -> str | None:
    methods = aws_rules.HTTP_METHODS
    return None if value in methods else f"must be one of {', '.join(methods)}"


def request_header(value: str) -> str | None:
    problem = header_name(value)
    if problem:
        return problem
    if aws_rules.is_refused_header(value):
        return "is a header Step Functions does not let a state set; credentials belong in the connection"
    if _names_a_credential(value):
        return f"{_PLAIN_TEXT}; send it from a connection instead ([connections.<name>] header = {value!r})"
    return None


def query_parameter(value: str) -> str | None:
    if _names_a_credential(value):
        return f"{_PLAIN_TEXT}; send it as a header from a connection ([connections.<name>] header = ...)"
    return None


_PLAIN_TEXT = (
    "names a credential, whose literal value would stand in plain text in the Terraform JSON and its state"
)
# Compared with the name lower-cased and without punctuation: X-Api-Key is xapikey.
_CREDENTIAL_WORDS = (
    "apikey", "token", "secret", "password", "passwd", "credential", "signature", "accesskey",
    "privatekey", "authorization", "authentication", "sessionid", "cookie",
)  # fmt: skip
_CREDENTIAL_NAMES = frozenset({"auth", "xauth", "key", "sig", "pwd", "pass"})


def _names_a_credential(name: str) -> bool:
    squashed = re.sub(r"[^a-z0-9]", "", name.lower().removesuffix(".$"))
    return squashed in _CREDENTIAL_NAMES or any(word in squashed for word in _CREDENTIAL_WORDS)


def timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        return "must be an IANA time zone such as UTC or Europe/Berlin"
    return None


def sns_subject(value: str) -> str | None:
    longest = aws_rules.MAX_SNS_SUBJECT
    if len(value) > longest or not re.fullmatch(r"[ -~]+", value) or not value[0].strip():
        return f"must be 1-{longest} printable ASCII characters on one line, not starting with a space"
    return None


def log_retention_days(value: int) -> str | None:
    if value in aws_rules.LOG_RETENTION_DAYS:
        return None
    return f"must be one of {', '.join(map(str, aws_rules.LOG_RETENTION_DAYS))}"


def schedule_expression(value: str) -> str | None:
    allowed = (
        "must be cron(minutes hours day-of-month month day-of-week year) with '?' in "
        "exactly one day field, rate(N minute|minutes|hour|hours|day|days) or "
        "at(yyyy-mm-ddThh:mm:ss), e.g. cron(0 22 * * ? *)"
    )
    kind, _, rest = value.partition("(")
    if not rest.endswith(")"):
        return allowed
    body = rest[:-1]
    checker = {"cron": _cron_problem, "rate": _rate_problem, "at": _at_problem}.get(kind)
    if checker is None:
        return allowed
    problem = checker(body)
    return f"{allowed}; here {problem}" if problem else None


def _rate_problem(body: str) -> str | None:
    match = re.fullmatch(r"([0-9]+) (minute|hour|day)(s?)", body)
    if not match or int(match[1]) < 1:
        return "the rate must be a positive whole number and a unit"
    if (int(match[1]) == 1) == bool(match[3]):
        return "the unit is singular for 1 and plural otherwise"
    return None


def _at_problem(body: str) -> str | None:
    allowed = "the date must be yyyy-mm-ddThh:mm:ss"
    # strptime alone would also read other scripts' digits.
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}", body):
        return allowed
    try:
        datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return allowed
    return None


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# name, lowest, highest, value names, forms allowed besides ranges and steps
_CRON_FIELDS = (
    ("minutes", 0, 59, (), r"$^"),
    ("hours", 0, 23, (), r"$^"),
    ("day-of-month", 1, 31, (), r"\?|L|LW|[0-9]{1,2}W"),
    ("month", 1, 12, _MONTHS, r"$^"),
    ("day-of-week", 1, 7, _WEEKDAYS, r"\?|L|[1-7]L|[1-7]#[1-5]|[A-Z]{3}#[1-5]"),
    ("year", 1970, 2199, (), r"$^"),
)


def _cron_problem(body: str) -> str | None:
    fields = body.split()
    if len(fields) != 6:
        return f"{len(fields)} fields were given, 6 are needed"
    for text, (name, low, high, names, special) in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            if not (re.fullmatch(special, item, re.ASCII) or _cron_item_ok(item, low, high, names)):
                return f"the {name} field {text!r} is invalid"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


def _cron_item_ok(item: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    base, slash, step = item.partition("/")
    if slash and not (_is_number(step) and int(step) > 0):
        return False
    if base == "*":
        return True
    bounds = base.split("-")
    return len(bounds) <= 2 and all(_cron_value_ok(bound, low, high, names) for bound in bounds)


def _cron_value_ok(value: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    if _is_number(value):
        return low <= int(value) <= high
    return value.upper() in names


def _is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() and int() also take other scripts' digits."""
    return re.fullmatch(r"[0-9]+", text) is not None
