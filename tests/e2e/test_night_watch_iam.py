"""The night watch's IAM as applied, in the policy simulator: each grant, and its denied neighbours.

- the ticket role: EventBridge, from this account and these two rules, may invoke this
  API destination and nothing else;
- the scheduler role: sqs:SendMessage on the schedule's dead-letter queue only;
- the watch's dead-letter queue: EventBridge, from this account and these two rules, may send
  to it, and do nothing else;
- the topic policy: EventBridge may publish from these rules, CloudWatch from these alarms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import pytest

from offline.applied_iam import AppliedRole, applied_role
from offline.policy_simulator import IamRequest, simulate
from tests.e2e.applied import Applied
from tests.e2e.prerequisites import require

ALLOWED = "Allowed"
DENIED = "ImplicitlyDenied"


@dataclass
class Watch:
    applied: Applied

    @property
    def emulator(self):
        return self.applied.deployment.emulator

    @cached_property
    def rules(self) -> dict[str, dict]:
        return {rule["Name"]: rule for rule in self.emulator.client("events").list_rules()["Rules"]}

    def rule_arn(self, suffix: str) -> str:
        return self.rules[f"{self.applied.deployment.config.state_machine.name}-{suffix}"]["Arn"]

    @cached_property
    def ticket_target(self) -> dict:
        targets = self.emulator.client("events").list_targets_by_rule(
            Rule=self.rule_arn("uncaught").split("/")[-1]
        )
        return next(target for target in targets["Targets"] if target["Id"] == "OpenSupportTicket")

    @cached_property
    def ticket_role(self) -> AppliedRole:
        return applied_role(self.emulator.client("iam"), self.ticket_target["RoleArn"])

    @property
    def queue_arn(self) -> str:
        return self.applied.schedule["Target"]["DeadLetterConfig"]["Arn"]

    @cached_property
    def watch_queue(self) -> tuple[str, dict]:
        """The ARN and policy of the night watch's dead-letter queue, as applied."""
        sqs = self.emulator.client("sqs")
        [url] = set(self.applied.deployment.outputs["night_watch_dead_letter_queues"].values())
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "Policy"])[
            "Attributes"
        ]
        return attributes["QueueArn"], json.loads(attributes["Policy"])

    @cached_property
    def topic_policy(self) -> dict:
        sns = self.emulator.client("sns")
        topic = self.applied.deployment.outputs["topic_arn"]
        return json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])

    def alarm_arn(self, suffix: str) -> str:
        return self.applied.arn(
            "cloudwatch", f"alarm:{self.applied.deployment.config.state_machine.name}-{suffix}"
        )


Case = Callable[[Watch], IamRequest]


def as_ticket_role(resource: Callable[[Watch], str]) -> Case:
    return lambda watch: IamRequest(
        id="",
        principal=watch.ticket_role.session_arn("events"),
        action="events:InvokeApiDestination",
        resource=resource(watch),
        account=watch.applied.account,
        identity_policies=watch.ticket_role.identity_policies(),
    )


def service_request(
    service: str,
    action: str,
    resource: Callable[[Watch], tuple[str, dict]],
    source_arn: Callable[[Watch], str],
    account: str | None = None,
) -> Case:
    """A service acting for a source: resource gives the resource's ARN and its policy."""

    def build(watch: Watch) -> IamRequest:
        arn, policy = resource(watch)
        return IamRequest(
            id="",
            principal=service,
            action=action,
            resource=arn,
            account=watch.applied.account,
            context={
                "aws:SourceAccount": account or watch.applied.account,
                "aws:SourceArn": source_arn(watch),
            },
            resource_policy=policy,
        )

    return build


def events_assumes_ticket_role(source_arn: Callable[[Watch], str], account: str | None = None) -> Case:
    role = lambda watch: (watch.ticket_role.arn, watch.ticket_role.trust_policy)
    return service_request("events.amazonaws.com", "sts:AssumeRole", role, source_arn, account)


def events_dead_letters(
    source_arn: Callable[[Watch], str], action: str = "sqs:SendMessage", account: str | None = None
) -> Case:
    return service_request(
        "events.amazonaws.com", action, lambda watch: watch.watch_queue, source_arn, account
    )


