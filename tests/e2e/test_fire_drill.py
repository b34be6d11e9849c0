"""scripts/fire-drill.sh against the dev stack on the emulator, as a deploy runs it against AWS.

The same script, its AWS endpoint pointed at the emulator: it passes against a healthy ticket API
and fails with the right line when the API answers 401 or 400, and when the key step was skipped
(the connection holds Terraform's placeholder). moto emits no status-change events and records no
metrics or alarm actions: offline.status_event_feed and offline.service_metrics stand in for AWS.
The session's dev stack is reused; each test resets it, and puts the keys back if it took them.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator

import pytest

from offline.deployment import Deployment
from offline.recording_server import Reply
from offline.status_event_feed import StatusEventFeed
from tests.e2e.project_scripts import FIRE_DRILL, SET_API_KEYS, put_placeholder, run_script, ticket_connection

# The emulator answers at once: seconds, not the minutes EventBridge's metrics take.
FAST_WAITS = ["--execution-wait", "60", "--delivery-wait", "20", "--poll", "0.2"]


@pytest.fixture(scope="module")
def drill_stack(deployment: Deployment) -> Iterator[Deployment]:
    emulator = deployment.emulator
    feed = StatusEventFeed(
        emulator.client("stepfunctions"), emulator.client("events"), deployment.outputs["state_machine_arn"]
    )
    with feed:
        yield deployment


@pytest.fixture
def stack(drill_stack: Deployment) -> Iterator[Deployment]:
    """A quiet night: no alarm in ALARM (other tests of the session raise them), nothing recorded."""
    cloudwatch = drill_stack.emulator.client("cloudwatch")
    for alarm in cloudwatch.describe_alarms(StateValue="ALARM")["MetricAlarms"]:
        cloudwatch.set_alarm_state(AlarmName=alarm["AlarmName"], StateValue="OK", StateReason="quiet night")
    drill_stack.reset()
    yield drill_stack
    drill_stack.reset()


def drill(stack: Deployment, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_script(stack, FIRE_DRILL, *arguments, *FAST_WAITS)


def test_every_route_is_verified_against_a_healthy_stack(stack):
    began = time.monotonic()
    result = drill(stack)
    seconds = time.monotonic() - began

    assert result.returncode == 0, result.stdout + result.stderr
    verified = dict(re.findall(r"^(\w+): verified in ([\d.]+) s$", result.stdout, re.MULTILINE))
    assert set(verified) == {"caught", "uncaught", "aborted", "alarms"}
    print(f"\nfire drill on the emulator: {verified} (whole run {seconds:.1f} s)")
    for fact in (
        "the vendor accepted the ticket body (HTTP 201)",
        "the connection's key is set (not the placeholder)",
        "IAM let the HTTP call through",
        "SNS accepted the e-mail",
        "the execution ended FAILED with Drill.FailurePath",
        "the vendor accepted the night watch's ticket (API destination)",
        "CloudWatch published to the topic",
    ):
        assert fact in result.stdout
    # One ticket per execution route: the caught drill's, and the night watch's for the other two.
    bodies = [request.json() for request in stack.ticket_server.requests]
    assert len(bodies) == 3
    assert any("fire-drill-caught-" in str(body) for body in bodies)


def test_a_drill_never_runs_a_step(stack):
    result = drill(stack, "--only", "caught")

    assert result.returncode == 0, result.stdout + result.stderr
    assert stack.doubles.calls == []
    assert [
        server.requests for origin, server in stack.servers.items() if server is not stack.ticket_server
    ] == [[]] * (len(stack.servers) - 1)


def one_failed_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stdout.splitlines()
    return line


def test_a_refused_key_fails_the_caught_route_with_what_to_do(stack):
    stack.ticket_server.answer_always(Reply.json(401, {"message": "invalid API key"}))

    line = one_failed_line(drill(stack, "--only", "caught"))

    assert line == (
        "caught: the ticket API answered 401: it refused the connection's key; check the secret "
        f"connections.* reads (docs/tickets.md), then run scripts/set-api-keys.sh {stack.terraform.workdir}"
    )


def test_a_refused_body_fails_the_caught_route_with_the_vendors_answer(stack):
    stack.ticket_server.answer_always(Reply.json(400, {"errors": ["Subject is required"]}))

    line = one_failed_line(drill(stack, "--only", "caught"))

    assert line.startswith("caught: the ticket API answered 400: it refused the ticket body: ")
    assert "Subject is required" in line
    assert line.endswith("fix the [ticket] settings (docs/tickets.md) and deploy again")


def test_a_skipped_key_step_is_named_as_such(stack):
    """What every apply that updates the connection leaves: Terraform's placeholder as the key."""
    put_placeholder(stack)
    stack.ticket_server.answer_always(Reply.json(401, {"message": "invalid API key"}))
    try:
        result = drill(stack, "--only", "caught")
    finally:
        restored = run_script(stack, SET_API_KEYS)
    assert restored.returncode == 0, restored.stderr

    assert one_failed_line(result) == (
        f"caught: the ticket API answered 401: the connection {ticket_connection(stack)} still holds its "
        f"placeholder secret; run scripts/set-api-keys.sh {stack.terraform.workdir}"
    )


def test_a_night_watch_ticket_the_vendor_refuses_fails_the_uncaught_route(stack):
    stack.ticket_server.answer_always(Reply.json(400, {"errors": ["bad body"]}))

    line = one_failed_line(drill(stack, "--only", "uncaught"))

    assert re.fullmatch(
        r"uncaught: rule \S+ failed to deliver to a target \(FailedInvocations = 1\): .+", line
    )


def test_a_stack_applied_before_the_drill_is_never_drilled(stack, tmp_path):
    """Its state machine would run a real night for a drill's input."""
    sfn = stack.emulator.client("stepfunctions")
    arn = stack.outputs["state_machine_arn"]
    described = sfn.describe_state_machine(stateMachineArn=arn)
    old = described["definition"].replace('"FireDrillCaught"', '"SomethingElse"')
    sfn.update_state_machine(stateMachineArn=arn, definition=old)
    try:
        result = drill(stack, "--only", "caught")
    finally:
        sfn.update_state_machine(stateMachineArn=arn, definition=described["definition"])

    assert result.returncode == 1
    assert result.stdout.startswith("caught: the deployed state machine has no state FireDrillCaught")
    assert sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"] == []


def test_an_unknown_route_is_refused_before_anything_runs(stack):
    result = drill(stack, "--only", "everything")

    assert result.returncode == 2
    assert "invalid choice: 'everything'" in result.stderr
