"""Every AWS (and Terraform) quota and naming rule the project relies on, each with its source.

Validators (config_kit.validators) and the loader's checks of derived names read these; nothing
else writes a limit down. Every pattern but the tags' is ASCII-only: Python's `\\d`, `\\w` and
str.isdigit() also match other scripts' digits and letters, which AWS refuses in names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


@dataclass(frozen=True)
class NameRule:
    """A name AWS accepts: 1 to max_length characters of an ASCII alphabet."""

    what: str
    """What the name names, for messages: "IAM role name"."""
    max_length: int
    alphabet: str
    """A regular-expression character class, e.g. "A-Za-z0-9_-"."""
    alphabet_in_words: str
    source: str
    min_length: int = 1
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", re.compile(f"[{self.alphabet}]+", re.ASCII))

    @property
    def regex(self) -> str:
        """The name as a regular expression, to build an ARN's pattern from."""
        return f"[{self.alphabet}]{{{self.min_length},{self.max_length}}}"

    def problem(self, name: str) -> str | None:
        """None when AWS accepts the name, else what is allowed."""
        if not self._pattern.fullmatch(name) or len(name) < self.min_length:
            return f"must be {self.min_length}-{self.max_length} {self.alphabet_in_words}"
        if len(name) > self.max_length:
            return f"must be at most {self.max_length} characters (it has {len(name)})"
        return None

    def derived_problem(self, name: str) -> str | None:
        """For a name the stack builds from a config value: None, or what is wrong with it."""
        problem = self.problem(name)
        return f"gives the {self.what} {name!r}, which {problem}" if problem else None


N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Bounds(Generic[N]):
    """The inclusive range a number must fall in."""

    low: N
    high: N

    def problem(self, value: N) -> str | None:
        return None if self.low <= value <= self.high else f"must be between {self.low} and {self.high}"


# Role and inline-policy names: alphanumeric and +=,.@_-; roles at most 64, policies 128.
IAM_ROLE_NAME = NameRule("IAM role name", 64, "A-Za-z0-9+=,.@_-", "letters, digits or +=,.@_-", IAM_QUOTAS)
IAM_POLICY_NAME = NameRule(
    "IAM policy name", 128, "A-Za-z0-9+=,.@_-", "letters, digits or +=,.@_-", IAM_QUOTAS
)
# A Sid is alphanumeric: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
IAM_SID = re.compile(r"[A-Za-z0-9]+", re.ASCII)
# Policy sizes, whitespace not counted (IAM_QUOTAS): a role's inline policies together, one
# managed policy, and the managed policies a role takes by default (20 after an increase).
IAM_INLINE_POLICIES_CHARACTERS = 10_240
IAM_MANAGED_POLICY_CHARACTERS = 6_144
IAM_MANAGED_POLICIES_PER_ROLE = 10

# 1-80 characters; logging to CloudWatch Logs needs the name to use only 0-9, A-Z, a-z, - and _.
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
STATE_MACHINE_NAME = NameRule(
    "state machine name",
    80,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
)
# A state machine's definition is at most 1,048,576 characters (the provider checks the same):
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
MAX_STATE_MACHINE_DEFINITION = 1_048_576
# A state's name is at most 80 characters: https://states-language.net/spec.html#states-fields
MAX_STATE_NAME = 80
# A failed execution's error and cause, in characters:
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionFailedEventDetails.html
MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32_768
# The longest an execution of a standard workflow may run, hence any of its states.
# https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-state-machine-executions
STATE_TIMEOUT_SECONDS: Bounds[int] = Bounds(1, 31_536_000)
# How long Step Functions reuses a data key of a customer-managed key: 60-900 s (SQS takes 60-86,400 s).
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_EncryptionConfiguration.html
DATA_KEY_REUSE_SECONDS: Bounds[int] = Bounds(60, 900)
# An execution's name, 1-80 characters:
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
MAX_EXECUTION_NAME = 80

# Schedule and schedule group names: 1-64 of [0-9a-zA-Z-_.].
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
SCHEDULE_NAME = NameRule(
    "schedule name",
    64,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
)
SCHEDULE_GROUP_NAME = NameRule(
    "schedule group name",
    64,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-scheduler-schedulegroup.html",
)
# A schedule's description: at most 512 characters (API_CreateSchedule above; the provider's
# aws_scheduler_schedule checks the same, internal/service/scheduler/schedule.go).
MAX_SCHEDULE_DESCRIPTION = 512
# Every account has this group; any other must be created (components.nightly_schedule does).
DEFAULT_SCHEDULE_GROUP = "default"
# Scheduler's retry policy: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
SCHEDULE_RETRY_ATTEMPTS: Bounds[int] = Bounds(0, 185)
SCHEDULE_MAX_EVENT_AGE_SECONDS: Bounds[int] = Bounds(60, 86400)

