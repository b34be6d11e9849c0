"""An EventBridge connection that adds an API key header to HTTP task calls."""

from __future__ import annotations

from cdktf import Fn, TerraformVariable, Token
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import (
    CloudwatchEventConnection,
    CloudwatchEventConnectionAuthParameters,
    CloudwatchEventConnectionAuthParametersApiKey,
)
from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret_version import (
    DataAwsSecretsmanagerSecretVersion,
)
from constructs import Construct

from core.config import ConnectionSettings
from core.refs import ConnectionRef


class ApiKeyConnection(Construct):
    """EventBridge copies the key into a secret of its own (secret_arn), the only
    secret the state machine may read. The key itself is read at plan time from
    an existing secret or a sensitive variable, and never written into the code."""

    def __init__(self, scope: Construct, id_: str, *, settings: ConnectionSettings, aws_name: str):
        super().__init__(scope, id_)
        self.connection = CloudwatchEventConnection(
            self,
            "Connection",
            name=aws_name,
            description=settings.description or None,
            authorization_type="API_KEY",
            auth_parameters=CloudwatchEventConnectionAuthParameters(
                api_key=CloudwatchEventConnectionAuthParametersApiKey(
                    key=settings.header, value=self._api_key(settings)
                )
            ),
        )
        self.ref = ConnectionRef(arn=self.connection.arn, secret_arn=self.connection.secret_arn)

    def _api_key(self, settings: ConnectionSettings) -> str:
        if settings.variable is not None:
            variable = TerraformVariable(
                self,
                "ApiKey",
                type="string",
                sensitive=True,
                nullable=False,
                description=f"API key of the {settings.name} connection ({settings.header} header)",
            )
            variable.override_logical_id(settings.variable)
            return variable.string_value
        secret = DataAwsSecretsmanagerSecretVersion(self, "ApiKeySecret", secret_id=settings.secret_name)
        if settings.secret_json_key is None:
            return secret.secret_string
        return Token.as_string(Fn.lookup(Fn.jsondecode(secret.secret_string), settings.secret_json_key))
