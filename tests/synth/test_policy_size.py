"""Every role of every synthesized stack fits IAM's policy quotas, with ARNs as long as real ones.

Terraform references in the policies are replaced here, independently of the
code under test, by the longest values they can take: the "aws-us-gov"
partition, a 12-digit account, and the ARNs of the stack's own topic and
connections built from their configured names, a 36-character UUID and the
6-character suffix Secrets Manager appends. IAM quotas:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
"""

from __future__ import annotations

import json
import re

import pytest
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from tests.synth.terraform_json import resources, terraform_literal

INLINE_LIMIT = 10_240
MANAGED_LIMIT = 6_144
MANAGED_PER_ROLE = 10
REFERENCE = re.compile(r"\$\{([a-z_]+)\.([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?(?:\.([a-z_]+))?\}")
UUID = "4c7c2b3e-0f5a-4d55-9a0e-0123456789ab"


def resolve(stack: dict, region: str, text: str) -> str:
    """text with every Terraform reference replaced by the longest real value it can take."""

    def arn(service: str, resource: str) -> str:
        return f"arn:aws-us-gov:{service}:{region}:123456789012:{resource}"

    def value(match: re.Match) -> str:
        kind, name, *attributes = match.groups()
        if kind == "data":
            return {"aws_partition": "aws-us-gov", "aws_caller_identity": "123456789012"}[name]
        body = stack["resource"][kind][name]
        attribute = attributes[0]
        if kind == "aws_sns_topic" and attribute == "arn":
            return arn("sns", body["name"])
        if kind == "aws_cloudwatch_event_connection" and attribute == "arn":
            return arn("events", f"connection/{body['name']}/{UUID}")
        if kind == "aws_cloudwatch_event_connection" and attribute == "secret_arn":
            return arn("secretsmanager", f"secret:events!connection/{body['name']}/{UUID}-AbCdEf")
        if kind == "aws_cloudwatch_event_api_destination" and attribute == "arn":
            return arn("events", f"api-destination/{body['name']}/{UUID}")
        if kind == "aws_sqs_queue" and attribute == "arn":
            return arn("sqs", body["name"])
        raise AssertionError(f"no realistic value for {match.group(0)}")

    resolved = REFERENCE.sub(value, text)
    assert "${" not in terraform_literal(resolved).replace("${?}", "").replace("${*}", ""), resolved
    return terraform_literal(resolved)


def iam_characters(document: str) -> int:
    return len(re.sub(r"\s", "", json.dumps(json.loads(document), separators=(",", ":"))))


def policies_by_role(stack: dict, region: str) -> dict[str, tuple[list[int], list[int]]]:
    """Role address -> (sizes of its inline policies, sizes of its attached managed policies)."""
    roles = {f"aws_iam_role.{name}": ([], []) for name in resources(stack, IamRole.TF_RESOURCE_TYPE)}
    for body in resources(stack, IamRolePolicy.TF_RESOURCE_TYPE).values():
        role = body["role"].removeprefix("${").removesuffix(".id}")
        roles[role][0].append(iam_characters(resolve(stack, region, body["policy"])))
    managed = resources(stack, IamPolicy.TF_RESOURCE_TYPE)
    for body in resources(stack, IamRolePolicyAttachment.TF_RESOURCE_TYPE).values():
        role = body["role"].removeprefix("${").removesuffix(".name}")
        policy = body["policy_arn"].removeprefix("${aws_iam_policy.").removesuffix(".arn}")
        roles[role][1].append(iam_characters(resolve(stack, region, managed[policy]["policy"])))
    return roles


@pytest.mark.parametrize(
    "stack_name", ["nightly-pipeline-dev", "nightly-pipeline-mixed50", "nightly-pipeline-variant"]
)
def test_every_role_fits_iam_quotas_with_realistic_arns(stack_name, stacks, configs):
    stack, region = stacks[stack_name], configs[stack_name].stack.region
    for role, (inline, managed) in policies_by_role(stack, region).items():
        assert sum(inline) <= INLINE_LIMIT, role
        assert all(size <= MANAGED_LIMIT for size in managed), (role, managed)
        assert len(managed) <= MANAGED_PER_ROLE, role


def test_fifty_mixed_steps_need_managed_policies_and_get_them(stacks, configs):
    """The fixture is large enough to exercise the spreading, not only the inline case."""
    stack = stacks["nightly-pipeline-mixed50"]
    roles = policies_by_role(stack, configs["nightly-pipeline-mixed50"].stack.region)
    execution = next(role for role in roles if "ExecutionRole" in role)
    inline, managed = roles[execution]
    assert len(managed) >= 1
    assert sum(inline) + sum(managed) > INLINE_LIMIT


def grants(stack: dict, region: str, role_path: str) -> set[tuple]:
    """Every (action, resource, conditions) a role's policies allow."""
    documents = [
        body["policy"]
        for kind in (IamRolePolicy.TF_RESOURCE_TYPE, IamPolicy.TF_RESOURCE_TYPE)
        for body in resources(stack, kind).values()
        if f"/{role_path}/" in body["//"]["metadata"]["path"]
    ]
    allowed = set()
    for document in documents:
        for statement in json.loads(resolve(stack, region, document))["Statement"]:
            conditions = json.dumps(statement.get("Condition", {}), sort_keys=True)
            allowed |= {
                (action, resource, conditions)
                for action in statement["Action"]
                for resource in statement["Resource"]
            }
    return allowed


def test_merging_and_spreading_keep_exactly_the_grants_of_the_steps(stacks, configs):
    from core.role_policies import sizing_refs
    from policies.statement import policy_document

    config = configs["nightly-pipeline-mixed50"]
    stack = stacks["nightly-pipeline-mixed50"]
    unmerged = policy_document(config.pipeline().policy_statements(sizing_refs(config)))
    expected = {
        (action, resource, json.dumps(statement.get("Condition", {}), sort_keys=True))
        for statement in unmerged["Statement"]
        for action in statement["Action"]
        for resource in statement["Resource"]
    }

    # The realistic UUIDs of the test and of sizing_refs differ; compare without them.
    def without_uuids(pairs: set[tuple]) -> set[tuple]:
        uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        return {(action, uuid.sub("UUID", resource), conditions) for action, resource, conditions in pairs}

    assert without_uuids(grants(stack, config.stack.region, "Pipeline/ExecutionRole")) == without_uuids(
        expected
    )
