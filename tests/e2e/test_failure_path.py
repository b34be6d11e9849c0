"""Scenarios 1-4: real executions of the dev state machine in the emulator.

Each test makes the night go one way, runs the state machine and asserts what
the ticketing API (a loopback server) and the team (the SNS topic, read through
an SQS queue) received, and how the execution ended.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from core.failure_path import TICKET_STATE
from offline.deployment import Deployment
from offline.executions import ExecutionResult
from offline.failures import make_step_fail
from offline.recording_server import RecordedRequest, Reply

TICKET_OPENED = "A support ticket was opened."
TICKET_NOT_OPENED = "The support ticket could NOT be opened"
STEPS = ["FetchOrders", "TransformOrders", "AnalyzeOrders"]
LAST_STEP = STEPS[-1]


def assert_ticket_request(night: Deployment, ticket: RecordedRequest, step: str, result: ExecutionResult):
    """The request Step Functions sends for the configured ticket, naming the failure."""
    configured = night.config.ticket.request
    endpoint = urlsplit(configured.endpoint)
    connection = night.config.connections[configured.connection]
    assert (ticket.method, ticket.path) == (configured.method, endpoint.path)
    assert ticket.query == {name: [value] for name, value in configured.query.items()}
    assert ticket.query == {"sentAutoResponder": ["false"]}
    assert ticket.header("Host") == endpoint.netloc
    assert ticket.header(connection.header) == secret_value(night, connection.secret.secret_name)
    assert ticket.header("Content-Type") == "application/json"
    body = ticket.json()
    assert body["FromPerson"] == {"Uid": night.config.ticket.reporter}
    assert body["Subject"] == f"{night.config.state_machine.name} failed: {result.error} in {step}"
    assert f"Step {step} of {night.config.state_machine.name} failed with {result.error}." in body["Body"]
    assert f"Cause: {result.cause}" in body["Body"]
    assert result.arn in body["Body"]


def secret_value(night: Deployment, secret_name: str) -> str:
    """What a real deploy reads: the key in the user's secret, as created in the emulator."""
    value = night.emulator.client("secretsmanager").get_secret_value(SecretId=secret_name)["SecretString"]
    assert value == night.secrets.own[night.config.ticket.request.connection]
    return value


def assert_failed_with_original_error(result: ExecutionResult, error: str) -> None:
    assert result.status == "FAILED"
    assert result.error == error
    assert result.cause, "the original cause must survive the failure path"
    assert result.entered_states()[-1] == "PipelineFailed"


def only_message(night: Deployment, result: ExecutionResult, step: str):
    [message] = night.inbox.take()
    assert message.topic_arn == night.outputs["topic_arn"]
    assert message.subject == night.config.notifications.subject
    assert message.message.startswith(
        f"Step {step} of {night.config.state_machine.name} failed with {result.error}."
    )
    assert f"Cause: {result.cause}" in message.message
    return message


def test_happy_night_opens_no_ticket_and_sends_no_message(night):
    result = night.run()

    assert result.status == "SUCCEEDED", result.cause
    assert result.entered_states() == ["FireDrill", *STEPS]  # FireDrill: no drill asked for
    assert night.ticket_server.requests == []
    assert night.inbox.take() == []
    assert [(call.kind, call.target) for call in night.doubles.calls] == [
        ("ecs", night.config.steps[1].task_definition_arn),
        ("lambda", night.config.steps[2].function_arn),
    ]


def test_the_http_step_sends_the_partner_key_from_its_terraform_variable(night):
    fetch = night.config.steps[0]
    night.run()

    [request] = night.server_for(fetch.request.endpoint).requests
    assert (request.method, request.path) == ("POST", urlsplit(fetch.request.endpoint).path)
    assert request.header(night.config.connections["partner_api"].header) == night.secrets.own["partner_api"]
    assert request.header("User-Agent") == "Amazon|StepFunctions|HttpInvoke|eu-west-1"
    body = request.json()
    assert body["format"] == "parquet"
    assert body["date"].endswith("Z"), "$$.Execution.StartTime is an ISO 8601 string"


