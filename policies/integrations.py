"""What each Step Functions integration needs from IAM, one function per integration.

Each function takes the exact resources a state uses and returns the statements
for them, so a state's policy comes from the same data that renders the state.
The AWS page each grant follows is linked on its function.
"""

from __future__ import annotations

from policies.arns import ecs_tasks_of_cluster, event_rule_arn, task_definition_revisions
from policies.statement import Condition, Statement, sid_from_name

ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com"
# Step Functions creates and manages this rule itself to learn when a task stops.
ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule"


def lambda_invoke(state_name: str, function_arn: str) -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html

    A function ARN with a version or alias is granted as it is. An unqualified
    one also gets ":*", as in AWS's policy template, which covers its versions
    and aliases."""
    qualified = function_arn.count(":") == 7
    return [
        Statement(
            sid=sid_from_name("Invoke", state_name, "Lambda"),
            actions=("lambda:InvokeFunction",),
            resources=(function_arn,) if qualified else (function_arn, f"{function_arn}:*"),
        )
    ]


def ecs_run_task_sync(
    state_name: str,
    *,
    partition: str,
    region: str,
    account: str,
    cluster_arn: str,
    task_definition_arn: str,
    pass_role_arns: tuple[str, ...],
) -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html"""
    on_cluster = Condition("ArnEquals", "ecs:cluster", (cluster_arn,))
    statements = [
        Statement(
            sid=sid_from_name("Run", state_name, "Task"),
            actions=("ecs:RunTask",),
            resources=(task_definition_revisions(task_definition_arn),),
            conditions=(on_cluster,),
        ),
        Statement(
            sid=sid_from_name("Track", state_name, "Task"),
            actions=("ecs:DescribeTasks", "ecs:StopTask"),
            resources=(ecs_tasks_of_cluster(cluster_arn),),
            conditions=(on_cluster,),
        ),
        Statement(
            sid="ManageEcsTaskCompletionRule",
            actions=("events:PutTargets", "events:PutRule", "events:DescribeRule"),
            resources=(event_rule_arn(partition, region, account, ECS_SYNC_RULE),),
        ),
    ]
    if pass_role_arns:
        statements.append(
            Statement(
                sid=sid_from_name("Pass", state_name, "Roles To Ecs Tasks"),
                actions=("iam:PassRole",),
                resources=pass_role_arns,
                conditions=(Condition("StringEquals", "iam:PassedToService", (ECS_TASKS_SERVICE,)),),
            )
        )
    return statements


def http_invoke(
    state_name: str,
    *,
    state_machine_arn: str,
    method: str,
    endpoint: str,
    connection_name: str,
    connection_arn: str,
    connection_secret_arn: str,
) -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html#connect-http-task-permissions

    The grant is on this state machine's own ARN: that is the resource an
    execution calls the endpoint as. The method and endpoint conditions keep
    the state from being edited to call anything else. AWS does not document
    whether the compared endpoint includes the query string, so the endpoint
    is matched as a prefix, as in AWS's own example.
    """
    return [
        Statement(
            sid=sid_from_name("Call", state_name, "Endpoint"),
            actions=("states:InvokeHTTPEndpoint",),
            resources=(state_machine_arn,),
            conditions=(
                Condition("StringEquals", "states:HTTPMethod", (method,)),
                Condition("StringLike", "states:HTTPEndpoint", (f"{endpoint}*",)),
            ),
        ),
        *connection_access(connection_name, connection_arn, connection_secret_arn),
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


def sns_publish(topic_arn: str) -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html"""
    return [
        Statement(
            sid="PublishFailureNotifications",
            actions=("sns:Publish",),
            resources=(topic_arn,),
        )
    ]


def log_delivery() -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy"""
    return [
        Statement(
            sid="DeliverExecutionLogs",
            actions=(
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
            ),
            # CloudWatch Logs vended delivery supports no resource-level
            # permissions for these actions; AWS documents "*" as required.
            resources=("*",),
        )
    ]


def xray_tracing() -> list[Statement]:
    """https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html"""
    return [
        Statement(
            sid="SendTraces",
            actions=(
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ),
            # X-Ray has no resource-level permissions for these actions.
            resources=("*",),
        )
    ]


def start_execution(state_machine_arn: str) -> list[Statement]:
    """https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role"""
    return [
        Statement(
            sid="StartPipelineExecution",
            actions=("states:StartExecution",),
            resources=(state_machine_arn,),
        )
    ]
