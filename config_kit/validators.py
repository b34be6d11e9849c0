"""Checks of single values. Each returns None when the value is fine, or a sentence
saying what is allowed, for the error message that names the field and value."""

from __future__ import annotations

import ipaddress
import posixpath
import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from aws_facts import arns
from aws_facts import rules as aws_rules
from aws_facts import schedule_expression as schedule
from config_kit.toml_table import Check


def pattern(regex: str, allowed: str) -> Check:
    compiled = re.compile(regex, re.ASCII)
    return lambda value: None if compiled.fullmatch(value) else allowed


def arn(service_and_resource: str, example: str) -> Check:
    return _arn_like(arns.in_any_partition(service_and_resource), example)


def _arn_like(regex: str, example: str) -> Check:
    return pattern(regex, f"must be an ARN like {example}")


region = pattern(arns.REGION, "must be an AWS region code such as eu-west-1")
account_id = pattern(aws_rules.ACCOUNT_ID, "must be a 12-digit AWS account id")
lambda_function_arn = _arn_like(
    arns.LAMBDA_FUNCTION, "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"
)
ecs_cluster_arn = _arn_like(arns.ECS_CLUSTER, "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline")
ecs_task_definition_arn = _arn_like(
    arns.ECS_TASK_DEFINITION,
    "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3 (the revision may be left out)",
)
resource_configuration_arn = _arn_like(
    arns.RESOURCE_CONFIGURATION,
    "arn:aws:vpc-lattice:eu-west-1:123456789012:resourceconfiguration/rcfg-0123456789abcdef0",
)
iam_role_arn = _arn_like(arns.IAM_ROLE, "arn:aws:iam::123456789012:role/transform-task")
KMS_KEY_EXAMPLE = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
kms_key = pattern(
    rf"create|{arns.KMS_KEY}",
    f'must be "create" or a KMS key ARN like {KMS_KEY_EXAMPLE} (a key, not an alias)',
)
container_name = aws_rules.ECS_CONTAINER_NAME.problem
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
secret_name = pattern(
    rf"{aws_rules.SECRET_NAME.regex}|{arns.SECRET}",
    "must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a secret ARN",
)
result_path = pattern(
    r"\$\.[A-Za-z_][A-Za-z0-9_]*",
    "must be a top-level JSONPath such as $.extract",
)
HEADER_NAME_ALLOWED = (
    f"must be an HTTP header name: 1-{aws_rules.MAX_HEADER_PARAMETER} letters, digits or !#$%&'*+.^_`|~-"
)
header_name = pattern(
    rf"[!#$%&'*+.^_`|~0-9A-Za-z-]{{1,{aws_rules.MAX_HEADER_PARAMETER}}}", HEADER_NAME_ALLOWED
)


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


def at_most_characters(longest: int) -> Check:
    """A free text (a description) of at most `longest` characters."""

    def check(value: str) -> str | None:
        return f"must be at most {longest} characters (it has {len(value)})" if len(value) > longest else None

    return check


connection_description = at_most_characters(aws_rules.MAX_CONNECTION_DESCRIPTION)
schedule_description = at_most_characters(aws_rules.MAX_SCHEDULE_DESCRIPTION)


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
    """An endpoint the HTTP Task calls and an API destination accepts (aws_rules.HTTPS_ENDPOINT)."""
    allowed = "must be an https:// URL with a host and no query string or fragment"
    if odd := _first_non_ascii(value):
        return f"{allowed}, in ASCII: it holds {odd}{_ascii_host_hint(value)}"
    if re.search(r"\{\{|\}\}", value):
        return f"{allowed}; placeholders are not filled in an endpoint"
    try:
        parts = urlsplit(value)
    except ValueError:
        return allowed
    try:
        port = parts.port
    except ValueError:
        return f"{allowed}, and a port from 1 to 65535 if any"
    if parts.scheme != "https" or not parts.hostname or re.search(r"\s", value):
        return allowed
    if parts.username is not None or parts.password is not None:
        return f"{allowed}, and without credentials (the API key belongs in a connection)"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return f"{allowed} (put query parameters in the query table)"
    if port == 0 or (parts.netloc.endswith(":") and port is None):
        return f"{allowed}, and a port from 1 to 65535 if any"
    if _is_ip_address(parts.hostname):
        return f"{allowed}, whose host is a domain name: the HTTP Task calls public domain names, not IP addresses"
    if len(value) > aws_rules.MAX_HTTPS_ENDPOINT:
        return f"{allowed}, at most {aws_rules.MAX_HTTPS_ENDPOINT} characters (it has {len(value)})"
    if not aws_rules.HTTPS_ENDPOINT.fullmatch(value):
        odd_ones = sorted(set(re.sub(r"%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9]", "", value)))
        return f"{allowed}; {' '.join(odd_ones) or 'its last characters'} must be percent-encoded (%XX)"
    return None


