"""The ticket fields DescribeFailure writes in JSONata: cut to the vendor's limits, marked for drills.

A cause can be 32,768 characters long and an error 256 (aws_facts.rules), more
than most ticket fields take (core.tickets.VENDOR_LIMITS). JSONPath cannot
shorten a string; JSONata can ($substring), and a single state may use it
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
So DescribeFailure, a JSONata state, writes each ticket field that could exceed
its limit, or that a fire drill changes, into `ticket_fields`; the ticket
state's body reads that field by JSONPath instead of filling in the template
itself. Every other field is filled in as before (core.templates).

A field cut short ends with a visible marker; where the field is long enough,
the marker carries the link to the execution, which holds the whole cause.
A drill (a caught error named DRILL_ERROR) puts DRILL_TITLE_PREFIX before the
title and the vendor's lowest severity or priority in its place.

Several strings under one limited path (Jira's description: paragraphs of
Atlassian Document Format) share its characters: each gets what it can ever
need, and the strings that could need more share the rest equally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_facts import rules as aws_rules
from config_kit.nested import walk
from core.placeholders import PLACEHOLDER
from core.tickets import FieldLimit, TicketApi

DRILL_ERROR = "Drill.FailurePath"
"""The error a fire drill enters the failure path with (the drill's contract)."""
DRILL_TITLE_PREFIX = "[drill] "
SHORT_MARKER = "… [cut]"
LINKED_MARKER_FROM = 1_000
"""Fields of at least this many characters end a cut with a link to the execution."""
FIELDS_KEY = "ticket_fields"

# JSONata over DescribeFailure's input (a record state's output: step, caught, defaults).
_CAUGHT = "$merge([$states.input.defaults, $states.input.caught])"
IS_DRILL = f"$states.input.caught.Error = '{DRILL_ERROR}'"
_EXECUTION_ID = "$states.context.Execution.Id"
_STARTED_AT_LENGTH = len("2026-11-25T22:00:00.123Z")
# arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution>; the longest
# partition today is aws-us-gov (10), the longest region name 14 characters: 20 leaves room.
_ARN_PREFIX_BOUND = len("arn:") + 10 + len(":states:") + 20 + len(":123456789012:execution:")


def jsonata_string(text: str) -> str:
    """A JSONata string literal. ' is written as an escape, so that the text may hold any."""
    return "'" + json.dumps(text, ensure_ascii=False)[1:-1].replace("'", "\\u0027") + "'"


def field_expressions(console: str) -> dict[str, str]:
    """Each run-time placeholder as JSONata; console is the console link without the ARN."""
    return {
        "step": "$states.input.step",
        "error": "$states.input.caught.Error",
        "cause": f"{_CAUGHT}.Cause",
        "execution_id": _EXECUTION_ID,
        "execution_name": "$states.context.Execution.Name",
        "execution_url": f"{jsonata_string(console)} & {_EXECUTION_ID}",
        "started_at": "$states.context.Execution.StartTime",
    }


def record(console: str) -> dict[str, str]:
    """The failure record every notification reads (core.templates.FAILURE_PATHS)."""
    expressions = field_expressions(console)
    execution = ("execution_id", "execution_name", "execution_url", "started_at")
    return {
        "step": f"{{% {expressions['step']} %}}",
        "caught": f"{{% {_CAUGHT} %}}",
        **{name: f"{{% {expressions[name]} %}}" for name in execution},
    }


def longest_values(state_machine: str, console: str) -> dict[str, int]:
    """The most characters each run-time placeholder can fill in."""
    execution_id = _ARN_PREFIX_BOUND + len(state_machine) + 1 + aws_rules.MAX_EXECUTION_NAME
    return {
        "step": aws_rules.MAX_STATE_NAME,
        "error": aws_rules.MAX_ERROR_LENGTH,
        "cause": aws_rules.MAX_CAUSE_LENGTH,
        "execution_id": execution_id,
        "execution_name": aws_rules.MAX_EXECUTION_NAME,
        "execution_url": len(console) + execution_id,
        "started_at": _STARTED_AT_LENGTH,
    }


@dataclass(frozen=True)
class WrittenFields:
    body: Any
    """The ticket body template, each written field replaced by a JSONPath to it."""
    fields: dict[str, str]
    """What DescribeFailure puts in `ticket_fields`: name -> JSONata."""


def written_fields(
    body: Any, api: TicketApi, limits: tuple[FieldLimit, ...], console: str, state_machine: str
) -> WrittenFields:
    """body: the template with its static placeholders filled in (core.tickets.fill)."""
    leaves = {
        node.path: node.value
        for node in walk(body, skip_key=lambda key: key.endswith(".$"))
        if isinstance(node.value, str) and not node.in_array
    }
    title = api.title if api.title in leaves else None
    longest = longest_values(state_machine, console)
    sizes = {
        path: _longest(text, longest) + (len(DRILL_TITLE_PREFIX) if path == title else 0)
        for path, text in leaves.items()
    }
    cut = _cuts(sizes, limits)
    expressions = field_expressions(console)
    fields: dict[str, str] = {}
    for path, template in leaves.items():
        text = _concatenation(template, expressions)
        if path in api.drill_levels:
            text = f"{IS_DRILL} ? {jsonata_string(api.drill_levels[path])} : {text}"
        elif path == title:
            text = f"({IS_DRILL} ? {jsonata_string(DRILL_TITLE_PREFIX)} : '') & {text}"
        elif path not in cut:
            continue
        if path in cut:
            text = _cut(text, cut[path], expressions["execution_url"])
        fields[path] = f"{{% {text} %}}"
    replaced = {path: f"$.{FIELDS_KEY}.{field_name(path)}" for path in fields}
    return WrittenFields(
        body=_replace(body, "", replaced), fields={field_name(path): text for path, text in fields.items()}
    )


def _cuts(sizes: Mapping[str, int], limits: tuple[FieldLimit, ...]) -> dict[str, int]:
    """The strings that could exceed their share of a limit, with their share."""
    budgets: dict[str, int] = {}
    for limit in limits:
        under = {path: size for path, size in sizes.items() if _is_under(path, limit.path)}
        budgets.update(_shares(under, limit.characters))
    return {path: budget for path, budget in budgets.items() if sizes[path] > budget}


def field_name(path: str) -> str:
    """A body path as a key of ticket_fields: fields.summary -> fields_summary."""
    return re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")


def _longest(text: str, longest: Mapping[str, int]) -> int:
    parts = PLACEHOLDER.split(text)
    return sum(len(part) if index % 2 == 0 else longest[part] for index, part in enumerate(parts))


def _is_under(path: str, limited: str) -> bool:
    return path == limited or path.startswith((f"{limited}.", f"{limited}["))


def _shares(sizes: Mapping[str, int], characters: int) -> dict[str, int]:
    """Each string gets what it can need, at most an equal share of what the smaller ones left."""
    budgets: dict[str, int] = {}
    left = characters
    ordered = sorted(sizes, key=lambda path: sizes[path])
    for index, path in enumerate(ordered):
        budgets[path] = min(sizes[path], left // (len(ordered) - index))
        left -= budgets[path]
    return budgets


def _concatenation(text: str, expressions: Mapping[str, str]) -> str:
    parts = PLACEHOLDER.split(text)
    terms = [
        jsonata_string(part) if index % 2 == 0 else expressions[part]
        for index, part in enumerate(parts)
        if index % 2 or part
    ]
    return " & ".join(terms) or "''"


def _cut(text: str, characters: int, execution_url: str) -> str:
    if characters >= LINKED_MARKER_FROM:
        marker = f"'… [cut: see the execution ' & {execution_url} & ']'"
    else:
        marker = jsonata_string(SHORT_MARKER)
    return (
        f"($text := {text}; $marker := {marker}; $length($text) <= {characters} ? $text : "
        f"$substring($text, 0, {characters} - $length($marker)) & $marker)"
    )


def _replace(value: Any, path: str, replaced: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if child in replaced:
                result[f"{key}.$"] = replaced[child]
            else:
                result[key] = item if key.endswith(".$") else _replace(item, child, replaced)
        return result
    if isinstance(value, list):
        return [_replace(item, f"{path}[{index}]", replaced) for index, item in enumerate(value)]
    return value
