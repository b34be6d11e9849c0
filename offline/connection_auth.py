"""What an EventBridge connection adds to an HTTP task's request.

Step Functions never sees the key in the definition: at run time it retrieves
the connection's credentials (events:RetrieveConnectionCredentials), which live
in the secret EventBridge created for the connection (`events!connection/...`),
and adds them to the request. moto creates that secret too, with the connection's
auth parameters in snake_case (`api_key_name`, `api_key_value`,
`invocation_http_parameters`), so the key is read from there, never copied
from the configuration.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any


class UnusableConnection(Exception):
    """The connection or its secret cannot be used (missing, unsupported type)."""


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


def resolve_connection_auth(connection_arn: str, events: Any, secretsmanager: Any) -> ConnectionAuth:
    """`events` and `secretsmanager` are boto3 clients of the emulator."""
    description = events.describe_connection(Name=connection_name(connection_arn))
    secret = json.loads(secretsmanager.get_secret_value(SecretId=description["SecretArn"])["SecretString"])
    headers = _authorization_headers(description["AuthorizationType"], secret)
    invocation = secret.get("invocation_http_parameters") or {}
    headers.update(_parameters(invocation.get("header_parameters")))
    return ConnectionAuth(
        headers=headers,
        query=_parameters(invocation.get("query_string_parameters")),
        body=_parameters(invocation.get("body_parameters")),
    )


def _authorization_headers(authorization_type: str, secret: dict) -> dict[str, str]:
    if authorization_type == "API_KEY":
        return {secret["api_key_name"]: secret["api_key_value"]}
    if authorization_type == "BASIC":
        token = base64.b64encode(f"{secret['username']}:{secret['password']}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    raise UnusableConnection(f"{authorization_type} connections are not supported offline")


def _parameters(entries: list[dict] | None) -> dict[str, str]:
    return {entry["key"]: str(entry["value"]) for entry in entries or []}