def _first_non_ascii(value: str) -> str | None:
    """The first character outside printable ASCII, named: zero-width and bidirectional ones are invisible."""
    for character in value:
        if not " " <= character <= "~":
            name = unicodedata.name(character, "a control character")
            return f"U+{ord(character):04X} ({name})"
    return None


def _ascii_host_hint(value: str) -> str:
    """For an internationalized host name: its ASCII (punycode) form, which AWS accepts."""
    if any(unicodedata.category(character) in ("Cc", "Cf", "Zs") for character in value if character > "~"):
        return ""  # an invisible character: the host meant cannot be guessed
    try:
        host = urlsplit(value).hostname or ""
        ascii_host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return ""
    return f"; write the host as {ascii_host}" if ascii_host != host else ""


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(re.fullmatch(r"[0-9.]+", host))
    return True


def connection_login(value: str) -> str | None:
    """A Basic user name or an OAuth client id."""
    longest = aws_rules.MAX_CONNECTION_LOGIN
    if len(value) > longest or not aws_rules.CONNECTION_LOGIN.fullmatch(value):
        return f"must be 1-{longest} characters on one line, without ':'"
    return None


def header_value(value: str) -> str | None:
    longest = aws_rules.MAX_HEADER_PARAMETER
    if len(value) > longest or not aws_rules.HEADER_VALUE.fullmatch(value):
        odd = _first_non_ascii(value.replace("\t", " "))
        found = f" (it holds {odd})" if odd else f" (it has {len(value)})" if value else ""
        return f"must be 1-{longest} printable ASCII characters on one line{found}"
    return None


def query_name(value: str) -> str | None:
    """A query parameter's name, as EventBridge sends it (a connection's, a rule target's)."""
    return _query_text(value, aws_rules.QUERY_NAME, "")


def query_value(value: str) -> str | None:
    """A query parameter's value, as EventBridge sends it."""
    return _query_text(value, aws_rules.QUERY_VALUE, " other than line breaks")


def _query_text(value: str, allowed: re.Pattern[str], but: str) -> str | None:
    longest = aws_rules.MAX_QUERY_PARAMETER
    if len(value) <= longest and allowed.fullmatch(value):
        return None
    size = f" (it has {len(value)})" if len(value) > longest else ""
    return f"must be 1-{longest} characters without control characters{but}{size}"


def request_header(value: str) -> str | None:
    problem = header_name(value)
    if problem:
        return problem
    if aws_rules.is_refused_header(value):
        return "is a header Step Functions does not let a state set; credentials belong in the connection"
    return plain_text_credential(
        value, f"send it from a connection instead ([connections.<name>] header = {value!r})"
    )


def query_parameter(value: str) -> str | None:
    return plain_text_credential(
        value, "send it as a header from a connection ([connections.<name>] header = ...)"
    )


def eventbridge_query_parameter(value: str) -> str | None:
    """A request's query parameter name that an EventBridge API destination target sends too."""
    return query_name(value) or query_parameter(value)


def connection_parameter(value: str) -> str | None:
    """A connection's invocation or token-request parameter given as text."""
    return plain_text_credential(
        value,
        "give its value as { secret_name = ... } or { variable = ... }, which the connection keeps secret",
    )


# Compared with the name lower-cased and without punctuation: X-Api-Key is xapikey.
_CREDENTIAL_WORDS = (
    "apikey", "token", "secret", "password", "passwd", "credential", "signature", "accesskey",
    "privatekey", "authorization", "authentication", "sessionid", "cookie", "routingkey",
)  # fmt: skip
_CREDENTIAL_NAMES = frozenset({"auth", "xauth", "key", "sig", "pwd", "pass"})


def plain_text_credential(name: str, instead: str) -> str | None:
    """The one rule for every header, query or body parameter whose value is written in the
    configuration: a name that says credential would put a secret in plain text into the
    Terraform JSON, its state and the pull request's plan. instead says where it belongs."""
    squashed = re.sub(r"[^a-z0-9]", "", name.lower().removesuffix(".$"))
    if squashed in _CREDENTIAL_NAMES or any(word in squashed for word in _CREDENTIAL_WORDS):
        return (
            "names a credential, whose literal value would stand in plain text in the Terraform JSON, "
            f"its state and the plan; {instead}"
        )
    return None


def timezone(value: str) -> str | None:
    if value not in _time_zones():
        return "must be an IANA time zone such as UTC or Europe/Berlin"
    return None


@cache
def _time_zones() -> frozenset[str]:
    """The zones of the time zone database. ZoneInfo() also opens other files of its folder:
    posix/... and right/... copies, posixrules, and localtime, the zone of the machine that
    synthesizes, which Scheduler cannot know."""
    return frozenset(available_timezones() - {"localtime"})


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
        return invalid_schedule_expression(error)
    return None


def invalid_schedule_expression(error: schedule.InvalidExpression) -> str:
    return f"{schedule.ALLOWED}; here {error.detail}" if error.detail else schedule.ALLOWED
