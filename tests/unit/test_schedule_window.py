"""The longest gap between two runs of a schedule, the window a missed night is judged by."""

from __future__ import annotations

import pytest

from core.schedule_window import Recurrence, recurrence

HOUR, DAY = 3600, 86400


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        ("rate(1 minute)", 60),
        ("rate(12 hours)", 12 * HOUR),
        ("rate(1 day)", DAY),
        ("rate(3 days)", 3 * DAY),
        ("cron(0 22 * * ? *)", DAY),
        ("cron(0 6,18 * * ? *)", 12 * HOUR),
        ("cron(0 2,4 * * ? *)", 22 * HOUR),
        ("cron(0/15 * * * ? *)", 15 * 60),
        ("cron(30 1/6 * * ? *)", 6 * HOUR),
        # Friday 10:15 to Monday 10:15.
        ("cron(15 10 ? * MON-FRI *)", 3 * DAY),
        ("cron(15 10 ? * 2-6 *)", 3 * DAY),
        ("cron(0 22 ? * SUN *)", 7 * DAY),
        # 31 days from 1 January to 1 February, the longest month before a first.
        ("cron(0 8 1 * ? *)", 31 * DAY),
        # Only in winter: from 31 March to 1 December.
        ("cron(0 8 * JAN-MAR,DEC ? *)", 245 * DAY),
    ],
)
def test_gap_of_a_recurring_schedule_in_utc(expression, gap):
    assert recurrence(expression) == Recurrence(gap)


def test_a_zone_with_daylight_saving_time_adds_its_clock_shift_to_cron_gaps():
    assert recurrence("cron(0 22 * * ? *)", "Europe/Berlin") == Recurrence(DAY + HOUR)
    assert recurrence("cron(0 22 * * ? *)", "Asia/Tokyo") == Recurrence(DAY)


def test_a_rate_runs_in_absolute_time_whatever_the_zone():
    assert recurrence("rate(1 day)", "Europe/Berlin") == Recurrence(DAY)


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("at(2027-01-01T00:00:00)", "at(...) runs once: there is no next run to miss"),
        ("cron(0 8 1 * ? 2027)", "the schedule runs only in the years 2027, so it stops recurring"),
        ("cron(0 9 L * ? *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 9 15W * ? *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 9 ? * 6#3 *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 8 30 2 ? *)", "the schedule runs less than twice in eight years"),
    ],
)
def test_schedules_without_a_steady_gap_say_why(expression, why):
    assert recurrence(expression) == Recurrence(None, why)
