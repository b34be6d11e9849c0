"""How each kind of step is made to fail, and the error Step Functions then reports.

- lambda: the function raises OrdersValidationError (error = its errorType);
- ecs: the task's container exits with code 1 (States.TaskFailed);
- http: the API answers 400 (States.Http.StatusCode.400, which no step retries).
"""

from __future__ import annotations

from offline.deployment import Deployment
from offline.recording_server import Reply

LAMBDA_ERROR = "OrdersValidationError"
LAMBDA_MESSAGE = "3 orders have no customer id"
HTTP_STATUS = 400


def make_step_fail(night: Deployment, step_name: str) -> str:
    """Returns the error the execution should end with."""
    step = next(step for step in night.config.steps if step.name == step_name)
    if step.kind == "lambda":
        night.doubles.fail_lambda(step.function_arn, LAMBDA_ERROR, LAMBDA_MESSAGE)
        return LAMBDA_ERROR
    if step.kind == "ecs":
        night.doubles.fail_ecs_task(step.task_definition_arn, exit_code=1)
        return "States.TaskFailed"
    night.server_for(step.request.endpoint).answer_always(
        Reply.json(HTTP_STATUS, {"message": "unknown format"})
    )
    return f"States.Http.StatusCode.{HTTP_STATUS}"
