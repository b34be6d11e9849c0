"""When a schedule runs: the shortest gap between two runs (an execution must end before the
next starts), the longest (the window a missed night is judged by), whether it runs at all,
and the run times a clock change skips.

The expression is parsed by aws_facts.schedule_expression. Runs are laid out as EventBridge
Scheduler starts them, in the schedule's time zone: a cron time that the spring change skips
does not run that day, and one the autumn change repeats runs once
(https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst). A rate counts absolute
time, whatever the zone (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).

The longest gap is measured as if skipped runs had happened: the missed-night alarm then goes
off for a night a clock change skips, which is true, and synth warns about it beforehand. It is
not given (no alarm) for `at(...)` (it runs once), a cron limited to some years (it stops
recurring), and `L`, `W` and `#` (monthly gaps, beyond any alarm's 7 days anyway).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aws_facts.schedule_expression import WEEKDAYS, At, Cron, Expression, Rate, parse

MINUTE = 60
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# Eight years from a fixed date: two leap days, every weekday of every date, and the same answer
# on every machine and every day.
_SPAN_START = date(2028, 1, 1)
_SPAN_YEARS = 8
LAST_YEAR = 2199
"""The cron year field's last value."""
SATURDAY = 7
"""`L` alone in day-of-week: the last day of the week."""


@dataclass(frozen=True)
class Recurrence:
    """Gaps in seconds. longest_gap_seconds is None when the schedule has no steady gap (why_none
    says why); shortest_gap_seconds is None when it runs fewer than twice."""

    longest_gap_seconds: int | None
    why_none: str = ""
    shortest_gap_seconds: int | None = None
    never: str = ""
    """Why the schedule never runs again; empty when it does."""
    skipped: str = ""
    """A run that a clock change skips, e.g. "02:30 on 2028-03-26"; empty when there is none."""


def recurrence(
    expression: str | Expression, timezone: str = "UTC", now: datetime | None = None
) -> Recurrence:
    """What a valid schedule expression, as text or parsed, does (invalid text raises
    aws_facts.schedule_expression.InvalidExpression). now: when "never again" is judged from."""
    parsed = parse(expression) if isinstance(expression, str) else expression
    moment = now or datetime.now(UTC)
    if isinstance(parsed, Rate):
        gap = parsed.value * _UNIT_SECONDS[parsed.unit]
        return Recurrence(gap, shortest_gap_seconds=gap)
    if isinstance(parsed, Cron):
        return _cron_recurrence(parsed, ZoneInfo(timezone), moment)
    return _at_recurrence(parsed, ZoneInfo(timezone), moment)


def _at_recurrence(at: At, zone: ZoneInfo, now: datetime) -> Recurrence:
    once = "at(...) runs once: there is no next run to miss"
    if at.moment.replace(tzinfo=zone) <= now:
        when = now.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")
        return Recurrence(None, once, never=f"its moment has passed (it is {when} in {zone.key})")
    return Recurrence(None, once)


def _cron_recurrence(cron: Cron, zone: ZoneInfo, now: datetime) -> Recurrence:
    years = _years(cron, now.astimezone(zone).year)
    if not years:
        return Recurrence(None, "it never runs", never=f"its years {cron.year} have passed")
    start = _SPAN_START if cron.year == "*" else date(years[0], 1, 1)
    span = [year for year in years if start.year <= year < start.year + _SPAN_YEARS]
    times = sorted(hour * 60 + minute for hour in cron.values("hours") for minute in cron.values("minutes"))
    if not _runs_after(cron, zone, now, times, years):
        return Recurrence(None, "it never runs", never=_never_reason(cron))
    days = [day for year in span for day in _run_days(cron, year)]
    shortest, longest, skipped = _gaps(days, times, zone)
    why = ""
    if cron.year != "*":
        why = f"the schedule runs only in the years {cron.year}, so it stops recurring"
    elif any(letter in f"{cron.day_of_month} {cron.day_of_week}" for letter in "LW#"):
        why = "L, W and # give gaps that change from month to month"
    elif longest is None:
        why = "the schedule runs less than twice in eight years"
    return Recurrence(None if why else longest, why, shortest, skipped=skipped)


def _never_reason(cron: Cron) -> str:
    day = (
        f"day-of-month {cron.day_of_month}" if cron.day_of_month != "?" else f"day-of-week {cron.day_of_week}"
    )
    return f"no date from now on matches {day}, month {cron.month} and year {cron.year}"


def _years(cron: Cron, this_year: int) -> list[int]:
    """The years from this one on in which the schedule may run."""
    return sorted(year for year in cron.values("year") if this_year <= year <= LAST_YEAR)


