"""The pipeline's Lambda and ECS steps, made to succeed or fail on demand.

The state machine runs in moto, but the functions and tasks it calls do not
exist there: moto's Lambda without Docker always answers the same payload, and
an ECS task it starts never stops, so `ecs:runTask.sync` would wait forever.
These doubles stand in for the function and the task at the point where
Step Functions receives their outcome, so everything around them (parameters,
Retry, Catch, ResultPath, the error and cause that reach the failure path) is
moto's interpreter running the real definition:
- a Lambda failure is an invocation answered with `FunctionError: Unhandled`
  and an error payload; moto turns it into the error `<errorType>` with the
  payload as cause, as Step Functions does;
- an ECS task "runs" and stops at once; a non-zero exit code fails the step
  with `States.TaskFailed` and the stopped task's description as cause.
Every call is recorded, so a test can check which steps ran, in order.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_ecs import (
    StateTaskServiceEcs,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails


@dataclass(frozen=True)
class LambdaFailure:
    error_type: str
    message: str


@dataclass(frozen=True)
class StepCall:
    kind: str
    """"lambda" or "ecs"."""
    target: str
    """The function or task definition as the definition names it."""
    parameters: dict


class StepDoubles:
    """Outcomes by function ARN and task definition ARN; anything not set succeeds."""

    def __init__(self) -> None:
        self._lambda_failures: dict[str, LambdaFailure] = {}
        self._ecs_exit_codes: dict[str, int] = {}
        self._calls: list[StepCall] = []
        self._lock = threading.Lock()

    def fail_lambda(self, function: str, error_type: str, message: str) -> None:
        self._lambda_failures[function] = LambdaFailure(error_type, message)

    def fail_ecs_task(self, task_definition: str, exit_code: int = 1) -> None:
        if exit_code == 0:
            raise ValueError("an ECS task fails with a non-zero exit code")
        self._ecs_exit_codes[task_definition] = exit_code

    def reset(self) -> None:
        with self._lock:
            self._lambda_failures.clear()
            self._ecs_exit_codes.clear()
            self._calls.clear()

    @property
    def calls(self) -> list[StepCall]:
        with self._lock:
            return list(self._calls)

    def invoke_lambda(self, parameters: dict) -> dict:
        """Stands in for lambda:Invoke; returns what boto3's invoke returns, payload decoded."""
        function = parameters["FunctionName"]
        payload = json.loads(parameters.get("Payload") or b"{}")
        self._record(StepCall("lambda", function, payload))
        failure = self._lambda_failures.get(function)
        if failure is None:
            return {"StatusCode": 200, "ExecutedVersion": "$LATEST", "Payload": {"ok": True}}
        error = {"errorType": failure.error_type, "errorMessage": failure.message, "trace": []}
        return {
            "StatusCode": 200,
            "ExecutedVersion": "$LATEST",
            "FunctionError": "Unhandled",
            "Payload": error,
        }

    def stopped_task(self, parameters: dict, region: str, account: str) -> dict:
        """A task description (PascalCase, as Step Functions returns it) that has already stopped."""
        task_definition = parameters["TaskDefinition"]
        self._record(StepCall("ecs", task_definition, parameters))
        exit_code = self._ecs_exit_codes.get(task_definition, 0)
        cluster = parameters.get("Cluster", "default")
        overrides = parameters.get("Overrides", {}).get("ContainerOverrides", [])
        return {
            "TaskArn": f"arn:aws:ecs:{region}:{account}:task/{cluster.split('/')[-1]}/{uuid.uuid4().hex}",
            "ClusterArn": cluster,
            "TaskDefinitionArn": task_definition,
            "LaunchType": parameters.get("LaunchType", "FARGATE"),
            "StartedBy": "AWS Step Functions",
            "LastStatus": "STOPPED",
            "DesiredStatus": "STOPPED",
            "StopCode": "EssentialContainerExited",
            "StoppedReason": "Essential container in task exited",
            "Containers": [
                {"Name": override["Name"], "LastStatus": "STOPPED", "ExitCode": exit_code}
                for override in overrides or [{"Name": "main"}]
            ],
        }

    def _record(self, call: StepCall) -> None:
        with self._lock:
            self._calls.append(call)


class EcsRunTaskDouble(StateTaskServiceEcs):
    """`ecs:runTask(.sync)` whose task stops at once with the exit code the doubles hold."""

    def __init__(self, doubles: StepDoubles):
        super().__init__()
        self.doubles = doubles

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        task = self.doubles.stopped_task(
            normalised_parameters, resource_runtime_part.region, resource_runtime_part.account
        )
        env.stack.append({"Tasks": [task], "Failures": []})

    def _build_sync_resolver(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        task = env.stack.pop()["Tasks"][0]

        def resolve() -> dict:
            if any(container["ExitCode"] != 0 for container in task["Containers"]):
                raise FailureEventException(failure_event=self._task_failed(env, task))
            return task

        return resolve

    def _task_failed(self, env, task: dict) -> FailureEvent:
        name = StatesErrorName(typ=StatesErrorNameType.StatesTaskFailed)
        return FailureEvent(
            env=env,
            error_name=name,
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(
                taskFailedEventDetails=TaskFailedEventDetails(
                    error=name.error_name,
                    cause=json.dumps(task),
                    resource=self._get_sfn_resource(),
                    resourceType=self._get_sfn_resource_type(),
                )
            ),
        )


def install_lambda_double(doubles: StepDoubles) -> None:
    """moto's Lambda integration calls this module-level function for every invocation."""

    def invoke(parameters: dict, region: str, state_credentials: Any) -> dict:
        return doubles.invoke_lambda(parameters)

    lambda_eval_utils._invoke_lambda_function = invoke
