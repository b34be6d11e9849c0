"""Checks of single values. Each returns None when the value is fine, or a sentence
saying what is allowed, for the error message that names the field and value."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core import aws_rules
from core import schedule_expression as schedule

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
    rf"lambda:{_REGION}:{_ACCOUNT}:function:{aws_rules.LAMBDA_FUNCTION_NAME.regex}"
    rf"(?::{aws_rules.LAMBDA_QUALIFIER.regex})?",
    "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders",
)
ecs_cluster_arn = arn(
    rf"ecs:{_REGION}:{_ACCOUNT}:cluster/{aws_rules.ECS_CLUSTER_NAME.regex}",
    "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
)
ecs_task_definition_arn = arn(
    rf"ecs:{_REGION}:{_ACCOUNT}:task-definition/{aws_rules.ECS_TASK_FAMILY.regex}(?::[0-9]+)?",
    "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3 (the revision may be left out)",
)
iam_role_arn = arn(
    rf"iam::{_ACCOUNT}:role/(?:[\w+=,.@-]+/)*{aws_rules.IAM_ROLE_NAME.regex}",
    "arn:aws:iam::123456789012:role/transform-task",
)
subnet_id = pattern(r"subnet-[0-9a-f]{8,17}", "must be a subnet id like subnet-0123456789abcdef0")
security_group_id = pattern(r"sg-[0-9a-f]{8,17}", "must be a security group id like sg-0123456789abcdef0")
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
_SECRET = aws_rules.SECRET_NAME.regex
secret_name = pattern(
    rf"{_SECRET}|arn:{_PARTITION}:secretsmanager:{_REGION}:{_ACCOUNT}:secret:{_SECRET}",
    "must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a secret ARN",
)
result_path = pattern(
    r"\$\.[A-Za-z_][A-Za-z0-9_]*",
    "must be a top-level JSONPath such as $.extract",
)
header_name = pattern(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", "must be an HTTP header name")


# Not ASCII-only like pattern(): any script's white space is refused, its letters are not.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def email(value: str) -> str | None:
    return None if _EMAIL.fullmatch(value) else "must be an e-mail address like team@example.com"


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
    try:
        schedule.parse(value)
    except schedule.InvalidExpression as error:
        return f"{schedule.ALLOWED}; here {error.detail}" if error.detail else schedule.ALLOWED
    return None
