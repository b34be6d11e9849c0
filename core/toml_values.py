"""Values TOML can hold and JSON cannot: dates and times, and numbers that are not finite.

Every free-form table ends up as JSON (an execution input, a request body, a payload), and no
key of the configuration takes a date or nan, so they are refused wherever they stand rather
than turned into text that may not be what was meant: 1979-05-27T07:32:00Z would become
"1979-05-27T07:32:00+00:00". Quoting the value keeps it exactly as written.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from typing import Any

from config_kit.nested import walk

_DATE_KINDS = (
    (datetime.datetime, "date-time"),
    (datetime.date, "date"),
    (datetime.time, "time"),
)


def unrepresentable(document: Any) -> Iterator[tuple[str, Any, str]]:
    """(field, value shown, what is allowed) for each value that has no JSON form."""
    for node in walk(document):
        value = node.value
        if isinstance(value, float) and not math.isfinite(value):
            yield (
                node.path,
                str(value),
                (
                    "is not a number JSON can carry (nan, inf and -inf are not JSON, and AWS takes "
                    "JSON only); write a finite number, or quote it if text is meant"
                ),
            )
        elif kind := next((name for cls, name in _DATE_KINDS if isinstance(value, cls)), None):
            yield (
                node.path,
                value.isoformat(),
                (
                    f"is a TOML {kind}, which has no JSON form; put it in quotes to pass it on as text, as written"
                ),
            )
