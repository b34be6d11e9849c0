"""ARNs built from their parts, so that no policy has to wait for a resource to exist, and the
patterns of the ARNs a configuration names (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)."""

from __future__ import annotations

import re

from aws_facts import partitions, rules

PARTITION = f"(?:{'|'.join(map(re.escape, sorted(partitions.PARTITIONS)))})"
REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]"
ANY_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):.*", re.DOTALL
)
"""Any ARN, split into the parts that say where its resource is."""


def in_any_partition(service_and_resource: str) -> str:
    """The pattern of an ARN in any partition, e.g. of "states:.+"."""
    return rf"arn:{PARTITION}:{service_and_resource}"


_ACCOUNT = rules.ACCOUNT_ID
LAMBDA_FUNCTION = in_any_partition(
    rf"lambda:{REGION}:{_ACCOUNT}:function:{rules.LAMBDA_FUNCTION_NAME.regex}"
    rf"(?::{rules.LAMBDA_QUALIFIER.regex})?"
)
ECS_CLUSTER = in_any_partition(rf"ecs:{REGION}:{_ACCOUNT}:cluster/{rules.ECS_CLUSTER_NAME.regex}")
ECS_TASK_DEFINITION = in_any_partition(
    rf"ecs:{REGION}:{_ACCOUNT}:task-definition/{rules.ECS_TASK_FAMILY.regex}(?::[0-9]+)?"
)
IAM_ROLE = in_any_partition(rf"iam::{_ACCOUNT}:role/(?:[\w+=,.@-]+/)*{rules.IAM_ROLE_NAME.regex}")
SECRET = in_any_partition(rf"secretsmanager:{REGION}:{_ACCOUNT}:secret:{rules.SECRET_NAME.regex}")
# A key's ARN, not an alias's: key policies, IAM grants and Scheduler's kms_key_arn need the key itself
# (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN); "mrk-" is a
# multi-Region key's id.
KMS_KEY = in_any_partition(
    rf"kms:{REGION}:{_ACCOUNT}:key/(?:[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"
    r"|mrk-[0-9a-f]{32})"
)
# A private API's VPC Lattice resource configuration, as a connection names it (ResourceConfigurationArn):
# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectivityResourceConfigurationArn.html
RESOURCE_CONFIGURATION = in_any_partition(
    rf"vpc-lattice:{REGION}:{_ACCOUNT}:resourceconfiguration/rcfg-[0-9a-z]{{17}}"
)

_TASK_DEFINITION = re.compile(r"^(?P<prefix>arn:[^:]+:ecs:[^:]+:[^:]+:task-definition/[^:]+)(?::\d+)?$")
_CLUSTER = re.compile(
    r"^arn:(?P<partition>[^:]+):ecs:(?P<region>[^:]+):(?P<account>[^:]+):cluster/(?P<name>.+)$"
)


def state_machine_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:states:{region}:{account}:stateMachine:{name}"


def event_rule_arn(partition: str, region: str, account: str, rule: str) -> str:
    return f"arn:{partition}:events:{region}:{account}:rule/{rule}"


def schedule_group_arn(partition: str, region: str, account: str, group: str) -> str:
    return f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{group}"


def regional_arn(partition: str, region: str, account: str, service: str, resource: str) -> str:
    """arn:<partition>:<service>:<region>:<account>:<resource>, e.g. resource "key/<id>" of "kms"."""
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def integration_arn(partition: str, integration: str) -> str:
    """The Resource of a service integration task, e.g. 'lambda:invoke'."""
    return f"arn:{partition}:states:::{integration}"


def task_definition_revisions(task_definition_arn: str) -> str:
    """A pinned revision is granted as is; a bare family grants all its revisions,
    because RunTask then starts whichever revision is the latest active one."""
    match = _TASK_DEFINITION.fullmatch(task_definition_arn)
    if not match:
        raise ValueError(f"not an ECS task definition ARN: {task_definition_arn!r}")
    if re.search(r":\d+$", task_definition_arn):
        return task_definition_arn
    return f"{match['prefix']}:*"


def ecs_tasks_of_cluster(cluster_arn: str) -> str:
    match = _CLUSTER.match(cluster_arn)
    if not match:
        raise ValueError(f"not an ECS cluster ARN: {cluster_arn!r}")
    return f"arn:{match['partition']}:ecs:{match['region']}:{match['account']}:task/{match['name']}/*"
