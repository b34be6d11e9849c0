"""Schedule expressions in plain words, and schedule changes."""

from __future__ import annotations

import pytest

from review.schedule import ScheduleChange, describe, schedule_changes


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 22 * * ? *)", "every day at 22:00 Europe/Berlin"),
        ("cron(30 23 * * ? *)", "every day at 23:30 Europe/Berlin"),
        ("cron(0 6,18 * * ? *)", "every day at 06:00 and 18:00 Europe/Berlin"),
        ("cron(0 8 ? * MON-FRI *)", "every Monday to Friday at 08:00 Europe/Berlin"),
        ("cron(15 7 ? * 2-6 *)", "every Monday to Friday at 07:15 Europe/Berlin"),
        ("cron(0 9 ? * mon,WED,7 *)", "every Monday, Wednesday and Saturday at 09:00 Europe/Berlin"),
        ("cron(0 0 1 * ? *)", "on day 1 of every month at 00:00 Europe/Berlin"),
        ("cron(0 3 1,15 * ? *)", "on days 1 and 15 of every month at 03:00 Europe/Berlin"),
        ("cron(0 0 L * ? *)", "on the last day of every month at 00:00 Europe/Berlin"),
        ("cron(* * * * ? *)", "every minute"),
        ("cron(0/15 * * * ? *)", "every 15 minutes"),
        ("cron(*/5 * * * ? *)", "every 5 minutes"),
        ("cron(5 * * * ? *)", "every hour at :05"),
        ("cron(0 */2 * * ? *)", "every 2 hours at :00"),
        ("cron(0/10 * ? * MON-FRI *)", "every 10 minutes on Monday to Friday Europe/Berlin"),
        ("rate(1 hour)", "every hour"),
        ("rate(12 hours)", "every 12 hours"),
        ("rate(1 day)", "every day"),
        ("rate(5 minutes)", "every 5 minutes"),
        ("at(2026-12-24T18:00:00)", "once on 2026-12-24 at 18:00 Europe/Berlin"),
        ("at(2026-12-24T18:00:30)", "once on 2026-12-24 at 18:00:30 Europe/Berlin"),
    ],
)
def test_common_expressions_read_as_plain_words(expression, words):
    assert describe(expression, "Europe/Berlin") == words


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 8 1 JAN ? *)",  # a month
        "cron(0 8 * * ? 2027)",  # a year
        "cron(0 8 ? * 6#3 *)",  # the third Friday
        "cron(0 8 15W * ? *)",  # the nearest weekday
        "cron(0 9-17 * * ? *)",  # a range of hours
        "cron(5/15 * * * ? *)",  # a step from another start
        "cron(0 25 * * ? *)",  # out of range
        "cron(0 22 * * *)",  # five fields
        "rate(2 weeks)",
        "at(tomorrow)",
    ],
)
def test_other_expressions_are_shown_as_written(expression):
    assert describe(expression, "UTC") == f"`{expression}` UTC"


def schedule(expression: str, timezone: str = "Europe/Berlin", state: str = "ENABLED") -> dict:
    body = {
        "name": "nightly",
        "schedule_expression": expression,
        "schedule_expression_timezone": timezone,
        "state": state,
    }
    return {"resource": {"aws_scheduler_schedule": {"Nightly": body}}}


def test_a_moved_schedule_reads_before_and_after():
    assert schedule_changes(schedule("cron(0 22 * * ? *)"), schedule("cron(30 23 * * ? *)")) == (
        ScheduleChange(
            "aws_scheduler_schedule.Nightly",
            "nightly",
            "every day at 22:00 Europe/Berlin",
            "every day at 23:30 Europe/Berlin",
        ),
    )


def test_a_time_zone_change_and_a_disabled_schedule_are_changes():
    [change] = schedule_changes(
        schedule("cron(0 22 * * ? *)"), schedule("cron(0 22 * * ? *)", "UTC", "DISABLED")
    )
    assert change.after == "every day at 22:00 UTC, disabled"


def test_new_and_removed_schedules_have_one_side():
    [added] = schedule_changes({}, schedule("rate(1 hour)"))
    [removed] = schedule_changes(schedule("rate(1 hour)"), {})
    assert (added.before, added.after) == (None, "every hour")
    assert (removed.before, removed.after) == ("every hour", None)


def test_an_unchanged_schedule_is_not_listed():
    assert schedule_changes(schedule("rate(1 hour)"), schedule("rate(1 hour)")) == ()
