"""EventBridge connections: how an HTTP call is authenticated, read from [connections.<name>].

A connection has one auth kind (AuthKind) and one secret: the API key, the
Basic password or the OAuth client secret. Terraform never reads it:
scripts/set-api-keys.sh puts it into the connection after apply, from an existing
Secrets Manager secret (secret_name, optionally one key of a JSON secret) or
from the environment variable TF_VAR_<variable> (variable) (core.connection_keys),
and EventBridge keeps its own copy; it never appears in the code, the output or
the Terraform state.

Any connection may also add invocation parameters to every call (headers,
query and body). A parameter's value is either text or, for a value that must
stay secret (PagerDuty's routing_key travels in the body), a table naming its
own secret source; EventBridge then stores it as a secret value
(is_value_secret). An OAuth connection adds token-request parameters the same
way (grant_type, scope, audience, ...).

A connection to a private API (inside a VPC or on premises) names the API's VPC
Lattice resource configuration (resource_configuration); every call through the
connection, the HTTP tasks' and the night watch's API destination's, then goes
through it. See docs/tickets.md ("Private APIs").

https://docs.aws.amazon.com/eventbridge/latest/userguide/connection-private.html
https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudwatch_event_connection
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section, Shape
from config_kit.toml_table import Key, Kind, Table, choose, key
from policies.statement import sid_from_name


class AuthKind(Enum):
    """The TOML value; the member's name is EventBridge's AuthorizationType."""

    API_KEY = "api_key"
    BASIC = "basic"
    OAUTH_CLIENT_CREDENTIALS = "oauth_client_credentials"

    @property
    def authorization_type(self) -> str:
        return self.name

    @property
    def secret_label(self) -> str:
        """What the connection's one secret is, in words."""
        return _SECRET_LABELS[self]


_SECRET_LABELS = {
    AuthKind.API_KEY: "API key",
    AuthKind.BASIC: "password",
    AuthKind.OAUTH_CLIENT_CREDENTIALS: "client secret",
}
# The token request's method: CreateConnectionOAuthRequestParameters.HttpMethod
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionOAuthRequestParameters.html
OAUTH_HTTP_METHODS = ("GET", "POST", "PUT")


@dataclass(frozen=True, kw_only=True)
class SecretSource:
    """Exactly one of secret_name and variable is set."""

    secret_name: str | None = None
    """An existing Secrets Manager secret, by name or ARN."""
    secret_json_key: str | None = None
    """Default: the whole secret string is the value; set it to read one key of a JSON secret."""
    variable: str | None = None
    """The environment variable TF_VAR_<variable> holds the value when scripts/set-api-keys.sh runs."""


@dataclass(frozen=True, kw_only=True)
class Parameter:
    key: str
    value: str | None = None
    """Plain text, sent as it is. None when the value is secret."""
    secret: SecretSource | None = None
    """Where a secret value comes from (is_value_secret = true)."""


@dataclass(frozen=True, kw_only=True)
class HttpParameters:
    """Default: nothing is added."""

    headers: tuple[Parameter, ...] = ()
    query: tuple[Parameter, ...] = ()
    body: tuple[Parameter, ...] = ()

    def sections(self) -> dict[str, tuple[Parameter, ...]]:
        return {"headers": self.headers, "query": self.query, "body": self.body}

    def secret_sources(self) -> list[SecretSource]:
        return [item.secret for items in self.sections().values() for item in items if item.secret]


@dataclass(frozen=True, kw_only=True)
class OAuthSettings:
    authorization_endpoint: str
    """The token endpoint EventBridge exchanges the client id and secret at."""
    http_method: str = "POST"
    client_id: str
    token_request: HttpParameters = field(default_factory=HttpParameters)
    """Extra parameters of the token request, e.g. body grant_type = "client_credentials"."""


@dataclass(frozen=True, kw_only=True)
class ConnectionSettings:
    """An EventBridge connection; see the module docstring."""

    name: str
    auth: AuthKind = AuthKind.API_KEY
    secret: SecretSource
    """Where the API key, the password or the client secret comes from."""
    header: str = "Authorization"
    """API key only: the header the key is sent in."""
    username: str | None = None
    """Basic only."""
    oauth: OAuthSettings | None = None
    """OAuth client credentials only."""
    invocation: HttpParameters = field(default_factory=HttpParameters)
    """Added to every call made through the connection."""
    resource_configuration: str | None = None
    """A private API's VPC Lattice resource configuration ARN; None for a public API."""
    description: str = ""

    def secret_sources(self) -> list[SecretSource]:
        """Every secret Terraform reads for this connection, the connection's own first."""
        token_request = self.oauth.token_request.secret_sources() if self.oauth else []
        return [self.secret, *self.invocation.secret_sources(), *token_request]


