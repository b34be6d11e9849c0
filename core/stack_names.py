"""Every AWS name a stack creates, and where AWS wants each one unique, so that two stacks that
would create the same name are refused at synth rather than at the second stack's apply.

- IAM role names are unique in the account, across regions, and "not distinguished by case"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names).
- The others are unique in their account and region: state machines, log groups, SNS topics,
  EventBridge connections, rules (on the default bus) and API destinations, SQS queues and
  CloudWatch alarms; a schedule in its schedule group. Those compare with their case.
A stack's account is known only when stack.account_id is set, so two stacks count as one account
unless both name different ones. (The schedule group a stack creates is checked with the stack
name and the state file, in core.loading.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit.errors import Problem
from core.config import PipelineConfig
from core.night_watch import StatusAlarm, WatchedEnd
from core.sections.state_machine import LogLevel
from core.steps.start_execution import StateMachineStep


@dataclass(frozen=True)
class StackName:
    what: str
    """What the name names, for messages: "IAM role name"."""
    name: str
    field: str
    """The configuration key the name comes from."""
    in_account: bool = False
    """True: unique in the whole account, letter case ignored (IAM); else in the region."""
    within: str = ""
    """A namespace inside the region: a schedule's group."""

    def key(self, region: str) -> tuple[str, ...]:
        if self.in_account:
            return (self.what, self.name.casefold())
        return (self.what, region, self.within, self.name)


def stack_names(config: PipelineConfig) -> list[StackName]:
    """The names config's stack creates, the parts that are off left out."""
    machine = config.state_machine.name
    field = "state_machine.name"
    role = aws_rules.IAM_ROLE_NAME.what
    names = [
        StackName(aws_rules.STATE_MACHINE_NAME.what, machine, field),
        StackName(role, aws_names.execution_role_name(machine), field, in_account=True),
        StackName(role, aws_names.scheduler_role_name(machine), field, in_account=True),
        StackName(
            aws_rules.SCHEDULE_NAME.what,
            aws_names.schedule_name(machine),
            field,
            within=config.schedule.group,
        ),
        StackName(aws_rules.SNS_TOPIC_NAME.what, config.notifications.topic_name, "notifications.topic_name"),
        *(
            StackName(
                aws_rules.CONNECTION_NAME.what, aws_names.connection_name(machine, key), f"connections.{key}"
            )
            for key in config.connections
        ),
    ]
    if config.state_machine.log_level is not LogLevel.OFF:
        names.append(StackName(aws_rules.LOG_GROUP_NAME.what, aws_names.log_group_name(machine), field))
    if config.state_machine.test_state_role:
        names.append(StackName(role, aws_names.test_state_role_name(machine), field, in_account=True))
    return names + list(_night_watch_names(config, field))


def _night_watch_names(config: PipelineConfig, field: str) -> Iterator[StackName]:
    machine, watch = config.state_machine.name, config.night_watch
    if watch.uncaught_failures:
        yield from (
            StackName(aws_rules.EVENT_RULE_NAME.what, end.rule_name(machine), field) for end in WatchedEnd
        )
        yield StackName(
            aws_rules.SQS_QUEUE_NAME.what, aws_names.night_watch_dead_letter_queue_name(machine), field
        )
        yield StackName(
            aws_rules.ALARM_NAME.what, aws_names.night_watch_dead_letter_alarm_name(machine), field
        )
        yield from (
            StackName(aws_rules.ALARM_NAME.what, alarm.alarm_name(machine), field) for alarm in StatusAlarm
        )
    if watch.ticket:
        yield StackName(
            aws_rules.API_DESTINATION_NAME.what, aws_names.ticket_destination_name(machine), field
        )
        yield StackName(
            aws_rules.IAM_ROLE_NAME.what, aws_names.ticket_target_role_name(machine), field, in_account=True
        )
    if watch.dead_letter_queue:
        yield StackName(
            aws_rules.SQS_QUEUE_NAME.what, aws_names.schedule_dead_letter_queue_name(machine), field
        )
        yield StackName(aws_rules.ALARM_NAME.what, aws_names.dead_letter_alarm_name(machine), field)
    if watch.missed_night_window:
        yield StackName(aws_rules.ALARM_NAME.what, aws_names.missed_night_alarm_name(machine), field)


def shared_name_problems(configs: list[PipelineConfig]) -> list[Problem]:
    """One problem per later stack and field whose names an earlier stack already creates."""
    owners: dict[tuple[str, ...], list[tuple[PipelineConfig, StackName]]] = {}
    clashes: dict[tuple[int, str, str], list[str]] = {}
    for index, config in enumerate(configs):
        for name in stack_names(config):
            key = name.key(config.stack.region)
            first = next(
                (owner for owner, _ in owners.get(key, []) if _may_share_an_account(owner, config)), None
            )
            if first is not None:
                taken = next(other.name for owner, other in owners[key] if owner is first)
                shown = f"{name.what} {name.name!r}" + (f" (there {taken!r})" if taken != name.name else "")
                clashes.setdefault((index, name.field, first.source), []).append(shown)
            owners.setdefault(key, []).append((config, name))
    return [
        Problem(
            configs[index].source,
            field,
            f"gives the same AWS names as {first}: {', '.join(names)}, so the second apply would fail. IAM "
            "role names are unique in an account whatever their letter case, the others in an account and "
            "region (stack.region), unless both files set different stack.account_id values; choose "
            "another name",
            _value(configs[index], field),
        )
        for (index, field, first), names in clashes.items()
    ]


def _value(config: PipelineConfig, field: str) -> str:
    if field == "notifications.topic_name":
        return config.notifications.topic_name
    return config.state_machine.name if field == "state_machine.name" else field.split(".", 1)[1]


def _may_share_an_account(first: PipelineConfig, second: PipelineConfig) -> bool:
    accounts = (first.stack.account_id, second.stack.account_id)
    return None in accounts or accounts[0] == accounts[1]


def self_start_problems(config: PipelineConfig) -> list[Problem]:
    """A state_machine step that would start this stack's own state machine: each night would start
    another run of itself, which starts another, until an execution quota stops them."""
    own = config.state_machine.name
    problems = []
    for index, step in enumerate(config.steps):
        if not isinstance(step, StateMachineStep):
            continue
        # arn:partition:states:region:account:stateMachine:name, as the step's own check requires.
        _, _, _, region, account, _, name = step.state_machine_arn.split(":")
        if (name, region) == (own, config.stack.region) and config.stack.account_id in (None, account):
            problems.append(
                Problem(
                    config.source,
                    f"steps[{index}].state_machine",
                    f"is this stack's own state machine ({own} in {region}): every run would start another "
                    "run of itself; name another state machine",
                    step.state_machine_arn,
                )
            )
    return problems
