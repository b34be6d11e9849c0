"""Glue steps: a job run that has ended by the time Step Functions looks.

moto's Glue integration would start a run in moto's Glue, where no job exists.
Here the run ends at once: SUCCEEDED, or FAILED with an error message, which
fails the step with `States.TaskFailed` and the job run as cause, as
Step Functions reports a failed `.sync` job run.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue import (
    StateTaskServiceGlue,
)

from core.steps.glue_start_job_run import GlueStep
from offline.step_doubles import Controls, ServiceFactory, StepDouble, StepDoubles, ended

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings

TASK_FAILED = "States.TaskFailed"
MESSAGE = "An error occurred while calling o87.save: 3 input files are missing"


class GlueDouble(StepDouble[GlueStep]):
    step = GlueStep

    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        return {"glue": lambda: GlueJobRunDouble(doubles)}

    def make_fail(self, controls: Controls, step: GlueStep) -> str:
        controls.doubles.fail(step.job, TASK_FAILED, MESSAGE)
        return TASK_FAILED


class GlueJobRunDouble(StateTaskServiceGlue):
    """`glue:startJobRun.sync` whose run has already ended."""

    def __init__(self, doubles: StepDoubles):
        super().__init__()
        self.doubles = doubles
        # moto 5.2.5 ends every .sync task with `callback_endpoint.interrupt_all()` but makes that
        # endpoint only for integrations that also offer .waitForTaskToken, which its Glue one does
        # not, so every glue:startJobRun.sync would fail with States.Runtime. Offering it makes one.
        self._supported_integration_patterns = {ResourceCondition.Sync, ResourceCondition.WaitForTaskToken}

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        env.stack.append(ended_job_run(self.doubles, normalised_parameters))

    def _build_sync_resolver(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        job_run = env.stack.pop()
        return ended(self, env, job_run, succeeded=job_run["JobRunState"] == "SUCCEEDED")


def ended_job_run(doubles: StepDoubles, parameters: dict[str, Any]) -> dict[str, Any]:
    """A JobRun (as GetJobRun returns it) that has ended, with the JobName Step Functions adds."""
    job = parameters["JobName"]
    failure = doubles.answer(GlueStep, job, parameters)
    job_run = {
        "Id": f"jr_{uuid.uuid4().hex}",
        "Attempt": 0,
        "JobName": job,
        "Arguments": parameters.get("Arguments", {}),
        "JobRunState": "SUCCEEDED" if failure is None else "FAILED",
    }
    if failure is not None:
        job_run["ErrorMessage"] = failure.message
    return job_run
