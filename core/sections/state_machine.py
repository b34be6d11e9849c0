"""[state_machine]: the state machine, its logs, tracing and execution timeout."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from aws_facts.rules import Bounds
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core.night_watch import StatusAlarm, WatchedEnd
from core.sections import read_section, setting
from core.sections.schedule import ScheduleSettings


class LogLevel(Enum):
    ALL = "ALL"
    ERROR = "ERROR"
    FATAL = "FATAL"
    OFF = "OFF"


DEFAULT_TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True, kw_only=True)
class StateMachineSettings:
    name: str
    log_level: LogLevel = LogLevel.ERROR
    log_retention_days: int = 30
    include_execution_data: bool = False
    """Default: logs leave out inputs and outputs, which may hold data you'd rather not keep."""
    tracing: bool = False
    """Default: no X-Ray tracing."""
    test_state_role: bool = False
    """Also create a role for trying single states in the console's "Test state".
    Default: no such role."""
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    """An execution still running after this long ends TIMED_OUT (the night watch reports it).
    Default: 6 hours, or half the schedule's shortest gap between runs if that is shorter."""


def longest_state_machine_name(test_state_role: bool = False) -> int:
    """The longest state machine name whose derived names all fit AWS's limits, the connections'
    `<name>-<connection>` aside: their room depends on each connection's name."""
    roles = [aws_names.execution_role_name, aws_names.scheduler_role_name, aws_names.ticket_target_role_name]
    roles += [aws_names.test_state_role_name] if test_state_role else []
    derived = [(aws_rules.IAM_ROLE_NAME, role) for role in roles] + [
        (aws_rules.SCHEDULE_NAME, aws_names.schedule_name),
        (aws_rules.LOG_GROUP_NAME, aws_names.log_group_name),
        (aws_rules.SNS_TOPIC_NAME, aws_names.default_topic_name),
        (aws_rules.API_DESTINATION_NAME, aws_names.ticket_destination_name),
        (aws_rules.SQS_QUEUE_NAME, aws_names.schedule_dead_letter_queue_name),
        (aws_rules.ALARM_NAME, aws_names.dead_letter_alarm_name),
        (aws_rules.ALARM_NAME, aws_names.missed_night_alarm_name),
        (aws_rules.SQS_QUEUE_NAME, aws_names.night_watch_dead_letter_queue_name),
        (aws_rules.ALARM_NAME, aws_names.night_watch_dead_letter_alarm_name),
        *((aws_rules.EVENT_RULE_NAME, end.rule_name) for end in WatchedEnd),
        *((aws_rules.ALARM_NAME, alarm.alarm_name) for alarm in StatusAlarm),
    ]
    return min(
        aws_rules.STATE_MACHINE_NAME.max_length, *(rule.max_length - len(name("")) for rule, name in derived)
    )


STATE_MACHINE = Section(
    "state_machine",
    "The state machine, its logs and tracing.",
    keys=(
        setting(
            StateMachineSettings,
            "name",
            Kind.STRING,
            "Also the schedule's name and the prefix of the role, connection, log group and topic names, "
            f"each checked against AWS's rule: at most {longest_state_machine_name()} characters leaves room "
            f"for `<name>-execution` (IAM roles take {aws_rules.IAM_ROLE_NAME.max_length}), "
            f"{longest_state_machine_name(test_state_role=True)} with `test_state_role`; each connection's "
            f"`<name>-<connection>` must fit in {aws_rules.CONNECTION_NAME.max_length} too. Two stacks that "
            "would create the same name are refused: IAM role names are unique in an account whatever their "
            "letter case, the others in an account and region.",
            derived=True,
            default_doc="`stack.name`",
            check=validators.state_machine_name,
        ),
        setting(
            StateMachineSettings,
            "log_level",
            Kind.STRING,
            "`OFF` also drops the logging permissions, the log group and the log destination.",
            choices=tuple(level.value for level in LogLevel),
        ),
        setting(
            StateMachineSettings,
            "log_retention_days",
            Kind.INTEGER,
            "One of the periods CloudWatch Logs offers: "
            + ", ".join(str(days) for days in sorted(aws_rules.LOG_RETENTION_DAYS))
            + ".",
            bounds=Bounds(min(aws_rules.LOG_RETENTION_DAYS), max(aws_rules.LOG_RETENTION_DAYS)),
        ),
        setting(
            StateMachineSettings,
            "include_execution_data",
            Kind.BOOLEAN,
            "Log inputs and outputs, which may hold data you would rather not keep.",
        ),
        setting(StateMachineSettings, "tracing", Kind.BOOLEAN, "X-Ray tracing, with its permissions."),
        setting(
            StateMachineSettings,
            "test_state_role",
            Kind.BOOLEAN,
            'Also create a role for the console\'s "Test state"; see '
            "[trying the ticket state](iam.md#trying-the-ticket-state-in-the-console).",
        ),
        setting(
            StateMachineSettings,
            "timeout_seconds",
            Kind.INTEGER,
            "An execution still running after this long ends TIMED_OUT, and the night watch reports it. "
            "Shorter than the schedule's shortest gap between runs (clock changes included), so that it "
            "ends before the next run starts.",
            derived=True,
            default_doc=f"{DEFAULT_TIMEOUT_SECONDS // 3600} hours, or half the schedule's shortest gap if "
            "shorter",
            bounds=aws_rules.STATE_TIMEOUT_SECONDS,
        ),
    ),
)


def read_state_machine(table: Table, stack_name: str, schedule: ScheduleSettings) -> StateMachineSettings:
    """schedule: read first; its shortest gap between runs bounds the execution timeout."""
    shortest = schedule.recurrence.shortest_gap_seconds if schedule.recurrence else None
    settings = read_section(
        table,
        STATE_MACHINE,
        StateMachineSettings,
        derived={"name": lambda _: stack_name, "timeout_seconds": lambda _: default_timeout(shortest)},
    )
    if retention_problem := validators.log_retention_days(settings.log_retention_days):
        table.problem("log_retention_days", retention_problem)
    if "timeout_seconds" in table.data and shortest and settings.timeout_seconds >= shortest:
        table.problem(
            "timeout_seconds",
            f"must be shorter than the schedule's shortest gap between runs ({shortest} s for "
            f"{schedule.expression} in {schedule.timezone}, clock changes included), so that a hung run "
            "ends before the next starts",
            settings.timeout_seconds,
        )
    table.finish()
    return settings


def default_timeout(shortest_gap_seconds: int | None) -> int:
    """6 hours, or half the schedule's shortest gap between runs if shorter: an execution must end
    before the next one starts."""
    if shortest_gap_seconds:
        return min(DEFAULT_TIMEOUT_SECONDS, shortest_gap_seconds // 2)
    return DEFAULT_TIMEOUT_SECONDS
