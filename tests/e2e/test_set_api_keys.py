"""scripts/set-api-keys.sh on the emulator: it refuses an empty value before it sends anything,
and reports a connection EventBridge could not authorize, with its reason."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from moto.events.models import events_backends

from core.connection_keys import PLACEHOLDER
from offline.connection_auth import connection_name
from offline.deployment import Deployment
from offline.script_env import script_env
from tests.e2e.project_scripts import SET_API_KEYS, put_placeholder, run_script, ticket_connection


def set_api_keys(stack: Deployment, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = script_env(stack.terraform, stack.emulator) if env is None else env
    return run_script(stack, SET_API_KEYS, env={**env, "SET_API_KEYS_WAIT_SECONDS": "5"})


@pytest.fixture
def stack(night: Deployment) -> Iterator[Deployment]:
    """The dev stack; its keys are put back afterwards."""
    yield night
    restored = set_api_keys(night)
    assert restored.returncode == 0, restored.stderr


def ticket_key(stack: Deployment) -> str:
    events, secrets = stack.emulator.client("events"), stack.emulator.client("secretsmanager")
    secret_arn = events.describe_connection(Name=connection_name(stack.outputs["connection_arn"]))[
        "SecretArn"
    ]
    return str(secrets.get_secret_value(SecretId=secret_arn)["SecretString"])


def test_the_keys_are_set_and_each_connection_is_authorized(stack):
    result = set_api_keys(stack)

    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"set the secrets of connection {name} (AUTHORIZED)"
        for name in sorted(connection_name(arn) for arn in _connection_arns(stack))
    ]


def _connection_arns(stack: Deployment) -> list[str]:
    events = stack.emulator.client("events")
    return [connection["ConnectionArn"] for connection in events.list_connections()["Connections"]]


@pytest.mark.parametrize("value", ["", None])
def test_an_empty_or_missing_variable_stops_the_script_before_any_update(stack, value):
    put_placeholder(stack)
    env = script_env(stack.terraform, stack.emulator)
    env.pop("TF_VAR_partner_api_key")
    if value is not None:
        env["TF_VAR_partner_api_key"] = value

    result = subprocess.run(
        [str(SET_API_KEYS), str(stack.terraform.workdir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == "error: TF_VAR_partner_api_key is not set, or empty\n"
    assert result.stdout == ""
    assert PLACEHOLDER in ticket_key(stack)  # the other connection was not sent either


def test_an_unreadable_secret_stops_the_script(stack):
    secret = stack.config.connections[stack.config.ticket.request.connection].secret.secret_name
    stack.emulator.client("secretsmanager").delete_secret(SecretId=secret, ForceDeleteWithoutRecovery=True)
    try:
        result = set_api_keys(stack)
    finally:
        stack.emulator.client("secretsmanager").create_secret(
            Name=secret, SecretString=stack.secrets.own["ticketing"]
        )

    assert result.returncode == 1
    assert f"error: could not read the secret {secret}" in result.stderr


def test_a_deauthorized_connection_fails_with_its_reason(stack):
    name = ticket_connection(stack)
    connection = events_backends[stack.emulator.account_id][stack.emulator.region].connections[name]
    connection.state = "DEAUTHORIZED"
    try:
        result = set_api_keys(stack)
    finally:
        connection.state = "AUTHORIZED"

    assert result.returncode == 1
    assert f"error: connection {name} is DEAUTHORIZED: EventBridge gave no reason" in result.stderr
