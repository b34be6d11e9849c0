"""Basic and OAuth connections for real, offline: tests/fixtures/auth-kinds.toml applied to the
emulator. The ticket goes to ServiceNow through an OAuth client-credentials connection, whose
token comes from a loopback authorization server; the HTTP step calls the partner with Basic
auth, an invocation header and a secret body parameter."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from offline.deployment import Deployment
from offline.failures import make_step_fail
from tests.e2e.conftest import e2e_deployment, quiet_night

pytestmark = pytest.mark.own_stack
STACK = "nightly-pipeline-auth"


@pytest.fixture(scope="module")
def auth_deployment(ticket_synth_dir, ticket_configs, tmp_path_factory) -> Iterator[Deployment]:
    with e2e_deployment(ticket_configs[STACK], ticket_synth_dir, tmp_path_factory) as deployment:
        yield deployment


@pytest.fixture
def night(auth_deployment) -> Iterator[Deployment]:
    yield from quiet_night(auth_deployment)


def basic_credentials(header: str | None) -> str:
    assert header is not None and header.startswith("Basic ")
    return base64.b64decode(header.removeprefix("Basic ")).decode()


def test_an_oauth_ticket_carries_the_token_the_authorization_server_issued(night):
    error = make_step_fail(night, "AnalyzeOrders")

    result = night.run()

    assert (result.status, result.error) == ("FAILED", error)
    [ticket] = night.ticket_server.requests
    assert (ticket.method, ticket.path) == ("POST", "/api/now/table/incident")
    assert ticket.header("Authorization") == f"Bearer {night.access_token}"
    body = ticket.json()
    assert body["correlation_id"] == result.arn.rsplit(":", 1)[1], "the execution name"
    assert body["short_description"] == f"{STACK}: step AnalyzeOrders failed with {error}"
    [message] = night.inbox.take()
    assert message.message.endswith("A support ticket was opened.")


def test_the_token_request_is_the_connections_with_its_client_credentials(night):
    make_step_fail(night, "AnalyzeOrders")

    night.run()

    [token_request] = night.token_server_for("servicenow").requests
    oauth = night.config.connections["servicenow"].oauth
    assert (token_request.method, token_request.path) == (
        oauth.http_method,
        urlsplit(oauth.authorization_endpoint).path,
    )
    assert token_request.query == {"audience": ["incidents"]}
    assert parse_qs(token_request.body.decode()) == {"grant_type": ["client_credentials"]}
    assert token_request.header("Content-Type") == "application/x-www-form-urlencoded"
    client_secret = night.secrets.own["servicenow"]
    assert basic_credentials(token_request.header("Authorization")) == f"{oauth.client_id}:{client_secret}"


def test_a_basic_call_carries_the_password_and_the_connections_parameters(night):
    result = night.run()

    assert result.status == "SUCCEEDED", result.cause
    [call] = night.server_for("https://api.partner.example.com/v1/orders/export").requests
    partner = night.config.connections["partner"]
    assert (
        basic_credentials(call.header("Authorization"))
        == f"{partner.username}:{night.secrets.own['partner']}"
    )
    assert call.header("X-Tenant") == "acme"
    body = call.json()
    assert body["format"] == "parquet"
    routing_key = json.loads(
        night.emulator.client("secretsmanager").get_secret_value(SecretId="nightly-pipeline/partner-routing")[
            "SecretString"
        ]
    )["routing_key"]
    assert body["routing_key"] == routing_key
    assert routing_key in night.secrets.all
