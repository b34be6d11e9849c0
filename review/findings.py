"""What the review tells a reviewer, as typed values: counted, filtered and tested by kind, and
rendered to Markdown only by review.markdown.

Each finding class is one rule. Its kind says what the finding is about, its severity how much
it matters; its subject says where it was found (the role, and the statement when the finding is
about one).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import ClassVar


class Kind(Enum):
    BROADENING = "broadening"
    """New access: a new action, resource or principal, a condition dropped or loosened, a new `*`."""


class Severity(Enum):
    """In rising order."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Subject:
    role: str
    statement: str | None = None
    """The statement's Sid; None when the finding is about the whole role."""


@dataclass(frozen=True, kw_only=True)
class Finding:
    kind: ClassVar[Kind]
    severity: ClassVar[Severity]

    subject: Subject


@dataclass(frozen=True, kw_only=True)
class Broadening(Finding):
    kind: ClassVar[Kind] = Kind.BROADENING


@dataclass(frozen=True, kw_only=True)
class NewRole(Broadening):
    """A role the base did not have: all of it is new."""

    severity: ClassVar[Severity] = Severity.MEDIUM

    principals: tuple[str, ...]
    """Who may assume it, as "Service states.amazonaws.com"."""
    actions: tuple[str, ...]
    """Every action it is allowed, each once."""
    wildcard_statements: tuple[str, ...]
    """The Sids of its statements with a `*` resource or a wildcard action."""


@dataclass(frozen=True, kw_only=True)
class NewWildcard(Broadening):
    """Actions newly granted on a `*` resource or principal, or actions that hold a wildcard."""

    severity: ClassVar[Severity] = Severity.HIGH

    target: str
    actions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NewActions(Broadening):
    """Actions no statement of the base granted at all."""

    severity: ClassVar[Severity] = Severity.MEDIUM

    actions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NewTargets(Broadening):
    """An action the base granted, now also on other resources (or, in a trust policy, principals)."""

    severity: ClassVar[Severity] = Severity.MEDIUM

    action: str
    targets: tuple[str, ...]
    target_name: str
    """What a target is: "resource", or "principal" in a trust policy."""


@dataclass(frozen=True, kw_only=True)
class ConditionWeakened(Broadening):
    """A condition key of the base statement that granted the same access, and the values it held."""

    operator: str
    key: str
    old: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ConditionDropped(ConditionWeakened):
    """The key is gone."""

    severity: ClassVar[Severity] = Severity.HIGH


@dataclass(frozen=True, kw_only=True)
class ConditionLoosened(ConditionWeakened):
    """The key now also allows a value the base did not."""

    severity: ClassVar[Severity] = Severity.MEDIUM

    new: str
