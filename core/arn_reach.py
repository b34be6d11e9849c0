"""Whether the stack can reach what an ARN in its configuration names.

Nothing reaches across partitions (aws, aws-cn, aws-us-gov, ...), and a step's integration
reaches only the regions and accounts partitions.SAME_REGION_SERVICES and
SAME_ACCOUNT_SERVICES allow; a connection reaches a private API's resource configuration in its
own region only (partitions.CONNECTION_SAME_REGION_SERVICES). The ARNs checked are the values of a
[[steps]] table's own keys (function, cluster, task_definition, pass_roles, state_machine), every
secret_name and each well-formed resource_configuration; the ARNs inside a payload or a body are
data passed on, not reached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aws_facts import partitions
from aws_facts.arns import ANY_ARN
from config_kit import validators
from config_kit.nested import walk


def reach_problem(arn: str, region: str, account: str | None) -> str | None:
    """None when a stack in region (and account, if known) can reach arn, else why not."""
    match = ANY_ARN.fullmatch(arn)
    if match is None:
        return None  # not an ARN; the key's own check says so where it must be one
    partition = partitions.partition_of_region(region)
    service = match["service"]
    if match["partition"] not in partitions.PARTITIONS:
        return None  # not an ARN of AWS's; the key's own check says so
    if match["partition"] != partition:
        return (
            f"is in partition {match['partition']}, and stack.region {region} is in {partition}: "
            f"nothing reaches across partitions; use an arn:{partition}:... ARN"
        )
    if service in partitions.SAME_REGION_SERVICES and match["region"] not in ("", region):
        return (
            f"is in region {match['region']}: Step Functions reaches {service} resources in its own "
            f"region only (stack.region = {region})"
        )
    if service in partitions.CONNECTION_SAME_REGION_SERVICES and match["region"] != region:
        return (
            f"is in region {match['region']}: an EventBridge connection reaches a private API through a "
            f"resource configuration in its own region only (stack.region = {region}); another account's "
            "is fine once shared with this one through AWS RAM"
        )
    if account and service in partitions.SAME_ACCOUNT_SERVICES and match["account"] not in ("", account):
        return (
            f"is in account {match['account']}, not stack.account_id {account}: {service} has no "
            "resource-based policy, so the execution role cannot reach another account's"
        )
    return None


def reach_problems(
    document: Mapping[str, Any], region: str, account: str | None
) -> Iterator[tuple[str, str, str]]:
    """(field, ARN, why it cannot be reached) for the ARNs the module docstring names."""
    for field, arn in _named_arns(document):
        if problem := reach_problem(arn, region, account):
            yield field, arn, problem


def _named_arns(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    steps = document.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        for key, value in step.items() if isinstance(step, dict) else ():
            values = value if isinstance(value, list) else [value]
            for position, item in enumerate(values):
                if isinstance(item, str) and item.startswith("arn:"):
                    at = f"[{position}]" if isinstance(value, list) else ""
                    yield f"steps[{index}].{key}{at}", item
    for node in walk(document.get("connections"), "connections"):
        if node.key == "secret_name" and isinstance(node.value, str) and node.value.startswith("arn:"):
            yield node.path, node.value
        # A malformed one gets the key's own message only.
        if (
            node.key == "resource_configuration"
            and isinstance(node.value, str)
            and validators.resource_configuration_arn(node.value) is None
        ):
            yield node.path, node.value
