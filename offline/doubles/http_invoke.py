"""HTTP steps: the real http:invoke integration (offline.http_invoke) against a loopback server.

Failing means the server answers 400, States.Http.StatusCode.400, which no step retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.steps.http_invoke import HttpStep
from offline.http_invoke import HttpInvokeTask
from offline.recording_server import Reply
from offline.step_doubles import Controls, ServiceFactory, StepDouble, StepDoubles

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings

STATUS = 400


class HttpDouble(StepDouble[HttpStep]):
    step = HttpStep

    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        # The ticket is an http:invoke task too: this replaces moto's missing integration for both.
        return {"http": lambda: HttpInvokeTask(http)}

    def make_fail(self, controls: Controls, step: HttpStep) -> str:
        controls.server_for(step.request.endpoint).answer_always(
            Reply.json(STATUS, {"message": "unknown format"})
        )
        return f"States.Http.StatusCode.{STATUS}"

    def endpoints(self, step: HttpStep) -> list[str]:
        return [step.request.endpoint]
