"""Each step kind's Task state and IAM statements, compared in full."""

from __future__ import annotations

from core.steps import Retry
from core.steps.ecs_run_task import ContainerOverride, EcsStep
from core.steps.http_invoke import HttpRequest, HttpStep
from core.steps.lambda_invoke import LambdaStep
from tests.unit.support import (
    HTTP_RETRY,
    PARTNER_ARN,
    PARTNER_SECRET_ARN,
    REFS,
    expect_statements,
    expect_task,
)

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"
CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline"
TASK_DEFINITION = "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform"
TASK_ROLE = "arn:aws:iam::123456789012:role/transform-task"
EXECUTION_ROLE = "arn:aws:iam::123456789012:role/transform-execution"
ENDPOINT = "https://api.partner.example.com/v1/orders/export"

LAMBDA_RETRY = {
    "ErrorEquals": [
        "Lambda.ClientExecutionTimeoutException",
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
    "JitterStrategy": "FULL",
}


# Lambda


def test_lambda_step_passes_its_input_as_payload_and_drops_the_result_by_default():
    step = LambdaStep(name="ExtractOrders", function_arn=FUNCTION)

    expect_task(
        step,
        "lambda:invoke",
        {"FunctionName": FUNCTION, "Payload.$": "$"},
        TimeoutSeconds=960,
        ResultPath=None,
        Retry=[LAMBDA_RETRY],
    )


def test_lambda_step_sends_a_fixed_payload_and_keeps_the_result_under_result_path():
    step = LambdaStep(
        name="ExtractOrders",
        function_arn=FUNCTION,
        payload={"table": "orders", "since.$": "$.since"},
        result_path="$.extract",
        timeout_seconds=900,
    )

    expect_task(
        step,
        "lambda:invoke",
        {"FunctionName": FUNCTION, "Payload": {"table": "orders", "since.$": "$.since"}},
        TimeoutSeconds=900,
        ResultSelector={"Payload.$": "$.Payload"},
        ResultPath="$.extract",
        Retry=[LAMBDA_RETRY],
    )


def test_lambda_step_with_zero_max_attempts_has_no_retry():
    step = LambdaStep(
        name="ExtractOrders",
        function_arn=FUNCTION,
        retry=Retry(errors=("Lambda.ServiceException",), max_attempts=0),
    )

    expect_task(
        step,
        "lambda:invoke",
        {"FunctionName": FUNCTION, "Payload.$": "$"},
        TimeoutSeconds=960,
        ResultPath=None,
    )


def test_lambda_step_custom_retry_is_rendered_with_its_own_numbers():
    step = LambdaStep(
        name="ExtractOrders",
        function_arn=FUNCTION,
        retry=Retry(errors=("States.Timeout",), max_attempts=5, interval_seconds=10, backoff_rate=1.5),
    )

    assert step.to_state(REFS)["Retry"] == [
        {
            "ErrorEquals": ["States.Timeout"],
            "IntervalSeconds": 10,
            "MaxAttempts": 5,
            "BackoffRate": 1.5,
            "JitterStrategy": "FULL",
        }
    ]


def test_lambda_step_may_invoke_the_function_and_its_versions_only():
    step = LambdaStep(name="Extract orders", function_arn=FUNCTION)

    expect_statements(
        step,
        [
            {
                "Sid": "InvokeExtractOrdersLambda",
                "Effect": "Allow",
                "Action": ["lambda:InvokeFunction"],
                "Resource": [FUNCTION, f"{FUNCTION}:*"],
            }
        ],
    )


def test_lambda_step_with_a_qualified_arn_may_invoke_that_version_only():
    step = LambdaStep(name="ExtractOrders", function_arn=f"{FUNCTION}:live")

    expect_statements(
        step,
        [
            {
                "Sid": "InvokeExtractOrdersLambda",
                "Effect": "Allow",
                "Action": ["lambda:InvokeFunction"],
                "Resource": [f"{FUNCTION}:live"],
            }
        ],
    )


# ECS


def test_ecs_step_without_security_groups_leaves_them_out_and_has_no_public_ip():
    step = EcsStep(
        name="TransformOrders",
        cluster_arn=CLUSTER,
        task_definition_arn=TASK_DEFINITION,
        subnets=("subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"),
    )

    expect_task(
        step,
        "ecs:runTask.sync",
        {
            "Cluster": CLUSTER,
            "TaskDefinition": TASK_DEFINITION,
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
                    "AssignPublicIp": "DISABLED",
                }
            },
        },
        TimeoutSeconds=3600,
        ResultPath=None,
    )