# EventBridge connections: name 1-64 of [.\-_A-Za-z0-9], description at most 512 characters.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html
CONNECTION_NAME = NameRule(
    "EventBridge connection name",
    64,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html",
)
MAX_CONNECTION_DESCRIPTION = 512

# EventBridge rules and API destinations: 1-64 of [.\-_A-Za-z0-9].
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
EVENT_RULE_NAME = NameRule(
    "EventBridge rule name",
    64,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
)
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html
API_DESTINATION_NAME = NameRule(
    "EventBridge API destination name",
    64,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html",
)

# EventBridge input transformers: an InputTemplate of 1-8,192 characters and at most 100
# InputPathsMap entries.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
INPUT_TEMPLATE_MAX_CHARACTERS = 8192
INPUT_PATHS_MAX_ENTRIES = 100

# SQS: queue names 1-80 letters, digits, '-' and '_'; messages kept 60 s to 14 days.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
SQS_QUEUE_NAME = NameRule(
    "SQS queue name",
    80,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
)
SQS_RETENTION_DAYS: Bounds[int] = Bounds(1, 14)

# CloudWatch alarms: names of 1-255 characters (kept to printable ASCII here). Period is 10, 20,
# 30 or a multiple of 60; Period x EvaluationPeriods is at most 7 days, and at most 1 day for a
# Period under an hour.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
ALARM_NAME = NameRule(
    "CloudWatch alarm name",
    255,
    " -~",
    "printable ASCII characters",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
)
ALARM_MAX_EVALUATION_SECONDS = 604_800
ALARM_LONG_PERIOD_SECONDS = 3600
"""Periods at least this long may be evaluated over ALARM_MAX_EVALUATION_SECONDS."""
ALARM_MAX_SHORT_PERIOD_EVALUATION_SECONDS = 86_400

# An alarm's period: 10, 20, 30 or a multiple of 60 s (API_PutMetricAlarm above). AWS/States and
# AWS/SQS send one-minute datapoints, so five minutes holds a night's one event.
ALARM_EVENT_PERIOD_SECONDS = 300

# A Lambda function runs at most 900 s:
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
LAMBDA_MAX_RUN_SECONDS = 900

# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
LOG_GROUP_NAME = NameRule(
    "log group name",
    512,
    "A-Za-z0-9_./#-",
    "letters, digits or _./#-",
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
)
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
SNS_TOPIC_NAME = NameRule(
    "SNS topic name",
    256,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
)
# Printable ASCII, no line breaks, fewer than 100 characters:
# https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
MAX_SNS_SUBJECT = 99

# The resources steps name by ARN. A function name is at most 64 characters, a qualifier
# (version or alias) 128: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
LAMBDA_FUNCTION_NAME = NameRule(
    "Lambda function name",
    64,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
)
LAMBDA_QUALIFIER = NameRule(
    "Lambda qualifier",
    128,
    "A-Za-z0-9$_-",
    "letters, digits, '$', '-' or '_'",
    "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
)
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html
ECS_CLUSTER_NAME = NameRule(
    "ECS cluster name",
    255,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
)
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
ECS_TASK_FAMILY = NameRule(
    "ECS task definition family",
    255,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
)
# A container's name, which a RunTask override must match:
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
ECS_CONTAINER_NAME = NameRule(
    "ECS container name",
    255,
    "A-Za-z0-9_-",
    "letters, digits, '-' or '_'",
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
)
# A task's network: at most 16 subnets and 5 security groups.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
MAX_TASK_SUBNETS = 16
MAX_TASK_SECURITY_GROUPS = 5
# RunTask's overrides: at most 8,192 characters, counting the JSON that writes them.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
MAX_TASK_OVERRIDES_CHARACTERS = 8192

SECRET_NAME = NameRule(
    "Secrets Manager secret name",
    512,
    "A-Za-z0-9/_+=.@-",
    "letters, digits or /_+=.@-",
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
)

# 12 ASCII digits: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
ACCOUNT_ID = r"[0-9]{12}"

# The methods of the Step Functions HTTP Task, and the request headers it refuses to send
# (Authorization too, though not listed: the connection sets it).
# https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")
REFUSED_HEADERS = frozenset({
    "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization",
    "cache-control", "connection", "content-encoding", "content-md5", "date", "expect",
    "forwarded", "from", "host", "http2-settings", "if-match", "if-modified-since",
    "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "origin", "pragma",
    "proxy-authorization", "referer", "server", "te", "trailer", "transfer-encoding",
    "upgrade", "via", "warning",
})  # fmt: skip
REFUSED_HEADER_PREFIXES = ("x-forwarded-", "x-amz-", "x-amzn-")


