"""A Fargate task run to completion as a pipeline step (ecs:runTask.sync)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from aws_facts import rules as aws_rules
from aws_facts.arns import ecs_tasks_of_cluster, event_rule_arn, task_definition_revisions
from config_kit import validators
from config_kit.schema import Section, Shape
from config_kit.toml_table import Key, Kind, Table, key
from core.defaults import field_default
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, retry_section, task_state
from policies.statement import Condition, Statement, sid_from_name

ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com"
# Step Functions creates and manages this rule itself to learn when a task stops.
ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule"

# Without a TimeoutSeconds, a hung task would keep the night running until the state machine's
# own timeout: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-task-state.html
DEFAULT_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True, kw_only=True)
class ContainerOverride:
    name: str
    command: tuple[str, ...] | None = None
    """Default: the image's own command."""
    environment: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, table: Table) -> ContainerOverride:
        override = cls(
            name=table.read(CONTAINER_NAME), command=table.read(COMMAND), environment=table.read(ENVIRONMENT)
        )
        table.finish()
        return override

    def to_json(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Name": self.name}
        if self.command is not None:
            rendered["Command"] = list(self.command)
        if self.environment:
            rendered["Environment"] = [
                {"Name": key, "Value": value} for key, value in self.environment.items()
            ]
        return rendered


# Required rather than read from the task definition (data aws_ecs_task_definition):
# the grant stays visible in review, a family without a revision would be granted
# whatever roles its latest revision had at plan time, and plan needs no live
# task definition (the offline emulator has none).
PASS_ROLES_REQUIRED = (
    "is required: the ARNs of the task definition's task role and execution role, "
    "which RunTask passes to ECS (iam:PassRole; without them every run is denied). "
    "Write pass_roles = [] if the task definition has neither"
)
CONTAINER_NAME: Key[str] = key(
    "name", Kind.STRING, "The container, as the task definition names it.", check=validators.container_name
)
COMMAND: Key[tuple[str, ...] | None] = key(
    "command", Kind.STRINGS, "Replaces the image's command.", ContainerOverride.command
)
ENVIRONMENT: Key[dict[str, str]] = key(
    "environment",
    Kind.STRING_TABLE,
    "Environment variables added to the container.",
    field_default(ContainerOverride, "environment", dict),
)
CLUSTER: Key[str] = key("cluster", Kind.STRING, "The cluster's ARN.", check=validators.ecs_cluster_arn)
TASK_DEFINITION: Key[str] = key(
    "task_definition",
    Kind.STRING,
    "The task definition's ARN; without `:revision` the latest active one runs.",
    check=validators.ecs_task_definition_arn,
)
SUBNETS: Key[tuple[str, ...]] = key(
    "subnets", Kind.STRINGS, "At least one subnet id.", (), default_doc="required", check=validators.subnet_id
)
SECURITY_GROUPS: Key[tuple[str, ...]] = key(
    "security_groups",
    Kind.STRINGS,
    "Security group ids.",
    (),
    default_doc="the VPC's default security group",
    check=validators.security_group_id,
)
ASSIGN_PUBLIC_IP: Key[bool] = key("assign_public_ip", Kind.BOOLEAN, "Gives the task a public IP.", False)
PASS_ROLES: Key[tuple[str, ...]] = key(
    "pass_roles",
    Kind.STRINGS,
    "The task definition's task and execution role ARNs, which RunTask passes to ECS (`[]` if it has "
    "neither; without them RunTask is denied).",
    (),
    check=validators.iam_role_arn,
    required_message=PASS_ROLES_REQUIRED,
)


@dataclass(frozen=True, kw_only=True)
class EcsStep(Step):
    type: ClassVar[str] = "ecs"
    waits_for_completion: ClassVar[bool] = True
    section: ClassVar[Section] = Section(
        "ecs",
        "A Fargate task run to completion (ecs:runTask.sync); its result, if kept, is the task ARN and stop code.",
        keys=(CLUSTER, TASK_DEFINITION, SUBNETS, SECURITY_GROUPS, ASSIGN_PUBLIC_IP, PASS_ROLES),
        children=(
            Section(
                "container_overrides",
                "Per-container changes for this run.",
                keys=(CONTAINER_NAME, COMMAND, ENVIRONMENT),
                shape=Shape.ARRAY,
            ),
            retry_section("none: a failed task is not run again"),
        ),
    )

    cluster_arn: str
    task_definition_arn: str
    """With a revision (":12") that revision runs; without, the latest active one."""
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...] = SECURITY_GROUPS.default
    """Default: the VPC's default security group."""
    assign_public_ip: bool = ASSIGN_PUBLIC_IP.default
    pass_role_arns: tuple[str, ...] = PASS_ROLES.default
    """The task definition's task and execution roles, which RunTask passes to ECS."""
    container_overrides: tuple[ContainerOverride, ...] = ()
    timeout_seconds: int | None = DEFAULT_TIMEOUT_SECONDS
    """Default: an hour; a task that hangs longer is stopped and the step fails (States.Timeout)."""
    retry: Retry = field(default_factory=lambda: Retry(errors=()))
    """Default: a failed task is not run again."""

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        step = cls(
            **common,
            cluster_arn=table.read(CLUSTER),
            task_definition_arn=table.read(TASK_DEFINITION),
            subnets=table.read(SUBNETS),
            security_groups=table.read(SECURITY_GROUPS),
            assign_public_ip=table.read(ASSIGN_PUBLIC_IP),
            pass_role_arns=table.read(PASS_ROLES),
            container_overrides=tuple(
                ContainerOverride.read(item) for item in table.tables("container_overrides")
            ),
            retry=cls.read_retry(table),
        )
        if not step.subnets and not table.data.get("subnets"):
            table.problem("subnets", "at least one subnet id is required", value=[])
        step.check_run_task(table)
        return step

    def check_run_task(self, table: Table) -> None:
        """What RunTask refuses at every run: too many network ids, overrides too long."""
        for name, ids, most, what in (
            (SUBNETS.name, self.subnets, aws_rules.MAX_TASK_SUBNETS, "subnet ids"),
            (
                SECURITY_GROUPS.name,
                self.security_groups,
                aws_rules.MAX_TASK_SECURITY_GROUPS,
                "security group ids",
            ),
        ):
            if len(ids) > most:
                table.problem(name, f"at most {most} {what} (AwsVpcConfiguration), not {len(ids)}")
        size = len(json.dumps(self._overrides(), separators=(",", ":")))
        if self.container_overrides and size > aws_rules.MAX_TASK_OVERRIDES_CHARACTERS:
            table.problem(
                "container_overrides",
                f"make RunTask overrides of {size} characters, over the "
                f"{aws_rules.MAX_TASK_OVERRIDES_CHARACTERS} ECS allows (RunTask)",
                value=f"{len(self.container_overrides)} overrides",
            )

    def _overrides(self) -> dict[str, Any]:
        return {"ContainerOverrides": [override.to_json() for override in self.container_overrides]}

    def to_state(self, refs: Refs) -> dict[str, Any]:
        network: dict[str, Any] = {
            "Subnets": list(self.subnets),
            "AssignPublicIp": "ENABLED" if self.assign_public_ip else "DISABLED",
        }
        if self.security_groups:
            network["SecurityGroups"] = list(self.security_groups)
        parameters: dict[str, Any] = {
            "Cluster": self.cluster_arn,
            "TaskDefinition": self.task_definition_arn,
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": network},
        }
        if self.container_overrides:
            parameters["Overrides"] = self._overrides()
        return task_state(
            resource=refs.integration("ecs:runTask.sync"),
            parameters=parameters,
            retry=self.retry,
            timeout_seconds=self.timeout_seconds,
            result_selector={"TaskArn.$": "$.TaskArn", "StopCode.$": "$.StopCode"},
            result_path=self.result_path,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        """https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html"""
        on_cluster = Condition("ArnEquals", "ecs:cluster", (self.cluster_arn,))
        statements = [
            Statement(
                sid=sid_from_name("Run", self.name, "Task"),
                actions=("ecs:RunTask",),
                resources=(task_definition_revisions(self.task_definition_arn),),
                conditions=(on_cluster,),
            ),
            Statement(
                sid=sid_from_name("Track", self.name, "Task"),
                actions=("ecs:DescribeTasks", "ecs:StopTask"),
                resources=(ecs_tasks_of_cluster(self.cluster_arn),),
                conditions=(on_cluster,),
            ),
            Statement(
                sid="ManageEcsTaskCompletionRule",
                actions=("events:PutTargets", "events:PutRule", "events:DescribeRule"),
                resources=(event_rule_arn(refs.partition, refs.region, refs.account, ECS_SYNC_RULE),),
            ),
        ]
        if self.pass_role_arns:
            statements.append(
                Statement(
                    sid=sid_from_name("Pass", self.name, "Roles To Ecs Tasks"),
                    actions=("iam:PassRole",),
                    resources=self.pass_role_arns,
                    conditions=(Condition("StringEquals", "iam:PassedToService", (ECS_TASKS_SERVICE,)),),
                )
            )
        return statements
