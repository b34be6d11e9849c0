"""What Step Functions makes of a JSONPath payload template: enough of it to read a ticket body.

Handles what core.templates renders: "key.$" with a path ("$.failure.step") or a
States.Format call whose arguments are paths, inside objects and arrays.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonata

_FORMAT = re.compile(r"States\.Format\('((?:[^'\\]|\\.)*)'((?:, *\$[.\w]+)*)\)\Z", re.DOTALL)


def evaluate(template: Any, state_input: dict) -> Any:
    if isinstance(template, dict):
        result = {}
        for key, value in template.items():
            if key.endswith(".$"):
                result[key[:-2]] = _expression(value, state_input)
            else:
                result[key] = evaluate(value, state_input)
        return result
    if isinstance(template, list):
        return [evaluate(item, state_input) for item in template]
    return template


def _expression(expression: str, state_input: dict) -> Any:
    if expression.startswith("$."):
        return _path(expression, state_input)
    match = _FORMAT.match(expression)
    assert match, f"not an expression this helper knows: {expression}"
    arguments = [_path(path.strip(), state_input) for path in match.group(2).split(",") if path.strip()]
    text, pieces = match.group(1), []
    index = 0
    while index < len(text):
        if text[index] == "\\":
            pieces.append(text[index + 1])
            index += 2
        elif text.startswith("{}", index):
            pieces.append(str(arguments.pop(0)))
            index += 2
        else:
            pieces.append(text[index])
            index += 1
    assert not arguments, f"more arguments than {{}} in {expression}"
    return "".join(pieces)


def _path(path: str, state_input: dict) -> Any:
    value: Any = state_input
    for part in path[2:].split("."):
        value = value[part]
    return value


def evaluate_jsonata(template: Any, states: dict) -> Any:
    """A JSONata state's Output or Arguments: each "{% ... %}" string evaluated with $states bound
    (input, context), by jsonata-python as the offline runner does (offline.jsonata)."""
    if isinstance(template, dict):
        return {key: evaluate_jsonata(value, states) for key, value in template.items()}
    if isinstance(template, list):
        return [evaluate_jsonata(item, states) for item in template]
    if isinstance(template, str) and template.startswith("{%") and template.endswith("%}"):
        return json.loads(json.dumps(jsonata.Jsonata(template[2:-2]).evaluate(None, {"states": states})))
    return template
