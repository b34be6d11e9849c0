"""A Lambda function run as a pipeline step (arn:aws:states:::lambda:invoke)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.refs import Refs
from core.steps.task import Retry, task_state
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


@dataclass(frozen=True, kw_only=True)
class LambdaStep:
    kind: ClassVar[str] = "lambda"

    name: str
    function_arn: str
    payload: Mapping[str, Any] | None = None
    """Default: the step's input is the payload."""
    result_path: str | None = None
    """Where the function's return value goes, e.g. "$.extract". Default: dropped."""
    timeout_seconds: int | None = None
    """Default: no limit but Lambda's own."""
    retry: Retry = field(default_factory=lambda: Retry(errors=LAMBDA_TRANSIENT_ERRORS))

    def to_state(self, refs: Refs) -> dict:
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