def test_ecs_step_with_everything_set_renders_groups_public_ip_overrides_and_result():
    step = EcsStep(
        name="TransformOrders",
        cluster_arn=CLUSTER,
        task_definition_arn=f"{TASK_DEFINITION}:3",
        subnets=("subnet-0a1b2c3d4e5f60718",),
        security_groups=("sg-0a1b2c3d4e5f60718",),
        assign_public_ip=True,
        container_overrides=(
            ContainerOverride(
                name="transform",
                command=("python", "-m", "transform"),
                environment={"ENVIRONMENT": "dev", "DRY_RUN": "false"},
            ),
            ContainerOverride(name="sidecar"),
        ),
        result_path="$.transform",
        timeout_seconds=7200,
        retry=Retry(errors=("States.TaskFailed",), max_attempts=1),
    )

    expect_task(
        step,
        "ecs:runTask.sync",
        {
            "Cluster": CLUSTER,
            "TaskDefinition": f"{TASK_DEFINITION}:3",
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": ["subnet-0a1b2c3d4e5f60718"],
                    "AssignPublicIp": "ENABLED",
                    "SecurityGroups": ["sg-0a1b2c3d4e5f60718"],
                }
            },
            "Overrides": {
                "ContainerOverrides": [
                    {
                        "Name": "transform",
                        "Command": ["python", "-m", "transform"],
                        "Environment": [
                            {"Name": "ENVIRONMENT", "Value": "dev"},
                            {"Name": "DRY_RUN", "Value": "false"},
                        ],
                    },
                    {"Name": "sidecar"},
                ]
            },
        },
        TimeoutSeconds=7200,
        ResultSelector={"TaskArn.$": "$.TaskArn", "StopCode.$": "$.StopCode"},
        ResultPath="$.transform",
        Retry=[
            {
                "ErrorEquals": ["States.TaskFailed"],
                "IntervalSeconds": 2,
                "MaxAttempts": 1,
                "BackoffRate": 2.0,
                "JitterStrategy": "FULL",
            }
        ],
    )


def test_container_override_with_an_empty_command_sends_an_empty_command():
    # () clears the image's command; None keeps it: the two must not be confused.
    assert ContainerOverride(name="app", command=()).to_json() == {"Name": "app", "Command": []}
    assert ContainerOverride(name="app").to_json() == {"Name": "app"}


ON_CLUSTER = {"ArnEquals": {"ecs:cluster": CLUSTER}}
TRACK_TASKS = {
    "Sid": "TrackTransformOrdersTask",
    "Effect": "Allow",
    "Action": ["ecs:DescribeTasks", "ecs:StopTask"],
    "Resource": ["arn:aws:ecs:eu-west-1:123456789012:task/pipeline/*"],
    "Condition": ON_CLUSTER,
}
COMPLETION_RULE = {
    "Sid": "ManageEcsTaskCompletionRule",
    "Effect": "Allow",
    "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
    "Resource": ["arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule"],
}


def test_ecs_step_without_revision_may_run_every_revision_and_passes_no_role():
    step = EcsStep(
        name="TransformOrders",
        cluster_arn=CLUSTER,
        task_definition_arn=TASK_DEFINITION,
        subnets=("subnet-0a1b2c3d4e5f60718",),
    )

    expect_statements(
        step,
        [
            {
                "Sid": "RunTransformOrdersTask",
                "Effect": "Allow",
                "Action": ["ecs:RunTask"],
                "Resource": [f"{TASK_DEFINITION}:*"],
                "Condition": ON_CLUSTER,
            },
            TRACK_TASKS,
            COMPLETION_RULE,
        ],
    )


