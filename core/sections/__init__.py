"""One module per top-level config section: its settings dataclass, its keys, its schema Section
and its reading, together (the shape of core.steps for the rest of the file).

A key is declared once: `setting()` names a field of the settings dataclass and takes its default
from there; `read_section()` reads every key of a Section, in its order, into that dataclass. What
a section writes by hand is only what one key cannot say alone: its cross-field checks.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from config_kit.schema import Section
from config_kit.toml_table import DERIVED, REQUIRED, Key, Kind, Table
from core.defaults import field_default

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

S = TypeVar("S", bound="DataclassInstance")
Derived = Callable[[Mapping[str, Any]], Any]
"""A default computed from the values read so far (the section's earlier keys) or from other sections."""


def setting(
    cls: type[Any], name: str, kind: Kind, doc: str, *, derived: bool = False, **details: Any
) -> Key[Any]:
    """The key of cls's field `name`, its default the field's (REQUIRED when the field has none);
    derived: the reader computes the default (read_section's derived).

    Its value type is the field's: mypy checks the field where the section is used, and a kind
    that the field's type cannot hold fails here, when the module is imported."""
    if name not in {item.name for item in dataclasses.fields(cls)}:
        raise TypeError(f"{cls.__name__} has no field {name!r}")
    field_type = typing.get_type_hints(cls)[name]
    if not _holds(field_type, kind):
        raise TypeError(f"{cls.__name__}.{name} is {field_type}, which a {kind.name} key cannot fill")
    return Key(name, kind, doc, DERIVED if derived else _documented_default(cls, name), **details)


_KIND_TYPES: Mapping[Kind, type] = {
    Kind.STRING: str,
    Kind.INTEGER: int,
    Kind.NUMBER: float,
    Kind.BOOLEAN: bool,
    Kind.STRINGS: tuple,
    Kind.STRING_TABLE: Mapping,
    Kind.TABLE: Mapping,
}


def _holds(field_type: Any, kind: Kind) -> bool:
    """Whether a field of field_type takes what a key of kind reads (an Enum field takes a string)."""
    members = [item for item in typing.get_args(field_type) if item is not type(None)]
    if typing.get_origin(field_type) in (typing.Union, types.UnionType):
        return len(members) == 1 and _holds(members[0], kind)
    if field_type is Any:
        return kind is Kind.TABLE
    base = typing.get_origin(field_type) or field_type
    if kind is Kind.STRING and isinstance(base, type) and issubclass(base, Enum):
        return True
    if kind is Kind.INTEGER and base is bool:
        return False
    return isinstance(base, type) and issubclass(base, _KIND_TYPES[kind])


def _documented_default(cls: type[Any], name: str) -> Any:
    default = field_default(cls, name, object)
    if default is dataclasses.MISSING:
        return REQUIRED
    return default.value if isinstance(default, Enum) else default


def read_section(
    table: Table, section: Section, cls: type[S], derived: Mapping[str, Derived] | None = None
) -> S:
    """The section's keys, read in order, as cls; an Enum field from its value (a bad value, already
    reported, stands in as the field's default). The caller checks across fields, then finishes."""
    values: dict[str, Any] = {}
    for item in section.keys:
        compute = (derived or {}).get(item.name)
        values[item.name] = table.read(item, compute(values)) if compute else table.read(item)
    for field in dataclasses.fields(cls):
        if isinstance(field.default, Enum) and field.name in values:
            value = values[field.name]
            values[field.name] = type(field.default)(value) if value else field.default
    return cls(**values)
