"""The `http:invoke` integration for moto's Step Functions interpreter.

moto 5.2.5 has no HTTP task. This one does what Step Functions does with the
task's parameters: it adds the EventBridge connection's credentials (read from
the emulator, see offline.connection_auth), sends the request for real, and
turns the outcome into the task result or into the errors Step Functions raises:
`States.Http.StatusCode.<nnn>` for a non-2xx answer and `States.Http.Socket`
when the call cannot complete in time (Step Functions' limit is 60 s; offline
runs shorten it with `timeout_seconds`).

Offline, the request never leaves 127.0.0.1: each configured origin
(`https://myoutseta.outseta.com`) is mapped to a loopback origin
(`http://127.0.0.1:<port>`), so the definition keeps its real endpoints and
the servers see the real paths and query strings. An origin without a mapping
fails the task with States.Runtime instead of reaching the internet.

An OAuth connection's token request goes to its authorization endpoint through
the same origin mapping (see offline.connection_auth).

Not modelled: the states:InvokeHTTPEndpoint and events:RetrieveConnectionCredentials
permission checks (the IAM tests evaluate those with a policy simulator),
Transform (URL-encoded bodies), and the error a failed token request raises
(AWS does not document it; offline it is States.Runtime).
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import boto3
from aws_facts.rules import is_refused_header
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from offline.asl_compat import ReportedErrorName
from offline.connection_auth import (
    ConnectionAuth,
    TokenRequest,
    UnusableConnection,
    resolve_connection_auth,
)

STEP_FUNCTIONS_TIMEOUT_SECONDS: Final = 60.0
MAX_RESPONSE_BYTES: Final = 256 * 1024
PARAMETERS: Final = {
    "ApiEndpoint",
    "Method",
    "Authentication",
    "Headers",
    "QueryParameters",
    "RequestBody",
    "Transform",
}
# Step Functions fails an HTTP Task with States.Runtime on these (aws-facts.md 6):
# https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
BINARY_CONTENT_TYPES: Final = ("application/octet-stream", "image/", "video/", "audio/")
LOOPBACK_HOST: Final = "127.0.0.1"
DEFAULT_CONTENT_TYPE: Final = "application/json; charset=UTF-8"


@dataclass(frozen=True, kw_only=True)
class HttpInvokeSettings:
    emulator_endpoint: str
    """Where the connection and its secret are read, e.g. http://127.0.0.1:5000."""
    origins: Mapping[str, str]
    """Configured origin -> loopback origin, e.g. {"https://api.example.com": "http://127.0.0.1:4711"}."""
    token_origins: Mapping[str, str] = field(default_factory=dict)
    """The same for OAuth authorization endpoints, served apart even on an API's own origin."""
    timeout_seconds: float = STEP_FUNCTIONS_TIMEOUT_SECONDS
    """Per call; a call that takes longer fails with States.Http.Socket."""

    def __post_init__(self) -> None:
        for target in [*self.origins.values(), *self.token_origins.values()]:
            if urlsplit(target).hostname != LOOPBACK_HOST:
                raise ValueError(f"offline HTTP targets must be on {LOOPBACK_HOST}, got {target}")


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


@dataclass(frozen=True)
class IncomingResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


class HttpTaskError(Exception):
    """Becomes the task's error: `name` is what Catch and Retry match."""

    def __init__(self, name: str, cause: str):
        super().__init__(f"{name}: {cause}")
        self.name = name
        self.cause = cause


