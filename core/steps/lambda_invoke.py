"""A Lambda function run as a pipeline step (arn:aws:states:::lambda:invoke)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Table, key

from core.asl_paths import dynamic_value_problems
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, retry_section, task_state
from policies.statement import Statement, sid_from_name

# The errors AWS recommends retrying for every Lambda task, and throttling:
# https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#bp-lambda-serviceexception
LAMBDA_TRANSIENT_ERRORS = (
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)

# The longest a function runs, and a minute for the invoke itself. Without a TimeoutSeconds,
# a task waits for its integration indefinitely.
DEFAULT_TIMEOUT_SECONDS = aws_rules.LAMBDA_MAX_RUN_SECONDS + 60


FUNCTION: Key[str] = key(
    "function",
    Kind.STRING,
    "The function's ARN, optionally with a version or alias.",
    check=validators.lambda_function_arn,
)
PAYLOAD: Key[Mapping[str, Any] | None] = key(
    "payload",
    Kind.TABLE,
    "The payload; keys ending in `.$` take a JSONPath or an intrinsic.",
    None,
    default_doc="the step's input",
    table_check=dynamic_value_problems,
)


@dataclass(frozen=True, kw_only=True)
class LambdaStep(Step):
    type: ClassVar[str] = "lambda"
    section: ClassVar[Section] = Section(
        "lambda",
        "A Lambda function (lambda:invoke); its result, if kept, is the function's return value.",
        keys=(FUNCTION, PAYLOAD),
        children=(retry_section("Lambda's transient errors (`Lambda.ServiceException`, ...)"),),
    )

    function_arn: str
    payload: Mapping[str, Any] | None = PAYLOAD.default
    """Default: the step's input is the payload."""
    timeout_seconds: int | None = DEFAULT_TIMEOUT_SECONDS
    retry: Retry = field(default_factory=lambda: Retry(errors=LAMBDA_TRANSIENT_ERRORS))

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        return cls(
            **common,
            function_arn=table.read(FUNCTION),
            payload=table.read(PAYLOAD),
            retry=cls.read_retry(table),
        )

    def to_state(self, refs: Refs) -> dict[str, Any]:
        parameters: dict[str, Any] = {"FunctionName": self.function_arn}
        if self.payload is None:
            parameters["Payload.$"] = "$"
        else:
            parameters["Payload"] = dict(self.payload)
        return task_state(
            resource=refs.integration("lambda:invoke"),
            parameters=parameters,
            retry=self.retry,
            timeout_seconds=self.timeout_seconds,
            result_selector={"Payload.$": "$.Payload"},
            result_path=self.result_path,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        """https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html

        A function ARN with a version or alias is granted as it is. An unqualified
        one also gets ":*", as in AWS's policy template, which covers its versions
        and aliases."""
        qualified = self.function_arn.count(":") == 7
        return [
            Statement(
                sid=sid_from_name("Invoke", self.name, "Lambda"),
                actions=("lambda:InvokeFunction",),
                resources=(self.function_arn,)
                if qualified
                else (self.function_arn, f"{self.function_arn}:*"),
            )
        ]
