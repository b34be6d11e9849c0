"""scripts/fire-drill.sh STACK_FOLDER [--only ROUTE]: drives each failure route of a deployed stack.

Prints, route by route, what AWS reported; exits 0 only when every route asked for was verified,
else prints one line per failed route: what went wrong and what to do (docs/fire-drill.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.fire_drill import Route
from drill.alarms import run_alarms
from drill.aws import Clients, Waits
from drill.caught import run_caught
from drill.night_watch import run_night_watch
from drill.outcome import Outcome, RouteFailed
from drill.stack import Stack, StackUnreadable, read_stack

RunRoute = Callable[[Clients, Stack, Waits, Outcome], None]
RUNS: dict[Route, RunRoute] = {
    Route.CAUGHT: run_caught,
    Route.UNCAUGHT: run_night_watch,
    Route.ABORTED: run_night_watch,
    Route.ALARMS: run_alarms,
}


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        stack = read_stack(arguments.stack_folder)
    except StackUnreadable as error:
        print(f"fire drill: {error}", file=sys.stderr)
        return 2
    routes = [Route(arguments.only)] if arguments.only else list(Route)
    waits = Waits(
        execution_seconds=arguments.execution_wait,
        delivery_seconds=arguments.delivery_wait,
        poll_seconds=arguments.poll,
    )
    clients = Clients(stack.region)
    outcomes = [drill_route(route, clients, stack, waits) for route in routes]
    for outcome in outcomes:
        print("\n".join(outcome.lines()), flush=True)
    return 0 if all(outcome.verified for outcome in outcomes) else 1


def drill_route(route: Route, clients: Clients, stack: Stack, waits: Waits) -> Outcome:
    outcome = Outcome(route)
    began = time.monotonic()
    try:
        RUNS[route](clients, stack, waits, outcome)
    except RouteFailed as failure:
        outcome.problem = str(failure)
    except Exception as error:  # noqa: BLE001 - an AWS refusal of the drill's own calls, reported per route
        outcome.problem = (
            f"{type(error).__name__}: {error}; check the drill's permissions (docs/fire-drill.md)"
        )
    outcome.seconds = time.monotonic() - began
    return outcome


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/fire-drill.sh", description=__doc__.splitlines()[0])
    parser.add_argument("stack_folder", type=Path, help="e.g. cdktf.out/stacks/nightly-pipeline-prod")
    parser.add_argument("--only", choices=[route.value for route in Route], help="one route (default: all)")
    defaults = Waits()
    parser.add_argument(
        "--execution-wait",
        type=float,
        default=defaults.execution_seconds,
        help="seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--delivery-wait",
        type=float,
        default=defaults.delivery_seconds,
        help="seconds for EventBridge's and CloudWatch's metrics and actions (default: %(default)s)",
    )
    parser.add_argument(
        "--poll", type=float, default=defaults.poll_seconds, help="seconds (default: %(default)s)"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
