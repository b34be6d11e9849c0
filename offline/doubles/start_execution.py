"""State machine steps: a child execution that has ended by the time Step Functions looks.

moto's integration would start an execution of a state machine that does not
exist in the emulator. Here the child execution ends at once: SUCCEEDED with
its input as output, or FAILED with an error and cause, which fails the step
with `States.TaskFailed` and the child's description as cause, as
`startExecution.sync:2` reports a failed child.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
    StateTaskServiceSfn,
)

from core.steps.start_execution import StateMachineStep
from offline.step_doubles import Controls, ServiceFactory, StepDouble, StepDoubles, ended

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings

TASK_FAILED = "States.TaskFailed"
CHILD_ERROR = "WarehouseLoadError"
CHILD_CAUSE = "The warehouse refused 12 rows"


class StateMachineDouble(StepDouble[StateMachineStep]):
    step = StateMachineStep

    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        return {"states": lambda: ChildExecutionDouble(doubles)}

    def make_fail(self, controls: Controls, step: StateMachineStep) -> str:
        controls.doubles.fail(step.state_machine_arn, CHILD_ERROR, CHILD_CAUSE)
        return TASK_FAILED


class ChildExecutionDouble(StateTaskServiceSfn):
    """`states:startExecution.sync:2` whose child execution has already ended."""

    def __init__(self, doubles: StepDoubles):
        super().__init__()
        self.doubles = doubles

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        env.stack.append(ended_execution(self.doubles, normalised_parameters))

    def _build_sync2_resolver(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        execution = env.stack.pop()
        return ended(self, env, execution, succeeded=execution["Status"] == "SUCCEEDED")


def ended_execution(doubles: StepDoubles, parameters: dict[str, Any]) -> dict[str, Any]:
    """The child's DescribeExecution (PascalCase, output as JSON, as .sync:2 returns it)."""
    state_machine = parameters["StateMachineArn"]
    child_input = json.loads(parameters.get("Input") or "{}")
    failure = doubles.answer(StateMachineStep, state_machine, child_input)
    name = uuid.uuid4().hex
    execution = {
        "ExecutionArn": f"{state_machine.replace(':stateMachine:', ':execution:')}:{name}",
        "StateMachineArn": state_machine,
        "Name": name,
        "Input": child_input,
        "Status": "SUCCEEDED" if failure is None else "FAILED",
    }
    if failure is None:
        execution["Output"] = child_input
    else:
        execution |= {"Error": failure.error, "Cause": failure.message}
    return execution
