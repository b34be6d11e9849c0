"""ARNs built from their parts, so that no policy has to wait for a resource to exist."""

from __future__ import annotations

import re

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
