"""The exceptions the core raises."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

_NO_VALUE = object()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file: where, what was there, what is allowed."""

    file: str
    field: str
    allowed: str
    value: Any = _NO_VALUE

    def __str__(self) -> str:
        where = f"{_visible(self.file)}: {_visible(self.field)}"
        if self.value is _NO_VALUE:
            return f"{where}: {self.allowed}"
        return f"{where} = {_shown(self.value)}: {self.allowed}"


def _shown(value: Any) -> str:
    text = _visible(json.dumps(value, default=str, ensure_ascii=False))
    return text if len(text) <= 120 else f"{text[:117]}..."


# Control, format (bidirectional, zero-width) and line-separator characters, which a terminal
# acts on or hides: a key or value holding ESC, CR or U+202E could clear, overwrite or reorder
# the message that names it.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(text: str) -> str:
    return "".join(
        f"\\u{ord(character):04x}" if unicodedata.category(character) in _INVISIBLE else character
        for character in text
    )


class ConfigError(Exception):
    """Raised when one or more configuration files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @property
    def headline(self) -> str:
        count = len(self.problems)
        return f"Invalid configuration ({count} problem{'' if count == 1 else 's'}):"
