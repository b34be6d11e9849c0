"""The values of `.$` keys: a JSONPath or an intrinsic function call, checked as far as Step
Functions checks them when the state machine is created.

A path starts with `$` (the state's input) or `$$` (the context object), followed by `.name`,
`..name`, `.*` or a bracketed `[...]` (an index, a quoted name, a slice, a union or a filter).
An intrinsic is a known `States.*` call with the number of arguments AWS documents; its arguments
are string literals ('...', where ' { } and \\ are escaped with a backslash), numbers, true, false,
null, paths or other intrinsics, at most intrinsic_functions.MAX_INTRINSIC_NESTING deep.
https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aws_facts import intrinsic_functions
from config_kit.nested import walk

ALLOWED = (
    "must be a JSONPath starting with $ (the state's input) or $$ (the context object), "
    "or an intrinsic function such as States.Format('{}', $.name)"
)
_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = ("true", "false", "null")
_PATH_NAME = re.compile(r"[^.\[\]()'\",\s]+")
_CLOSING = {"[": "]", "(": ")"}


class InvalidValue(Exception):
    """Raised by the parser with what is wrong."""


def problem(value: str) -> str | None:
    """None when Step Functions accepts value after a `.$` key, else what is wrong and allowed."""
    try:
        if value.startswith("States."):
            parser = _Parser(value)
            parser.intrinsic(depth=1)
            parser.end()
        elif value.startswith("$"):
            path_problem(value)
        else:
            return ALLOWED
    except InvalidValue as error:
        return f"{ALLOWED}; here {error}"
    return None


def dynamic_value_problems(template: Any, where: str) -> Iterator[tuple[str, Any, str]]:
    """(field, value, what is allowed) for each `.$` key of a free-form table that Step Functions
    would refuse."""
    for node in walk(template, where):
        if node.key is None or not node.key.endswith(".$"):
            continue
        if not isinstance(node.value, str):
            yield (
                node.path,
                node.value,
                f"must be a string: a key ending in .$ {ALLOWED.removeprefix('must be ')}",
            )
        elif text := problem(node.value):
            yield node.path, node.value, text


def path_problem(path: str) -> None:
    """Raises InvalidValue unless path is a JSONPath Step Functions can read."""
    root = "$$" if path.startswith("$$") else "$"
    position = len(root)
    if position < len(path) and (path[position].isalpha() or path[position] == "_"):
        raise InvalidValue(f"{path[: position + 1]}... names a variable, and no state assigns variables here")
    while position < len(path):
        character = path[position]
        if character == ".":
            deep = path.startswith("..", position)
            position += 2 if deep else 1
            if path.startswith("*", position):
                position += 1
                continue
            name = _PATH_NAME.match(path, position)
            if name is None:
                if deep and path.startswith("[", position):
                    continue
                raise InvalidValue(f"a name must follow the '.' at character {position}")
            position = name.end()
        elif character == "[":
            end = _bracket_end(path, position)
            if end == position + 1:
                raise InvalidValue(f"the brackets at character {position + 1} are empty")
            position = end + 1
        else:
            raise InvalidValue(f"{character!r} at character {position + 1} cannot follow {path[:position]!r}")


def _bracket_end(text: str, start: int) -> int:
    """The index of the bracket that closes the one at start, skipping quoted text."""
    stack = [_CLOSING[text[start]]]
    position = start + 1
    while position < len(text):
        character = text[position]
        if character in "'\"":
            closing = text.find(character, position + 1)
            if closing < 0:
                raise InvalidValue(f"the quote at character {position + 1} is never closed")
            position = closing
        elif character in _CLOSING:
            stack.append(_CLOSING[character])
        elif character in "])":
            if character != stack.pop():
                raise InvalidValue(f"{character!r} at character {position + 1} closes nothing that is open")
            if not stack:
                return position
        position += 1
    raise InvalidValue(f"the {text[start]!r} at character {start + 1} is never closed")


@dataclass
class _Argument:
    kind: str
    """"string", "path", "call" or "literal"."""
    text: str


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.position = 0

    def end(self) -> None:
        self._spaces()
        if self.position < len(self.text):
            raise InvalidValue(f"{self.text[self.position :]!r} follows the call")

    def intrinsic(self, depth: int) -> None:
        if depth > intrinsic_functions.MAX_INTRINSIC_NESTING:
            raise InvalidValue(
                f"intrinsic functions nest at most {intrinsic_functions.MAX_INTRINSIC_NESTING} deep"
            )
        match = _NAME.match(self.text, self.position)
        if match is None:
            raise InvalidValue(f"no function name at character {self.position + 1}")
        name = match[0]
        if name not in intrinsic_functions.INTRINSIC_ARGUMENTS:
            raise InvalidValue(
                f"{name} is not an intrinsic function; known: {', '.join(intrinsic_functions.INTRINSIC_ARGUMENTS)}"
            )
        self.position = match.end()
        if not self.text.startswith("(", self.position):
            raise InvalidValue(f"{name} must be followed by '('")
        self.position += 1
        arguments = self._arguments(depth)
        _check_arguments(name, arguments)

    def _arguments(self, depth: int) -> list[_Argument]:
        arguments: list[_Argument] = []
        self._spaces()
        if self.text.startswith(")", self.position):
            self.position += 1
            return arguments
        while True:
            self._spaces()
            arguments.append(self._argument(depth))
            self._spaces()
            if self.position >= len(self.text):
                raise InvalidValue("a ')' is missing at the end")
            separator = self.text[self.position]
            self.position += 1
            if separator == ")":
                return arguments
            if separator != ",":
                raise InvalidValue(
                    f"{separator!r} at character {self.position} where ',' or ')' was expected"
                )

    def _argument(self, depth: int) -> _Argument:
        rest = self.text[self.position :]
        if rest.startswith("'"):
            return _Argument("string", self._string())
        if rest.startswith("States."):
            self.intrinsic(depth + 1)
            return _Argument("call", "")
        if rest.startswith("$"):
            start = self.position
            while self.position < len(self.text) and self.text[self.position] not in ",) \t":
                if self.text[self.position] in "[(":
                    self.position = _bracket_end(self.text, self.position)
                self.position += 1
            path = self.text[start : self.position]
            path_problem(path)
            return _Argument("path", path)
        literal = _NUMBER.match(self.text, self.position)
        word = next((word for word in _LITERALS if rest.startswith(word)), None)
        if literal is None and word is None:
            raise InvalidValue(
                f"{rest[:20]!r} is not an argument: a 'quoted string', a number, true, false, null, "
                "a path or an intrinsic"
            )
        self.position = literal.end() if literal else self.position + len(word or "")
        return _Argument("literal", literal[0] if literal else word or "")

    def _string(self) -> str:
        """A '...' literal; returns its value with the escapes resolved."""
        value = ""
        position = self.position + 1
        while position < len(self.text):
            character = self.text[position]
            if character == "'":
                self.position = position + 1
                return value
            if character == "\\":
                escaped = self.text[position + 1 : position + 2]
                if escaped not in intrinsic_functions.INTRINSIC_RESERVED or not escaped:
                    raise InvalidValue(
                        f"the backslash at character {position + 1} escapes nothing: only \\' \\{{ \\}} "
                        "and \\\\ are escapes"
                    )
                value += "\\" + escaped
                position += 2
                continue
            value += character
            position += 1
        raise InvalidValue(f"the string that starts at character {self.position + 1} is never closed")

    def _spaces(self) -> None:
        while self.text.startswith((" ", "\t"), self.position):
            self.position += 1


def _check_arguments(name: str, arguments: list[_Argument]) -> None:
    low, high = intrinsic_functions.INTRINSIC_ARGUMENTS[name]
    count = len(arguments)
    if count < low or (high is not None and count > high):
        expected = f"{low}" if low == high else f"at least {low}" if high is None else f"{low} to {high}"
        raise InvalidValue(f"{name} takes {expected} argument{'' if expected == '1' else 's'}, not {count}")
    for position in intrinsic_functions.INTRINSIC_INTEGER_ARGUMENTS.get(name, ()):
        argument = arguments[position] if position < count else None
        if (
            argument
            and argument.kind in ("literal", "string")
            and not re.fullmatch(r"-?[0-9]+", argument.text)
        ):
            raise InvalidValue(
                f"argument {position + 1} of {name} must be an integer or a path, not {argument.text}"
            )
    first = arguments[0] if arguments else None
    if name == "States.Format" and first and first.kind == "string":
        slots = len(re.findall(r"(?<!\\)\{\}", first.text))
        if slots != count - 1:
            values = f"{count - 1} value follows" if count == 2 else f"{count - 1} values follow"
            raise InvalidValue(f"the template of States.Format has {slots} {{}}, and {values} it")
    if name == "States.JsonToString" and first and first.kind != "path":
        raise InvalidValue("States.JsonToString takes a path")
    if (
        name == "States.Hash"
        and arguments[1].kind == "string"
        and arguments[1].text not in intrinsic_functions.HASH_ALGORITHMS
    ):
        raise InvalidValue(
            f"States.Hash's algorithm must be one of {', '.join(intrinsic_functions.HASH_ALGORITHMS)}"
        )
    if name == "States.JsonMerge" and arguments[2].kind == "literal" and arguments[2].text != "false":
        raise InvalidValue("States.JsonMerge's third argument must be false (only shallow merges exist)")
