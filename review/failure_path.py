"""Failures the head no longer reports, or reports later: a step no Catch takes to the ticket, a
night-watch route removed, an execution timeout removed or as long as the schedule's gap, retries
raised."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_facts.schedule_expression import InvalidExpression
from aws_facts.schedule_window import recurrence
from core.failure_path import TICKET_STATE
from review.findings import Finding, Kind, Rule, Severity, Subject
from review.resources import resources
from review.schedule import SCHEDULE
from review.state_machine import END, definitions, edges, failure_path

UNCAUGHT_STEP = Rule("FLP001", Kind.FAILURE_PATH, Severity.HIGH, "A step without a Catch to the ticket")
ROUTE_REMOVED = Rule("FLP002", Kind.FAILURE_PATH, Severity.HIGH, "A night-watch route removed")
TIMEOUT_REMOVED = Rule("FLP003", Kind.FAILURE_PATH, Severity.HIGH, "The execution timeout removed")
TIMEOUT_TOO_LONG = Rule(
    "FLP004", Kind.FAILURE_PATH, Severity.MEDIUM, "The execution timeout as long as the schedule's gap"
)
RETRIES_RAISED = Rule("FLP005", Kind.FAILURE_PATH, Severity.LOW, "A step's retries raised")
RULES = (UNCAUGHT_STEP, ROUTE_REMOVED, TIMEOUT_REMOVED, TIMEOUT_TOO_LONG, RETRIES_RAISED)

CATCH_ALL = "States.ALL"
# The night watch's routes (components/night_watch.py), and the words that name each.
ROUTES = {
    "aws_cloudwatch_event_rule": ("rule", "name", "description"),
    "aws_cloudwatch_metric_alarm": ("alarm", "alarm_name", "alarm_description"),
}


def uncaught_steps(name: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Finding]:
    """Task states off the failure path whose errors do not reach the ticket, and did before (or
    are new). Definitions as parsed from `definition`; name: the state machine's."""
    old, new = before.get("States", {}), after.get("States", {})
    return [
        UNCAUGHT_STEP.found(
            Subject(state_machine=name, state=state),
            f"no Catch of `{CATCH_ALL}` leads to `{TICKET_STATE}`: a failure here opens no ticket and "
            "e-mails nobody; only the night watch may see it.",
        )
        for state in _steps(new)
        if not _caught(new, state) and (state not in old or _caught(old, state))
    ]


def _steps(states: Mapping[str, Mapping[str, Any]]) -> list[str]:
    failing = failure_path(states)
    return [name for name, state in states.items() if state.get("Type") == "Task" and name not in failing]


def _caught(states: Mapping[str, Mapping[str, Any]], name: str) -> bool:
    return any(
        CATCH_ALL in catcher.get("ErrorEquals", [])
        and _reaches(states, catcher.get("Next", ""), TICKET_STATE)
        for catcher in states[name].get("Catch", [])
    )


def _reaches(states: Mapping[str, Mapping[str, Any]], start: str, goal: str) -> bool:
    graph = edges(states)
    reached, pending = {start}, [start]
    while pending:
        source = pending.pop()
        for edge in graph:
            if edge.source == source and edge.target not in reached and edge.target != END:
                reached.add(edge.target)
                pending.append(edge.target)
    return goal in reached


def removed_routes(
    base: Mapping[str, Mapping[str, Any]], head: Mapping[str, Mapping[str, Any]]
) -> list[Finding]:
    """Night-watch rules and alarms of the base that the head no longer has, and rule targets
    removed from a rule that stays. Resources by address."""
    found = []
    for address in sorted(base.keys() - head.keys()):
        body, kind = base[address], address.split(".")[0]
        if kind in ROUTES:
            noun, name, description = ROUTES[kind]
            said = _named(str(body.get(description, "")), base)
            found.append(
                ROUTE_REMOVED.found(
                    Subject(resource=address), f"{noun} `{body.get(name)}` removed. It reported: {said}"
                )
            )
        elif kind == "aws_cloudwatch_event_target" and _reference(str(body.get("rule", ""))) in head:
            rule, target = _named(str(body.get("rule")), base), _named(str(body.get("arn")), base)
            found.append(
                ROUTE_REMOVED.found(
                    Subject(resource=address), f"rule `{rule}` no longer sends to `{target}`."
                )
            )
    return found


