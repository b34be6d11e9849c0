"""Defaults live on the dataclass fields; readers take them from there."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def field_default(cls: type[Any], name: str, kind: type[T]) -> T:
    """The default of a dataclass field, made by its default_factory if it has one.

    For a plain default, `Class.field` reads it directly."""
    [found] = [field for field in dataclasses.fields(cls) if field.name == name]
    value = found.default_factory() if callable(found.default_factory) else found.default
    if not isinstance(value, kind):
        raise TypeError(f"{cls.__name__}.{name} has no default of type {kind.__name__}")
    return value
