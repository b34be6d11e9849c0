"""Plugs the offline integrations into moto's Step Functions interpreter.

moto picks an integration by the service part of the Resource ARN
(`arn:aws:states:::http:invoke` -> "http") in `state_task_service_for`, which
`state_task_factory` imported by name; both references are replaced. "http"
is unknown to moto 5.2.5 (the definition would not even parse), "ecs" is
replaced by a task that stops (see offline.step_doubles); every other service
is moto's own.
"""

from __future__ import annotations

from collections.abc import Callable

from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_factory,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)

from offline.http_invoke import HttpInvokeSettings, HttpInvokeTask
from offline.step_doubles import EcsRunTaskDouble, StepDoubles, install_lambda_double

_MOTO_FACTORY = state_task_service_factory.state_task_service_for


def install(http_settings: HttpInvokeSettings, doubles: StepDoubles) -> None:
    """Replaces any earlier installation (the last settings win)."""
    overrides: dict[str, Callable[[], StateTaskService]] = {
        "http": lambda: HttpInvokeTask(http_settings),
        "ecs": lambda: EcsRunTaskDouble(doubles),
    }

    def state_task_service_for(service_name: str) -> StateTaskService:
        if service_name in overrides:
            return overrides[service_name]()
        return _MOTO_FACTORY(service_name)

    state_task_service_factory.state_task_service_for = state_task_service_for
    state_task_factory.state_task_service_for = state_task_service_for
    install_lambda_double(doubles)
