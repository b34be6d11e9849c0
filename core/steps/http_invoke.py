"""A third-party HTTPS API called straight from the state machine (http:invoke).

The API key never appears in the definition: the EventBridge connection named
by the request adds it to every call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from core import validators
from core.defaults import field_default
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, task_state
from core.toml_table import REQUIRED, Required, Table
from policies.http_endpoint import endpoint_conditions
from policies.statement import Condition, Statement, sid_from_name

# Errors after which a call may succeed if tried again. Step Functions gives an
# HTTP call at most 60 s and then raises States.Http.Socket. Of the connection
# errors AWS lists for HTTP tasks, these three pass on their own (an OAuth token
# being fetched, the connection being updated, an EventBridge fault); the others
# (AccessDenied, ResourceNotFound, Invalid*ConnectionState) need a fix first:
# https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html#connect-http-task-errors
HTTP_TRANSIENT_ERRORS = (
    "States.Http.Socket",
    "Events.ConnectionResource.AuthInProgress",
    "Events.ConnectionResource.ConcurrentModification",
    "Events.ConnectionResource.InternalError",
    "States.Http.StatusCode.429",
    "States.Http.StatusCode.500",
    "States.Http.StatusCode.502",
    "States.Http.StatusCode.503",
    "States.Http.StatusCode.504",
)
DEFAULT_METHOD = "GET"


@dataclass(frozen=True, kw_only=True)
class HttpRequest:
    endpoint: str
    """A full https:// URL without a query string."""
    endpoint_is_root: bool = False
    """The endpoint is an API root: calls to any path under it are granted too.
    Default: only the endpoint itself, with or without a query string."""
    method: str
    connection: str
    """The name of a configured connection; it holds the API key."""
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    """Default: no body is sent. Keys ending in ".$" take a JSONPath or an intrinsic."""

    @classmethod
    def read(
        cls,
        table: Table,
        connections: Collection[str],
        *,
        default_endpoint: str | Required = REQUIRED,
        default_method: str,
        default_headers: Mapping[str, str],
        default_query: Mapping[str, str] | None = None,
        default_body: Any,
    ) -> HttpRequest:
        """The request keys of a table that has others too (a step, the ticket)."""
        connection = table.string("connection")
        if connection and connection not in connections:
            known = ", ".join(sorted(connections)) or "none are configured"
            table.problem("connection", f"must name a configured connection ([connections.<name>]): {known}")
        return cls(
            endpoint=table.string("endpoint", default_endpoint, validators.https_url),
            endpoint_is_root=table.boolean("endpoint_is_root", field_default(cls, "endpoint_is_root", bool)),
            method=table.string("method", default_method, validators.http_method),
            connection=connection,
            headers=table.string_table("headers", default_headers, validators.request_header),
            query=table.string_table(
                "query",
                field_default(cls, "query", dict) if default_query is None else default_query,
                validators.query_parameter,
            ),
            body=table.json_table("body", default_body),
        )

    def parameters(self, refs: Refs) -> dict[str, Any]:
        parameters: dict[str, Any] = {
            "ApiEndpoint": self.endpoint,
            "Method": self.method,
            "Authentication": {"ConnectionArn": refs.connections[self.connection].arn},
        }
        if self.headers:
            parameters["Headers"] = dict(self.headers)
        if self.query:
            parameters["QueryParameters"] = dict(self.query)
        if self.body is not None:
            parameters["RequestBody"] = self.body
        return parameters

    def policy_statements(self, state_name: str, refs: Refs) -> list[Statement]:
        """https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html#connect-http-task-permissions

        The grant is on this state machine's own ARN: that is the resource an
        execution calls the endpoint as. The method and endpoint conditions keep
        the state from being edited to call anything else; see
        policies.http_endpoint for where the endpoint match stops.
        """
        connection = refs.connections[self.connection]
        return [
            Statement(
                sid=sid_from_name("Call", state_name, "Endpoint"),
                actions=("states:InvokeHTTPEndpoint",),
                resources=(refs.state_machine_arn,),
                conditions=(
                    Condition("StringEquals", "states:HTTPMethod", (self.method,)),
                    *endpoint_conditions(self.endpoint, is_root=self.endpoint_is_root),
                ),
            ),
            *connection_access(self.connection, connection.arn, connection.secret_arn),
        ]


def connection_access(name: str, arn: str, secret_arn: str) -> list[Statement]:
    """The connection's credentials, and the secret EventBridge keeps them in."""
    return [
        Statement(
            sid=sid_from_name("Use", name, "Connection"),
            actions=("events:RetrieveConnectionCredentials",),
            resources=(arn,),
        ),
        Statement(
            sid=sid_from_name("Read", name, "Connection Secret"),
            actions=("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
            resources=(secret_arn,),
        ),
    ]


@dataclass(frozen=True, kw_only=True)
class HttpStep(Step):
    """The step's result, if kept (result_path), is the status code and the response body."""

    type: ClassVar[str] = "http"

    request: HttpRequest
    retry: Retry = field(default_factory=lambda: Retry(errors=HTTP_TRANSIENT_ERRORS))

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        request = HttpRequest.read(
            table,
            context.connections,
            default_method=DEFAULT_METHOD,
            default_headers=field_default(HttpRequest, "headers", dict),
            default_body=HttpRequest.body,
        )
        return cls(**common, request=request, retry=cls.read_retry(table))

    def to_state(self, refs: Refs) -> dict[str, Any]:
        return task_state(
            resource=refs.integration("http:invoke"),
            parameters=self.request.parameters(refs),
            retry=self.retry,
            timeout_seconds=self.timeout_seconds,
            result_selector={"StatusCode.$": "$.StatusCode", "ResponseBody.$": "$.ResponseBody"},
            result_path=self.result_path,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        return self.request.policy_statements(self.name, refs)
