"""How long a schedule can go between two runs: the window a missed night is judged by.

The expression is parsed by core.schedule_expression; here each cron field is
expanded into the values it allows, and the runs are laid out. Covered:
`rate(...)`, and `cron(...)` with numbers, names, ranges, lists and steps in
every field and any year ('*'). Not covered, each with the reason why:
`at(...)` (it runs once), a cron limited to some years (it stops recurring),
and `L`, `W` and `#` (their gaps change from month to month).

Cron times are wall-clock times of the time zone. Where that zone shifts its
clock (daylight saving time), a gap can be longer by the shift, so the shift is
added: the window is never shorter than the real longest gap.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.schedule_expression import MONTHS, WEEKDAYS, Cron, Rate, parse

MINUTE = 60
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# Eight years from a fixed date: two leap days, every weekday of every date, and the same answer
# on every machine and every day.
_SPAN_START = date(2028, 1, 1)
_SPAN_DAYS = (date(2036, 1, 1) - _SPAN_START).days


@dataclass(frozen=True)
class Recurrence:
    """longest_gap_seconds is None when the schedule has no steady gap; why_none then says why."""

    longest_gap_seconds: int | None
    why_none: str = ""


def recurrence(expression: str, timezone: str = "UTC") -> Recurrence:
    """The longest time between two consecutive runs of a valid schedule expression
    (an invalid one raises core.schedule_expression.InvalidExpression)."""
    parsed = parse(expression)
    if isinstance(parsed, Rate):
        return Recurrence(parsed.value * _UNIT_SECONDS[parsed.unit])
    if isinstance(parsed, Cron):
        return _cron_recurrence(parsed, timezone)
    return Recurrence(None, "at(...) runs once: there is no next run to miss")


def _cron_recurrence(cron: Cron, timezone: str) -> Recurrence:
    minutes, hours, day_of_month, month, day_of_week, year = (
        cron.minutes,
        cron.hours,
        cron.day_of_month,
        cron.month,
        cron.day_of_week,
        cron.year,
    )
    if year != "*":
        return Recurrence(None, f"the schedule runs only in the years {year}, so it stops recurring")
    if re.search(r"[LW#]", f"{day_of_month} {day_of_week}"):
        return Recurrence(None, "L, W and # give gaps that change from month to month")
    times = sorted(hour * 60 + minute for hour in _values(hours, 0, 23) for minute in _values(minutes, 0, 59))
    days = _run_days(day_of_month, _values(month, 1, 12, MONTHS), day_of_week)
    if len(days) < 2:
        return Recurrence(None, "the schedule runs less than twice in eight years")
    within_a_day = max((later - earlier for earlier, later in itertools.pairwise(times)), default=0)
    between_days = max(
        (later - earlier) * 1440 - times[-1] + times[0] for earlier, later in itertools.pairwise(days)
    )
    return Recurrence(max(within_a_day, between_days) * MINUTE + _clock_shift_seconds(timezone))


def _run_days(day_of_month: str, months: set[int], day_of_week: str) -> list[int]:
    """Day numbers (from _SPAN_START) on which the schedule runs."""
    month_days = None if day_of_month in ("*", "?") else _values(day_of_month, 1, 31)
    weekdays = None if day_of_week in ("*", "?") else _values(day_of_week, 1, 7, WEEKDAYS)
    days = []
    for offset in range(_SPAN_DAYS):
        day = _SPAN_START + timedelta(days=offset)
        weekday = day.isoweekday() % 7 + 1  # Sunday = 1
        if (
            day.month in months
            and (month_days is None or day.day in month_days)
            and (weekdays is None or weekday in weekdays)
        ):
            days.append(offset)
    return days


def _values(field: str, low: int, high: int, names: tuple[str, ...] = ()) -> set[int]:
    """Every value a cron field allows: '*', 'a', 'a-b', with '/step', comma-separated."""
    values: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        if base in ("*", "?"):
            first, last = low, high
        else:
            bounds = [_value(bound, names) for bound in base.split("-")]
            first, last = bounds[0], bounds[-1] if not step or len(bounds) > 1 else high
        values.update(range(first, last + 1, int(step) if step else 1))
    return values


def _value(text: str, names: tuple[str, ...]) -> int:
    if text.isdigit():
        return int(text)
    return names.index(text.upper()) + 1


def _clock_shift_seconds(timezone: str) -> int:
    """How far the zone's offset from UTC moves within a year (3600 for Europe/Berlin, 0 for UTC)."""
    zone = ZoneInfo(timezone)
    offsets = {
        datetime(_SPAN_START.year, month, 1, 12, tzinfo=zone).utcoffset() or timedelta(0)
        for month in range(1, 13)
    }
    return int((max(offsets) - min(offsets)).total_seconds())
