"""A third-party HTTPS API called straight from the state machine (http:invoke).

The API key never appears in the definition: the EventBridge connection named
by the request adds it to every call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self

from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Table, key
from core.asl_paths import dynamic_value_problems
from core.defaults import field_default
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, retry_section, task_state
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
HTTP_RETRIED = (
    "socket errors, the connection's transient errors (`Events.ConnectionResource.AuthInProgress`, "
    "`ConcurrentModification`, `InternalError`), 429, 500, 502, 503, 504"
)
"""HTTP_TRANSIENT_ERRORS, in words for the docs."""
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
    def read(cls, table: Table, connections: Collection[str], keys: RequestKeys) -> HttpRequest:
        """The request keys of a table that has others too (a step, the ticket)."""
        connection = table.read(keys.connection)
        # Written but empty ("") is a reference to nothing too; left out is already reported.
        if isinstance(table.data.get(keys.connection.name), str) and connection not in connections:
            known = ", ".join(sorted(connections)) or "none are configured"
            table.problem("connection", f"must name a configured connection ([connections.<name>]): {known}")
        return cls(
            endpoint=table.read(keys.endpoint),
            endpoint_is_root=table.read(keys.endpoint_is_root),
            method=table.read(keys.method),
            connection=connection,
            headers=table.read(keys.headers),
            query=table.read(keys.query),
            body=table.read(keys.body),
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

        The grant is on "*": the Service Authorization Reference lists no resource type for
        states:InvokeHTTPEndpoint
        (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html),
        and AWS CDK's HttpInvoke grants it on "*" too. No other state machine can use it: the
        execution role's trust is bound to this state machine (aws:SourceArn). The method and
        endpoint conditions keep the state from being edited to call anything else; see
        policies.http_endpoint for where the endpoint match stops.
        """
        connection = refs.connections[self.connection]
        return [
            Statement(
                sid=sid_from_name("Call", state_name, "Endpoint"),
                actions=("states:InvokeHTTPEndpoint",),
                resources=("*",),
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


@dataclass(frozen=True)
class RequestKeys:
    """The request's keys; the ticket and HTTP steps differ in their defaults."""

    connection: Key[str]
    endpoint: Key[str]
    endpoint_is_root: Key[bool]
    method: Key[str]
    headers: Key[dict[str, str]]
    query: Key[dict[str, str]]
    body: Key[Any]

    def all(self) -> tuple[Key[Any], ...]:
        return (
            self.connection,
            self.endpoint,
            self.endpoint_is_root,
            self.method,
            self.headers,
            self.query,
            self.body,
        )

    def with_defaults(self, **defaults: Any) -> RequestKeys:
        """The same keys, those named taking the given defaults (a ticket preset's request)."""
        return replace(
            self, **{name: replace(getattr(self, name), default=value) for name, value in defaults.items()}
        )


def request_keys(
    *,
    method: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    body: Any,
    body_doc: str,
    default_docs: Mapping[str, str] | None = None,
    eventbridge_sends_query: bool = False,
) -> RequestKeys:
    """default_docs: how the docs show a key's default, by name, where the value alone would not.
    eventbridge_sends_query: an API destination target sends the query too (the ticket's, for the
    night watch), so its names and values must also pass EventBridge's rules."""
    default_doc = dict(default_docs or {}).get
    return RequestKeys(
        connection=key(
            "connection",
            Kind.STRING,
            "The connection ([connections.<name>]) that authenticates the call.",
        ),
        endpoint=key(
            "endpoint",
            Kind.STRING,
            "An https:// URL without a query string or fragment.",
            check=validators.https_url,
        ),
        endpoint_is_root=key(
            "endpoint_is_root",
            Kind.BOOLEAN,
            "`true`: the endpoint is an API root, and the grant covers any path under it too. `false`: "
            "only the endpoint itself, with or without a query string.",
            field_default(HttpRequest, "endpoint_is_root", bool),
        ),
        method=key(
            "method",
            Kind.STRING,
            "The HTTP method.",
            method,
            default_doc=default_doc("method", ""),
            choices=aws_rules.HTTP_METHODS,
        ),
        headers=key(
            "headers",
            Kind.STRING_TABLE,
            "Request headers. Those Step Functions refuses (`Authorization`, `Host`, `X-Amz-*`, ...) and "
            "credential headers (`X-Api-Key`, `X-Auth-Token`, ...) are rejected: credentials belong in "
            f"the connection. Values: 1-{aws_rules.MAX_HEADER_PARAMETER} printable ASCII characters on one line.",
            dict(headers),
            default_doc=default_doc("headers", ""),
            check=validators.request_header,
            value_check=validators.header_value,
            table_check=dynamic_value_problems,
        ),
        query=key(
            "query",
            Kind.STRING_TABLE,
            "Query parameters, as strings. Credentials (`token`, `api_key`, ...) are rejected: they "
            "would sit in plain text in the Terraform JSON and state.",
            dict(query),
            default_doc=default_doc("query", ""),
            check=validators.eventbridge_query_parameter
            if eventbridge_sends_query
            else validators.query_parameter,
            value_check=validators.query_value if eventbridge_sends_query else None,
            table_check=dynamic_value_problems,
        ),
        body=key(
            "body",
            Kind.TABLE,
            body_doc,
            body,
            default_doc=default_doc("body", ""),
            table_check=dynamic_value_problems,
        ),
    )


STEP_REQUEST = request_keys(
    method=DEFAULT_METHOD,
    headers=field_default(HttpRequest, "headers", dict),
    query=field_default(HttpRequest, "query", dict),
    body=HttpRequest.body,
    body_doc="A JSON body; keys ending in `.$` take a JSONPath or an intrinsic. Default: no body.",
)


@dataclass(frozen=True, kw_only=True)
class HttpStep(Step):
    """The step's result, if kept (result_path), is the status code and the response body."""

    type: ClassVar[str] = "http"
    section: ClassVar[Section] = Section(
        "http",
        "A third-party HTTPS API called from the state machine (http:invoke); its result, if kept, is the "
        "status code and the response body.",
        keys=STEP_REQUEST.all(),
        children=(retry_section(HTTP_RETRIED),),
    )

    request: HttpRequest
    retry: Retry = field(default_factory=lambda: Retry(errors=HTTP_TRANSIENT_ERRORS))

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        request = HttpRequest.read(table, context.connections, STEP_REQUEST)
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