def is_refused_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in REFUSED_HEADERS or lowered.startswith(REFUSED_HEADER_PREFIXES)


# Tags: keys 1-128 and values 0-256 letters, digits, spaces and +-=._:/@ (other scripts' letters
# too), no aws: prefix, at most 50 per resource.
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
MAX_TAGS = 50
_TAG_TEXT = re.compile(r"[\w +=.:/@-]*")


def tag_problem(key: str, value: str) -> str | None:
    if not 1 <= len(key) <= 128 or len(value) > 256:
        return "must have a key of 1-128 characters and a value of at most 256"
    if not (_TAG_TEXT.fullmatch(key) and _TAG_TEXT.fullmatch(value)):
        return "must hold only letters, digits, spaces and +-=._:/@"
    if key.lower().startswith("aws:") or value.lower().startswith("aws:"):
        return "must not start with aws:, which AWS reserves"
    return None


# Names Terraform refuses for a variable ("The variable name ... is reserved"); measured with
# Terraform 1.11.4 (the docs list all but "provider"):
# https://developer.hashicorp.com/terraform/language/values/variables#declaring-an-input-variable
TERRAFORM_RESERVED_VARIABLE_NAMES = frozenset({
    "count", "depends_on", "for_each", "lifecycle", "locals", "provider", "providers", "source", "version",
})  # fmt: skip


# General purpose buckets: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", re.ASCII)
_IP_ADDRESS = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+", re.ASCII)
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")


def s3_bucket_problem(name: str) -> str | None:
    if not _BUCKET.fullmatch(name):
        return (
            "must be 3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit"
        )
    if ".." in name or _IP_ADDRESS.fullmatch(name):
        return "must not hold '..' or look like an IP address"
    if name.startswith(_BUCKET_PREFIXES) or name.endswith(_BUCKET_SUFFIXES):
        reserved = ", ".join(
            [f"{prefix}..." for prefix in _BUCKET_PREFIXES] + [f"...{s}" for s in _BUCKET_SUFFIXES]
        )
        return f"uses a prefix or suffix S3 reserves ({reserved})"
    return None


# Terraform's S3 backend locks in this table when it is given (use_lockfile locks without one).
DYNAMODB_TABLE_NAME = NameRule(
    "DynamoDB table name",
    255,
    "A-Za-z0-9_.-",
    "letters, digits, '.', '-' or '_'",
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
    min_length=3,
)


# An object key is at most 1024 bytes of UTF-8
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html); Terraform's S3
# backend also refuses a key that starts or ends with "/" or holds "//" (measured, 1.11.4).
MAX_S3_KEY_BYTES = 1024


def s3_state_key_problem(key: str) -> str | None:
    if not key or key.startswith("/") or key.endswith("/") or "//" in key:
        return "must be a non-empty path that neither starts nor ends with '/' and holds no '//'"
    if len(key.encode()) > MAX_S3_KEY_BYTES:
        return f"must be at most {MAX_S3_KEY_BYTES} bytes"
    return None


# An API destination's endpoint (the night watch's ticket) and an OAuth authorization endpoint:
# 1-2,048 characters of this ASCII pattern.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ApiDestination.html
MAX_HTTPS_ENDPOINT = 2048
HTTPS_ENDPOINT = re.compile(r"((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9])+)([).!';/?:,])?", re.ASCII)
HTTPS_ENDPOINT_SOURCE = (
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html"
)
# The HTTP Task calls "public domain names with publicly trusted certificates" only, not IP addresses:
# https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html

# Header parameters of a connection or of a rule's HTTP target: a token name, and a value of
# printable ASCII on one line; both at most 512 characters.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHeaderParameter.html
MAX_HEADER_PARAMETER = 512
HEADER_VALUE = re.compile(r"[ \t]*[\x20-\x7E]+([ \t]+[\x20-\x7E]+)*[ \t]*", re.ASCII)

# Query parameters of a connection or of a rule's HTTP target: names without control characters,
# values without those but line breaks; both 1-512 characters.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionQueryStringParameter.html
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html
MAX_QUERY_PARAMETER = 512
QUERY_NAME = re.compile(r"[^\x00-\x1F\x7F]+")
QUERY_VALUE = re.compile(r"[^\x00-\x09\x0B\x0C\x0E-\x1F\x7F]+")

# A connection's Basic user name and OAuth client id: 1-512 characters on one line, without ':'.
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionBasicAuthRequestParameters.html
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionOAuthClientRequestParameters.html
MAX_CONNECTION_LOGIN = 512
CONNECTION_LOGIN = re.compile(r"[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*")
