"""What applying the head does to the running system: resources destroyed and created again, a
connection's secrets back to the placeholder, e-mail addresses that receive nothing yet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from review.findings import Finding, Kind, Rule, Severity, Subject
from review.resources import Action, ResourceChange


@dataclass(frozen=True)
class Consequence:
    rule: Rule
    meaning: str
    """What the replacement means for this project's resource of that type."""


_REPLACED = "Terraform deletes it, then creates it again"
# By resource type (review.resources.FORCES_REPLACEMENT says which changes replace which type).
REPLACEMENTS: Mapping[str, Consequence] = {
    # "A state machine is deleted only when all its executions are completed. On the next state
    # transition, the state machine's executions are terminated":
    # https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html
    "aws_sfn_state_machine": Consequence(
        Rule("RPL001", Kind.REPLACEMENT, Severity.HIGH, "The state machine replaced"),
        f"{_REPLACED}: an execution running then is ended at its next state transition, which no "
        "Catch reports (the night watch does), and the executions' history stays with the old state "
        "machine. Apply when no run is under way.",
    ),
    "aws_scheduler_schedule": Consequence(
        Rule("RPL002", Kind.REPLACEMENT, Severity.MEDIUM, "The schedule replaced"),
        f"{_REPLACED}: a run due in between never starts. Apply away from the schedule's run time.",
    ),
    "aws_cloudwatch_event_connection": Consequence(
        Rule("RPL003", Kind.REPLACEMENT, Severity.MEDIUM, "A connection replaced"),
        f"{_REPLACED}, with a new ARN and a new secret that holds the placeholder until the key step runs.",
    ),
    "aws_iam_role": Consequence(
        Rule("RPL004", Kind.REPLACEMENT, Severity.MEDIUM, "A role replaced"),
        f"{_REPLACED}: whatever assumes it is denied until its policies are attached again, so a "
        "run under way may fail.",
    ),
    "aws_sns_topic": Consequence(
        Rule("RPL005", Kind.REPLACEMENT, Severity.HIGH, "The failure topic replaced"),
        f"{_REPLACED}: its subscriptions go with it, and every e-mail address must confirm again; "
        "until then failure e-mails reach nobody.",
    ),
    # "When you delete a queue, any messages in the queue are no longer available":
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
    "aws_sqs_queue": Consequence(
        Rule("RPL006", Kind.REPLACEMENT, Severity.MEDIUM, "A dead-letter queue replaced"),
        f"{_REPLACED}: the dead letters waiting in it to be looked into are lost.",
    ),
    # "Deletes the specified log group and permanently deletes all the archived log events":
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html
    "aws_cloudwatch_log_group": Consequence(
        Rule("RPL007", Kind.REPLACEMENT, Severity.MEDIUM, "The log group replaced"),
        f"{_REPLACED}: every log event in it is deleted.",
    ),
    "aws_cloudwatch_event_rule": Consequence(
        Rule("RPL008", Kind.REPLACEMENT, Severity.MEDIUM, "A night-watch rule replaced"),
        f"{_REPLACED}: a night that ends badly in between is not reported by it.",
    ),
    "aws_cloudwatch_metric_alarm": Consequence(
        Rule("RPL009", Kind.REPLACEMENT, Severity.LOW, "An alarm replaced"),
        f"{_REPLACED}: its state and history start over, from INSUFFICIENT_DATA.",
    ),
}
ANY_REPLACEMENT = Consequence(
    Rule("RPL000", Kind.REPLACEMENT, Severity.LOW, "Any other resource replaced"), f"{_REPLACED}."
)

CONNECTION_UPDATED = Rule(
    "CON001", Kind.SECRET_RESET, Severity.MEDIUM, "A connection updated or replaced: its secrets reset"
)
# https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
EMAIL_TO_CONFIRM = Rule("SNS001", Kind.SUBSCRIPTION, Severity.MEDIUM, "An e-mail address that must confirm")
EMAIL_PROTOCOLS = frozenset({"email", "email-json"})
RULES = (
    ANY_REPLACEMENT.rule,
    *(consequence.rule for consequence in REPLACEMENTS.values()),
    CONNECTION_UPDATED,
    EMAIL_TO_CONFIRM,
)


def effect_findings(
    changes: Iterable[ResourceChange], head: Mapping[str, Mapping[str, Any]]
) -> list[Finding]:
    """changes: review.resources.resource_changes; head: the head's resources by address."""
    found = []
    for change in changes:
        found += replaced(change) + secret_reset(change) + to_confirm(change, head.get(change.address, {}))
    return found


def replaced(change: ResourceChange) -> list[Finding]:
    if change.action is not Action.REPLACE:
        return []
    consequence = REPLACEMENTS.get(_type(change.address), ANY_REPLACEMENT)
    causes = ", ".join(f"`{a.path}`" for a in change.attributes if a.forces_replacement)
    return [
        consequence.rule.found(
            Subject(resource=change.address), f"replaced ({causes}). {consequence.meaning}"
        )
    ]


def secret_reset(change: ResourceChange) -> list[Finding]:
    """The provider sends the whole authorization on every update, so the secrets Terraform
    ignores return to their placeholder (docs/plan-review.md, "Keys and pull requests")."""
    if _type(change.address) != "aws_cloudwatch_event_connection" or change.action not in (
        Action.CHANGE,
        Action.REPLACE,
    ):
        return []
    return [
        CONNECTION_UPDATED.found(
            Subject(resource=change.address),
            f"{'replaced' if change.action is Action.REPLACE else 'updated'}: its secrets return to the "
            "placeholder on apply, and the HTTP steps that use it fail (401) until the key step puts them "
            "back: `scripts/set-api-keys.sh cdktf.out/stacks/<stack>` (`make deploy` and deploy.yml run "
            "it after every apply).",
        )
    ]


def to_confirm(change: ResourceChange, body: Mapping[str, Any]) -> list[Finding]:
    if _type(change.address) != "aws_sns_topic_subscription" or change.action not in (
        Action.ADD,
        Action.REPLACE,
    ):
        return []
    if body.get("protocol") not in EMAIL_PROTOCOLS:
        return []
    why = "its subscription is replaced" if change.action is Action.REPLACE else "a new subscription"
    return [
        EMAIL_TO_CONFIRM.found(
            Subject(resource=change.address),
            f"`{body.get('endpoint')}` receives nothing until it confirms the e-mail SNS sends on apply ({why}).",
        )
    ]


def _type(address: str) -> str:
    return address.split(".")[0]
