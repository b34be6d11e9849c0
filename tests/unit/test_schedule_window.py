"""When a schedule runs: its shortest gap (the execution timeout), its longest (the missed-night
alarm's window), whether it runs at all, and the runs a clock change skips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aws_facts.schedule_expression import InvalidExpression, parse
from aws_facts.schedule_window import Recurrence, recurrence

HOUR, DAY = 3600, 86400
NOW = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)


def gaps(expression: str, timezone: str = "UTC") -> tuple[int | None, int | None]:
    found = recurrence(expression, timezone, NOW)
    return found.shortest_gap_seconds, found.longest_gap_seconds


@pytest.mark.parametrize(
    ("expression", "shortest", "longest"),
    [
        ("rate(1 minute)", 60, 60),
        ("rate(12 hours)", 12 * HOUR, 12 * HOUR),
        ("rate(1 day)", DAY, DAY),
        ("rate(3 days)", 3 * DAY, 3 * DAY),
        ("cron(0 22 * * ? *)", DAY, DAY),
        ("cron(0 6,18 * * ? *)", 12 * HOUR, 12 * HOUR),
        ("cron(0 2,4 * * ? *)", 2 * HOUR, 22 * HOUR),
        ("cron(0 22,23 * * ? *)", HOUR, 23 * HOUR),
        ("cron(0/15 * * * ? *)", 15 * 60, 15 * 60),
        ("cron(30 1/6 * * ? *)", 6 * HOUR, 6 * HOUR),
        # Friday 10:15 to Monday 10:15.
        ("cron(15 10 ? * MON-FRI *)", DAY, 3 * DAY),
        ("cron(15 10 ? * 2-6 *)", DAY, 3 * DAY),
        ("cron(0 22 ? * SUN *)", 7 * DAY, 7 * DAY),
        # 28 days from 1 February to 1 March, 31 from 1 January to 1 February.
        ("cron(0 8 1 * ? *)", 28 * DAY, 31 * DAY),
        # Only in winter: from 31 March to 1 December.
        ("cron(0 8 * JAN-MAR,DEC ? *)", DAY, 245 * DAY),
        # Wrap-around ranges written as lists.
        ("cron(0 22-23,0-2 * * ? *)", HOUR, 20 * HOUR),
        ("cron(0 8 * NOV-DEC,JAN-FEB ? *)", DAY, 246 * DAY),
        ("cron(0 8 ? * FRI-SAT,SUN-MON *)", DAY, 4 * DAY),
    ],
)
def test_shortest_and_longest_gap_of_a_recurring_schedule_in_utc(expression, shortest, longest):
    assert gaps(expression) == (shortest, longest)


@pytest.mark.parametrize(
    ("expression", "timezone", "shortest", "longest"),
    [
        # The spring night is an hour shorter, the autumn one an hour longer.
        ("cron(0 22 * * ? *)", "Europe/Berlin", DAY - HOUR, DAY + HOUR),
        ("cron(0 22 * * ? *)", "America/New_York", DAY - HOUR, DAY + HOUR),
        ("cron(0 22 * * ? *)", "Asia/Tokyo", DAY, DAY),
        # Half an hour on Lord Howe Island.
        ("cron(0 22 * * ? *)", "Australia/Lord_Howe", DAY - HOUR // 2, DAY + HOUR // 2),
        # Both runs lie far from the change at 02:00: an hour apart every night.
        ("cron(0 22,23 * * ? *)", "Europe/Berlin", HOUR, DAY),
        # 01:30 and 03:30 are an hour apart the night the clocks go forward, 3 hours in autumn.
        ("cron(30 1,3 * * ? *)", "Europe/Berlin", HOUR, DAY - 2 * HOUR),
        # The autumn change repeats 02:00-02:59; Scheduler runs 02:00 once: 2 hours to 03:00.
        ("cron(0 * * * ? *)", "Europe/Berlin", HOUR, 2 * HOUR),
        ("rate(1 day)", "Europe/Berlin", DAY, DAY),
    ],
)
def test_clock_changes_move_the_gaps_by_their_shift(expression, timezone, shortest, longest):
    assert gaps(expression, timezone) == (shortest, longest)


@pytest.mark.parametrize(
    ("expression", "shortest"),
    [
        ("cron(0 0,12 L * ? *)", 12 * HOUR),
        ("cron(0/5 * LW * ? *)", 5 * 60),
        ("cron(0 9 ? * L *)", 7 * DAY),
        ("cron(0 9 ? * 6#3 *)", 28 * DAY),
        ("cron(0 9 ? * FRI#3 *)", 28 * DAY),
        ("cron(0 9 ? * 6L *)", 28 * DAY),
        ("cron(0 9 15W * ? *)", 28 * DAY),
        ("cron(0 6,18 1 * ? 2030-2031)", 12 * HOUR),
    ],
)
def test_schedules_without_a_steady_gap_still_have_a_shortest_one(expression, shortest):
    assert recurrence(expression, "UTC", NOW).shortest_gap_seconds == shortest


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("at(2099-01-01T00:00:00)", "at(...) runs once: there is no next run to miss"),
        ("cron(0 8 1 * ? 2027)", "the schedule runs only in the years 2027, so it stops recurring"),
        ("cron(0 9 L * ? *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 9 15W * ? *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 9 ? * 6#3 *)", "L, W and # give gaps that change from month to month"),
        ("cron(0 8 29 2 ? *)", ""),
    ],
)
def test_schedules_without_a_steady_gap_say_why(expression, why):
    found = recurrence(expression, "UTC", NOW)
    assert (found.why_none, found.never) == (why, "")
    assert (found.longest_gap_seconds is None) == bool(why)


@pytest.mark.parametrize(
    ("expression", "never"),
    [
        ("cron(0 8 30 2 ? *)", "no date from now on matches day-of-month 30, month 2 and year *"),
        ("cron(0 8 31 4 ? *)", "no date from now on matches day-of-month 31, month 4 and year *"),
        (
            "cron(0 8 31 APR,JUN,SEP,NOV ? *)",
            "no date from now on matches day-of-month 31, month APR,JUN,SEP,NOV and year *",
        ),
        ("cron(0 8 30W 2 ? *)", "no date from now on matches day-of-month 30W, month 2 and year *"),
        ("cron(0 8 * * ? 2020)", "its years 2020 have passed"),
        ("cron(0 8 * * ? 1970-2025)", "its years 1970-2025 have passed"),
        ("cron(0 8 1 * ? 2026)", "no date from now on matches day-of-month 1, month * and year 2026"),
        ("cron(0 8 3 12 ? 2026)", "no date from now on matches day-of-month 3, month 12 and year 2026"),
        ("at(2020-01-01T00:00:00)", "its moment has passed (it is 2026-12-03T23:30:00 in UTC)"),
        ("at(2026-12-03T23:29:00)", "its moment has passed (it is 2026-12-03T23:30:00 in UTC)"),
        ("at(2026-12-04T00:29:00)", "its moment has passed (it is 2026-12-04T00:30:00 in Europe/Berlin)"),
    ],
)
def test_a_schedule_that_never_runs_again_says_why(expression, never):
    timezone = "Europe/Berlin" if "00:29" in expression else "UTC"
    assert recurrence(expression, timezone, NOW).never == never


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 8 29 2 ? *)",
        "cron(45 23 3 12 ? 2026)",
        "cron(45 23 * * ? 2026)",
        "at(2026-12-03T23:31:00)",
        "cron(0 9 ? 2 6#5 *)",
        "cron(0 8 * * ? 2026-2199)",
    ],
)
def test_a_schedule_with_a_run_ahead_is_not_never(expression):
    assert recurrence(expression, "UTC", NOW).never == ""


@pytest.mark.parametrize(
    ("expression", "timezone", "skipped"),
    [
        ("cron(30 2 * * ? *)", "Europe/Berlin", "02:30 on 2028-03-26"),
        ("cron(30 2 * * ? *)", "America/New_York", "02:30 on 2028-03-12"),
        ("cron(0 2 ? * SUN *)", "Europe/Berlin", "02:00 on 2028-03-26"),
        ("cron(0 * * * ? *)", "Europe/Berlin", "02:00 on 2028-03-26"),
        ("cron(15 2 * 3 ? *)", "Europe/London", ""),
        ("cron(15 1 * 3 ? *)", "Europe/London", "01:15 on 2028-03-26"),
        ("cron(30 2 * * ? *)", "UTC", ""),
        ("cron(30 2 * * ? *)", "Asia/Tokyo", ""),
        ("cron(0 22 * * ? *)", "Europe/Berlin", ""),
        ("cron(30 2 * JUN ? *)", "Europe/Berlin", ""),
    ],
)
def test_a_run_in_a_clock_change_gap_is_named(expression, timezone, skipped):
    assert recurrence(expression, timezone, NOW).skipped == skipped


def test_a_skipped_run_lengthens_no_gap_and_shortens_none():
    """Counted as run for the longest gap (the alarm goes off that night: it is missed), left
    out of the shortest."""
    assert recurrence("cron(30 2 * * ? *)", "Europe/Berlin", NOW) == Recurrence(
        DAY + HOUR, "", DAY, skipped="02:30 on 2028-03-26"
    )
    # 02:00 and 02:30 are skipped: their stand-ins fall on 03:00 and 03:30, which must not count as gaps of 0.
    assert gaps("cron(0,30 2,3 * * ? *)", "Europe/Berlin") == (30 * 60, DAY - 90 * 60)


@pytest.mark.parametrize(
    ("expression", "suggestion"),
    [
        ("cron(0 22-2 * * ? *)", "the hours field '22-2' runs backwards"),
        ("cron(0 8 * NOV-FEB ? *)", "the month field 'NOV-FEB' runs backwards"),
        ("cron(0 8 ? * FRI-MON *)", "the day-of-week field 'FRI-MON' runs backwards"),
        ("cron(50-10 8 * * ? *)", "the minutes field '50-10' runs backwards"),
        ("cron(0 8 28-3 * ? *)", "the day-of-month field '28-3' runs backwards"),
        ("cron(0 8 ? * 6-2 *)", "the day-of-week field '6-2' runs backwards"),
        ("cron(0 1,22-2/2 * * ? *)", "the hours field '1,22-2/2' has the range '22-2', which runs backwards"),
        ("cron(0 8 * * ? 2030-2027)", "the year field '2030-2027' runs backwards"),
    ],
)
def test_a_range_that_wraps_around_is_refused_with_what_to_write(expression, suggestion):
    with pytest.raises(InvalidExpression) as raised:
        parse(expression)
    assert str(raised.value).startswith(suggestion)


@pytest.mark.parametrize(
    ("expression", "written"),
    [
        ("cron(0 22-2 * * ? *)", "22-23,0-2"),
        ("cron(0 23-0 * * ? *)", "23,0"),
        ("cron(0 8 * NOV-FEB ? *)", "NOV-DEC,JAN-FEB"),
        ("cron(0 8 * 11-2 ? *)", "11-12,1-2"),
        ("cron(0 8 ? * FRI-MON *)", "FRI-SAT,SUN-MON"),
        ("cron(0 8 ? * SAT-SUN *)", "SAT,SUN"),
        ("cron(0 8 28-3 * ? *)", "28-31,1-3"),
    ],
)
def test_the_suggested_list_for_a_wrapped_range_parses(expression, written):
    with pytest.raises(InvalidExpression) as raised:
        parse(expression)
    assert str(raised.value).endswith(f"for one that wraps around write {written}")
    fields = expression.removeprefix("cron(").removesuffix(")").split()
    wrapped = next(field for field in fields if "-" in field)
    parse(expression.replace(wrapped, written))


@pytest.mark.parametrize("expression", ["cron(0 22-2/2 * * ? *)", "cron(0 8 * * ? 2030-2027)"])
def test_a_backward_range_with_a_step_or_in_years_asks_for_a_list(expression):
    with pytest.raises(InvalidExpression, match=r"write the values as a list$"):
        parse(expression)
