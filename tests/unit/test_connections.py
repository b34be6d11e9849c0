"""[connections.<name>]: API key, Basic and OAuth client credentials, and invocation parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from config_kit import validators
from core.connections import (
    TOKEN_REQUEST_NEEDED,
    AuthKind,
    HttpParameters,
    OAuthSettings,
    Parameter,
    SecretSource,
)
from core.loading import load_config
from tests.unit.support import MINIMAL_CONFIG, edited, load_text
from tests.unit.test_loading import expect_problem

API_KEY_CONNECTION = '[connections.ticketing]\nsecret_name = "pipeline/ticketing-key"\n'


def with_connection(*lines: str) -> str:
    """MINIMAL_CONFIG whose ticketing connection is made of lines."""
    return edited(API_KEY_CONNECTION, "[connections.ticketing]\n" + "".join(f"{line}\n" for line in lines))


BASIC = ('auth = "basic"', 'username = "pipeline-bot@example.com"', 'secret_name = "pipeline/jira"')
OAUTH = (
    'auth = "oauth_client_credentials"',
    'authorization_endpoint = "https://login.example.com/oauth/token"',
    'client_id = "nightly"',
    'variable = "ticketing_client_secret"',
    'token_request.body = { grant_type = "client_credentials" }',
)


def test_a_connection_without_auth_is_an_api_key_in_the_authorization_header(tmp_path):
    connection = load_text(tmp_path, MINIMAL_CONFIG).connections["ticketing"]

    assert connection.auth is AuthKind.API_KEY
    assert connection.header == "Authorization"
    assert connection.secret == SecretSource(secret_name="pipeline/ticketing-key")
    assert connection.invocation == HttpParameters()
    assert connection.secret_sources() == [connection.secret]


def test_basic_reads_the_username_and_the_password_from_the_secret(tmp_path):
    connection = load_text(tmp_path, with_connection(*BASIC, 'secret_json_key = "api_token"')).connections[
        "ticketing"
    ]

    assert connection.auth is AuthKind.BASIC
    assert connection.username == "pipeline-bot@example.com"
    assert connection.secret == SecretSource(secret_name="pipeline/jira", secret_json_key="api_token")


def test_oauth_reads_the_token_request_with_post_by_default(tmp_path):
    text = with_connection(
        *OAUTH[:-1],
        'token_request.body = { grant_type = "client_credentials", scope = "tickets" }',
        'token_request.headers = { "X-Tenant" = "acme" }',
    )

    connection = load_text(tmp_path, text).connections["ticketing"]

    assert connection.auth is AuthKind.OAUTH_CLIENT_CREDENTIALS
    assert connection.secret == SecretSource(variable="ticketing_client_secret")
    assert connection.oauth == OAuthSettings(
        authorization_endpoint="https://login.example.com/oauth/token",
        http_method="POST",
        client_id="nightly",
        token_request=HttpParameters(
            headers=(Parameter(key="X-Tenant", value="acme"),),
            body=(
                Parameter(key="grant_type", value="client_credentials"),
                Parameter(key="scope", value="tickets"),
            ),
        ),
    )


def test_an_invocation_parameter_given_as_a_table_is_a_secret_value_from_its_own_source(tmp_path):
    text = with_connection(
        'secret_name = "pipeline/pagerduty"',
        'invocation.body = { routing_key = { secret_name = "pipeline/pagerduty" } }',
        'invocation.query = { tenant = "acme" }',
    )

    connection = load_text(tmp_path, text).connections["ticketing"]

    routing_key = Parameter(key="routing_key", secret=SecretSource(secret_name="pipeline/pagerduty"))
    assert connection.invocation == HttpParameters(
        query=(Parameter(key="tenant", value="acme"),), body=(routing_key,)
    )
    assert connection.secret_sources() == [connection.secret, routing_key.secret]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param(
            ('auth = "digest"', 'secret_name = "s"'),
            'connections.ticketing.auth = "digest": must be one of api_key, basic, oauth_client_credentials',
            id="unknown-auth",
        ),
        pytest.param(
            ('auth = "basic"', 'secret_name = "s"'),
            "connections.ticketing.username: is required and must be a string",
            id="basic-without-username",
        ),
        pytest.param(
            ('auth = "basic"', 'username = "u"'),
            "connections.ticketing: set exactly one of secret_name (an existing Secrets Manager secret "
            "holding the password) and variable (the environment variable TF_VAR_<variable> holds it when "
            "scripts/set-api-keys.sh runs)",
            id="basic-without-password",
        ),
        pytest.param(
            (*BASIC, 'header = "X-Key"'),
            "connections.ticketing.header: unknown key; allowed here: auth, secret_name, secret_json_key, "
            "variable, username, invocation, resource_configuration, description",
            id="header-is-api-key-only",
        ),
        pytest.param(
            ('auth = "oauth_client_credentials"', 'client_id = "c"', 'secret_name = "s"'),
            "connections.ticketing.authorization_endpoint: is required and must be a string",
            id="oauth-without-endpoint",
        ),
        pytest.param(
            (*OAUTH, 'http_method = "PATCH"'),
            'connections.ticketing.http_method = "PATCH": must be one of GET, POST, PUT',
            id="oauth-method",
        ),
        pytest.param(
            (*OAUTH[:1], 'authorization_endpoint = "http://login.example.com/token"', *OAUTH[2:]),
            'connections.ticketing.authorization_endpoint = "http://login.example.com/token": '
            "must be an https:// URL with a host and no query string or fragment",
            id="oauth-endpoint-https",
        ),
        pytest.param(
            (*OAUTH, 'token_request.form = { a = "b" }'),
            "connections.ticketing.token_request.form: unknown key; allowed here: headers, query, body",
            id="token-request-section",
        ),
        pytest.param(
            ('secret_name = "s"', 'invocation.body = { routing_key = { secret_json_key = "k" } }'),
            "connections.ticketing.invocation.body.routing_key: set exactly one of secret_name (an existing "
            "Secrets Manager secret holding the value of routing_key) and variable (the environment variable "
            "TF_VAR_<variable> holds it when scripts/set-api-keys.sh runs)",
            id="secret-parameter-without-source",
        ),
        pytest.param(
            ('secret_name = "s"', "invocation.query = { page = 2 }"),
            "connections.ticketing.invocation.query.page = 2: must be a string",
            id="parameter-value",
        ),
        pytest.param(
            ('secret_name = "s"', 'invocation.headers = { "Bad Header" = "x" }'),
            'connections.ticketing.invocation.headers.Bad Header = "Bad Header": '
            + validators.HEADER_NAME_ALLOWED,
            id="parameter-header-name",
        ),
    ],
)
def test_bad_connection_settings_are_reported(tmp_path, lines, message):
    expect_problem(tmp_path, with_connection(*lines), message)


@pytest.mark.parametrize(
    "token_request",
    [
        (),
        ("token_request = {}",),
        ("token_request.body = {}",),
        ("token_request.headers = {}", "token_request.query = {}"),
    ],
    ids=["left-out", "empty", "empty-body", "empty-sections"],
)
def test_oauth_without_token_request_parameters_is_refused_with_the_usual_grant_suggested(
    tmp_path, token_request
):
    """Provider 5.100.0 refuses an oauth_http_parameters block with none of body, header, query_string."""
    expect_problem(
        tmp_path,
        with_connection(*OAUTH[:-1], *token_request),
        "connections.ticketing.token_request: is required with OAuth and needs at least one parameter "
        "(headers, query or body): Terraform's AWS provider refuses an empty one; most token endpoints "
        'want token_request.body = { grant_type = "client_credentials" }',
    )


@pytest.mark.parametrize(
    "token_request",
    [
        'token_request.body = { grant_type = "client_credentials" }',
        'token_request.query = { audience = "x" }',
        'token_request.headers = { "X-Tenant" = "acme" }',
    ],
)
def test_oauth_with_any_one_token_request_parameter_is_accepted(tmp_path, token_request):
    connection = load_text(tmp_path, with_connection(*OAUTH[:-1], token_request)).connections["ticketing"]

    assert connection.oauth is not None
    assert any(connection.oauth.token_request.sections().values())


def test_two_connections_may_not_share_a_terraform_variable(tmp_path):
    text = with_connection('variable = "shared_key"') + (
        '\n[connections.partner]\nauth = "basic"\nusername = "u"\nvariable = "shared_key"\n'
    )
    expect_problem(
        tmp_path,
        text,
        "connections.partner = \"shared_key\": variable 'shared_key' is already the variable of "
        "connection 'ticketing'",
    )


def test_one_connection_may_read_several_values_from_one_variable(tmp_path):
    text = with_connection(
        'variable = "pd_key"', 'invocation.body = { routing_key = { variable = "pd_key" } }'
    )
    connection = load_text(tmp_path, text).connections["ticketing"]
    assert {source.variable for source in connection.secret_sources()} == {"pd_key"}


@pytest.mark.parametrize(
    ("kind", "authorization_type", "secret_label"),
    [
        (AuthKind.API_KEY, "API_KEY", "API key"),
        (AuthKind.BASIC, "BASIC", "password"),
        (AuthKind.OAUTH_CLIENT_CREDENTIALS, "OAUTH_CLIENT_CREDENTIALS", "client secret"),
    ],
)
def test_each_auth_kind_names_eventbridges_authorization_type_and_its_secret(
    kind, authorization_type, secret_label
):
    assert (kind.authorization_type, kind.secret_label) == (authorization_type, secret_label)


def test_the_suggested_token_request_is_the_one_terraform_validates_in_the_servicenow_example():
    """tests/terraform/test_validate.py runs `terraform validate` on examples/tickets/servicenow.toml
    (and on tests/fixtures/auth-kinds.toml): the form the refusal suggests is accepted."""
    config = load_config(Path(__file__).resolve().parents[2] / "examples" / "tickets" / "servicenow.toml")
    oauth = config.connections["servicenow"].oauth

    assert oauth is not None
    assert oauth.token_request == HttpParameters(
        body=(Parameter(key="grant_type", value="client_credentials"),)
    )
    assert 'token_request.body = { grant_type = "client_credentials" }' in TOKEN_REQUEST_NEEDED
