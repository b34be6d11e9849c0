"""Starts an execution in the emulator and waits, bounded, for it to end."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

POLL_SECONDS = 0.05


class ExecutionTimeout(Exception):
    """The execution was still running when the wait ended."""


@dataclass(frozen=True)
class ExecutionResult:
    arn: str
    status: str
    error: str | None
    cause: str | None
    output: Any
    history: list[dict]

    def failed_attempts(self, state_name: str) -> int:
        """How many times a Task state failed (each failed attempt, retried or not, counts)."""
        return self._task_events("TaskFailed")[state_name]

    def entered_states(self) -> list[str]:
        return [
            event["stateEnteredEventDetails"]["name"]
            for event in self.history
            if "stateEnteredEventDetails" in event
        ]

    def _task_events(self, event_type: str) -> Counter:
        counts: Counter = Counter()
        current = None
        for event in self.history:
            if "stateEnteredEventDetails" in event:
                current = event["stateEnteredEventDetails"]["name"]
            elif event["type"] == event_type:
                counts[current] += 1
        return counts


def run_execution(
    sfn: Any, state_machine_arn: str, execution_input: dict, timeout_seconds: float = 60
) -> ExecutionResult:
    # Step Functions names an execution itself when no name is given; moto 5.2.5 names it "None".
    arn = sfn.start_execution(
        stateMachineArn=state_machine_arn, name=str(uuid.uuid4()), input=json.dumps(execution_input)
    )["executionArn"]
    return wait_for(sfn, arn, timeout_seconds)


def wait_for(sfn: Any, execution_arn: str, timeout_seconds: float) -> ExecutionResult:
    deadline = time.monotonic() + timeout_seconds
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            break
        if time.monotonic() > deadline:
            raise ExecutionTimeout(f"{execution_arn} still RUNNING after {timeout_seconds} s")
        time.sleep(POLL_SECONDS)
    history = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return ExecutionResult(
        arn=execution_arn,
        status=described["status"],
        error=described.get("error"),
        cause=described.get("cause"),
        output=json.loads(described["output"]) if described.get("output") else None,
        history=history,
    )
