"""What an EventBridge connection adds to an HTTP task's request.

Step Functions never sees the key in the definition: at run time it retrieves
the connection's credentials (events:RetrieveConnectionCredentials), which live
in the secret EventBridge created for the connection (`events!connection/...`),
and adds them to the request. moto creates that secret too, with the connection's
auth parameters in snake_case (`api_key_name`, `api_key_value`,
`username`, `password`, `client_parameters`, `o_auth_http_parameters`,
`invocation_http_parameters`), so the credentials are read from there, never
copied from the configuration.

An OAuth client-credentials connection gets its access token the way
EventBridge does: a request to the connection's authorization endpoint with
its HTTP method and token-request parameters, then `Authorization: Bearer
<access_token>` on the call. EventBridge does not document how it sends the
client id and secret; offline sends them as HTTP Basic credentials (RFC 6749
section 2.3.1, the form every authorization server must accept) and the body
parameters form-encoded (section 4.4.2). EventBridge keeps the token until it
expires; offline asks for one on every call, so each call's token request can
be checked.
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class UnusableConnection(Exception):
    """The connection or its secret cannot be used (missing, unsupported type)."""


@dataclass(frozen=True)
class TokenRequest:
    method: str
    endpoint: str
    headers: dict[str, str]
    query: dict[str, str]
    body: dict[str, str]


RequestToken = Callable[[TokenRequest], Any]
"""Sends a token request and returns the endpoint's parsed JSON answer."""


@dataclass(frozen=True)
class ConnectionAuth:
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)


def connection_name(connection_arn: str) -> str:
    """arn:aws:events:eu-west-1:111111111111:connection/<name>/<uuid> -> <name>."""
    resource = connection_arn.split(":", 5)[-1]
    parts = resource.split("/")
    if len(parts) != 3 or parts[0] != "connection":
        raise UnusableConnection(f"not a connection ARN: {connection_arn}")
    return parts[1]


def resolve_connection_auth(
    connection_arn: str, events: Any, secretsmanager: Any, request_token: RequestToken
) -> ConnectionAuth:
    """`events` and `secretsmanager` are boto3 clients of the emulator."""
    description = events.describe_connection(Name=connection_name(connection_arn))
    secret = json.loads(secretsmanager.get_secret_value(SecretId=description["SecretArn"])["SecretString"])
    headers = _authorization_headers(description["AuthorizationType"], secret, request_token)
    invocation = secret.get("invocation_http_parameters") or {}
    headers.update(_parameters(invocation.get("header_parameters")))
    return ConnectionAuth(
        headers=headers,
        query=_parameters(invocation.get("query_string_parameters")),
        body=_parameters(invocation.get("body_parameters")),
    )


def _authorization_headers(
    authorization_type: str, secret: dict, request_token: RequestToken
) -> dict[str, str]:
    if authorization_type == "API_KEY":
        return {secret["api_key_name"]: secret["api_key_value"]}
    if authorization_type == "BASIC":
        return {"Authorization": basic_authorization(secret["username"], secret["password"])}
    if authorization_type == "OAUTH_CLIENT_CREDENTIALS":
        return {"Authorization": f"Bearer {_access_token(secret, request_token)}"}
    raise UnusableConnection(f"{authorization_type} connections are not supported offline")


def basic_authorization(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _access_token(secret: dict, request_token: RequestToken) -> str:
    client = secret["client_parameters"]
    parameters = secret.get("o_auth_http_parameters") or {}
    request = TokenRequest(
        method=secret["http_method"],
        endpoint=secret["authorization_endpoint"],
        headers={
            "Authorization": basic_authorization(client["client_id"], client["client_secret"]),
            **_parameters(parameters.get("header_parameters")),
        },
        query=_parameters(parameters.get("query_string_parameters")),
        body=_parameters(parameters.get("body_parameters")),
    )
    answer = request_token(request)
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise UnusableConnection(f"the authorization endpoint returned no access_token: {answer!r}")
    return answer["access_token"]


def _parameters(entries: list[dict] | None) -> dict[str, str]:
    return {entry["key"]: str(entry["value"]) for entry in entries or []}
