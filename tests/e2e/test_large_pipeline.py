"""Fifty mixed steps: applied to the emulator, its roles spread over inline and managed
policies, and every step still allowed exactly what it needs (a real policy simulator)."""

from __future__ import annotations

import json

import pytest

from core.steps.ecs_run_task import EcsStep
from core.steps.lambda_invoke import LambdaStep
from offline.applied_iam import AppliedRole
from offline.policy_simulator import IamRequest, simulate
from tests.e2e.conftest import CHILD_RESULT, MIXED_50_STACK
from tests.e2e.prerequisites import require


@pytest.fixture(scope="module")
def applied(mixed50_child) -> dict:
    return json.loads((mixed50_child.finished() / CHILD_RESULT).read_text())


@pytest.fixture(scope="module")
def execution_role(applied) -> AppliedRole:
    (role,) = [role for role in applied["roles"] if role["name"].endswith("-execution")]
    return AppliedRole(**role)


def test_applies_and_a_second_plan_changes_nothing(applied):
    assert applied["plan_exit_code"] == 0


def test_execution_role_gets_managed_policies_beside_its_inline_one(execution_role, stacks):
    synthesized = [
        body["name"]
        for body in stacks[MIXED_50_STACK]["resource"]["aws_iam_policy"].values()
        if "/Pipeline/ExecutionRole/" in body["//"]["metadata"]["path"]
    ]
    assert len(execution_role.inline_policies) == 1
    assert sorted(execution_role.managed_policies) == sorted(synthesized)
    assert synthesized


def test_every_step_is_allowed_what_it_needs_and_no_neighbour(execution_role, configs, applied):
    require("node")
    config = configs[MIXED_50_STACK]
    account, region = config.stack.account_id, config.stack.region
    state_machine = applied["outputs"]["state_machine_arn"]
    cases: dict[str, tuple[str, str, str, dict]] = {}
    for step in config.steps:
        if isinstance(step, LambdaStep):
            cases[f"{step.name} invokes its function"] = (
                "Allowed",
                "lambda:InvokeFunction",
                step.function_arn,
                {},
            )
        elif isinstance(step, EcsStep):
            for role in step.pass_role_arns:
                context = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
                cases[f"{step.name} passes {role}"] = ("Allowed", "iam:PassRole", role, context)
        else:
            request = {"states:HTTPMethod": step.request.method, "states:HTTPEndpoint": step.request.endpoint}
            cases[f"{step.name} calls its endpoint"] = (
                "Allowed",
                "states:InvokeHTTPEndpoint",
                state_machine,
                request,
            )
            neighbour = {**request, "states:HTTPEndpoint": step.request.endpoint + "-admin"}
            if step.request.endpoint_is_root:
                below = {**request, "states:HTTPEndpoint": step.request.endpoint + "/2026/11/part-1"}
                cases[f"{step.name} calls below its root"] = (
                    "Allowed",
                    "states:InvokeHTTPEndpoint",
                    state_machine,
                    below,
                )
                for climb in ("/../admin", "/%2e%2e/admin", "/.%2E/admin"):
                    out = {**request, "states:HTTPEndpoint": step.request.endpoint + climb}
                    cases[f"{step.name} climbs out with {climb}"] = (
                        "ImplicitlyDenied",
                        "states:InvokeHTTPEndpoint",
                        state_machine,
                        out,
                    )
            cases[f"{step.name} calls a neighbour"] = (
                "ImplicitlyDenied",
                "states:InvokeHTTPEndpoint",
                state_machine,
                neighbour,
            )
    other_function = f"arn:aws:lambda:{region}:{account}:function:nightly-orders-transform-batch-99"
    cases["another function"] = ("ImplicitlyDenied", "lambda:InvokeFunction", other_function, {})
    other_role = f"arn:aws:iam::{account}:role/nightly-report-builder-99-task"
    cases["another role"] = (
        "ImplicitlyDenied",
        "iam:PassRole",
        other_role,
        {"iam:PassedToService": "ecs-tasks.amazonaws.com"},
    )

    decisions = simulate(
        [
            IamRequest(
                id=case,
                principal=execution_role.session_arn(),
                action=action,
                resource=resource,
                account=account,
                context=context,
                identity_policies=execution_role.identity_policies(),
            )
            for case, (_, action, resource, context) in cases.items()
        ]
    )

    assert decisions == {case: expected for case, (expected, *_) in cases.items()}
