"""EventBridge Scheduler's schedule expressions, parsed once: cron(...), rate(...) and at(...).

config_kit.validators refuses what parse() refuses; review.schedule describes what it returns.
Fields, ranges and wildcards: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
and https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html. Only ASCII
digits count: int() and str.isdigit() also take other scripts' digits, which AWS refuses.

A range runs from its lower to its higher value ("1-15 includes days 1 through 15"); AWS documents
no range that wraps around the end of a field (`22-2` in hours, `NOV-FEB`, `FRI-MON`), and cron
implementations disagree on them (some wrap, some swap the ends, some never fire). So one is
refused, with the list that says the same thing: `22-23,0-2`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

ALLOWED = (
    "must be cron(minutes hours day-of-month month day-of-week year) with '?' in "
    "exactly one day field, rate(N minute|minutes|hour|hours|day|days) or "
    "at(yyyy-mm-ddThh:mm:ss), e.g. cron(0 22 * * ? *)"
)


class InvalidExpression(ValueError):
    """Raised by parse(); detail says what is wrong, when more can be said than ALLOWED."""

    def __init__(self, detail: str | None = None):
        super().__init__(detail or ALLOWED)
        self.detail = detail


@dataclass(frozen=True)
class Cron:
    minutes: str
    hours: str
    day_of_month: str
    month: str
    day_of_week: str
    """1-7 with 1 = Sunday, or SUN-SAT."""
    year: str

    def values(self, field: str) -> frozenset[int]:
        """The values a field names with numbers, names, ranges, steps and `*` (field: "hours",
        "day-of-week", ...); its `L`, `W` and `#` items are left out, and `?` names none."""
        return expand(getattr(self, field.replace("-", "_")), _FIELDS_BY_NAME[field])


@dataclass(frozen=True)
class Rate:
    value: int
    unit: str
    """minute, hour or day."""


@dataclass(frozen=True)
class At:
    moment: datetime
    """In the schedule's time zone."""


Expression = Cron | Rate | At


def parse(text: str) -> Expression:
    kind, _, rest = text.partition("(")
    if not rest.endswith(")"):
        raise InvalidExpression()
    body = rest[:-1]
    if kind == "cron":
        return _cron(body)
    if kind == "rate":
        return _rate(body)
    if kind == "at":
        return _at(body)
    raise InvalidExpression()


def _rate(body: str) -> Rate:
    match = re.fullmatch(r"([0-9]+) (minute|hour|day)(s?)", body)
    if not match or int(match[1]) < 1:
        raise InvalidExpression("the rate must be a positive whole number and a unit")
    if (int(match[1]) == 1) == bool(match[3]):
        raise InvalidExpression("the unit is singular for 1 and plural otherwise")
    return Rate(int(match[1]), match[2])


def _at(body: str) -> At:
    problem = InvalidExpression("the date must be yyyy-mm-ddThh:mm:ss")
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}", body):
        raise problem
    try:
        return At(datetime.strptime(body, "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        raise problem from None


MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # 1 to 7


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    steps: bool = True
    """Whether `/` is allowed: everywhere but in day-of-week."""
    special: str = r"$^"
    """Forms allowed besides values, ranges and steps."""


_FIELDS = (
    _Field("minutes", 0, 59),
    _Field("hours", 0, 23),
    _Field("day-of-month", 1, 31, special=r"\?|L|LW|[0-9]{1,2}W"),
    _Field("month", 1, 12, MONTHS),
    _Field("day-of-week", 1, 7, WEEKDAYS, False, rf"\?|L|[1-7]L|(?:[1-7]|{'|'.join(WEEKDAYS)})#[1-5]"),
    _Field("year", 1970, 2199),
)


_FIELDS_BY_NAME = {field.name: field for field in _FIELDS}


def _cron(body: str) -> Cron:
    fields = body.split()
    if len(fields) != len(_FIELDS):
        raise InvalidExpression(f"{len(fields)} fields were given, {len(_FIELDS)} are needed")
    for text, field in zip(fields, _FIELDS, strict=True):
        items = text.split(",")
        if not all(_item_ok(item, field) for item in items) or ("#" in text and len(items) > 1):
            raise InvalidExpression(f"the {field.name} field {text!r} is invalid")
        for item in items:
            if problem := _backward_range(item, field):
                which = (
                    ""
                    if item.partition("/")[0] == text
                    else f" has the range {item.partition('/')[0]!r}, which"
                )
                raise InvalidExpression(f"the {field.name} field {text!r}{which} {problem}")
    cron = Cron(*fields)
    if (cron.day_of_month == "?") == (cron.day_of_week == "?"):
        raise InvalidExpression("exactly one of day-of-month and day-of-week must be '?'")
    return cron


def _item_ok(item: str, field: _Field) -> bool:
    if re.fullmatch(field.special, item, re.ASCII):
        return not item.endswith("W") or item == "LW" or 1 <= int(item[:-1]) <= field.high
    base, slash, step = item.partition("/")
    if slash and not (field.steps and _is_number(step) and int(step) > 0):
        return False
    if base == "*":
        return True
    bounds = base.split("-")
    return len(bounds) <= 2 and all(_value_ok(bound, field) for bound in bounds)


def _value_ok(value: str, field: _Field) -> bool:
    if _is_number(value):
        return field.low <= int(value) <= field.high
    return value.upper() in field.names


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[0-9]+", text) is not None


def _backward_range(item: str, field: _Field) -> str | None:
    """Why a range that runs from a higher to a lower value is refused, with what to write."""
    base, slash, _ = item.partition("/")
    bounds = base.split("-")
    if len(bounds) != 2 or re.fullmatch(field.special, item, re.ASCII):
        return None
    first, last = (_number(bound, field) for bound in bounds)
    if first <= last:
        return None
    problem = "runs backwards: AWS documents ranges only from the lower value to the higher"
    if slash or field.name == "year":
        return f"{problem}; write the values as a list"
    head = bounds[0] if first == field.high else f"{bounds[0]}-{_shown(field.high, bounds[0], field)}"
    tail = bounds[1] if last == field.low else f"{_shown(field.low, bounds[1], field)}-{bounds[1]}"
    return f"{problem}; for one that wraps around write {head},{tail}"


def _shown(value: int, like: str, field: _Field) -> str:
    """value as a name when the user wrote a name, else as a number."""
    return str(value) if _is_number(like) else field.names[value - 1]


def _number(value: str, field: _Field) -> int:
    return int(value) if _is_number(value) else field.names.index(value.upper()) + 1


def expand(text: str, field: _Field) -> frozenset[int]:
    """Every value of a valid field's numbers, names, ranges and steps, comma-separated."""
    values: set[int] = set()
    for item in text.split(","):
        if item == "?" or re.fullmatch(field.special, item, re.ASCII):
            continue
        base, _, step = item.partition("/")
        if base == "*":
            first, last = field.low, field.high
        else:
            bounds = [_number(bound, field) for bound in base.split("-")]
            first, last = bounds[0], bounds[-1] if len(bounds) > 1 or not step else field.high
        values.update(range(first, last + 1, int(step) if step else 1))
    return frozenset(values)
