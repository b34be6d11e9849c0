"""A third-party HTTPS API called straight from the state machine (http:invoke).

The API key never appears in the definition: the EventBridge connection named
by the request adds it to every call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.refs import Refs
from core.steps.task import Retry, task_state
from policies.statement import Condition, Statement, sid_from_name

# Errors after which a call may succeed if tried again. Step Functions gives an
# HTTP call at most 60 s and then raises States.Http.Socket.
HTTP_TRANSIENT_ERRORS = (
    "States.Http.Socket",
    "States.Http.StatusCode.429",
    "States.Http.StatusCode.500",
    "States.Http.StatusCode.502",
    "States.Http.StatusCode.503",
    "States.Http.StatusCode.504",
)


@dataclass(frozen=True, kw_only=True)
class HttpRequest:
    endpoint: str
    """A full https:// URL without a query string."""
    method: str
    connection: str
    """The name of a configured connection; it holds the API key."""
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    """Default: no body is sent. Keys ending in ".$" take a JSONPath or an intrinsic."""

    def parameters(self, refs: Refs) -> dict:
        parameters: dict = {
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
        the state from being edited to call anything else. AWS does not document
        whether the compared endpoint includes the query string, so the endpoint
        is matched as a prefix, as in AWS's own example.
        """
        connection = refs.connections[self.connection]
        return [
            Statement(
                sid=sid_from_name("Call", state_name, "Endpoint"),
                actions=("states:InvokeHTTPEndpoint",),
                resources=(refs.state_machine_arn,),
                conditions=(
                    Condition("StringEquals", "states:HTTPMethod", (self.method,)),
                    Condition("StringLike", "states:HTTPEndpoint", (f"{self.endpoint}*",)),
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
class HttpStep:
    kind: ClassVar[str] = "http"

    name: str
    request: HttpRequest
    result_path: str | None = None
    """Where the status code and response body go. Default: dropped."""
    timeout_seconds: int | None = None
    retry: Retry = field(default_factory=lambda: Retry(errors=HTTP_TRANSIENT_ERRORS))

    def to_state(self, refs: Refs) -> dict:
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