def test_ecs_step_with_revision_runs_only_that_revision_and_passes_its_roles_to_ecs_tasks_only():
    step = EcsStep(
        name="TransformOrders",
        cluster_arn=CLUSTER,
        task_definition_arn=f"{TASK_DEFINITION}:12",
        subnets=("subnet-0a1b2c3d4e5f60718",),
        pass_role_arns=(TASK_ROLE, EXECUTION_ROLE),
    )

    expect_statements(
        step,
        [
            {
                "Sid": "RunTransformOrdersTask",
                "Effect": "Allow",
                "Action": ["ecs:RunTask"],
                "Resource": [f"{TASK_DEFINITION}:12"],
                "Condition": ON_CLUSTER,
            },
            TRACK_TASKS,
            COMPLETION_RULE,
            {
                "Sid": "PassTransformOrdersRolesToEcsTasks",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [TASK_ROLE, EXECUTION_ROLE],
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            },
        ],
    )


# HTTP


def test_http_step_sends_headers_query_and_body_through_the_connection():
    step = HttpStep(
        name="FetchOrders",
        request=HttpRequest(
            endpoint=ENDPOINT,
            method="POST",
            connection="partner_api",
            headers={"Content-Type": "application/json"},
            query={"format": "parquet", "limit": "1000"},
            body={"date.$": "$$.Execution.StartTime", "format": "parquet"},
        ),
        result_path="$.fetch",
        timeout_seconds=60,
    )

    expect_task(
        step,
        "http:invoke",
        {
            "ApiEndpoint": ENDPOINT,
            "Method": "POST",
            "Authentication": {"ConnectionArn": PARTNER_ARN},
            "Headers": {"Content-Type": "application/json"},
            "QueryParameters": {"format": "parquet", "limit": "1000"},
            "RequestBody": {"date.$": "$$.Execution.StartTime", "format": "parquet"},
        },
        TimeoutSeconds=60,
        ResultSelector={"StatusCode.$": "$.StatusCode", "ResponseBody.$": "$.ResponseBody"},
        ResultPath="$.fetch",
        Retry=[HTTP_RETRY],
    )


def test_http_step_without_headers_query_or_body_sends_none_of_them():
    step = HttpStep(
        name="PingPartner",
        request=HttpRequest(endpoint=ENDPOINT, method="GET", connection="partner_api"),
    )

    expect_task(
        step,
        "http:invoke",
        {"ApiEndpoint": ENDPOINT, "Method": "GET", "Authentication": {"ConnectionArn": PARTNER_ARN}},
        ResultPath=None,
        Retry=[HTTP_RETRY],
    )


def test_http_step_may_call_only_its_method_and_endpoint_with_its_connection():
    step = HttpStep(
        name="Fetch orders",
        request=HttpRequest(endpoint=ENDPOINT, method="POST", connection="partner_api"),
    )

    expect_statements(
        step,
        [
            {
                "Sid": "CallFetchOrdersEndpoint",
                "Effect": "Allow",
                "Action": ["states:InvokeHTTPEndpoint"],
                "Resource": ["*"],
                "Condition": {
                    "StringEquals": {"states:HTTPMethod": "POST"},
                    "StringLike": {"states:HTTPEndpoint": [ENDPOINT, f"{ENDPOINT}${{?}}*"]},
                },
            },
            {
                "Sid": "UsePartnerApiConnection",
                "Effect": "Allow",
                "Action": ["events:RetrieveConnectionCredentials"],
                "Resource": [PARTNER_ARN],
            },
            {
                "Sid": "ReadPartnerApiConnectionSecret",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [PARTNER_SECRET_ARN],
            },
        ],
    )
