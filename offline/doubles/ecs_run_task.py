"""ECS steps: a task that "runs" and has stopped by the time Step Functions looks.

An ECS task moto starts never stops, so `ecs:runTask.sync` would wait forever.
Here the task stops at once; a failing one exits with code 1, which fails the
step with `States.TaskFailed` and the stopped task's description as cause.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_ecs import (
    StateTaskServiceEcs,
)

from core.steps.ecs_run_task import EcsStep
from offline.step_doubles import Controls, ServiceFactory, StepDouble, StepDoubles, ended

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings

TASK_FAILED = "States.TaskFailed"


class EcsDouble(StepDouble[EcsStep]):
    step = EcsStep

    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        return {"ecs": lambda: EcsRunTaskDouble(doubles)}

    def make_fail(self, controls: Controls, step: EcsStep) -> str:
        controls.doubles.fail(step.task_definition_arn, TASK_FAILED, "Essential container in task exited")
        return TASK_FAILED


class EcsRunTaskDouble(StateTaskServiceEcs):
    """`ecs:runTask(.sync)` whose task has stopped, with exit code 1 if it is to fail."""

    def __init__(self, doubles: StepDoubles):
        super().__init__()
        self.doubles = doubles

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        task = stopped_task(
            self.doubles, normalised_parameters, resource_runtime_part.region, resource_runtime_part.account
        )
        env.stack.append({"Tasks": [task], "Failures": []})

    def _build_sync_resolver(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        task = env.stack.pop()["Tasks"][0]
        return ended(self, env, task, succeeded=all(c["ExitCode"] == 0 for c in task["Containers"]))


def stopped_task(
    doubles: StepDoubles, parameters: dict[str, Any], region: str, account: str
) -> dict[str, Any]:
    """A task description (PascalCase, as Step Functions returns it) that has already stopped."""
    task_definition = parameters["TaskDefinition"]
    exit_code = 0 if doubles.answer(EcsStep, task_definition, parameters) is None else 1
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
