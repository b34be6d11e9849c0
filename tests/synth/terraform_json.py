"""Reading synthesized cdk.tf.json: resources by type and by construct path."""

from __future__ import annotations

import json
from typing import Any

from aws_facts.arns import state_machine_arn
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic

from core.config import PipelineConfig
from core.refs import ConnectionRef, Refs

PARTITION = "${data.aws_partition.Partition.partition}"
ACCOUNT = "${data.aws_caller_identity.Account.account_id}"


def resources(stack: dict, resource_type: str) -> dict[str, dict]:
    return stack.get("resource", {}).get(resource_type, {})


def only(stack: dict, resource_type: str) -> dict:
    (body,) = resources(stack, resource_type).values()
    return body


def named(stack: dict, resource_type: str, construct_path: str) -> tuple[str, dict]:
    """The Terraform address and body of the resource built at a construct path."""
    for name, body in resources(stack, resource_type).items():
        if body["//"]["metadata"]["path"].endswith(f"/{construct_path}"):
            return f"{resource_type}.{name}", body
    raise KeyError(f"no {resource_type} at {construct_path}")


def reference(stack: dict, resource_type: str, construct_path: str, attribute: str) -> str:
    address, _ = named(stack, resource_type, construct_path)
    return f"${{{address}.{attribute}}}"


def terraform_refs(stack: dict, config: PipelineConfig) -> Refs:
    """The Refs the stack should have handed the core: Terraform references."""
    connection = CloudwatchEventConnection.TF_RESOURCE_TYPE
    return Refs(
        partition=PARTITION,
        region=config.stack.region,
        account=ACCOUNT,
        state_machine_arn=state_machine_arn(
            PARTITION, config.stack.region, ACCOUNT, config.state_machine.name
        ),
        topic_arn=reference(stack, SnsTopic.TF_RESOURCE_TYPE, "FailureAlerts/Topic", "arn"),
        connections={
            key: ConnectionRef(
                arn=reference(stack, connection, f"{key}_connection/Connection", "arn"),
                secret_arn=reference(stack, connection, f"{key}_connection/Connection", "secret_arn"),
            )
            for key in config.connections
        },
    )


def terraform_literal(text: str) -> str:
    """A Terraform string as Terraform reads it: "$${" is an escaped, literal "${"."""
    return text.replace("$${", "${")


def policy_of(stack: dict, construct_path: str) -> dict:
    _, body = named(stack, IamRolePolicy.TF_RESOURCE_TYPE, construct_path)
    return json.loads(terraform_literal(body["policy"]))


def jsonencoded(value: str) -> Any:
    """The value of a `${jsonencode(...)}` that cdktf wrote in HCL object syntax, as Terraform
    will encode it (keys are quoted strings; no value here holds '" = ')."""
    inner = value.removeprefix("${jsonencode(").removesuffix(")}")
    return json.loads(inner.replace('" = ', '": '))


def role_policies(stack: dict, role_path: str) -> list[dict]:
    """The policies of the ServiceRole at role_path ("Pipeline/ExecutionRole"):
    its inline policy first, then its managed policies in order."""
    documents = [policy_of(stack, f"{role_path}/Policy")]
    managed = resources(stack, IamPolicy.TF_RESOURCE_TYPE)
    for number in range(1, len(managed) + 1):
        try:
            _, body = named(stack, IamPolicy.TF_RESOURCE_TYPE, f"{role_path}/Managed{number}")
        except KeyError:
            break
        documents.append(json.loads(terraform_literal(body["policy"])))
    return documents


def role_statements(stack: dict, role_path: str) -> list[dict]:
    return [statement for document in role_policies(stack, role_path) for statement in document["Statement"]]


def trust_of(stack: dict, construct_path: str) -> dict:
    _, body = named(stack, IamRole.TF_RESOURCE_TYPE, construct_path)
    return json.loads(terraform_literal(body["assume_role_policy"]))