AUTH_KINDS = {kind.value: kind for kind in AuthKind}
AUTH: Key[str] = key(
    "auth",
    Kind.STRING,
    "How the connection authenticates each call; see [docs/tickets.md](tickets.md#connections).",
    AuthKind.API_KEY.value,
    choices=tuple(AUTH_KINDS),
)
SECRET_NAME: Key[str | None] = key(
    "secret_name",
    Kind.STRING,
    "An existing Secrets Manager secret (name or ARN) that holds the value.",
    SecretSource.secret_name,
    default_doc="set this or `variable`",
    check=validators.secret_name,
)
SECRET_JSON_KEY: Key[str | None] = key(
    "secret_json_key",
    Kind.STRING,
    "With `secret_name`: the key of a JSON secret that holds the value.",
    SecretSource.secret_json_key,
    default_doc="the whole secret",
)
VARIABLE: Key[str | None] = key(
    "variable",
    Kind.STRING,
    "The environment variable `TF_VAR_<variable>` instead, read by `scripts/set-api-keys.sh` after "
    "apply (never by Terraform). Not a name Terraform reserves (`count`, `source`, `version`, ...).",
    SecretSource.variable,
    default_doc="set this or `secret_name`",
    check=validators.terraform_variable,
)
SECRET_SOURCE = Section(
    "secret",
    "Where a secret value comes from: exactly one of `secret_name` and `variable`.",
    keys=(SECRET_NAME, SECRET_JSON_KEY, VARIABLE),
)
_PARAMETER_DOC = (
    "; a value given as `{ secret_name = ... }` or `{ variable = ... }` is kept secret. A name that says "
    "credential (`X-Api-Key`, `token`, ...) must be given so: as text it would stand in the Terraform JSON."
)
PARAMETER_SECTIONS: tuple[Key[Any], ...] = (
    key(
        "headers",
        Kind.PARAMETERS,
        "Headers" + _PARAMETER_DOC,
        {},
        check=validators.header_name,
        value_table=SECRET_SOURCE,
        value_check=validators.header_value,
    ),
    key(
        "query",
        Kind.PARAMETERS,
        "Query parameters" + _PARAMETER_DOC,
        {},
        check=validators.query_name,
        value_table=SECRET_SOURCE,
        value_check=validators.query_value,
    ),
    key("body", Kind.PARAMETERS, "Body keys" + _PARAMETER_DOC, {}, value_table=SECRET_SOURCE),
)
"""The sections of HttpParameters; a key's check applies to the parameters' names."""
DESCRIPTION: Key[str] = key(
    "description",
    Kind.STRING,
    "The connection's description.",
    ConnectionSettings.description,
    check=validators.connection_description,
)
RESOURCE_CONFIGURATION: Key[str | None] = key(
    "resource_configuration",
    Kind.STRING,
    "For a private API: the ARN of its VPC Lattice resource configuration, in the stack's region "
    "(another account's once shared through AWS RAM); see [docs/tickets.md](tickets.md#private-apis).",
    ConnectionSettings.resource_configuration,
    default_doc="a public API",
    check=validators.resource_configuration_arn,
)
HEADER: Key[str] = key(
    "header",
    Kind.STRING,
    "The header the connection sends the API key in.",
    ConnectionSettings.header,
    check=validators.header_name,
)
USERNAME: Key[str] = key(
    "username", Kind.STRING, "The Basic auth user name.", check=validators.connection_login
)
AUTHORIZATION_ENDPOINT: Key[str] = key(
    "authorization_endpoint",
    Kind.STRING,
    "The token endpoint EventBridge exchanges the client id and secret at.",
    check=validators.https_url,
)
HTTP_METHOD: Key[str] = key(
    "http_method",
    Kind.STRING,
    "The token request's method.",
    OAuthSettings.http_method,
    choices=OAUTH_HTTP_METHODS,
)
CLIENT_ID: Key[str] = key("client_id", Kind.STRING, "The OAuth client id.", check=validators.connection_login)
# Provider 5.100.0 writes oauth_http_parameters on every OAuth connection and requires at least
# one of body, header, query_string in it (AtLeastOneOf), so an empty one fails at plan:
# https://github.com/hashicorp/terraform-provider-aws/blob/v5.100.0/internal/service/events/connection.go
TOKEN_REQUEST_NEEDED = (
    "is required with OAuth and needs at least one parameter (headers, query or body): Terraform's AWS "
    "provider refuses an empty one; most token endpoints want "
    'token_request.body = { grant_type = "client_credentials" }'
)
CONNECTIONS = Section(
    "connections",
    "EventBridge connections, each with one auth kind and one secret (the API key, the Basic password "
    "or the OAuth client secret); the name is lower case letters, digits, `_`. Set exactly one of "
    "`secret_name` and `variable`.",
    keys=(AUTH, *SECRET_SOURCE.keys, RESOURCE_CONFIGURATION, DESCRIPTION),
    children=(Section("invocation", "Added to every call made through the connection.", PARAMETER_SECTIONS),),
    shape=Shape.MAP,
    required=True,
    variants=(
        Section(AuthKind.API_KEY.value, "An API key sent in a header.", keys=(HEADER,)),
        Section(AuthKind.BASIC.value, "Basic auth; the secret is the password.", keys=(USERNAME,)),
        Section(
            AuthKind.OAUTH_CLIENT_CREDENTIALS.value,
            "OAuth client credentials; the secret is the client secret.",
            keys=(AUTHORIZATION_ENDPOINT, HTTP_METHOD, CLIENT_ID),
            children=(
                Section(
                    "token_request",
                    'Extra parameters of the token request, e.g. body `grant_type = "client_credentials"`.',
                    PARAMETER_SECTIONS,
                ),
            ),
        ),
    ),
    discriminator=AUTH.name,
)


