"""What the loader makes of when a schedule runs: the execution timeout ends before the next run,
a schedule that never runs is refused, a run a clock change skips is warned about."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from config_kit.errors import ConfigError, Problem

from core.loading import load_config
from core.night_watch import AlarmWindow
from tests.unit.support import MINIMAL_CONFIG, edited, write

NOW = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
HOUR = 3600


def config_text(expression: str, timezone: str = "UTC", timeout: int | None = None, watch: str = "") -> str:
    lines = f'[schedule]\nexpression = "{expression}"\ntimezone = "{timezone}"\n'
    if timeout is not None:
        lines += f"\n[state_machine]\ntimeout_seconds = {timeout}\n"
    if watch:
        lines += f"\n[night_watch]\n{watch}\n"
    return edited("[connections.ticketing]", lines + "\n[connections.ticketing]")


def load(tmp_path, text: str):
    return load_config(write(tmp_path, text), NOW)


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    return [str(problem).split(": ", 1)[1] for problem in raised.value.problems]


@pytest.mark.parametrize(
    ("expression", "timezone", "timeout"),
    [
        ("cron(0 22,23 * * ? *)", "UTC", 30 * 60),
        ("cron(0 22,23 * * ? *)", "Europe/Berlin", 30 * 60),
        ("cron(0 22-23,0-2 * * ? *)", "UTC", 30 * 60),
        ("cron(0 2,4 * * ? *)", "UTC", HOUR),
        ("cron(0/15 * * * ? *)", "UTC", 7 * 60 + 30),
        ("cron(0 0,12 L * ? *)", "UTC", 6 * HOUR),
        ("cron(0 0,1 1 * ? 2030)", "UTC", 30 * 60),
        ("rate(2 hours)", "UTC", HOUR),
        ("cron(0 22 * * ? *)", "Europe/Berlin", 6 * HOUR),
    ],
)
def test_the_default_timeout_is_half_the_shortest_gap_when_that_is_under_six_hours(
    tmp_path, expression, timezone, timeout
):
    assert load(tmp_path, config_text(expression, timezone)).state_machine.timeout_seconds == timeout


@pytest.mark.parametrize(
    ("expression", "timezone", "shortest"),
    [
        ("cron(0 22,23 * * ? *)", "UTC", HOUR),
        ("cron(30 1,3 * * ? *)", "Europe/Berlin", HOUR),
        ("cron(0 22 * * ? *)", "Europe/Berlin", 23 * HOUR),
        ("cron(0 22 * * ? *)", "America/New_York", 23 * HOUR),
        ("cron(0 8 ? * MON-FRI *)", "UTC", 24 * HOUR),
    ],
)
def test_a_timeout_as_long_as_the_shortest_gap_is_refused_and_one_second_less_kept(
    tmp_path, expression, timezone, shortest
):
    assert problems(tmp_path, config_text(expression, timezone, shortest)) == [
        (
            f"state_machine.timeout_seconds = {shortest}: must be shorter than the schedule's shortest gap "
            f"between runs ({shortest} s for {expression} in {timezone}, clock changes included), so that a "
            "hung run ends before the next starts"
        )
    ]
    kept = load(tmp_path, config_text(expression, timezone, shortest - 1, "missed_night_alarm = false"))
    assert kept.state_machine.timeout_seconds == shortest - 1


def test_the_missed_night_alarm_still_waits_for_the_longest_gap(tmp_path):
    """cron(0 22,23 * * ? *): 23 hours from 23:00 to 22:00, plus an hour of retries and 15 minutes."""
    window = load(tmp_path, config_text("cron(0 22,23 * * ? *)")).night_watch.missed_night_window
    assert window == AlarmWindow(HOUR, 25)


@pytest.mark.parametrize(
    ("expression", "timezone", "never"),
    [
        ("cron(0 8 30 2 ? *)", "UTC", "no date from now on matches day-of-month 30, month 2 and year *"),
        ("cron(0 8 31 4 ? *)", "UTC", "no date from now on matches day-of-month 31, month 4 and year *"),
        (
            "cron(0 8 31 2,4,6 ? *)",
            "UTC",
            "no date from now on matches day-of-month 31, month 2,4,6 and year *",
        ),
        ("cron(0 8 * * ? 2020)", "UTC", "its years 2020 have passed"),
        ("cron(0 8 1 * ? 2026)", "UTC", "no date from now on matches day-of-month 1, month * and year 2026"),
        ("at(2020-01-01T00:00:00)", "UTC", "its moment has passed (it is 2026-12-03T23:30:00 in UTC)"),
        (
            "at(2026-12-04T00:15:00)",
            "Europe/Berlin",
            "its moment has passed (it is 2026-12-04T00:30:00 in Europe/Berlin)",
        ),
    ],
)
def test_a_schedule_that_never_runs_again_is_refused_whatever_the_alarm(
    tmp_path, expression, timezone, never
):
    expected = (
        f'schedule.expression = "{expression}": never starts an execution: {never}; give a schedule that '
        "runs from now on (30 February, 31 April, a past year or a past at(...) never come)"
    )
    assert problems(tmp_path, config_text(expression, timezone)) == [expected]
    assert problems(tmp_path, config_text(expression, timezone, watch="missed_night_alarm = false")) == [
        expected
    ]


@pytest.mark.parametrize(
    "expression", ["at(2026-12-04T00:00:00)", "cron(45 23 3 12 ? 2026)", "cron(0 8 29 2 ? *)"]
)
def test_a_schedule_with_one_run_ahead_is_kept(tmp_path, expression):
    assert load(tmp_path, config_text(expression, watch="missed_night_alarm = false"))


@pytest.mark.parametrize(
    ("expression", "timezone", "skipped"),
    [
        ("cron(30 2 * * ? *)", "Europe/Berlin", "02:30 on 2028-03-26"),
        ("cron(30 2 * * ? *)", "America/New_York", "02:30 on 2028-03-12"),
        ("cron(15 2 * * ? *)", "Europe/Paris", "02:15 on 2028-03-26"),
    ],
)
def test_a_run_the_spring_change_skips_is_a_warning_not_an_error(tmp_path, expression, timezone, skipped):
    path = write(tmp_path, config_text(expression, timezone))
    config = load_config(path, NOW)
    assert config.warnings == (
        Problem(
            str(path),
            "schedule.expression",
            f"runs at a time the clock change skips in {timezone} ({skipped}): EventBridge Scheduler skips "
            "that run, and the missed-night alarm goes off for that night; a time outside the change, or "
            'schedule.timezone = "UTC", runs every night',
            expression,
        ),
    )


@pytest.mark.parametrize(
    ("expression", "timezone"),
    [
        ("cron(30 2 * * ? *)", "UTC"),
        ("cron(30 3 * * ? *)", "Europe/Berlin"),
        ("cron(0 22 * * ? *)", "Europe/Berlin"),
    ],
)
def test_no_warning_for_a_time_every_night_has(tmp_path, expression, timezone):
    assert load(tmp_path, config_text(expression, timezone)).warnings == ()


def test_the_minimal_config_has_no_warning(tmp_path):
    assert load(tmp_path, MINIMAL_CONFIG).warnings == ()


@pytest.mark.parametrize(
    ("expression", "written"),
    [
        ("cron(0 22-2 * * ? *)", "22-23,0-2"),
        ("cron(0 8 * NOV-FEB ? *)", "NOV-DEC,JAN-FEB"),
        ("cron(0 8 ? * FRI-MON *)", "FRI-SAT,SUN-MON"),
    ],
)
def test_a_wrap_around_range_is_refused_with_the_list_to_write_not_a_traceback(tmp_path, expression, written):
    [problem] = problems(tmp_path, config_text(expression))
    assert problem.startswith(f'schedule.expression = "{expression}": must be cron(')
    assert problem.endswith(
        f"runs backwards: AWS documents ranges only from the lower value to the higher; "
        f"for one that wraps around write {written}"
    )


@pytest.mark.parametrize("days", [1, 7, 14])
def test_a_retention_without_any_dead_letter_queue_is_refused(tmp_path, days):
    watch = f"dead_letter_queue = false\nuncaught_failures = false\ndead_letter_retention_days = {days}"
    assert problems(tmp_path, config_text("cron(0 22 * * ? *)", watch=watch)) == [
        (
            f"night_watch.dead_letter_retention_days = {days}: needs dead_letter_queue = true or "
            "uncaught_failures = true: it is how long their queues keep a letter; remove it or turn a queue on"
        )
    ]
    watch_queue_only = f"dead_letter_queue = false\ndead_letter_retention_days = {days}"
    kept = load(tmp_path, config_text("cron(0 22 * * ? *)", watch=watch_queue_only))
    assert not kept.night_watch.dead_letter_queue
    assert kept.night_watch.dead_letter_retention_days == days
    on = load(tmp_path, config_text("cron(0 22 * * ? *)", watch=f"dead_letter_retention_days = {days}"))
    assert on.night_watch.dead_letter_retention_days == days
