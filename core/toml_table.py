"""Reading a TOML table field by field while collecting every problem.

A bad field is recorded and stands in with an empty value of its type, so that
reading goes on and the user sees all problems of a file at once.

Each reader takes the value used when the key is left out: REQUIRED (the
default) makes leaving it out a problem. The readers are typed: a string read
with the default None is a `str | None`.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Final, Generic, Literal, TypeVar, cast, overload

from config_kit.errors import Problem

from core.asl_paths import dynamic_value_problems

D = TypeVar("D")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
V = TypeVar("V")

# Deeper documents are refused before any recursive code (tomllib's own, the loader's) walks them.
MAX_NESTING = 32
# A configuration is a few kilobytes; a file far larger is not one (and is not read whole).
MAX_FILE_BYTES = 1024 * 1024
Check = Callable[[str], "str | None"]
"""A check of one string: None when it is fine, else what is allowed (config_kit.validators)."""


class _Required(Enum):
    REQUIRED = "required"


REQUIRED: Final = _Required.REQUIRED
Required = Literal[_Required.REQUIRED]


def read_document(path: Path) -> dict[str, Any]:
    """The TOML document in the regular file at path.

    Raises ValueError with a sentence saying why it cannot be read.
    """
    try:
        # utf-8-sig: a byte order mark, which some Windows editors write, is not part of the text.
        document = tomllib.loads(_regular_file_bytes(path).decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValueError(
            f"cannot be read: it is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"cannot be read: {error}") from None
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    if _depth(document) > MAX_NESTING:
        raise ValueError(_TOO_DEEP)
    return document


def _regular_file_bytes(path: Path) -> bytes:
    """A FIFO or a device is refused before a byte is read, so that reading never waits for
    a writer or goes on forever."""
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ValueError(f"cannot be read: {error.strerror or error}") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ValueError("cannot be read: it is not a regular file (a FIFO, device or folder?)")
    with os.fdopen(descriptor, "rb") as file:
        content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"cannot be read: it is larger than {MAX_FILE_BYTES // 1024} KiB")
    return content


_TOO_DEEP = f"cannot be read: it nests tables and arrays more than {MAX_NESTING} levels deep"


def _depth(document: Any) -> int:
    """How deeply tables and arrays nest; without recursion, however deep the document."""
    deepest = 0
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        children = value.values() if isinstance(value, dict) else value
        pending += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return deepest


def one_of(choices: tuple[str, ...]) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


class Kind(Enum):
    STRING = "string"
    INTEGER = "whole number"
    NUMBER = "number"
    BOOLEAN = "true or false"
    STRINGS = "array of strings"
    STRING_TABLE = "table of strings"
    TABLE = "table"
    PARAMETERS = "table of strings or secret sources"
    """Read by core.connections: each value is text, or a table naming where a secret value comes from."""


class _Derived(Enum):
    DERIVED = "derived"


DERIVED = _Derived.DERIVED
"""A default computed from other keys; the reader passes it in (Table.read's default)."""


@dataclass(frozen=True)
class Key(Generic[T_co]):
    name: str
    kind: Kind
    doc: str
    default: Any = REQUIRED
    """REQUIRED, DERIVED (see default_doc) or the value used when the key is left out."""
    default_doc: str = ""
    """How the docs show the default when the value alone would not say it."""
    check: Check | None = None
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    value_table: Any = None
    """Kind.PARAMETERS: the config_kit.schema.Section a value may be given as instead of text."""
    required_message: str = ""
    """Set: the key must be written out even where its default would do; the problem says why."""
    value_check: Check | None = None
    """Kind.STRING_TABLE: the check of each value (check is the check of each name)."""
    asl_parameters: bool = False
    """Kind.TABLE and STRING_TABLE: the table becomes ASL Parameters, where a key ending in `.$`
    takes a JSONPath or an intrinsic (core.asl_paths)."""


def key(name: str, kind: Kind, doc: str, default: Any = REQUIRED, **details: Any) -> Key[Any]:
    """A Key; annotate the variable holding it with its value type, e.g. `NAME: Key[str] = key(...)`."""
    return Key(name, kind, doc, default, **details)


class _Unset(Enum):
    UNSET = "unset"


class Problems:
    def __init__(self, file: str):
        self.file = file
        self.found: list[Problem] = []
        self.warnings: list[Problem] = []
        """What is accepted but may not do what the user expects; shown, never fatal."""

    def add(self, field: str, allowed: str, *value: Any) -> None:
        """value, when given, is the offending value to show."""
        self.found.append(Problem(self.file, field, allowed, *value))

    def warn(self, field: str, text: str, *value: Any) -> None:
        self.warnings.append(Problem(self.file, field, text, *value))


class Table:
    def __init__(self, data: Mapping[str, Any], path: str, problems: Problems):
        self.data = data
        self.path = path
        self.problems = problems
        self._known: list[str] = []

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def read(self, key: Key[T], default: T | Required | _Unset = _Unset.UNSET) -> T:
        """The key's value, checked as the key says; default replaces the key's own (for DERIVED)."""
        value: Any = key.default if isinstance(default, _Unset) else default
        if value is DERIVED:
            raise TypeError(f"{self.field(key.name)}: a derived default must be passed in")
        if key.required_message and key.name not in self.data:
            self.problems.add(self.field(key.name), key.required_message)
        match key.kind:
            case Kind.STRING:
                check = one_of(key.choices) if key.choices else key.check
                return cast(T, self.string(key.name, value, check))
            case Kind.INTEGER:
                return cast(T, self.integer(key.name, value, low=int(key.low or 0), high=int(key.high or 0)))
            case Kind.NUMBER:
                return cast(T, self.number(key.name, value, low=key.low or 0, high=key.high or 0))
            case Kind.BOOLEAN:
                return cast(T, self.boolean(key.name, value))
            case Kind.STRINGS:
                return cast(T, self.strings(key.name, value, key.check))
            case Kind.STRING_TABLE:
                table = self.string_table(key.name, value, key.check, key.value_check)
                self._check_parameters(key, table)
                return cast(T, table)
            case Kind.TABLE:
                table = self.json_table(key.name, value)
                self._check_parameters(key, table)
                return cast(T, table)
            case Kind.PARAMETERS:
                raise TypeError(f"{self.field(key.name)}: read by core.connections, value by value")

    def _check_parameters(self, key: Key[Any], table: Any) -> None:
        if key.asl_parameters and key.name in self.data:
            for where, value, allowed in dynamic_value_problems(table, self.field(key.name)):
                self.problems.add(where, allowed, value)

    def problem(self, key: str, allowed: str, value: Any = None) -> None:
        self.problems.add(self.field(key), allowed, self.data.get(key) if value is None else value)

    @overload
    def string(self, key: str, default: Required = REQUIRED, check: Check | None = None) -> str: ...
    @overload
    def string(self, key: str, default: D, check: Check | None = None) -> str | D: ...
    def string(self, key: str, default: object = REQUIRED, check: Check | None = None) -> object:
        return self._read(key, default, str, "a string", "", check)

    @overload
    def integer(self, key: str, default: Required = REQUIRED, *, low: int, high: int) -> int: ...
    @overload
    def integer(self, key: str, default: D, *, low: int, high: int) -> int | D: ...
    def integer(self, key: str, default: object = REQUIRED, *, low: int, high: int) -> object:
        def in_range(value: int) -> str | None:
            return None if low <= value <= high else f"must be between {low} and {high}"

        return self._read(key, default, int, "a whole number", low, in_range)

    def number(self, key: str, default: float, *, low: float, high: float) -> float:
        def in_range(value: float) -> str | None:
            return None if low <= value <= high else f"must be between {low} and {high}"

        # TOML writes 2 for 2.0; both are numbers here.
        return self._read(key, default, (int, float), "a number", low, in_range)

    def boolean(self, key: str, default: bool) -> bool:
        return self._read(key, default, bool, "true or false", False, None)

    @overload
    def strings(self, key: str, default: tuple[()] = (), check: Check | None = None) -> tuple[str, ...]: ...
    @overload
    def strings(self, key: str, default: D, check: Check | None = None) -> tuple[str, ...] | D: ...
    def strings(self, key: str, default: object = (), check: Check | None = None) -> object:
        values: list[Any] | None = self._read(key, None, list, "an array of strings", [], None)
        if values is None:
            return default
        good = []
        for index, value in enumerate(values):
            where = f"{self.field(key)}[{index}]"
            problem = check(value) if isinstance(value, str) and check else None
            if not isinstance(value, str):
                problem = "must be a string"
            if problem:
                self.problems.add(where, problem, value)
            else:
                good.append(value)
        return tuple(good)

    def string_table(
        self,
        key: str,
        default: Mapping[str, str] | None = None,
        check_key: Check | None = None,
        check_value: Check | None = None,
    ) -> dict[str, str]:
        """check_value is not applied to the value of a `.$` key, which is a path or an intrinsic."""
        values: dict[str, Any] = self._read(key, dict(default or {}), dict, "a table of strings", {}, None)
        good = {}
        for name, value in values.items():
            where = f"{self.field(key)}.{name}"
            if not isinstance(value, str):
                self.problems.add(where, "must be a string (quote numbers and booleans)", value)
            elif check_key and (problem := check_key(name)):
                self.problems.add(where, problem, name)
            elif check_value and not name.endswith(".$") and (problem := check_value(value)):
                self.problems.add(where, problem, value)
            else:
                good[name] = value
        return good

    @overload
    def json_table(self, key: str, default: Required = REQUIRED) -> dict[str, Any]: ...
    @overload
    def json_table(self, key: str, default: D) -> dict[str, Any] | D: ...
    def json_table(self, key: str, default: object = REQUIRED) -> object:
        """A free-form table passed on as JSON (an execution input, a request body)."""
        return self._read(key, default, dict, "a table", {}, None)

    def table(self, key: str, required: bool = False) -> Table:
        data: dict[str, Any] = self._read(key, REQUIRED if required else {}, dict, "a table", {}, None)
        return Table(data, self.field(key), self.problems)

    def tables(self, key: str) -> list[Table]:
        """An array of tables ([[key]] in TOML)."""
        items: list[Any] = self._read(key, [], list, "an array of tables", [], None)
        tables = []
        for index, item in enumerate(items):
            where = f"{self.field(key)}[{index}]"
            if isinstance(item, dict):
                tables.append(Table(item, where, self.problems))
            else:
                self.problems.add(where, "must be a table", item)
        return tables

    @property
    def keys_read(self) -> tuple[str, ...]:
        """Every key a reader asked for, in order: the keys allowed here."""
        return tuple(self._known)

    def finish(self) -> None:
        """Reports keys that no reader asked for: typos, or fields of another step kind."""
        for key in self.data:
            if key not in self._known:
                allowed = ", ".join(self._known) or "none"
                self.problems.add(self.field(key), f"unknown key; allowed here: {allowed}")

    def _read(
        self,
        key: str,
        default: D | _Required,
        kind: type[V] | tuple[type[V], ...],
        kind_name: str,
        empty: V,
        check: Callable[[V], str | None] | None,
    ) -> V | D:
        """The value (a V), the default when the key is left out, or empty when it is bad."""
        if key not in self._known:
            self._known.append(key)
        if key not in self.data:
            if default is REQUIRED:
                self.problems.add(self.field(key), f"is required and must be {kind_name}")
                return empty
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.problem(key, f"must be {kind_name}")
            return empty
        problem = check(value) if check else None
        if problem:
            self.problem(key, problem)
            return empty
        return value