def as_scheduler_role(action: str, resource: Callable[[Watch], str]) -> Case:
    return lambda watch: IamRequest(
        id="",
        principal=watch.applied.scheduler_role.session_arn("scheduler"),
        action=action,
        resource=resource(watch),
        account=watch.applied.account,
        identity_policies=watch.applied.scheduler_role.identity_policies(),
    )


def service_publishes(service: str, source_arn: Callable[[Watch], str]) -> Case:
    topic = lambda watch: (watch.applied.deployment.outputs["topic_arn"], watch.topic_policy)
    return service_request(service, "sns:Publish", topic, source_arn)


def other_destination(watch: Watch) -> str:
    return watch.applied.arn("events", "api-destination/someone-else/6f1c1a02-0000-4000-8000-000000000000")


RULE_SCOPED: dict[str, Callable[..., Case]] = {
    "assumes the ticket role": events_assumes_ticket_role,
    "dead-letters": events_dead_letters,
}

CASES: dict[str, tuple[str, Case]] = {
    "ticket role invokes the ticket destination": (ALLOWED, as_ticket_role(lambda w: w.ticket_target["Arn"])),
    "ticket role invokes another destination": (DENIED, as_ticket_role(other_destination)),
    # What EventBridge may do only for the watch's two rules, from this account.
    **{
        f"EventBridge {what} for the {rule} rule": (ALLOWED, case(lambda w, r=rule: w.rule_arn(r)))
        for what, case in RULE_SCOPED.items()
        for rule in ("stopped", "uncaught")
    },
    **{
        f"EventBridge {what} for another rule": (
            DENIED,
            case(lambda w: w.applied.arn("events", "rule/someone-else")),
        )
        for what, case in RULE_SCOPED.items()
    },
    **{
        f"EventBridge of another account {what}": (
            DENIED,
            case(lambda w: w.rule_arn("uncaught"), account="222222222222"),
        )
        for what, case in RULE_SCOPED.items()
    },
    "scheduler role sends to its dead-letter queue": (
        ALLOWED,
        as_scheduler_role("sqs:SendMessage", lambda w: w.queue_arn),
    ),
    "scheduler role sends to another queue": (
        DENIED,
        as_scheduler_role("sqs:SendMessage", lambda w: w.applied.arn("sqs", "someone-else")),
    ),
    "scheduler role reads its dead-letter queue": (
        DENIED,
        as_scheduler_role("sqs:ReceiveMessage", lambda w: w.queue_arn),
    ),
    "EventBridge reads the watch's dead-letter queue": (
        DENIED,
        events_dead_letters(lambda w: w.rule_arn("uncaught"), action="sqs:ReceiveMessage"),
    ),
    "the uncaught rule publishes to the topic": (
        ALLOWED,
        service_publishes("events.amazonaws.com", lambda w: w.rule_arn("uncaught")),
    ),
    "another rule publishes to the topic": (
        DENIED,
        service_publishes("events.amazonaws.com", lambda w: w.applied.arn("events", "rule/someone-else")),
    ),
    "the missed-night alarm publishes to the topic": (
        ALLOWED,
        service_publishes("cloudwatch.amazonaws.com", lambda w: w.alarm_arn("missed-night")),
    ),
    "the dead-letter alarm publishes to the topic": (
        ALLOWED,
        service_publishes("cloudwatch.amazonaws.com", lambda w: w.alarm_arn("schedule-dead-letters")),
    ),
    **{
        f"the {alarm} alarm publishes to the topic": (
            ALLOWED,
            service_publishes("cloudwatch.amazonaws.com", lambda w, a=alarm: w.alarm_arn(a)),
        )
        for alarm in ("timed-out", "aborted", "watch-dead-letters")
    },
    "another alarm publishes to the topic": (
        DENIED,
        service_publishes(
            "cloudwatch.amazonaws.com", lambda w: w.applied.arn("cloudwatch", "alarm:someone-else")
        ),
    ),
}


@pytest.fixture(scope="module")
def decisions(deployment) -> dict[str, str]:
    require("node")
    watch = Watch(Applied(deployment))
    return simulate([replace(build(watch), id=case_id) for case_id, (_, build) in CASES.items()])


@pytest.mark.parametrize(("case_id", "expected"), [(case_id, case[0]) for case_id, case in CASES.items()])
def test_the_simulator_decides(decisions, case_id, expected):
    assert decisions[case_id] == expected
