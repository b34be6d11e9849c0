"""The offline parts on their own, without the emulator or Terraform (milliseconds each)."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest

import core.steps.step
from core.steps import STEP_KINDS
from core.steps.lambda_invoke import LambdaStep
from offline.asl_compat import iso_timestamp
from offline.connection_auth import UnusableConnection, connection_name
from offline.http_invoke import (
    HttpInvokeSettings,
    HttpTaskError,
    IncomingResponse,
    OutgoingRequest,
    is_refused_header,
    send,
    task_result,
)
from offline.recording_server import RecordingServer, Reply
from offline.report import mask, mask_secrets
from offline.step_doubles import NoDouble, all_doubles, double_for


@pytest.fixture
def server():
    server = RecordingServer("test", Reply.json(201, {"id": 1})).start()
    yield server
    server.stop()


def post(server: RecordingServer, path: str = "/cases?a=1", timeout: float = 2.0):
    request = OutgoingRequest("POST", server.origin + path, {"X-Key": "k", "Host": "api.example.com"}, b"{}")
    return send(request, timeout)


def test_the_server_records_requests_and_answers_scripted_replies_then_the_default(server):
    server.answer(Reply.json(500, {}), Reply.json(429, {}))

    statuses = [post(server).status for _ in range(3)]

    assert statuses == [500, 429, 201]
    first = server.requests[0]
    assert (first.method, first.path, first.query, first.body) == ("POST", "/cases", {"a": ["1"]}, b"{}")
    assert first.header("x-key") == "k"
    assert first.header("host") == "api.example.com"


def test_a_server_that_is_down_refuses_connections_as_a_socket_error(server):
    with server.down(), pytest.raises(HttpTaskError) as raised:
        post(server)

    assert raised.value.name == "States.Http.Socket"
    assert post(server).status == 201, "the server is back on the same port"


def test_a_hanging_server_times_out_as_a_socket_error_and_reset_releases_it(server):
    server.answer_always(Reply.hang())
    started = time.monotonic()

    with pytest.raises(HttpTaskError) as raised:
        post(server, timeout=0.2)

    assert raised.value.name == "States.Http.Socket"
    assert time.monotonic() - started < 2
    server.reset()
    assert server.requests == []
    assert post(server).status == 201


def test_a_non_2xx_answer_is_the_status_code_error_with_the_response_as_cause():
    response = IncomingResponse(
        503, "Service Unavailable", [("Content-Type", "application/json")], b'{"m": 1}'
    )

    with pytest.raises(HttpTaskError) as raised:
        task_result(response)

    assert raised.value.name == "States.Http.StatusCode.503"
    assert json.loads(raised.value.cause)["ResponseBody"] == {"m": 1}


def test_a_2xx_answer_is_the_task_result():
    response = IncomingResponse(201, "Created", [("Content-Type", "application/json")], b'{"Uid": "x"}')

    assert task_result(response) == {
        "Headers": {"content-type": ["application/json"]},
        "ResponseBody": {"Uid": "x"},
        "StatusCode": 201,
        "StatusText": "Created",
    }


@pytest.mark.parametrize(
    ("name", "refused"), [("Authorization", True), ("x-amz-date", True), ("Content-Type", False)]
)
def test_headers_step_functions_refuses(name, refused):
    assert is_refused_header(name) is refused


def test_http_targets_must_be_on_loopback():
    with pytest.raises(ValueError, match=r"must be on 127\.0\.0\.1"):
        HttpInvokeSettings(
            emulator_endpoint="http://127.0.0.1:1", origins={"https://a.example": "http://10.0.0.1:80"}
        )


def test_connection_name_is_read_from_the_arn():
    arn = "arn:aws:events:eu-west-1:111111111111:connection/nightly-ticketing/6f1c1a02-0000-4000-8000-000000000000"
    assert connection_name(arn) == "nightly-ticketing"
    with pytest.raises(UnusableConnection):
        connection_name("arn:aws:events:eu-west-1:111111111111:rule/nightly")


def test_keys_are_masked_except_the_last_four_characters():
    assert mask("offline-key-1234") == "************1234"
    assert mask("abc") == "abc"
    assert mask_secrets("Bearer offline-key-1234", ["offline-key-1234"]) == "Bearer ************1234"


def test_start_time_is_the_iso_format_of_step_functions():
    moment = datetime.datetime(
        2026, 11, 25, 23, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert iso_timestamp(moment) == "2026-11-25T22:00:00.123Z"


def test_every_step_kind_has_an_offline_double():
    assert [double.step for double in all_doubles()] == list(STEP_KINDS.values())


def test_a_step_kind_without_a_double_is_an_error_not_a_fallback(monkeypatch):
    monkeypatch.setattr(core.steps.step, "_KINDS", dict(core.steps.step._KINDS))

    @dataclass(frozen=True, kw_only=True)
    class AthenaStep(LambdaStep):
        type: ClassVar[str] = "athena"

    with pytest.raises(NoDouble, match=r"athena steps have no offline double \(offline/doubles/\)"):
        double_for(AthenaStep)
