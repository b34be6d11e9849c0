"""IAM of the night watch: the ticket target's role, the schedule's dead letters, the topic's policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policies.statement import POLICY_VERSION, Statement
from policies.trust import service_trust_policy

EVENTS = "events.amazonaws.com"
CLOUDWATCH = "cloudwatch.amazonaws.com"


def alarm_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}"


def invoke_api_destination(destination_arn: str) -> list[Statement]:
    """https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html"""
    return [
        Statement(
            sid="OpenTicketThroughApiDestination",
            actions=("events:InvokeApiDestination",),
            resources=(destination_arn,),
        )
    ]


def send_dead_letters(queue_arn: str) -> list[Statement]:
    """Scheduler sends what it could not deliver with the schedule's own role:
    https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html"""
    return [
        Statement(
            sid="SendUnstartedRunsToDeadLetterQueue",
            actions=("sqs:SendMessage",),
            resources=(queue_arn,),
        )
    ]


def events_trust_policy(account: str, rule_arns: Sequence[str]) -> dict[str, Any]:
    """EventBridge, from this account, for these rules only (aws:SourceArn against the confused
    deputy: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html)."""
    policy = service_trust_policy(EVENTS, account)
    policy["Statement"][0]["Condition"]["ArnEquals"] = {"aws:SourceArn": list(rule_arns)}
    return policy


def topic_policy(
    topic_arn: str, account: str, rule_arns: Sequence[str], alarm_arns: Sequence[str]
) -> dict[str, Any]:
    """Who may publish to the failure topic besides the account's own roles (the execution role
    publishes through its identity policy): the night watch's rules and alarms, nothing else.

    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
    """
    statements = [
        _service_may(sid, service, "sns:Publish", topic_arn, account, sources)
        for sid, service, sources in (
            ("PublishFromNightWatchRules", EVENTS, rule_arns),
            ("PublishFromNightWatchAlarms", CLOUDWATCH, alarm_arns),
        )
        if sources
    ]
    return {"Version": POLICY_VERSION, "Statement": statements}


def dead_letter_queue_policy(queue_arn: str, account: str, rule_arns: Sequence[str]) -> dict[str, Any]:
    """EventBridge may send to the night watch's dead-letter queue only for these rules, from this
    account: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    ("Granting permissions to the dead-letter queue")."""
    statement = _service_may(
        "DeadLettersFromNightWatchRules", EVENTS, "sqs:SendMessage", queue_arn, account, rule_arns
    )
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def _service_may(
    sid: str, service: str, action: str, resource: str, account: str, sources: Sequence[str]
) -> dict[str, Any]:
    """A resource policy's statement: the service may act for these sources of this account only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnEquals": {"aws:SourceArn": list(sources)},
        },
    }
