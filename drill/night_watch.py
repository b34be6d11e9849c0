"""The uncaught and aborted routes: ends no Catch sees, which only the night watch reports.

The execution ends (States.Runtime, or stopped by the drill); Step Functions sends its
status-change event, best effort; the night watch's rule delivers it to its targets (the ticket's
API destination, the topic). Proof of delivery is AWS's own: the rule's `AWS/Events` metrics
(Invocations counts each target's final outcome, FailedInvocations the permanent failures; a
retried delivery shows in neither until it ends:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), and the targets'
dead-letter queue staying empty where the stack has one
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.fire_drill import Route
from core.night_watch import UNCATCHABLE_ERRORS, WatchedEnd
from drill import executions
from drill.aws import Clients, Waits, progress, wait_until
from drill.outcome import Outcome, RouteFailed
from drill.stack import Stack

WATCHED_END = {Route.UNCAUGHT: WatchedEnd.UNCAUGHT, Route.ABORTED: WatchedEnd.STOPPED}
STOP_ERROR = "Drill.Stopped"
METRIC_PERIOD_SECONDS = 60


def run_night_watch(clients: Clients, stack: Stack, waits: Waits, outcome: Outcome) -> None:
    route = outcome.route
    rule = stack.night_watch_rules.get(WATCHED_END[route].value)
    if rule is None:
        raise RouteFailed(
            "this stack has no night watch (night_watch.uncaught_failures = false): nothing would report "
            "such a night; turn it on (docs/failure-coverage.md)"
        )
    targets = clients("events").list_targets_by_rule(Rule=rule)["Targets"]
    queue = stack.dead_letter_queues.get(rule)
    queued_before = _queued(clients, queue) if queue else 0
    sfn = clients("stepfunctions")
    started = datetime.now(UTC)
    before = _counts(clients, rule, started)
    arn = executions.start(sfn, stack, route)
    if route is Route.ABORTED:
        _stop_when_waiting(sfn, arn, waits)
    described = executions.wait_for_end(sfn, arn, waits)
    _check_end(route, described)
    outcome.facts.append(
        f"execution {arn.rsplit(':', 1)[-1]} ended {described['status']} {described.get('error') or ''}".rstrip()
    )
    invoked = _delivered(clients, rule, len(targets), started, before, waits)
    outcome.facts += [
        f"the status-change event reached rule {rule} (Step Functions -> EventBridge)",
        f"EventBridge invoked all {invoked} targets without a failed invocation: "
        + ", ".join(_target_fact(target) for target in targets),
    ]
    if queue:
        queued = _queued(clients, queue)
        if queued > queued_before:
            raise RouteFailed(
                f"rule {rule} put {queued - queued_before} event(s) in its dead-letter queue {queue}: a target "
                "refused them; read the messages' ERROR_CODE and ERROR_MESSAGE attributes"
            )
        outcome.facts.append(f"the dead-letter queue {queue} stayed empty")


def _stop_when_waiting(sfn: Any, arn: str, waits: Waits) -> None:
    def waiting() -> bool | None:
        return True if executions.entered(executions.history(sfn, arn), Route.ABORTED.state_name) else None

    if (
        wait_until("the execution to wait", waiting, waits.execution_seconds, min(waits.poll_seconds, 1))
        is None
    ):
        raise RouteFailed(f"execution {arn} never reached {Route.ABORTED.state_name}; look at its history")
    progress(f"{Route.ABORTED.value}: stopping {arn.rsplit(':', 1)[-1]}")
    sfn.stop_execution(executionArn=arn, error=STOP_ERROR, cause="Stopped by scripts/fire-drill.sh")


def _check_end(route: Route, described: dict[str, Any]) -> None:
    status, error = described["status"], described.get("error")
    if route is Route.UNCAUGHT and (status != "FAILED" or error not in UNCATCHABLE_ERRORS):
        raise RouteFailed(f"the execution ended {status} with {error!r}, not FAILED with States.Runtime")
    if route is Route.ABORTED and status not in ("ABORTED", "TIMED_OUT"):
        raise RouteFailed(f"the execution ended {status}, not ABORTED")


def _counts(clients: Clients, rule: str, started: datetime) -> tuple[int, int]:
    """Invocations and FailedInvocations since the minute the drill started."""
    invocations, failed = (
        _sum(clients, rule, metric, started) for metric in ("Invocations", "FailedInvocations")
    )
    return invocations, failed


def _delivered(
    clients: Clients, rule: str, target_count: int, started: datetime, before: tuple[int, int], waits: Waits
) -> int:
    """The rule's deliveries since the drill started; `before` is what the same minutes held before
    the drill's execution (metrics come by the minute, so another event of that minute counts too)."""

    def counts() -> tuple[int, int] | None:
        now = _counts(clients, rule, started)
        invocations, failed = now[0] - before[0], now[1] - before[1]
        return (invocations, failed) if failed or invocations >= target_count else None

    progress(f"waiting for rule {rule}'s AWS/Events metrics (up to {waits.delivery_seconds:.0f} s)")
    found = wait_until(f"rule {rule}'s metrics", counts, waits.delivery_seconds, waits.poll_seconds)
    if found is None:
        invocations = _sum(clients, rule, "Invocations", started) - before[0]
        if invocations == 0:
            raise RouteFailed(
                f"no event reached rule {rule} within {waits.delivery_seconds:.0f} s (Invocations = 0): "
                "status-change events are best effort; check that the rule is ENABLED, and run the drill again"
            )
        raise RouteFailed(
            f"rule {rule} invoked {invocations} of its {target_count} targets within "
            f"{waits.delivery_seconds:.0f} s: EventBridge is still retrying the ticket (the vendor answered "
            "429 or 5xx, or not within 5 s); look for the ticket at the vendor and at the rule's metrics"
        )
    invocations, failed = found
    if failed:
        raise RouteFailed(
            f"rule {rule} failed to deliver to a target (FailedInvocations = {failed}): the vendor refused "
            "the night watch's ticket (4xx), or a target's role or the topic policy refused EventBridge; "
            "see the rule's targets and docs/failure-coverage.md"
        )
    return invocations


def _sum(clients: Clients, rule: str, metric: str, started: datetime) -> int:
    start = started.replace(second=0, microsecond=0)
    datapoints = clients("cloudwatch").get_metric_statistics(
        Namespace="AWS/Events",
        MetricName=metric,
        Dimensions=[{"Name": "RuleName", "Value": rule}],
        StartTime=start,
        EndTime=datetime.now(UTC) + timedelta(seconds=METRIC_PERIOD_SECONDS),
        Period=METRIC_PERIOD_SECONDS,
        Statistics=["Sum"],
    )["Datapoints"]
    return int(sum(point["Sum"] for point in datapoints))


def _queued(clients: Clients, queue_url: str) -> int:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = clients("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


def _target_fact(target: dict[str, Any]) -> str:
    arn = target["Arn"]
    if ":api-destination/" in arn:
        return "the vendor accepted the night watch's ticket (API destination)"
    if ":sns:" in arn:
        return "the topic accepted the e-mail"
    return f"target {target['Id']}"
