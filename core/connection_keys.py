"""What scripts/set-api-keys.sh sends to events:UpdateConnection, with each secret left as its source.

Terraform never holds a connection's secrets (docs/plan-review.md, "Keys and pull
requests"): it creates the connection with placeholders and ignores them. After
apply, the script fills each {"secret_source": ...} of this template from the
Secrets Manager secret or the environment variable it names, and updates the
connection. The template holds no secret, so it is a plain Terraform output.
Request shape: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateConnection.html
"""

from __future__ import annotations

from typing import Any

from core.connections import AuthKind, ConnectionSettings, HttpParameters, Parameter, SecretSource

PLACEHOLDER = "set-by-scripts/set-api-keys.sh"
"""What Terraform gives each secret until the script sets it (EventBridge refuses empty values). Every
apply that updates a connection puts it back (the provider sends the whole auth block): the fire
drill looks for it when the ticket API refuses the key."""

# The API's names of the three parameter sections.
_SECTIONS = {"headers": "HeaderParameters", "query": "QueryStringParameters", "body": "BodyParameters"}


def secret_source(source: SecretSource) -> dict[str, Any]:
    if source.variable is not None:
        return {"secret_source": {"environment_variable": f"TF_VAR_{source.variable}"}}
    return {
        "secret_source": {"secret_id": source.secret_name, "secret_json_key": source.secret_json_key or ""}
    }


def update_template(settings: ConnectionSettings, aws_name: str) -> dict[str, Any]:
    return {
        "Name": aws_name,
        "AuthorizationType": settings.auth.authorization_type,
        "AuthParameters": {
            **_authorization(settings),
            **(
                {"InvocationHttpParameters": _parameters(settings.invocation)}
                if _has(settings.invocation)
                else {}
            ),
        },
    }


def _authorization(settings: ConnectionSettings) -> dict[str, Any]:
    secret = secret_source(settings.secret)
    if settings.auth is AuthKind.API_KEY:
        return {"ApiKeyAuthParameters": {"ApiKeyName": settings.header, "ApiKeyValue": secret}}
    if settings.auth is AuthKind.BASIC:
        return {"BasicAuthParameters": {"Username": settings.username, "Password": secret}}
    oauth = settings.oauth
    if oauth is None:
        raise ValueError(f"connection {settings.name}: OAuth without its settings")
    return {
        "OAuthParameters": {
            "AuthorizationEndpoint": oauth.authorization_endpoint,
            "HttpMethod": oauth.http_method,
            "ClientParameters": {"ClientID": oauth.client_id, "ClientSecret": secret},
            "OAuthHttpParameters": _parameters(oauth.token_request),
        }
    }


def _has(parameters: HttpParameters) -> bool:
    return any(parameters.sections().values())


def _parameters(parameters: HttpParameters) -> dict[str, Any]:
    return {
        _SECTIONS[section]: [_parameter(item) for item in items]
        for section, items in parameters.sections().items()
        if items
    }


def _parameter(item: Parameter) -> dict[str, Any]:
    if item.secret is None:
        return {"Key": item.key, "Value": item.value, "IsValueSecret": False}
    return {"Key": item.key, "Value": secret_source(item.secret), "IsValueSecret": True}
