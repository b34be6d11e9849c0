"""[schedule]: the EventBridge Scheduler schedule that starts the pipeline.

The expression is parsed once, here, and kept as what it means (ScheduleSettings.recurrence):
the state machine's timeout and the night watch's missed-night alarm are read from it. A schedule
that never starts an execution is refused, and a run a clock change skips is warned about."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aws_facts import rules as aws_rules
from aws_facts.schedule_expression import Expression, InvalidExpression, parse
from aws_facts.schedule_window import Recurrence, recurrence
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core import fire_drill
from core.sections import read_section, setting


@dataclass(frozen=True, kw_only=True)
class ScheduleSettings:
    expression: str = "cron(0 22 * * ? *)"
    """Default: every night at 22:00 in the schedule's time zone."""
    timezone: str = "UTC"
    enabled: bool = True
    input: Mapping[str, Any] = field(default_factory=dict)
    """The execution input. Default: {}."""
    group: str = aws_rules.DEFAULT_SCHEDULE_GROUP
    """Default: the account's default group. The stack creates any other group."""
    retry_attempts: int = 2
    """How often Scheduler retries a failed StartExecution (aws_rules.SCHEDULE_RETRY_ATTEMPTS)."""
    max_event_age_seconds: int = 3600
    """How long Scheduler keeps retrying (aws_rules.SCHEDULE_MAX_EVENT_AGE_SECONDS)."""
    description: str | None = None
    """Shown with the schedule in the console and `aws scheduler get-schedule`. Default: none."""
    recurrence: Recurrence | None = field(default=None, compare=False)
    """When the expression runs, in the time zone; None when either is invalid (reported)."""

    def input_json(self) -> str:
        return json.dumps(self.input, sort_keys=True)


SCHEDULE = Section(
    "schedule",
    "The EventBridge Scheduler schedule that starts the pipeline.",
    keys=(
        setting(
            ScheduleSettings,
            "expression",
            Kind.STRING,
            "`cron(...)` (6 fields, `?` in one day field), `rate(...)` or `at(...)`. Ranges run from the "
            "lower value to the higher (`22-23,0-2`, not `22-2`). One that never runs again (30 February, a "
            "past year or `at(...)`) is refused; a time the spring clock change skips in `timezone` is "
            "warned about, as Scheduler skips that night's run.",
        ),
        setting(ScheduleSettings, "timezone", Kind.STRING, "An IANA time zone.", check=validators.timezone),
        setting(ScheduleSettings, "enabled", Kind.BOOLEAN, "Whether the schedule starts executions."),
        setting(ScheduleSettings, "input", Kind.TABLE, "The execution input, as a table."),
        setting(
            ScheduleSettings,
            "group",
            Kind.STRING,
            "The schedule group. Any other than `default` is created by this stack (so two stacks in one "
            "account and region cannot name the same one).",
            check=validators.schedule_group,
        ),
        setting(
            ScheduleSettings,
            "retry_attempts",
            Kind.INTEGER,
            "How often Scheduler retries a failed StartExecution.",
            bounds=aws_rules.SCHEDULE_RETRY_ATTEMPTS,
        ),
        setting(
            ScheduleSettings,
            "max_event_age_seconds",
            Kind.INTEGER,
            "How long Scheduler keeps retrying.",
            bounds=aws_rules.SCHEDULE_MAX_EVENT_AGE_SECONDS,
        ),
        setting(
            ScheduleSettings,
            "description",
            Kind.STRING,
            f"What the schedule is for, shown with it in the console; at most "
            f"{aws_rules.MAX_SCHEDULE_DESCRIPTION} characters.",
            check=validators.schedule_description,
        ),
    ),
)


def read_schedule(table: Table, now: datetime | None = None) -> ScheduleSettings:
    """now: when "never runs again" is judged from (default: the clock)."""
    schedule = read_section(table, SCHEDULE, ScheduleSettings)
    parsed = _parsed(table, schedule.expression)
    if fire_drill.INPUT_KEY in schedule.input:
        table.problem(
            f"input.{fire_drill.INPUT_KEY}",
            "must not be set: it asks for a fire drill, which only scripts/fire-drill.sh may start; "
            "remove the key",
            schedule.input[fire_drill.INPUT_KEY],
        )
    table.finish()
    if parsed is None or validators.timezone(schedule.timezone):
        return schedule
    runs = recurrence(parsed, schedule.timezone, now)
    _check_runs(table, schedule, runs)
    return replace(schedule, recurrence=runs)


def _parsed(table: Table, expression: str) -> Expression | None:
    """None when the expression is invalid, reported here or, when it is no string, by the reader."""
    if not isinstance(table.data.get("expression", expression), str):
        return None
    try:
        return parse(expression)
    except InvalidExpression as error:
        table.problem("expression", validators.invalid_schedule_expression(error))
        return None


def _check_runs(table: Table, schedule: ScheduleSettings, runs: Recurrence) -> None:
    if runs.never:
        table.problem(
            "expression",
            f"never starts an execution: {runs.never}; give a schedule that runs from now on "
            "(30 February, 31 April, a past year or a past at(...) never come)",
            schedule.expression,
        )
    if runs.skipped:
        table.problems.warn(
            table.field("expression"),
            f"runs at a time the clock change skips in {schedule.timezone} ({runs.skipped}): EventBridge "
            "Scheduler skips that run, and the missed-night alarm goes off for that night; a time "
            'outside the change, or schedule.timezone = "UTC", runs every night',
            schedule.expression,
        )
