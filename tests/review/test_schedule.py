"""Schedule expressions in plain words, and schedule changes."""

from __future__ import annotations

import pytest

from review.schedule import ScheduleChange, describe, schedule_changes


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 22 * * ? *)", "At 22:00 (Europe/Berlin)"),
        ("cron(30 23 * * ? *)", "At 23:30 (Europe/Berlin)"),
        ("cron(0 6,18 * * ? *)", "At 06:00 and 18:00 (Europe/Berlin)"),
        ("cron(0 8 ? * MON-FRI *)", "At 08:00, Monday through Friday (Europe/Berlin)"),
        # AWS numbers the days of the week from 1 = Sunday.
        ("cron(15 7 ? * 2-6 *)", "At 07:15, Monday through Friday (Europe/Berlin)"),
        ("cron(0 8 ? * 1 *)", "At 08:00, only on Sunday (Europe/Berlin)"),
        ("cron(0 9 ? * mon,WED,7 *)", "At 09:00, only on Monday, Wednesday, and Saturday (Europe/Berlin)"),
        ("cron(0 0 1 * ? *)", "At 00:00, on day 1 of the month (Europe/Berlin)"),
        ("cron(0 3 1,15 * ? *)", "At 03:00, on day 1 and 15 of the month (Europe/Berlin)"),
        ("cron(0 0 L * ? *)", "At 00:00, on the last day of the month (Europe/Berlin)"),
        ("cron(* * * * ? *)", "Every minute (Europe/Berlin)"),
        ("cron(0/15 * * * ? *)", "Every 15 minutes (Europe/Berlin)"),
        ("cron(*/5 * * * ? *)", "Every 5 minutes (Europe/Berlin)"),
        ("cron(5 * * * ? *)", "At 5 minutes past the hour (Europe/Berlin)"),
        ("cron(0 */2 * * ? *)", "Every 2 hours (Europe/Berlin)"),
        ("cron(0/10 * ? * MON-FRI *)", "Every 10 minutes, Monday through Friday (Europe/Berlin)"),
        ("cron(0 8 1 JAN ? *)", "At 08:00, on day 1 of the month, only in January (Europe/Berlin)"),
        ("cron(0 8 * * ? 2027)", "At 08:00, only in 2027 (Europe/Berlin)"),
        ("cron(0 8 ? * 6#3 *)", "At 08:00, on the third Friday of the month (Europe/Berlin)"),
        ("cron(0 8 15W * ? *)", "At 08:00, on the weekday nearest day 15 of the month (Europe/Berlin)"),
        ("cron(5/15 * * * ? *)", "Every 15 minutes, starting at 5 minutes past the hour (Europe/Berlin)"),
        ("rate(1 hour)", "Every hour"),
        ("rate(12 hours)", "Every 12 hours"),
        ("rate(1 day)", "Every day"),
        ("rate(5 minutes)", "Every 5 minutes"),
        ("at(2026-12-24T18:00:00)", "Once on 2026-12-24 at 18:00 (Europe/Berlin)"),
        ("at(2026-12-24T18:00:30)", "Once on 2026-12-24 at 18:00:30 (Europe/Berlin)"),
    ],
)
def test_expressions_read_as_plain_words(expression, words):
    assert describe(expression, "Europe/Berlin") == words


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 25 * * ? *)",  # out of range
        "cron(0 22 * * *)",  # five fields
        "cron(0 22 ? * ? *)",  # no day field is '?'
        "cron(\u0660 22 * * ? *)",  # not an ASCII digit
        "cron(0 9 ? * L *)",  # valid, but cron-descriptor has no words for it
        "rate(2 weeks)",
        "at(tomorrow)",
    ],
)
def test_other_expressions_are_shown_as_written(expression):
    assert describe(expression, "UTC") == f"`{expression}` (UTC)"


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
            "At 22:00 (Europe/Berlin)",
            "At 23:30 (Europe/Berlin)",
        ),
    )


def test_a_time_zone_change_and_a_disabled_schedule_are_changes():
    [change] = schedule_changes(
        schedule("cron(0 22 * * ? *)"), schedule("cron(0 22 * * ? *)", "UTC", "DISABLED")
    )
    assert change.after == "At 22:00 (UTC), disabled"


def test_new_and_removed_schedules_have_one_side():
    [added] = schedule_changes({}, schedule("rate(1 hour)"))
    [removed] = schedule_changes(schedule("rate(1 hour)"), {})
    assert (added.before, added.after) == (None, "Every hour")
    assert (removed.before, removed.after) == ("Every hour", None)


def test_an_unchanged_schedule_is_not_listed():
    assert schedule_changes(schedule("rate(1 hour)"), schedule("rate(1 hour)")) == ()
