"""EventBridge's UpdateConnection, as AWS does it: the connection's secret follows.

moto 5.2.5 updates the connection's attributes but leaves the secret it created
for the connection (`events!connection/<name>/<uuid>/auth`) as it was, so a key
set after apply (scripts/set-api-keys.sh) would never reach the HTTP tasks.
This rewrites that secret from the new auth parameters, as moto writes it on create.
"""

from __future__ import annotations

import json
from typing import Any

from moto.events.models import EventsBackend
from moto.secretsmanager.models import secretsmanager_backends
from moto.utilities.utils import CamelToUnderscoresWalker

_UPDATE = EventsBackend.update_connection


def install() -> None:
    """Idempotent."""
    EventsBackend.update_connection = _update_connection


def _update_connection(self: EventsBackend, name: str, **kwargs: Any) -> dict[str, Any]:
    result = _UPDATE(self, name, **kwargs)
    if kwargs.get("auth_parameters"):
        connection = self.connections[name]
        secret_value: dict[str, Any] = {}
        for key, value in connection.auth_parameters.items():
            secret_value.update({key: value} if key == "InvocationHttpParameters" else value)
        secrets = secretsmanager_backends[self.account_id][self.region_name]
        secrets.put_secret_value(
            secret_id=connection.secret_arn,
            secret_string=json.dumps(CamelToUnderscoresWalker.parse(secret_value)),
            secret_binary=None,  # type: ignore[arg-type]
            client_request_token=None,  # type: ignore[arg-type]
            version_stages=["AWSCURRENT"],
        )
    return result
