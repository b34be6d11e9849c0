"""Nights that end where no Catch can see them, made to happen in the emulator.

- timed-out: the first Lambda step hangs (its double is held) and
  the execution's timeout, shortened for the run (TIMEOUT_SECONDS), ends the
  night TIMED_OUT;
- aborted: the first Lambda step hangs and the execution is stopped
  (StopExecution), as someone would by hand: ABORTED;
- runtime-error: the API of the first HTTP step answers with a binary content
  type, which Step Functions refuses with States.Runtime, an error States.ALL
  does not catch.
moto emits no status-change events, so once the execution has ended, the event
Step Functions would send for it (offline.status_events) is put on the bus,
where the night watch's rules pick it up.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from enum import Enum

from core.config import PipelineConfig
from core.steps import Step
from core.steps.http_invoke import HttpStep
from core.steps.lambda_invoke import LambdaStep
from offline.deployment import Deployment
from offline.executions import ExecutionResult, wait_for
from offline.recording_server import Reply
from offline.status_events import ExecutionEnd, put_status_change

TIMEOUT_SECONDS = 3
"""The execution timeout of a timed-out night (state_machine.timeout_seconds, shortened)."""
WAIT_SECONDS = 60
STOP_ERROR = "StoppedByHand"
STOP_CAUSE = "Stopped from the console: the night was taking too long"


class Night(Enum):
    TIMED_OUT = "timed-out"
    ABORTED = "aborted"
    RUNTIME_ERROR = "runtime-error"

    @property
    def expected_status(self) -> str:
        return {Night.TIMED_OUT: "TIMED_OUT", Night.ABORTED: "ABORTED", Night.RUNTIME_ERROR: "FAILED"}[self]

    @property
    def step_kind(self) -> type[Step]:
        """The kind of step the night is made with."""
        return HttpStep if self is Night.RUNTIME_ERROR else LambdaStep


class NightNotPossible(Exception):
    """The configuration has no step this night can be made to happen with."""


def step_for(config: PipelineConfig, night: Night) -> Step:
    for step in config.steps:
        if isinstance(step, night.step_kind):
            return step
    raise NightNotPossible(f"this night needs a {night.step_kind.type} step")


def prepared_config(config: PipelineConfig, night: Night) -> PipelineConfig:
    """The configuration to deploy for the night: a timed-out night gets a short timeout."""
    step_for(config, night)
    if night is not Night.TIMED_OUT:
        return config
    return replace(config, state_machine=replace(config.state_machine, timeout_seconds=TIMEOUT_SECONDS))


def run_night(deployment: Deployment, night: Night) -> ExecutionResult:
    """Runs the night to its end, then puts the status-change event Step Functions would send."""
    step = step_for(deployment.config, night)
    if isinstance(step, HttpStep):
        deployment.server_for(step.request.endpoint).answer_always(
            Reply.binary(200, b"PK\x03\x04 a zip file, not JSON")
        )
    elif isinstance(step, LambdaStep):
        deployment.doubles.hold(step.function_arn)
    sfn = deployment.emulator.client("stepfunctions")
    arn = sfn.start_execution(
        stateMachineArn=deployment.outputs["state_machine_arn"],
        name=str(uuid.uuid4()),
        input=deployment.config.schedule.input_json(),
    )["executionArn"]
    if night is Night.ABORTED and isinstance(step, LambdaStep):
        _wait_until_called(deployment, step.function_arn)
        sfn.stop_execution(executionArn=arn, error=STOP_ERROR, cause=STOP_CAUSE)
        deployment.doubles.release()  # the interpreter sees the stop once the step returns
    result = wait_for(sfn, arn, WAIT_SECONDS)
    deployment.doubles.release()
    end = ExecutionEnd(result.status, result.error, result.cause)
    put_status_change(
        deployment.emulator.client("events"),
        deployment.outputs["state_machine_arn"],
        arn.rsplit(":", 1)[-1],
        end,
    )
    return result


def _wait_until_called(deployment: Deployment, function_arn: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not any(call.target == function_arn for call in deployment.doubles.calls):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{function_arn} was never called")
        time.sleep(0.05)
