"""The whole state machine: steps in order, each caught into the shared failure path.

Its definition and its execution-role policy come from the same objects, so a
step cannot be added without the permissions it needs, or keep ones it lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from aws_facts.arns import regional_arn
from core import fire_drill
from core.failure_path import FailurePath
from core.refs import Refs
from core.steps import Step
from policies import integrations
from policies.kms import derived_key_grants, state_machine_key_grants
from policies.statement import Statement, merge_statements


@dataclass(frozen=True, kw_only=True)
class Pipeline:
    name: str
    steps: tuple[Step, ...]
    failure_path: FailurePath
    comment: str = ""
    logging: bool = True
    """Whether executions log to CloudWatch Logs (any level but OFF)."""
    tracing: bool = False
    timeout_seconds: int | None = None
    """The whole execution's TimeoutSeconds. Default: none (Step Functions allows a year)."""

    def definition(self, refs: Refs) -> dict[str, Any]:
        """FireDrill first (it goes straight to the first step unless the input asks for a drill:
        core.fire_drill), then the steps, their record states, the failure path and the drill."""
        states: dict[str, dict[str, Any]] = {
            fire_drill.ENTRY_STATE: fire_drill.entry_state(self.steps[0].name)
        }
        for position, step in enumerate(self.steps):
            state = step.to_state(refs)
            state["Catch"] = self.failure_path.catch_for(step.name)
            if position + 1 < len(self.steps):
                state["Next"] = self.steps[position + 1].name
            else:
                state["End"] = True
            states[step.name] = state
        for step in self.steps:
            record = self.failure_path.record_state_name(step.name)
            states[record] = self.failure_path.record_state(step.name)
        states.update(self.failure_path.states(refs))
        states.update(fire_drill.drill_states(self.failure_path))
        definition: dict[str, Any] = {"StartAt": fire_drill.ENTRY_STATE, "States": states}
        if self.timeout_seconds is not None:
            definition["TimeoutSeconds"] = self.timeout_seconds
        if self.comment:
            definition = {"Comment": self.comment, **definition}
        return definition

    def definition_text(self, refs: Refs) -> str:
        """The definition as the state machine is given it, whose length Step Functions limits."""
        return json.dumps(self.definition(refs), indent=2)

    def policy_statements(self, refs: Refs) -> tuple[Statement, ...]:
        statements = [statement for step in self.steps for statement in step.policy_statements(refs)]
        statements += self.failure_path.policy_statements(refs)
        if self.logging:
            statements += integrations.log_delivery()
        if self.tracing:
            statements += integrations.xray_tracing()
        if refs.key_arn is not None:
            statements += derived_key_grants(statements, refs.key_arn, refs.region)
            logs = (
                regional_arn(refs.partition, refs.region, refs.account, "logs", "*") if self.logging else None
            )
            statements += state_machine_key_grants(refs.key_arn, refs.state_machine_arn, logs)
        return merge_statements(statements)

    def test_state_statements(self, refs: Refs) -> tuple[Statement, ...]:
        """What a role passed to the console's "Test state" (the TestState API)
        needs to run, on its own, each of these states that TestState can run.

        TestState runs a state outside of any state machine, so a grant on this
        state machine's ARN never matches there: that is the AccessDenied the
        reference design met. HTTP calls are granted on "*" here as in the execution
        role, as AWS CDK does, still held to each state's method and endpoint by the
        conditions.
        TestState runs no .sync or .waitForTaskToken task and has no logging or
        tracing settings, so those grants are left out:
        https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
        """
        outside = replace(refs, state_machine_arn="*")
        testable = [step for step in self.steps if not step.waits_for_completion]
        statements = [statement for step in testable for statement in step.policy_statements(outside)]
        statements += self.failure_path.policy_statements(outside)
        if refs.key_arn is not None:
            statements += derived_key_grants(statements, refs.key_arn, refs.region)
        return merge_statements(statements)
