"""[night_watch]: what reports the nights the state machine cannot report itself (core.night_watch)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core.night_watch import AlarmWindow, StatusAlarm, WatchedEnd, missed_night_window
from core.sections import read_section, setting
from core.sections.schedule import ScheduleSettings


@dataclass(frozen=True, kw_only=True)
class NightWatchSettings:
    """What each key does is documented once, in NIGHT_WATCH below."""

    uncaught_failures: bool = True
    ticket: bool = True
    """The uncaught-failure rules also open a ticket. Default: on, when the rules are."""
    dead_letter_queue: bool = True
    dead_letter_retention_days: int = aws_rules.SQS_RETENTION_DAYS.high
    """How long a dead letter stays to be looked into, in whole days (aws_rules.SQS_RETENTION_DAYS)."""
    missed_night_alarm: bool = True
    """Asked for; missed_night_window says whether the schedule allows it."""
    missed_night_window: AlarmWindow | None = None
    """The window of the missed-night alarm; None: no such alarm (a schedule that is disabled,
    runs once, or whose gaps cannot be computed, or night_watch.missed_night_alarm = false)."""


NIGHT_WATCH = Section(
    "night_watch",
    "What reports the nights the state machine cannot report itself; all on by default. See "
    "[failure-coverage.md](failure-coverage.md#configuration).",
    keys=(
        setting(
            NightWatchSettings,
            "uncaught_failures",
            Kind.BOOLEAN,
            "EventBridge rules for TIMED_OUT, ABORTED and uncatchable errors, e-mailing the topic.",
        ),
        setting(
            NightWatchSettings,
            "ticket",
            Kind.BOOLEAN,
            "Those rules also open a ticket (an API destination); needs `uncaught_failures`.",
            derived=True,
            default_doc="`uncaught_failures`",
        ),
        setting(
            NightWatchSettings,
            "dead_letter_queue",
            Kind.BOOLEAN,
            "Scheduler's dead-letter queue (runs it could not start) and an alarm on it.",
        ),
        setting(
            NightWatchSettings,
            "dead_letter_retention_days",
            Kind.INTEGER,
            "How long a dead letter stays to be looked into, in the schedule's queue and the watch's; only "
            "with `dead_letter_queue` or `uncaught_failures`.",
            bounds=aws_rules.SQS_RETENTION_DAYS,
        ),
        setting(
            NightWatchSettings,
            "missed_night_alarm",
            Kind.BOOLEAN,
            "An alarm when a night passes without an execution starting. Only for an enabled schedule "
            "that recurs; write `false` for any other.",
        ),
    ),
)


def read_night_watch(table: Table, schedule: ScheduleSettings) -> NightWatchSettings:
    """schedule: read first; the missed-night alarm waits for its longest gap between runs."""
    settings = read_section(
        table, NIGHT_WATCH, NightWatchSettings, derived={"ticket": lambda read: read["uncaught_failures"]}
    )
    settings = replace(settings, missed_night_window=_missed_night_window(table, settings, schedule))
    if settings.ticket and not settings.uncaught_failures:
        table.problem("ticket", "needs uncaught_failures = true: the tickets come from those rules")
    if (
        not (settings.dead_letter_queue or settings.uncaught_failures)
        and "dead_letter_retention_days" in table.data
    ):
        table.problem(
            "dead_letter_retention_days",
            "needs dead_letter_queue = true or uncaught_failures = true: it is how long their queues "
            "keep a letter; remove it or turn a queue on",
        )
    table.finish()
    return settings


def _missed_night_window(
    table: Table, settings: NightWatchSettings, schedule: ScheduleSettings
) -> AlarmWindow | None:
    """On by default when the schedule is enabled and recurs; asked for where it cannot be, an error."""
    gap = schedule.recurrence
    if not settings.missed_night_alarm or gap is None or gap.never:
        return None
    if gap.longest_gap_seconds is None or not schedule.enabled:
        if "missed_night_alarm" in table.data:
            reason = gap.why_none or "the schedule is disabled (schedule.enabled = false)"
            table.problem(
                "missed_night_alarm",
                f"cannot watch schedule.expression {schedule.expression!r}: {reason}; set it to false",
            )
        return None
    window = missed_night_window(gap.longest_gap_seconds, schedule.max_event_age_seconds)
    if isinstance(window, str):
        table.problems.add("schedule.expression", window, schedule.expression)
        return None
    return window


def derived_names(name: str, watch: NightWatchSettings) -> list[tuple[aws_rules.NameRule, str]]:
    """The AWS names the parts that are on derive from the state machine's name."""
    derived = []
    if watch.uncaught_failures:
        derived += [(aws_rules.EVENT_RULE_NAME, end.rule_name(name)) for end in WatchedEnd]
        derived += [(aws_rules.ALARM_NAME, alarm.alarm_name(name)) for alarm in StatusAlarm]
        derived += [
            (aws_rules.SQS_QUEUE_NAME, aws_names.night_watch_dead_letter_queue_name(name)),
            (aws_rules.ALARM_NAME, aws_names.night_watch_dead_letter_alarm_name(name)),
        ]
    if watch.ticket:
        derived += [
            (aws_rules.API_DESTINATION_NAME, aws_names.ticket_destination_name(name)),
            (aws_rules.IAM_ROLE_NAME, aws_names.ticket_target_role_name(name)),
        ]
    if watch.dead_letter_queue:
        derived += [
            (aws_rules.SQS_QUEUE_NAME, aws_names.schedule_dead_letter_queue_name(name)),
            (aws_rules.ALARM_NAME, aws_names.dead_letter_alarm_name(name)),
        ]
    if watch.missed_night_window:
        derived.append((aws_rules.ALARM_NAME, aws_names.missed_night_alarm_name(name)))
    return derived
