"""What the review tells a reviewer, as typed values: counted, filtered, tested by kind and
severity, gated in CI (`--fail-on`), and rendered to Markdown (review.markdown) and JSON
(`as_json`) from the same list.

Each finding comes from one rule, with a stable id (`IAM003`), a kind and a severity. The rules
are declared next to the small function or table entry that applies them, and listed together in
review.catalog (the table of docs/plan-review.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any


class Kind(Enum):
    BROADENING = "broadening"
    """New access: a new action, resource or principal, a condition dropped or loosened, a new `*`."""
    NARROWING = "narrowing"
    """Access removed or tightened."""
    PASSROLE = "passrole"
    """Any change to what `iam:PassRole` allows."""
    SECRET_RESET = "secret-reset"
    """A connection updated or replaced: its secrets return to the placeholder until the key step."""
    REPLACEMENT = "replacement"
    """A resource that is destroyed and created again, and what that means for it."""
    ORPHANED = "orphaned"
    """A stack whose config is gone: nothing will ever destroy it."""
    SUBSCRIPTION = "subscription"
    """An e-mail address that receives nothing until it confirms."""
    FAILURE_PATH = "failure-path"
    """A failure that is no longer reported, or reported later."""
    VALIDATE = "validate"
    """A side that fails `terraform validate`."""


class Severity(Enum):
    """In rising order: `at_least` compares by it."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    severity: Severity
    title: str
    """What the rule finds, in a few words, for the rule table."""

    def found(self, subject: Subject, message: str) -> Finding:
        return Finding(self, subject, message)


@dataclass(frozen=True)
class Subject:
    """Where a finding is; only the fields that apply are set."""

    role: str | None = None
    statement: str | None = None
    """The statement's Sid."""
    state_machine: str | None = None
    state: str | None = None
    resource: str | None = None
    """A Terraform address."""

    def as_json(self) -> dict[str, str]:
        return {
            field.name: value for field in fields(self) if (value := getattr(self, field.name)) is not None
        }


@dataclass(frozen=True)
class Finding:
    rule: Rule
    subject: Subject
    message: str
    """What the rule found about the subject, a sentence with `code` in backticks."""
    stack: str = ""
    """Set by review.report, which compares stack by stack."""

    def at(self, stack: str) -> Finding:
        return replace(self, stack=stack)

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def kind(self) -> Kind:
        return self.rule.kind

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "kind": self.kind.value,
            "stack": self.stack,
            "subject": self.subject.as_json(),
            "message": self.message,
        }


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """The most severe first, then by stack, rule and subject."""
    return sorted(
        findings,
        key=lambda f: (-f.severity.rank, f.stack, f.id, sorted(f.subject.as_json().items()), f.message),
    )


def as_json(findings: Iterable[Finding]) -> dict[str, Any]:
    return {"findings": [finding.as_json() for finding in ordered(findings)]}


def at_or_above(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    return [finding for finding in findings if finding.severity.at_least(severity)]
