"""The `{{placeholder}}` syntax of ticket templates, preset requests and notifications: one pattern,
the names a text uses, and the filling of known names in a nested template.

What each name means, and how the run-time ones become ASL, is core.templates's; the night
watch's EventBridge rendering is core.night_watch's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
"""Group 1 is the name; spaces inside the braces are allowed."""


def placeholder_names(text: str) -> list[str]:
    """The names the text uses, in order, repeats included."""
    return PLACEHOLDER.findall(text)


def literal(value: str) -> str | None:
    """A check of a value that fills a placeholder (a reporter, a preset's field): it is put in as
    written, so a placeholder inside it would be read again by a later rendering, as a run-time
    value or as an unknown name."""
    return (
        "is filled in as written, so it cannot hold a {{placeholder}}" if PLACEHOLDER.search(value) else None
    )


def fill_text(text: str, values: Mapping[str, str]) -> str:
    """Each placeholder named in values replaced; the others kept as written."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def fill(template: Any, values: Mapping[str, str]) -> Any:
    """fill_text on every string of a JSON-like template (tables' values and arrays' items; keys
    are kept as written)."""
    if isinstance(template, str):
        return fill_text(template, values)
    if isinstance(template, Mapping):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    return template
