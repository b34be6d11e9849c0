"""EventBridge Scheduler expressions in plain words.

`cron(0 22 * * ? *)` in Europe/Berlin reads "every day at 22:00 Europe/Berlin". Covered: fixed
times on every day, on weekdays or on days of the month; every N minutes or hours; `rate(...)`
and `at(...)`. Anything else (months, years, `W`, `#`, ranges of hours) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from review.resources import resources

SCHEDULE = "aws_scheduler_schedule"
_ANY = {"*", "?"}
# EventBridge numbers the days of the week from 1 = Sunday.
_WEEKDAYS = {
    "SUN": "Sunday",
    "MON": "Monday",
    "TUE": "Tuesday",
    "WED": "Wednesday",
    "THU": "Thursday",
    "FRI": "Friday",
    "SAT": "Saturday",
}
_NUMBERED = dict(zip("1234567", _WEEKDAYS, strict=True))
_RATE = re.compile(r"(\d+) (minute|minutes|hour|hours|day|days)")
_AT = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class ScheduleChange:
    address: str
    name: str
    before: str | None  # None when the schedule is new
    after: str | None  # None when it is removed


def describe(expression: str, timezone: str = "UTC") -> str:
    """Plain words for a schedule expression, or the expression itself in backticks."""
    kind, _, rest = expression.partition("(")
    body = rest.removesuffix(")")
    words = None
    if kind == "rate":
        words = _rate(body)
    elif kind == "at" and (moment := _AT.fullmatch(body)):
        seconds = f":{moment[3]}" if moment[3] not in {None, "00"} else ""
        words = f"once on {moment[1]} at {moment[2]}{seconds} {timezone}"
    elif kind == "cron":
        words = _cron(body.split(), timezone)
    return words or f"`{expression}` {timezone}"


def _rate(body: str) -> str | None:
    match = _RATE.fullmatch(body)
    if not match:
        return None
    count, unit = int(match[1]), match[2].removesuffix("s")
    return f"every {unit}" if count == 1 else f"every {count} {unit}s"


def _cron(fields: list[str], timezone: str) -> str | None:
    if len(fields) != 6:
        return None
    minutes, hours, day_of_month, month, day_of_week, year = fields
    days = _days(day_of_month, day_of_week)
    if month != "*" or year != "*" or days is None:
        return None
    minute, clock_hours = _minute(minutes), _numbers(hours, 23)
    if minute is not None and clock_hours:
        times = [f"{hour:02d}:{minute:02d}" for hour in clock_hours]
        return f"{days} at {_and(times)} {timezone}"
    frequency = _frequency(minutes, minute, hours)
    if frequency is None:
        return None
    if days == "every day":
        return frequency
    return f"{frequency} on {days.removeprefix('every ').removeprefix('on ')} {timezone}"


def _numbers(field: str, highest: int) -> list[int]:
    """`6,18` is [6, 18]; anything but a list of numbers in range is []."""
    parts = field.split(",")
    if not all(part.isdigit() and int(part) <= highest for part in parts):
        return []
    return [int(part) for part in parts]


def _minute(minutes: str) -> int | None:
    return int(minutes) if minutes.isdigit() and int(minutes) <= 59 else None


def _frequency(minutes: str, minute: int | None, hours: str) -> str | None:
    if hours == "*" and minutes == "*":
        return "every minute"
    if hours == "*" and (step := _step(minutes, 59)):
        return f"every {step} minutes"
    if minute is None:
        return None
    if hours == "*":
        return f"every hour at :{minute:02d}"
    if step := _step(hours, 23):
        return f"every {step} hours at :{minute:02d}"
    return None


def _step(field: str, highest: int) -> int | None:
    """`0/15` and `*/15` are every 15; steps from another start are not covered."""
    start, _, step = field.partition("/")
    if start in {"0", "*"} and step.isdigit() and 1 < int(step) <= highest:
        return int(step)
    return None


def _days(day_of_month: str, day_of_week: str) -> str | None:
    if day_of_month in _ANY and day_of_week in _ANY:
        return "every day"
    if day_of_month in _ANY:
        weekdays = [_weekdays(part) for part in day_of_week.split(",")]
        return None if None in weekdays else f"every {_and(weekdays)}"
    if day_of_week not in _ANY:
        return None
    if day_of_month == "L":
        return "on the last day of every month"
    days = _numbers(day_of_month, 31)
    if not days or 0 in days:
        return None
    return f"on day{'s' if len(days) > 1 else ''} {_and([str(day) for day in days])} of every month"


def _weekdays(part: str) -> str | None:
    names = [_weekday(day) for day in part.split("-")]
    if None in names or len(names) > 2:
        return None
    return " to ".join(names)


def _weekday(day: str) -> str | None:
    day = _NUMBERED.get(day, day.upper())
    return _WEEKDAYS.get(day)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def describe_schedule(body: Mapping) -> str:
    words = describe(
        str(body.get("schedule_expression", "")), str(body.get("schedule_expression_timezone", "UTC"))
    )
    return words if body.get("state", "ENABLED") == "ENABLED" else f"{words}, disabled"


def schedule_changes(base: Mapping, head: Mapping) -> tuple[ScheduleChange, ...]:
    old = {address: body for address, body in resources(base).items() if address.startswith(f"{SCHEDULE}.")}
    new = {address: body for address, body in resources(head).items() if address.startswith(f"{SCHEDULE}.")}
    changes = []
    for address in sorted(old.keys() | new.keys()):
        before = describe_schedule(old[address]) if address in old else None
        after = describe_schedule(new[address]) if address in new else None
        if before != after:
            name = str((new.get(address) or old[address]).get("name", address))
            changes.append(ScheduleChange(address, name, before, after))
    return tuple(changes)
