"""The applied IAM policies, evaluated by a real policy simulator (@cloud-copilot/iam-simulate).

Every request the failure path makes is allowed, the ticket endpoint with its
query string too; each of its neighbours (another method, an endpoint that only
starts like the ticket's, a path below or out of it, another host, connection,
secret, topic, function, account) is denied, and no other state machine may
assume the execution role. The policies are read back from the emulator after apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from offline.policy_simulator import IamRequest, simulate
from tests.e2e.applied import Applied
from tests.e2e.prerequisites import require

ALLOWED = "Allowed"
DENIED = "ImplicitlyDenied"
Case = Callable[[Applied], IamRequest]


def as_execution_role(action: str, resource: Callable[[Applied], str], **context: str) -> Case:
    def build(applied: Applied) -> IamRequest:
        return IamRequest(
            id="",
            principal=applied.execution_role.session_arn(),
            action=action,
            resource=resource(applied),
            account=applied.account,
            context={key: value(applied) if callable(value) else value for key, value in context.items()},
            identity_policies=applied.execution_role.identity_policies(),
        )

    return build


def ticket_call(method: str, endpoint: Callable[[Applied], str], state_machine=None) -> Case:
    return as_execution_role(
        "states:InvokeHTTPEndpoint",
        state_machine or (lambda applied: applied.state_machine_arn),
        **{"states:HTTPMethod": method, "states:HTTPEndpoint": endpoint},
    )


def ticket_endpoint(applied: Applied) -> str:
    return applied.deployment.config.ticket.request.endpoint


def ticket_endpoint_and(suffix: str) -> Callable[[Applied], str]:
    return lambda applied: ticket_endpoint(applied) + suffix


def other_path(applied: Applied) -> str:
    endpoint = urlsplit(ticket_endpoint(applied))
    return f"{endpoint.scheme}://{endpoint.netloc}/api/v1/crm/people"


def other_host(endpoint: str, suffix: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}{suffix}{parts.path}"


def as_scheduler_role(action: str, resource: Callable[[Applied], str]) -> Case:
    def build(applied: Applied) -> IamRequest:
        return IamRequest(
            id="",
            principal=applied.scheduler_role.session_arn(),
            action=action,
            resource=resource(applied),
            account=applied.account,
            identity_policies=applied.scheduler_role.identity_policies(),
        )

    return build


def assumed_by(service: str, role: str, source_account=None, source_arn=None) -> Case:
    def build(applied: Applied) -> IamRequest:
        target = getattr(applied, role)
        context = {"aws:SourceAccount": source_account or applied.account}
        context["aws:SourceArn"] = source_arn(applied) if source_arn else applied.schedule_group_arn
        return IamRequest(
            id="",
            principal=service,
            action="sts:AssumeRole",
            resource=target.arn,
            account=applied.account,
            context=context,
            resource_policy=target.trust_policy,
        )

    return build


def state_machine(applied: Applied) -> str:
    return applied.state_machine_arn


CASES: dict[str, tuple[str, Case]] = {
    # The ticket call itself, and the connection's credentials it needs.
    "ticket POST to the endpoint": (ALLOWED, ticket_call("POST", ticket_endpoint)),
    "ticket POST with the query": (
        ALLOWED,
        ticket_call("POST", ticket_endpoint_and("?sentAutoResponder=false")),
    ),
    "ticket GET instead of POST": (DENIED, ticket_call("GET", ticket_endpoint)),
    # The endpoint's neighbours: what a bare "<endpoint>*" would also have allowed.
    **{
        f"ticket POST to the endpoint {neighbour}": (DENIED, ticket_call("POST", ticket_endpoint_and(suffix)))
        for neighbour, suffix in [
            ("with a suffix", "-admin"),
            ("plus one character", "s"),
            ("and a path below it", "/42/close"),
            ("and a path climbing out of it", "/../../crm/people"),
        ]
    },
    "ticket POST to a host that extends the endpoint's host": (
        DENIED,
        ticket_call("POST", lambda applied: other_host(ticket_endpoint(applied), ".evil.example")),
    ),
    "ticket POST to another path": (DENIED, ticket_call("POST", other_path)),
    "ticket POST to another host": (
        DENIED,
        ticket_call("POST", lambda applied: "https://tickets.example.net/api/v1/support/cases"),
    ),
    # The action has no resource type, so the grant is on "*" (core.steps.http_invoke): asked
    # on "*" or on another state machine's ARN, the role's policy allows it. What keeps other
    # state machines out is the role's trust ("Step Functions for another state machine" below).
    "ticket POST on any resource": (ALLOWED, ticket_call("POST", ticket_endpoint, lambda applied: "*")),
    "ticket POST as another state machine's resource": (
        ALLOWED,
        ticket_call("POST", ticket_endpoint, lambda applied: applied.arn("states", "stateMachine:other")),
    ),
    "ticket GET on any resource": (DENIED, ticket_call("GET", ticket_endpoint, lambda applied: "*")),
    "credentials of the ticket connection": (
        ALLOWED,
        as_execution_role(
            "events:RetrieveConnectionCredentials", lambda a: a.deployment.outputs["connection_arn"]
        ),
    ),
    "credentials of another connection": (
        DENIED,
        as_execution_role(
            "events:RetrieveConnectionCredentials",
            lambda a: a.arn("events", "connection/someone-else/6f1c1a02-0000-4000-8000-000000000000"),
        ),
    ),
    "read the connection's secret": (
        ALLOWED,
        as_execution_role("secretsmanager:GetSecretValue", lambda a: a.ticket_connection_secret_arn),
    ),
    "describe the connection's secret": (
        ALLOWED,
        as_execution_role("secretsmanager:DescribeSecret", lambda a: a.ticket_connection_secret_arn),
    ),
    "change the connection's secret": (
        DENIED,
        as_execution_role("secretsmanager:PutSecretValue", lambda a: a.ticket_connection_secret_arn),
    ),
    "read the user's source secret": (
        DENIED,
        as_execution_role("secretsmanager:GetSecretValue", lambda a: a.users_ticket_secret_arn),
    ),
    "read another connection's secret": (
        DENIED,
        as_execution_role(
            "secretsmanager:GetSecretValue",
            lambda a: a.arn("secretsmanager", "secret:events!connection/someone-else/auth-AbCdEf"),
        ),
    ),
    # The e-mail.
    "publish to the failure topic": (
        ALLOWED,
        as_execution_role("sns:Publish", lambda a: a.deployment.outputs["topic_arn"]),
    ),
    "publish to another topic": (DENIED, as_execution_role("sns:Publish", lambda a: a.arn("sns", "other"))),
    # The steps whose failure starts the path.
    "invoke the pipeline's function": (
        ALLOWED,
        as_execution_role("lambda:InvokeFunction", lambda a: a.deployment.config.steps[2].function_arn),
    ),
    "invoke another function": (
        DENIED,
        as_execution_role("lambda:InvokeFunction", lambda a: a.arn("lambda", "function:other")),
    ),
    # The schedule.
    "scheduler starts the pipeline": (ALLOWED, as_scheduler_role("states:StartExecution", state_machine)),
    "scheduler starts another state machine": (
        DENIED,
        as_scheduler_role("states:StartExecution", lambda a: a.arn("states", "stateMachine:other")),
    ),
    "Scheduler assumes the scheduler role": (
        ALLOWED,
        assumed_by("scheduler.amazonaws.com", "scheduler_role"),
    ),
    "Scheduler of another account": (
        DENIED,
        assumed_by("scheduler.amazonaws.com", "scheduler_role", source_account="222222222222"),
    ),
    "Scheduler for another schedule group": (
        DENIED,
        assumed_by(
            "scheduler.amazonaws.com",
            "scheduler_role",
            source_arn=lambda a: a.arn("scheduler", "schedule-group/someone-else"),
        ),
    ),
    "Step Functions assumes the scheduler role": (
        DENIED,
        assumed_by("states.amazonaws.com", "scheduler_role"),
    ),
    "Step Functions assumes the execution role": (
        ALLOWED,
        assumed_by("states.amazonaws.com", "execution_role", source_arn=state_machine),
    ),
    "Step Functions for another state machine assumes the execution role": (
        DENIED,
        assumed_by(
            "states.amazonaws.com",
            "execution_role",
            source_arn=lambda a: a.arn("states", "stateMachine:someone-else"),
        ),
    ),
    "Lambda assumes the execution role": (
        DENIED,
        assumed_by("lambda.amazonaws.com", "execution_role", source_arn=state_machine),
    ),
}


@pytest.fixture(scope="module")
def decisions(deployment) -> dict[str, str]:
    """All cases in one simulator run (one Node process)."""
    require("node")
    applied = Applied(deployment)
    return simulate([replace(build(applied), id=case_id) for case_id, (_, build) in CASES.items()])


@pytest.mark.parametrize(("case_id", "expected"), [(case_id, case[0]) for case_id, case in CASES.items()])
def test_the_simulator_decides(decisions, case_id, expected):
    assert decisions[case_id] == expected
