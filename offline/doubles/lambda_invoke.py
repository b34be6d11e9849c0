"""Lambda steps: an invocation answered at once, with `FunctionError: Unhandled` when failing.

moto's Lambda without Docker always answers the same payload. This double
answers as Lambda does for a function that raised: moto then turns it into
the error `<errorType>` with the payload as cause, as Step Functions does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from core.steps.lambda_invoke import LambdaStep
from offline.step_doubles import Controls, ServiceFactory, StepDouble, StepDoubles

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings

ERROR = "OrdersValidationError"
MESSAGE = "3 orders have no customer id"


class LambdaDouble(StepDouble[LambdaStep]):
    step = LambdaStep

    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        def invoke(parameters: dict[str, Any], region: str, state_credentials: Any) -> dict[str, Any]:
            return invoke_lambda(doubles, parameters)

        # moto's Lambda integration calls this module-level function for every invocation.
        lambda_eval_utils._invoke_lambda_function = invoke
        return {}

    def make_fail(self, controls: Controls, step: LambdaStep) -> str:
        controls.doubles.fail(step.function_arn, ERROR, MESSAGE)
        return ERROR


def invoke_lambda(doubles: StepDoubles, parameters: dict[str, Any]) -> dict[str, Any]:
    """Stands in for lambda:Invoke; returns what boto3's invoke returns, payload decoded."""
    function = parameters["FunctionName"]
    payload = json.loads(parameters.get("Payload") or b"{}")
    failure = doubles.answer(LambdaStep, function, payload)
    if failure is None:
        return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": {"ok": True}}
    error = {"errorType": failure.error, "errorMessage": failure.message, "trace": []}
    return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "FunctionError": "Unhandled", "Payload": error}
