"""Drill executions: started under a recognizable name, waited for, their history read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core import fire_drill
from core.fire_drill import Route
from drill.aws import Waits, progress, wait_until
from drill.outcome import RouteFailed
from drill.stack import Stack, require_drill_states


def start(sfn: Any, stack: Stack, route: Route) -> str:
    require_drill_states(sfn, stack, route.state_name)
    name = fire_drill.execution_name(route, datetime.now(UTC))
    progress(f"{route.value}: starting execution {name}")
    return str(
        sfn.start_execution(
            stateMachineArn=stack.state_machine_arn,
            name=name,
            input=json.dumps(fire_drill.execution_input(route)),
        )["executionArn"]
    )


def wait_for_end(sfn: Any, execution_arn: str, waits: Waits) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        return None if described["status"] == "RUNNING" else described

    described = wait_until(
        f"execution {execution_arn.rsplit(':', 1)[-1]} to end",
        ended,
        waits.execution_seconds,
        min(waits.poll_seconds, 2),
    )
    if described is None:
        raise RouteFailed(
            f"execution {execution_arn} still runs after {waits.execution_seconds:.0f} s; look at it in "
            "the console (the ticket task may be retrying), then run the drill again"
        )
    return described


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events += page["events"]
    return events


def entered(events: list[dict[str, Any]], state_name: str) -> bool:
    return any(event.get("stateEnteredEventDetails", {}).get("name") == state_name for event in events)


def exit_output(events: list[dict[str, Any]], state_name: str) -> dict[str, Any] | None:
    """The state's output when it last exited; None if it never did."""
    outputs = [
        event["stateExitedEventDetails"].get("output")
        for event in events
        if event.get("stateExitedEventDetails", {}).get("name") == state_name
    ]
    if not outputs:
        return None
    parsed = json.loads(outputs[-1] or "null")
    return parsed if isinstance(parsed, dict) else None