_REFERENCE = re.compile(r"\$\{([a-z0-9_]+\.[^.}]+)\.[a-z_]+\}")


def _reference(value: str) -> str | None:
    """The address a whole-value reference such as `${aws_sqs_queue.Q.arn}` names."""
    whole = _REFERENCE.fullmatch(value)
    return whole.group(1) if whole else None


def _named(text: str, found: Mapping[str, Mapping[str, Any]]) -> str:
    """References to resources replaced by the resources' names."""
    return _REFERENCE.sub(lambda m: str(found.get(m.group(1), {}).get("name", m.group(0))), text)


def timeout_findings(
    name: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    schedules: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None],
) -> list[Finding]:
    """schedules: the base's and the head's aws_scheduler_schedule body, None where there is none."""
    subject = Subject(state_machine=name)
    old, new = before.get("TimeoutSeconds"), after.get("TimeoutSeconds")
    if old is not None and new is None:
        return [
            TIMEOUT_REMOVED.found(
                subject,
                f"`TimeoutSeconds` removed (was {old} s): a hung run now runs on for up to a year, "
                "beside the next nights, and never ends TIMED_OUT for the night watch to report.",
            )
        ]
    old_gap, gap = _shortest_gap(schedules[0]), _shortest_gap(schedules[1])
    if _too_long(new, gap) and not _too_long(old, old_gap):
        return [
            TIMEOUT_TOO_LONG.found(
                subject,
                f"`TimeoutSeconds` is {new} s, not shorter than the schedule's shortest gap between runs "
                f"({gap} s): a hung run is still running when the next one starts.",
            )
        ]
    return []


def _too_long(timeout: int | None, gap: int | None) -> bool:
    return timeout is not None and gap is not None and timeout >= gap


def _shortest_gap(schedule: Mapping[str, Any] | None) -> int | None:
    if not schedule:
        return None
    try:
        runs = recurrence(
            str(schedule.get("schedule_expression", "")),
            str(schedule.get("schedule_expression_timezone", "UTC")),
        )
    except InvalidExpression:
        return None
    return runs.shortest_gap_seconds


def raised_retries(name: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Finding]:
    """States in both definitions whose retriers allow more attempts of some error."""
    old, new = before.get("States", {}), after.get("States", {})
    found = []
    for state in new.keys() & old.keys():
        was, now = _attempts(old[state]), _attempts(new[state])
        raised = {error: count for error, count in now.items() if count > was.get(error, 0)}
        if raised:
            most = max(raised.values())
            before_most = max((was.get(error, 0) for error in raised), default=0)
            errors = sorted(raised)
            listed = ", ".join(f"`{error}`" for error in errors[:2]) + (
                f" and {len(errors) - 2} more" if len(errors) > 2 else ""
            )
            found.append(
                RETRIES_RAISED.found(
                    Subject(state_machine=name, state=state),
                    f"retries raised to {most} (was {before_most}) for {listed}: a failing run reaches the ticket "
                    "later.",
                )
            )
    return sorted(found, key=lambda finding: finding.subject.state or "")


def _attempts(state: Mapping[str, Any]) -> dict[str, int]:
    """The retries of each error, by the first retrier that names it; ASL reads them in order, and
    MaxAttempts is 3 when left out:
    https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error"""
    attempts: dict[str, int] = {}
    for retrier in state.get("Retry", []):
        for error in retrier.get("ErrorEquals", []):
            attempts.setdefault(error, int(retrier.get("MaxAttempts", 3)))
    return attempts


def failure_path_findings(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[Finding]:
    """Every rule of this module on two synthesized stacks."""
    old_resources, new_resources = resources(base), resources(head)
    schedules = (_schedule(old_resources), _schedule(new_resources))
    found = removed_routes(old_resources, new_resources)
    old = definitions(base)
    for address, (name, after) in sorted(definitions(head).items()):
        before = old.get(address, ("", {}))[1]
        found += uncaught_steps(name, before, after)
        found += timeout_findings(name, before, after, schedules)
        found += raised_retries(name, before, after)
    return found


def _schedule(found: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((body for address, body in sorted(found.items()) if address.startswith(f"{SCHEDULE}.")), None)
