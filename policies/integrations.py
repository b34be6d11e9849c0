"""What the state machine needs from IAM besides its steps, one function per need.

Each step kind keeps its own statements in its module (core/steps/); these are
the grants of the failure path, logging, tracing and the schedule. The AWS page
each grant follows is linked on its function.
"""

from __future__ import annotations

from policies.statement import Statement


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