class HttpInvokeTask(StateTaskService):
    """One HTTP Task state; moto builds one per state when it parses a definition."""

    def __init__(self, settings: HttpInvokeSettings):
        super().__init__()
        self.settings = settings

    def _get_supported_parameters(self) -> set[str]:
        return set(PARAMETERS)

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        try:
            request = self._build_request(normalised_parameters, resource_runtime_part.region)
            response = send(request, self.settings.timeout_seconds)
            env.stack.append(task_result(response))
        except HttpTaskError as error:
            raise FailureEventException(failure_event=self._failure_event(env, error)) from error

    def _build_request(self, parameters: dict, region: str) -> OutgoingRequest:
        reject_unsupported(parameters)
        auth = self._connection_auth(parameters["Authentication"]["ConnectionArn"])
        endpoint = parameters["ApiEndpoint"]
        query = {**parameters.get("QueryParameters", {}), **auth.query}
        url = self._loopback_url(endpoint, self.settings.origins) + (f"?{urlencode(query)}" if query else "")
        headers = {**added_headers(endpoint, region), **parameters.get("Headers", {}), **auth.headers}
        body = encode_body(parameters.get("RequestBody"), auth.body)
        if body is not None and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = DEFAULT_CONTENT_TYPE
        return OutgoingRequest(method=parameters["Method"], url=url, headers=headers, body=body)

    def _connection_auth(self, connection_arn: str) -> ConnectionAuth:
        try:
            return resolve_connection_auth(
                connection_arn, *self._emulator_clients(connection_arn), self._request_token
            )
        except UnusableConnection as error:
            raise HttpTaskError("States.Runtime", str(error)) from error

    def _request_token(self, token_request: TokenRequest) -> Any:
        """The token request of an OAuth connection, sent to the loopback authorization server."""
        query = f"?{urlencode(token_request.query)}" if token_request.query else ""
        body = urlencode(token_request.body).encode() if token_request.body else None
        headers = {"Host": urlsplit(token_request.endpoint).netloc, **token_request.headers}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = OutgoingRequest(
            method=token_request.method,
            url=self._loopback_url(token_request.endpoint, self.settings.token_origins) + query,
            headers=headers,
            body=body,
        )
        try:
            return task_result(send(request, self.settings.timeout_seconds))["ResponseBody"]
        except HttpTaskError as error:
            raise UnusableConnection(f"the token request failed: {error}") from error

    @staticmethod
    def _loopback_url(endpoint: str, origins: Mapping[str, str]) -> str:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            raise HttpTaskError(
                "States.Runtime", f"offline: no loopback server for {origin}; the request was not sent"
            )
        return origins[origin] + parts.path

    def _emulator_clients(self, connection_arn: str) -> tuple[Any, Any]:
        region = connection_arn.split(":")[3]
        return tuple(
            boto3.client(
                service,
                region_name=region,
                endpoint_url=self.settings.emulator_endpoint,
                aws_access_key_id="offline",
                aws_secret_access_key="offline",
            )
            for service in ("events", "secretsmanager")
        )

    def _failure_event(self, env, error: HttpTaskError) -> FailureEvent:
        return FailureEvent(
            env=env,
            error_name=error_name(error.name),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(
                taskFailedEventDetails=TaskFailedEventDetails(
                    error=error.name,
                    cause=error.cause,
                    resource=self._get_sfn_resource(),
                    resourceType=self._get_sfn_resource_type(),
                )
            ),
        )


def error_name(name: str) -> ErrorName:
    """moto's own type for the names it knows (States.Runtime), a reported name otherwise."""
    try:
        return StatesErrorName.from_name(name)
    except ValueError:
        return ReportedErrorName(error_name=name)


def reject_unsupported(parameters: dict) -> None:
    """What Step Functions refuses (headers) or this integration does not implement (Transform)."""
    refused = sorted(name for name in parameters.get("Headers", {}) if is_refused_header(name))
    if refused:
        raise HttpTaskError("States.Runtime", f"The 'Headers' field contains unsupported values: {refused}")
    if "Transform" in parameters:
        raise HttpTaskError("States.Runtime", "Transform is not supported offline")


def added_headers(endpoint: str, region: str) -> dict[str, str]:
    """The headers Step Functions adds to every call (aws-facts.md 1.3)."""
    return {
        "Host": urlsplit(endpoint).netloc,
        "User-Agent": f"Amazon|StepFunctions|HttpInvoke|{region}",
        "Range": f"bytes=0-{MAX_RESPONSE_BYTES}",
    }


def encode_body(body: Any, connection_body: dict[str, str]) -> bytes | None:
    """A JSON body (a string is sent as it is), as Step Functions sends it without a Transform;
    the connection's body parameters are merged into an object body."""
    if isinstance(body, dict) and connection_body:
        body = {**body, **connection_body}
    if body is None:
        return None
    return (body if isinstance(body, str) else json.dumps(body)).encode()


def send(request: OutgoingRequest, timeout_seconds: float) -> IncomingResponse:
    """One real HTTP exchange; socket trouble of any kind is States.Http.Socket."""
    parts = urlsplit(request.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_seconds)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        # Only the headers Step Functions sends: no Accept-Encoding of http.client's own, and
        # the Host of the configured endpoint, not the loopback one.
        connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        if request.body is not None:
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body)
        response = connection.getresponse()
        body = response.read(MAX_RESPONSE_BYTES + 1)
    except (OSError, http.client.HTTPException) as error:
        raise HttpTaskError("States.Http.Socket", f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    return IncomingResponse(response.status, response.reason, response.getheaders(), body)


def task_result(response: IncomingResponse) -> dict:
    """The task's result on 2xx; otherwise the States.Http.StatusCode.<nnn> error."""
    result = {
        "Headers": _header_lists(response.headers),
        "ResponseBody": _decoded_body(response),
        "StatusCode": response.status,
        "StatusText": response.reason,
    }
    if not 200 <= response.status < 300:
        # AWS does not document this cause; the status and the API's answer are what a reader needs.
        cause = {key: result[key] for key in ("StatusCode", "StatusText", "ResponseBody")}
        raise HttpTaskError(f"States.Http.StatusCode.{response.status}", json.dumps(cause))
    if len(response.body) > MAX_RESPONSE_BYTES:
        raise HttpTaskError("States.DataLimitExceeded", "The response is larger than 256 KiB")
    content_type = _header_lists(response.headers).get("content-type", [""])[0]
    if content_type.startswith(BINARY_CONTENT_TYPES):
        raise HttpTaskError("States.Runtime", f"The response's content type {content_type} is not supported")
    return result


def _header_lists(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def _decoded_body(response: IncomingResponse) -> Any:
    text = response.body[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")
    content_type = _header_lists(response.headers).get("content-type", [""])[0]
    if "json" in content_type and text:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text