def read_connections(table: Table, state_machine_name: str) -> dict[str, ConnectionSettings]:
    """Each connection by name; one whose auth is unknown is left out, its problem said."""
    connections = {}
    sids: dict[str, str] = {}
    for name in table.data:
        connection = read_connection(table.table(name, required=True), name)
        if connection is not None:
            connections[name] = connection
        aws_name = aws_names.connection_name(state_machine_name, name)
        first = sids.setdefault(sid_from_name(name), name)
        if validators.identifier(name):
            table.problem(name, f"connection name {validators.identifier(name)}", value=name)
        elif first != name:
            # Both would get the same IAM Sids (UseOrdersV2Connection, ...).
            table.problem(
                name, f"connection name reads the same as {first!r} once '_' is dropped", value=name
            )
        elif state_machine_name and (problem := aws_rules.CONNECTION_NAME.derived_problem(aws_name)):
            table.problem(name, problem, value=name)
    if not table.data:
        table.problems.add(table.path, "at least one connection is required (the ticket needs one)")
    _check_variables(table, connections)
    table.finish()
    return connections


def read_connection(table: Table, name: str) -> ConnectionSettings | None:
    """None when the auth is unknown: the other keys depend on it."""
    auth = choose(table, AUTH, AUTH_KINDS)
    if auth is None:
        return None
    secret = _read_secret_source(table, f"the {auth.secret_label}")
    settings: dict[str, Any] = {}
    if auth is AuthKind.API_KEY:
        settings["header"] = table.read(HEADER)
    elif auth is AuthKind.BASIC:
        settings["username"] = table.read(USERNAME)
    else:
        token_request = _read_parameters(table.table("token_request"))
        if not any(token_request.sections().values()):
            table.problems.add(table.field("token_request"), TOKEN_REQUEST_NEEDED)
        settings["oauth"] = OAuthSettings(
            authorization_endpoint=table.read(AUTHORIZATION_ENDPOINT),
            http_method=table.read(HTTP_METHOD),
            client_id=table.read(CLIENT_ID),
            token_request=token_request,
        )
    connection = ConnectionSettings(
        name=name,
        auth=auth,
        secret=secret,
        invocation=_read_parameters(table.table("invocation")),
        resource_configuration=table.read(RESOURCE_CONFIGURATION),
        description=table.read(DESCRIPTION),
        **settings,
    )
    table.finish()
    return connection


def _read_secret_source(table: Table, what: str) -> SecretSource:
    """secret_name (+ secret_json_key) or variable, in the table itself."""
    source = SecretSource(
        secret_name=table.read(SECRET_NAME),
        secret_json_key=table.read(SECRET_JSON_KEY),
        variable=table.read(VARIABLE),
    )
    if (source.secret_name is None) == (source.variable is None):
        table.problems.add(
            table.path,
            f"set exactly one of secret_name (an existing Secrets Manager secret holding {what}) "
            "and variable (the environment variable TF_VAR_<variable> holds it when "
            "scripts/set-api-keys.sh runs)",
        )
    if source.secret_json_key is not None and source.secret_name is None:
        table.problem("secret_json_key", "only applies with secret_name")
    return source


def _read_parameters(table: Table) -> HttpParameters:
    sections = {item.name: _read_section(table.table(item.name), item) for item in PARAMETER_SECTIONS}
    table.finish()
    return HttpParameters(**sections)


def _read_section(table: Table, section: Key[Any]) -> tuple[Parameter, ...]:
    parameters = []
    for name, value in table.data.items():
        problem = section.check(name) if section.check else None
        if problem:
            table.problem(name, problem, value=name)
        if isinstance(value, dict):
            source_table = table.table(name)
            parameters.append(
                Parameter(key=name, secret=_read_secret_source(source_table, f"the value of {name}"))
            )
            source_table.finish()
        else:
            text = table.string(name)
            if isinstance(value, str):
                _check_literal(table, section, name, value)
            if text:
                parameters.append(Parameter(key=name, value=text))
    return tuple(parameters)


def _check_literal(table: Table, section: Key[Any], name: str, value: str) -> None:
    """A value given as text; a credential's is not shown in the message."""
    if problem := validators.connection_parameter(name):
        table.problem(name, problem, value=name)
    elif section.value_check and (problem := section.value_check(value)):
        table.problem(name, problem, value=value)


def _check_variables(table: Table, connections: Mapping[str, ConnectionSettings]) -> None:
    """A Terraform variable has one name in the whole stack: one connection may use it for
    several values, two connections may not share it."""
    owners: dict[str, str] = {}
    for name, connection in connections.items():
        for source in connection.secret_sources():
            if source.variable is None:
                continue
            owner = owners.setdefault(source.variable, name)
            if owner != name:
                table.problem(
                    name,
                    f"variable {source.variable!r} is already the variable of connection {owner!r}",
                    value=source.variable,
                )
