"""The fire drill's side of the state machine: how an execution that asks for a drill walks a route.

An execution whose input holds {"fire_drill": {"route": "<route>"}} (scripts/fire-drill.sh starts
them; the schedule never may, core.loading refuses such an input) runs no step:

    FireDrill (Choice) ── no $.fire_drill ──▶ the first step, as every night
        └─ $.fire_drill ─▶ FireDrillRoute (Choice)
             ├ caught   ▶ FireDrillCaught (Pass: a caught error) ▶ FireDrillFailed ▶ the failure path
             ├ uncaught ▶ FireDrillUncaught (Pass that reads a missing path: States.Runtime)
             ├ aborted  ▶ FireDrillAborted (Wait, until the drill stops it: ABORTED)
             └ other    ▶ FireDrillUnknownRoute (Fail)

A Choice rule that compares a path the input lacks fails the execution, so each path is
tested with IsPresent before it is compared (Choice state, "Choice Rules":
https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from aws_facts.intrinsic_functions import escape_literal
from core.failure_path import FailurePath
from core.ticket_fields import DRILL_ERROR

INPUT_KEY = "fire_drill"
STEP_NAME = "FireDrill"
"""The step a caught drill's ticket and e-mail name; its record state is FireDrillFailed."""
ENTRY_STATE = "FireDrill"
ROUTE_STATE = "FireDrillRoute"
UNKNOWN_ROUTE_STATE = "FireDrillUnknownRoute"
UNKNOWN_ROUTE_ERROR = "Drill.UnknownRoute"
MISSING_PATH = f"$.{INPUT_KEY}.missing_on_purpose"
"""Read by the uncaught route: a Parameters path that matches nothing is a States.Runtime error."""
ABORT_WAIT_SECONDS = 900
"""How long the aborted route waits for the drill's StopExecution; an execution nobody stops
then ends SUCCEEDED, quietly."""


class Route(Enum):
    """The failure routes a drill walks; all but ALARMS are executions of the state machine."""

    CAUGHT = "caught"
    UNCAUGHT = "uncaught"
    ABORTED = "aborted"
    ALARMS = "alarms"

    @property
    def state_name(self) -> str:
        """The state the route's executions enter after FireDrillRoute."""
        return f"{ENTRY_STATE}{self.value.title()}"

    @property
    def runs_execution(self) -> bool:
        return self is not Route.ALARMS


EXECUTION_ROUTES = tuple(route for route in Route if route.runs_execution)


def execution_input(route: Route) -> dict[str, Any]:
    return {INPUT_KEY: {"route": route.value}}


def execution_name(route: Route, now: datetime) -> str:
    """fire-drill-<route>-<UTC time>: at most 80 characters of letters, digits, '-' (StartExecution's
    name rules: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html)."""
    return f"fire-drill-{route.value}-{now.strftime('%Y%m%dT%H%M%SZ')}"


def state_names() -> tuple[str, ...]:
    """Every state the drill adds; no step may take one of these names."""
    routes = tuple(route.state_name for route in EXECUTION_ROUTES)
    return (ENTRY_STATE, ROUTE_STATE, *routes, FailurePath.record_state_name(STEP_NAME), UNKNOWN_ROUTE_STATE)


def entry_state(first_step: str) -> dict[str, Any]:
    """The state machine's first state: a normal night goes straight to its first step."""
    return {
        "Type": "Choice",
        "Choices": [{"Variable": f"$.{INPUT_KEY}", "IsPresent": True, "Next": ROUTE_STATE}],
        "Default": first_step,
    }


def drill_states(failure_path: FailurePath) -> dict[str, dict[str, Any]]:
    """The states after FireDrill, for an execution that asked for a drill."""
    route_path = f"$.{INPUT_KEY}.route"
    choices: list[dict[str, Any]] = [
        {"Not": {"Variable": route_path, "IsPresent": True}, "Next": UNKNOWN_ROUTE_STATE},
        *(
            {"Variable": route_path, "StringEquals": route.value, "Next": route.state_name}
            for route in EXECUTION_ROUTES
        ),
    ]
    before, after = (
        escape_literal(text)
        for text in ("A fire drill, not a real failure: execution ", " asked for it (scripts/fire-drill.sh).")
    )
    return {
        ROUTE_STATE: {"Type": "Choice", "Choices": choices, "Default": UNKNOWN_ROUTE_STATE},
        # What a step's Catch hands its record state: the error and its cause (ResultPath "$").
        Route.CAUGHT.state_name: {
            "Type": "Pass",
            "Parameters": {
                "Error": DRILL_ERROR,
                "Cause.$": f"States.Format('{before}{{}}{after}', $$.Execution.Name)",
            },
            "Next": FailurePath.record_state_name(STEP_NAME),
        },
        FailurePath.record_state_name(STEP_NAME): failure_path.record_state(STEP_NAME),
        Route.UNCAUGHT.state_name: {
            "Type": "Pass",
            "Parameters": {"reads_a_missing_path.$": MISSING_PATH},
            "End": True,
        },
        Route.ABORTED.state_name: {"Type": "Wait", "Seconds": ABORT_WAIT_SECONDS, "End": True},
        UNKNOWN_ROUTE_STATE: {
            "Type": "Fail",
            "Error": UNKNOWN_ROUTE_ERROR,
            "Cause": f"$.{INPUT_KEY}.route must be one of {', '.join(r.value for r in EXECUTION_ROUTES)}",
        },
    }
