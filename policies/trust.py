"""Who may assume the project's roles: one AWS service each, from this account only."""

from __future__ import annotations

from typing import Any

from aws_facts.arns import schedule_group_arn

from policies.statement import POLICY_VERSION

STEP_FUNCTIONS = "states.amazonaws.com"
SCHEDULER = "scheduler.amazonaws.com"


def service_trust_policy(service: str, account: str, source_arn: str | None = None) -> dict[str, Any]:
    """aws:SourceAccount (and, where the service sets it, aws:SourceArn) stop
    another account's resources from using this role through the service,
    the confused-deputy problem:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"""
    conditions: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arn is not None:
        conditions["ArnEquals"] = {"aws:SourceArn": source_arn}
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AssumedByService",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": conditions,
            }
        ],
    }


def execution_trust_policy(account: str, state_machine_arn: str) -> dict[str, Any]:
    """Step Functions assumes an execution role on behalf of a state machine and
    names it in aws:SourceArn; AWS's recommended trust policy binds it there:
    https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
    Bound to this one state machine, no other state machine of the account
    can be pointed at the role."""
    return service_trust_policy(STEP_FUNCTIONS, account, source_arn=state_machine_arn)


def scheduler_trust_policy(partition: str, region: str, account: str, group: str) -> dict[str, Any]:
    """AWS asks for the schedule group's ARN here, not a schedule's:
    https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html"""
    return service_trust_policy(
        SCHEDULER, account, source_arn=schedule_group_arn(partition, region, account, group)
    )