def _runs_after(cron: Cron, zone: ZoneInfo, now: datetime, times: list[int], years: list[int]) -> bool:
    """Whether any run lies after now: the first run day from today on tells, as a rule."""
    today = now.astimezone(zone).date()
    for year in years:
        for day in _run_days(cron, year):
            if day >= today and any(instant > now.timestamp() for instant in _instants(day, times, zone)[0]):
                return True
    return False


def _run_days(cron: Cron, year: int) -> Iterator[date]:
    for month in sorted(cron.values("month")):
        for day in sorted(_month_days(cron, year, month)):
            yield date(year, month, day)


def _month_days(cron: Cron, year: int, month: int) -> set[int]:
    """The days of a month the day fields name, `L`, `W` and `#` included (as Quartz reads them)."""
    last = calendar.monthrange(year, month)[1]
    if cron.day_of_month != "?":
        days = {day for day in cron.values("day-of-month") if day <= last}
        for item in cron.day_of_month.split(","):
            if item == "L":
                days.add(last)
            elif item.endswith("W") and (item == "LW" or int(item[:-1]) <= last):
                days.add(_nearest_weekday(year, month, last if item == "LW" else int(item[:-1]), last))
        return days
    weekdays = cron.values("day-of-week") | ({SATURDAY} if "L" in cron.day_of_week.split(",") else set())
    days = {day for day in range(1, last + 1) if _weekday(date(year, month, day)) in weekdays}
    for item in cron.day_of_week.split(","):
        if item.endswith("L") and len(item) > 1:
            days.add(
                max(day for day in range(1, last + 1) if _weekday(date(year, month, day)) == int(item[0]))
            )
        elif "#" in item:
            weekday, nth = item.split("#")
            number = int(weekday) if weekday.isdigit() else WEEKDAYS.index(weekday.upper()) + 1
            matches = [day for day in range(1, last + 1) if _weekday(date(year, month, day)) == number]
            days.update(matches[int(nth) - 1 : int(nth)])
    return days


def _weekday(day: date) -> int:
    """1 = Sunday to 7 = Saturday, as cron numbers them."""
    return day.isoweekday() % 7 + 1


def _nearest_weekday(year: int, month: int, day: int, last: int) -> int:
    """`15W`: the weekday nearest the 15th, within the month."""
    weekday = date(year, month, day).isoweekday()
    if weekday == 6:  # Saturday: the Friday before, or the Monday after the 1st
        return day - 1 if day > 1 else day + 2
    if weekday == 7:  # Sunday: the Monday after, or the Friday before the last day
        return day + 1 if day < last else day - 2
    return day


def _gaps(days: list[date], times: list[int], zone: ZoneInfo) -> tuple[int | None, int | None, str]:
    """(shortest gap, longest gap, a skipped run) over the runs on these days at these times.

    On a day without a clock change, runs are as far apart as their wall-clock times; only the
    days of a change have each run placed in absolute time."""
    within = [float(later - earlier) * MINUTE for earlier, later in itertools.pairwise(times)]
    shortest: float | None = min(within, default=None)
    longest: float | None = max(within, default=None)
    skipped = ""
    last_real: float | None = None  # the last run so far
    last_any: float | None = None  # the same, counting skipped runs as run
    for day in days:
        if _changes_clock(day, zone):
            real, every, missing = _instants(day, times, zone)
            skipped = skipped or missing
            shortest = _min(shortest, min(_differences(real), default=None))
            longest = _max(longest, max(_differences(every), default=None))
        else:
            real = every = [_instant(day, times[0], zone), _instant(day, times[-1], zone)]
        if last_real is not None and real:
            shortest = _min(shortest, real[0] - last_real)
        if last_any is not None:
            longest = _max(longest, every[0] - last_any)
        last_real = real[-1] if real else last_real
        last_any = every[-1]
    return _whole(shortest), _whole(longest), skipped


def _differences(instants: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(instants)]


def _changes_clock(day: date, zone: ZoneInfo) -> bool:
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    return midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset()


def _instants(day: date, times: list[int], zone: ZoneInfo) -> tuple[list[float], list[float], str]:
    """The day's runs in absolute time: those that happen, those with the skipped ones too, and
    the first skipped one in words."""
    real, every, skipped = [], [], ""
    for minutes in times:
        wall = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60)
        instant = wall.replace(tzinfo=zone).timestamp()
        every.append(instant)
        if datetime.fromtimestamp(instant, zone).replace(tzinfo=None) == wall:
            real.append(instant)
        else:
            skipped = skipped or f"{wall:%H:%M} on {day:%Y-%m-%d}"
    return real, sorted(set(every)), skipped


def _instant(day: date, minutes: int, zone: ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone).timestamp()


def _min(first: float | None, second: float | None) -> float | None:
    return second if first is None else first if second is None else min(first, second)


def _max(first: float | None, second: float | None) -> float | None:
    return second if first is None else first if second is None else max(first, second)


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)
