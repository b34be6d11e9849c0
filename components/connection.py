"""An EventBridge connection that authenticates HTTP task calls: API key, Basic or OAuth."""

from __future__ import annotations

import re
from typing import Any

from cdktf import Fn, TerraformVariable, Token
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import (
    CloudwatchEventConnection,
    CloudwatchEventConnectionAuthParameters,
    CloudwatchEventConnectionAuthParametersApiKey,
    CloudwatchEventConnectionAuthParametersBasic,
    CloudwatchEventConnectionAuthParametersInvocationHttpParameters,
    CloudwatchEventConnectionAuthParametersInvocationHttpParametersBody,
    CloudwatchEventConnectionAuthParametersInvocationHttpParametersHeader,
    CloudwatchEventConnectionAuthParametersInvocationHttpParametersQueryString,
    CloudwatchEventConnectionAuthParametersOauth,
    CloudwatchEventConnectionAuthParametersOauthClientParameters,
    CloudwatchEventConnectionAuthParametersOauthOauthHttpParameters,
    CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersBody,
    CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersHeader,
    CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersQueryString,
)
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret_version import (
    DataAwsSecretsmanagerSecretVersion,
)
from constructs import Construct

from core.connections import AuthKind, ConnectionSettings, HttpParameters, SecretSource
from core.refs import ConnectionRef

# The Terraform blocks of each parameter section, in auth_parameters.invocation_http_parameters and in
# auth_parameters.oauth.oauth_http_parameters (provider 5.100.0; jsii drops is_value_secret from plain dicts):
# https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudwatch_event_connection
_INVOCATION = (
    CloudwatchEventConnectionAuthParametersInvocationHttpParameters,
    {
        "headers": ("header", CloudwatchEventConnectionAuthParametersInvocationHttpParametersHeader),
        "query": ("query_string", CloudwatchEventConnectionAuthParametersInvocationHttpParametersQueryString),
        "body": ("body", CloudwatchEventConnectionAuthParametersInvocationHttpParametersBody),
    },
)
_TOKEN_REQUEST = (
    CloudwatchEventConnectionAuthParametersOauthOauthHttpParameters,
    {
        "headers": ("header", CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersHeader),
        "query": ("query_string", CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersQueryString),
        "body": ("body", CloudwatchEventConnectionAuthParametersOauthOauthHttpParametersBody),
    },
)


class Connection(Construct):
    """EventBridge copies the secret into a secret of its own (secret_arn), the only
    secret the state machine may read. The secret itself is read at plan time from
    an existing secret or a sensitive variable, and never written into the code."""

    def __init__(self, scope: Construct, id_: str, *, settings: ConnectionSettings, aws_name: str):
        super().__init__(scope, id_)
        self._settings = settings
        self._secret_versions: dict[str, DataAwsSecretsmanagerSecretVersion] = {}
        self._variables: dict[str, TerraformVariable] = {}
        # Construct ids of the connection's own secret: "ApiKey", "Password", "ClientSecret".
        own_id = settings.auth.secret_label.title().replace(" ", "")
        secret = self._secret_value(settings.secret, own_id, settings.auth.secret_label)
        self.connection = CloudwatchEventConnection(
            self,
            "Connection",
            name=aws_name,
            description=settings.description or None,
            authorization_type=settings.auth.authorization_type,
            auth_parameters=CloudwatchEventConnectionAuthParameters(
                **self._authorization(secret),
                invocation_http_parameters=self._parameters(settings.invocation, "Invocation", _INVOCATION),
            ),
        )
        self.ref = ConnectionRef(arn=self.connection.arn, secret_arn=self.connection.secret_arn)

    def _authorization(self, secret: str) -> dict[str, Any]:
        settings = self._settings
        if settings.auth is AuthKind.API_KEY:
            return {
                "api_key": CloudwatchEventConnectionAuthParametersApiKey(key=settings.header, value=secret)
            }
        if settings.auth is AuthKind.BASIC:
            if settings.username is None:
                raise ValueError(f"connection {settings.name}: Basic auth without a username")
            return {
                "basic": CloudwatchEventConnectionAuthParametersBasic(
                    username=settings.username, password=secret
                )
            }
        oauth = settings.oauth
        if oauth is None:
            raise ValueError(f"connection {settings.name}: OAuth without its settings")
        return {
            "oauth": CloudwatchEventConnectionAuthParametersOauth(
                authorization_endpoint=oauth.authorization_endpoint,
                http_method=oauth.http_method,
                client_parameters=CloudwatchEventConnectionAuthParametersOauthClientParameters(
                    client_id=oauth.client_id, client_secret=secret
                ),
                # Required by provider 5.100.0, even when empty.
                oauth_http_parameters=self._parameters(oauth.token_request, "TokenRequest", _TOKEN_REQUEST)
                or _TOKEN_REQUEST[0](),
            )
        }

    def _parameters(self, parameters: HttpParameters, id_prefix: str, classes: tuple[Any, Any]) -> Any:
        """None when there are no parameters."""
        parameters_class, sections = classes
        blocks: dict[str, list[Any]] = {}
        for section, items in parameters.sections().items():
            block, entry_class = sections[section]
            for item in items:
                value = item.value
                if item.secret is not None:
                    value_id = f"{id_prefix}{section.title()}{_construct_id(item.key)}"
                    value = self._secret_value(item.secret, value_id, f"{section} parameter {item.key}")
                entry = entry_class(key=item.key, value=value, is_value_secret=item.secret is not None)
                blocks.setdefault(block, []).append(entry)
        return parameters_class(**blocks) if blocks else None

    def _secret_value(self, source: SecretSource, id_: str, label: str) -> str:
        """A secret read once per secret or variable, however many values come from it."""
        if source.variable is not None:
            if source.variable not in self._variables:
                variable = TerraformVariable(
                    self,
                    id_,
                    type="string",
                    sensitive=True,
                    nullable=False,
                    description=self._variable_description(label),
                )
                variable.override_logical_id(source.variable)
                self._variables[source.variable] = variable
            return self._variables[source.variable].string_value
        name = source.secret_name
        if name is None:
            raise ValueError(f"{label}: neither a secret nor a variable")
        if name not in self._secret_versions:
            self._secret_versions[name] = DataAwsSecretsmanagerSecretVersion(
                self, f"{id_}Secret", secret_id=name
            )
        secret = self._secret_versions[name]
        if source.secret_json_key is None:
            return secret.secret_string
        return Token.as_string(Fn.lookup(Fn.jsondecode(secret.secret_string), source.secret_json_key))

    def _variable_description(self, label: str) -> str:
        settings = self._settings
        if settings.auth is AuthKind.API_KEY and label == settings.auth.secret_label:
            return f"API key of the {settings.name} connection ({settings.header} header)"
        return f"{label[0].upper()}{label[1:]} of the {settings.name} connection"


def _construct_id(key: str) -> str:
    """'routing_key' -> 'RoutingKey', 'X-Api-Key' -> 'XApiKey'."""
    return "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", key) if part)
