"""Plugs the offline integrations into moto's Step Functions interpreter.

moto picks an integration by the service part of the Resource ARN
(`arn:aws:states:::http:invoke` -> "http") in `state_task_service_for`, which
`state_task_factory` imported by name; both references are replaced. Each step
kind's double (offline/doubles/) names the services it replaces: "http" is
unknown to moto 5.2.5 (the definition would not even parse), "ecs" is replaced
by a task that stops, and so on; every other service is moto's own.
"""

from __future__ import annotations

from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_factory,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)

from offline.http_invoke import HttpInvokeSettings
from offline.step_doubles import ServiceFactory, StepDoubles, all_doubles

_MOTO_FACTORY = state_task_service_factory.state_task_service_for


def install(http_settings: HttpInvokeSettings, doubles: StepDoubles) -> None:
    """Replaces any earlier installation (the last settings win)."""
    overrides: dict[str, ServiceFactory] = {}
    for double in all_doubles():
        services = double.services(doubles, http_settings)
        if clash := overrides.keys() & services.keys():
            raise ValueError(f"two step doubles replace the same moto services: {sorted(clash)}")
        overrides |= services

    def state_task_service_for(service_name: str) -> StateTaskService:
        if service_name in overrides:
            return overrides[service_name]()
        return _MOTO_FACTORY(service_name)

    state_task_service_factory.state_task_service_for = state_task_service_for
    state_task_factory.state_task_service_for = state_task_service_for
