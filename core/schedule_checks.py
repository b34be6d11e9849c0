"""What the loader says about when a schedule runs (aws_facts.schedule_window): a schedule that
never starts an execution is refused, an execution timeout must end before the next run, and
a run that a clock change skips is warned about."""

from __future__ import annotations

from aws_facts.schedule_window import Recurrence
from config_kit.toml_table import Problems

from core.config import DEFAULT_TIMEOUT_SECONDS, ScheduleSettings

EXPRESSION_FIELD = "schedule.expression"
TIMEOUT_FIELD = "state_machine.timeout_seconds"


def check_runs(problems: Problems, schedule: ScheduleSettings, gap: Recurrence) -> None:
    if gap.never:
        problems.add(
            EXPRESSION_FIELD,
            f"never starts an execution: {gap.never}; give a schedule that runs from now on "
            "(30 February, 31 April, a past year or a past at(...) never come)",
            schedule.expression,
        )
    if gap.skipped:
        problems.warn(
            EXPRESSION_FIELD,
            f"runs at a time the clock change skips in {schedule.timezone} ({gap.skipped}): EventBridge "
            "Scheduler skips that run, and the missed-night alarm goes off for that night; a time "
            'outside the change, or schedule.timezone = "UTC", runs every night',
            schedule.expression,
        )


def execution_timeout(
    problems: Problems, given: int, schedule: ScheduleSettings, gap: Recurrence | None
) -> int:
    """given (0: not set) checked against the shortest gap between runs, or the default: 6 hours,
    or half that gap if shorter. An execution must end before the next one starts."""
    shortest = gap.shortest_gap_seconds if gap else None
    if not given:
        return min(DEFAULT_TIMEOUT_SECONDS, shortest // 2) if shortest else DEFAULT_TIMEOUT_SECONDS
    if shortest and given >= shortest:
        problems.add(
            TIMEOUT_FIELD,
            f"must be shorter than the schedule's shortest gap between runs ({shortest} s for "
            f"{schedule.expression} in {schedule.timezone}, clock changes included), so that a hung run "
            "ends before the next starts",
            given,
        )
    return given
