"""EventBridge Scheduler expressions in plain words.

`cron(0 22 * * ? *)` in Europe/Berlin reads "At 22:00 (Europe/Berlin)". aws_facts.schedule_expression
parses every expression (the same parser validates the configuration); cron-descriptor words the
cron ones. An expression AWS would refuse is shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cron_descriptor import CasingTypeEnum, ExpressionDescriptor, FormatException, Options

from aws_facts.schedule_expression import Cron, InvalidExpression, Rate, parse
from review.resources import resources

SCHEDULE = "aws_scheduler_schedule"


@dataclass(frozen=True)
class ScheduleChange:
    address: str
    name: str
    before: str | None  # None when the schedule is new
    after: str | None  # None when it is removed


def describe(expression: str, timezone: str = "UTC") -> str:
    """Plain words for a schedule expression, or the expression itself in backticks."""
    try:
        parsed = parse(expression)
    except InvalidExpression:
        return f"`{expression}` ({timezone})"
    if isinstance(parsed, Cron):
        try:
            return f"{_cron_words(parsed)} ({timezone})"
        except FormatException:  # cron-descriptor has no words for a few forms, such as `L` for Saturday
            return f"`{expression}` ({timezone})"
    if isinstance(parsed, Rate):
        return f"Every {parsed.unit}" if parsed.value == 1 else f"Every {parsed.value} {parsed.unit}s"
    seconds = f":{parsed.moment:%S}" if parsed.moment.second else ""
    return f"Once on {parsed.moment:%Y-%m-%d} at {parsed.moment:%H:%M}{seconds} ({timezone})"


def _cron_words(cron: Cron) -> str:
    options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = False  # AWS numbers the days from 1 = Sunday
    options.verbose = False
    options.casing_type = CasingTypeEnum.Sentence
    # Seven fields, seconds first: cron-descriptor then never mistakes minutes for seconds.
    fields = ("0", cron.minutes, cron.hours, cron.day_of_month, cron.month, cron.day_of_week, cron.year)
    return str(ExpressionDescriptor(" ".join(fields), options).get_description())


def describe_schedule(body: Mapping[str, Any]) -> str:
    words = describe(
        str(body.get("schedule_expression", "")), str(body.get("schedule_expression_timezone", "UTC"))
    )
    return words if body.get("state", "ENABLED") == "ENABLED" else f"{words}, disabled"


def schedule_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[ScheduleChange, ...]:
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
