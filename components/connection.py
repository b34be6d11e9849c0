"""An EventBridge connection that authenticates HTTP task calls: API key, Basic or OAuth.

Terraform never reads or writes the connection's secrets. It creates the
connection with a placeholder for each and ignores them from then on;
scripts/set-api-keys.sh puts the real values in after apply, from the
`connection_updates` output (core.connection_keys). So a plan, which anyone who
can push a branch can run, needs no access to any secret, and none is in the
Terraform state. See docs/plan-review.md ("Keys and pull requests").
"""

from __future__ import annotations

from typing import Any

from cdktf import TerraformResourceLifecycle
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
    CloudwatchEventConnectionInvocationConnectivityParameters,
    CloudwatchEventConnectionInvocationConnectivityParametersResourceParameters,
)
from constructs import Construct

from core.connection_keys import PLACEHOLDER, update_template
from core.connections import AuthKind, ConnectionSettings, HttpParameters
from core.refs import ConnectionRef

# Where each kind's own secret is, as a Terraform attribute path.
_OWN_SECRET_PATH = {
    AuthKind.API_KEY: "auth_parameters[0].api_key[0].value",
    AuthKind.BASIC: "auth_parameters[0].basic[0].password",
    AuthKind.OAUTH_CLIENT_CREDENTIALS: "auth_parameters[0].oauth[0].client_parameters[0].client_secret",
}
_INVOCATION_PATH = "auth_parameters[0].invocation_http_parameters[0]"
_TOKEN_REQUEST_PATH = "auth_parameters[0].oauth[0].oauth_http_parameters[0]"

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


def invocation_connectivity_parameters(
    settings: ConnectionSettings,
) -> CloudwatchEventConnectionInvocationConnectivityParameters | None:
    """A private API's resource configuration; None for a public API.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/connection-private.html"""
    if settings.resource_configuration is None:
        return None
    return CloudwatchEventConnectionInvocationConnectivityParameters(
        resource_parameters=CloudwatchEventConnectionInvocationConnectivityParametersResourceParameters(
            resource_configuration_arn=settings.resource_configuration
        )
    )


class Connection(Construct):
    """EventBridge copies the secrets into a secret of its own (secret_arn), the only
    secret the state machine may read."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        settings: ConnectionSettings,
        aws_name: str,
        key_arn: str | None = None,
    ):
        """key_arn: the customer-managed key of the connection's secret; None: EventBridge's AWS-owned key."""
        super().__init__(scope, id_)
        self._settings = settings
        self._secret_paths = [_OWN_SECRET_PATH[settings.auth]]
        invocation = self._parameters(settings.invocation, _INVOCATION_PATH, _INVOCATION)
        self.connection = CloudwatchEventConnection(
            self,
            "Connection",
            name=aws_name,
            description=settings.description or None,
            authorization_type=settings.auth.authorization_type,
            auth_parameters=CloudwatchEventConnectionAuthParameters(
                **self._authorization(PLACEHOLDER),
                invocation_http_parameters=invocation,
            ),
            invocation_connectivity_parameters=invocation_connectivity_parameters(settings),
            lifecycle=TerraformResourceLifecycle(ignore_changes=self._secret_paths),
            kms_key_identifier=key_arn,
        )
        self.ref = ConnectionRef(arn=self.connection.arn, secret_arn=self.connection.secret_arn)
        self.update_template = update_template(settings, aws_name)

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
                oauth_http_parameters=self._parameters(
                    oauth.token_request, _TOKEN_REQUEST_PATH, _TOKEN_REQUEST
                )
                or _TOKEN_REQUEST[0](),
            )
        }

    def _parameters(self, parameters: HttpParameters, path: str, classes: tuple[Any, Any]) -> Any:
        """None when there are no parameters. A secret value is a placeholder, ignored by Terraform."""
        parameters_class, sections = classes
        blocks: dict[str, list[Any]] = {}
        for section, items in parameters.sections().items():
            block, entry_class = sections[section]
            for item in items:
                value = item.value
                if item.secret is not None:
                    value = PLACEHOLDER
                    self._secret_paths.append(f"{path}.{block}[{len(blocks.get(block, []))}].value")
                entry = entry_class(key=item.key, value=value, is_value_secret=item.secret is not None)
                blocks.setdefault(block, []).append(entry)
        return parameters_class(**blocks) if blocks else None