@pytest.mark.parametrize("step", STEPS)
def test_a_failed_step_opens_one_ticket_sends_one_message_and_fails_with_its_error(night, step):
    error = make_step_fail(night, step)

    result = night.run()

    assert_failed_with_original_error(result, error)
    [ticket] = night.ticket_server.requests
    assert_ticket_request(night, ticket, step, result)
    message = only_message(night, result, step)
    assert message.message.endswith(TICKET_OPENED)
    assert result.failed_attempts(TICKET_STATE) == 0


def test_ticket_api_500_then_201_is_retried_and_opens_one_ticket(night):
    error = make_step_fail(night, LAST_STEP)
    night.ticket_server.answer(Reply.json(500, {"message": "try again"}))

    result = night.run()

    assert_failed_with_original_error(result, error)
    first, second = night.ticket_server.requests
    assert first.body == second.body
    assert_ticket_request(night, second, LAST_STEP, result)
    assert result.failed_attempts(TICKET_STATE) == 1
    [wait] = night.retry_clock.waits
    assert 0 <= wait <= night.config.ticket.retry.interval_seconds, "FULL jitter waits at most the interval"
    assert only_message(night, result, LAST_STEP).message.endswith(TICKET_OPENED)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_ticket_api_4xx_is_not_retried_and_the_team_hears_why(night, status):
    error = make_step_fail(night, LAST_STEP)
    night.ticket_server.answer_always(Reply.json(status, {"message": "rejected"}))

    result = night.run()

    assert_failed_with_original_error(result, error)
    assert len(night.ticket_server.requests) == 1
    assert night.retry_clock.waits == []
    message = only_message(night, result, LAST_STEP)
    assert f"{TICKET_NOT_OPENED} (States.Http.StatusCode.{status}): " in message.message
    assert '"rejected"' in message.message, "the API's answer reaches the team"


@pytest.mark.parametrize(
    ("reply", "error_name"),
    [
        pytest.param(Reply.json(429, {"message": "slow down"}), "States.Http.StatusCode.429", id="429"),
        pytest.param(Reply.hang(), "States.Http.Socket", id="hangs"),
    ],
)
def test_transient_ticket_api_failure_is_retried_a_bounded_number_of_times(night, reply, error_name):
    error = make_step_fail(night, LAST_STEP)
    night.ticket_server.answer_always(reply)

    result = night.run(timeout_seconds=30)

    assert_failed_with_original_error(result, error)
    attempts = 1 + night.config.ticket.retry.max_attempts
    assert len(night.ticket_server.requests) == attempts
    assert result.failed_attempts(TICKET_STATE) == attempts
    assert_backoff(night)
    message = only_message(night, result, LAST_STEP)
    assert f"{TICKET_NOT_OPENED} ({error_name}): " in message.message


def test_ticket_api_down_fails_with_socket_and_nothing_is_lost(night):
    error = make_step_fail(night, LAST_STEP)

    with night.ticket_server.down():
        result = night.run()

    assert_failed_with_original_error(result, error)
    assert night.ticket_server.requests == []
    assert result.failed_attempts(TICKET_STATE) == 1 + night.config.ticket.retry.max_attempts
    message = only_message(night, result, LAST_STEP)
    assert f"{TICKET_NOT_OPENED} (States.Http.Socket): " in message.message
    assert "Connection refused" in message.message, "the team hears why"


def assert_backoff(night: Deployment) -> None:
    """Each wait is a FULL-jitter share of interval x backoff^n, as Step Functions waits."""
    retry = night.config.ticket.retry
    waits = night.retry_clock.waits
    assert len(waits) == retry.max_attempts
    for attempt, wait in enumerate(waits):
        assert 0 <= wait <= retry.interval_seconds * retry.backoff_rate**attempt
