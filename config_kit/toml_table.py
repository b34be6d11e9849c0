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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Final, Generic, Literal, Never, TypeVar, cast, overload

from aws_facts.rules import Bounds
from config_kit.errors import Problem

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
TableCheck = Callable[[Any, str], Iterable[tuple[str, Any, str]]]
"""A check of a whole table given where it is: (field, value, what is allowed) for each bad value."""


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
    bounds: Bounds[Any] | None = None
    """Kind.INTEGER and NUMBER: the range the value must fall in (required for them)."""
    value_table: Any = None
    """Kind.PARAMETERS: the config_kit.schema.Section a value may be given as instead of text."""
    required_message: str = ""
    """Set: the key must be written out even where its default would do; the problem says why."""
    value_check: Check | None = None
    """Kind.STRING_TABLE: the check of each value (check is the check of each name)."""
    table_check: TableCheck | None = None
    """Kind.TABLE and STRING_TABLE: the check of the table as a whole, e.g. of a table that
    becomes ASL Parameters, where a key ending in `.$` takes a JSONPath or an intrinsic."""

    def __post_init__(self) -> None:
        if self.kind in (Kind.INTEGER, Kind.NUMBER) and self.bounds is None:
            raise TypeError(f"{self.name}: a {self.kind.value} key needs its bounds")

    @property
    def numeric_bounds(self) -> Bounds[Any]:
        assert self.bounds is not None  # __post_init__
        return self.bounds


# key()'s overloads tie a Key's value type to its Kind and default, so that mypy refuses
# `NAME: Key[int] = key("name", Kind.STRING, ...)` and types what Table.read returns.
# A default of None adds None to the type; Kind.STRINGS and STRING_TABLE take a default
# (their readers have no required form), Kind.PARAMETERS is never read through Table.read.
_Default = Required | _Derived


@overload
def key(
    name: str, kind: Literal[Kind.STRING], doc: str, default: str | _Default = REQUIRED, **details: Any
) -> Key[str]: ...
@overload
def key(
    name: str, kind: Literal[Kind.STRING], doc: str, default: None, **details: Any
) -> Key[str | None]: ...
@overload
def key(
    name: str, kind: Literal[Kind.INTEGER], doc: str, default: int | _Default = REQUIRED, **details: Any
) -> Key[int]: ...
@overload
def key(
    name: str, kind: Literal[Kind.INTEGER], doc: str, default: None, **details: Any
) -> Key[int | None]: ...
@overload
def key(
    name: str, kind: Literal[Kind.NUMBER], doc: str, default: float | _Default = REQUIRED, **details: Any
) -> Key[float]: ...
@overload
def key(
    name: str, kind: Literal[Kind.BOOLEAN], doc: str, default: bool | _Default = REQUIRED, **details: Any
) -> Key[bool]: ...
@overload
def key(
    name: str, kind: Literal[Kind.STRINGS], doc: str, default: tuple[str, ...] | _Derived, **details: Any
) -> Key[tuple[str, ...]]: ...
@overload
def key(
    name: str, kind: Literal[Kind.STRINGS], doc: str, default: None, **details: Any
) -> Key[tuple[str, ...] | None]: ...
@overload
def key(
    name: str, kind: Literal[Kind.STRING_TABLE], doc: str, default: Mapping[str, str], **details: Any
) -> Key[dict[str, str]]: ...
@overload
def key(
    name: str,
    kind: Literal[Kind.TABLE],
    doc: str,
    default: dict[str, Any] | _Default = REQUIRED,
    **details: Any,
) -> Key[dict[str, Any]]: ...
@overload
def key(
    name: str, kind: Literal[Kind.TABLE], doc: str, default: Mapping[str, Any], **details: Any
) -> Key[Mapping[str, Any]]: ...
@overload
def key(
    name: str, kind: Literal[Kind.TABLE], doc: str, default: None, **details: Any
) -> Key[dict[str, Any] | None]: ...
@overload
def key(
    name: str, kind: Literal[Kind.PARAMETERS], doc: str, default: Mapping[str, Any], **details: Any
) -> Key[Never]: ...
def key(name: str, kind: Kind, doc: str, default: Any = REQUIRED, **details: Any) -> Key[Any]:
    """A Key whose value type follows from its kind and default: `NAME = key("name", Kind.STRING, ...)`
    is a Key[str]."""
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
                return cast(T, self.integer(key.name, value, bounds=key.numeric_bounds))
            case Kind.NUMBER:
                return cast(T, self.number(key.name, value, bounds=key.numeric_bounds))
            case Kind.BOOLEAN:
                return cast(T, self.boolean(key.name, value))
            case Kind.STRINGS:
                return cast(T, self.strings(key.name, value, key.check))
            case Kind.STRING_TABLE:
                table = self.string_table(key.name, value, key.check, key.value_check)
                self._check_table(key, table)
                return cast(T, table)
            case Kind.TABLE:
                table = self.json_table(key.name, value)
                self._check_table(key, table)
                return cast(T, table)
            case Kind.PARAMETERS:
                raise TypeError(f"{self.field(key.name)}: read by core.connections, value by value")

    def _check_table(self, key: Key[Any], table: Any) -> None:
        if key.table_check and key.name in self.data:
            for where, value, allowed in key.table_check(table, self.field(key.name)):
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
    def integer(self, key: str, default: Required = REQUIRED, *, bounds: Bounds[int]) -> int: ...
    @overload
    def integer(self, key: str, default: D, *, bounds: Bounds[int]) -> int | D: ...
    def integer(self, key: str, default: object = REQUIRED, *, bounds: Bounds[int]) -> object:
        return self._read(key, default, int, "a whole number", bounds.low, bounds.problem)

    def number(self, key: str, default: float, *, bounds: Bounds[float]) -> float:
        # TOML writes 2 for 2.0; both are numbers here.
        return self._read(key, default, (int, float), "a number", bounds.low, bounds.problem)

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


def choose(table: Table, discriminator: Key[str | None], variants: Mapping[str, V]) -> V | None:
    """The variant the table's discriminator names ("" names the one chosen when it is left out
    without a default). None when it names none (misspelt, not a string, required and missing):
    that is one problem, and the caller reads no more of the table and does not finish it, since
    which keys belong there cannot be known; so one typo is one problem, not also a list of
    "unknown key"s or of keys the wrong variant requires."""
    choices = tuple(name for name in variants if name)
    value = table.string(discriminator.name, discriminator.default, one_of(choices))
    if value == "":
        return None  # refused, and said so
    return variants[value or ""]
