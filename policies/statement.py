"""IAM policy statements as plain data, rendered to the JSON that IAM reads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aws_facts.rules import IAM_SID

POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Condition:
    """One condition block entry, for example StringEquals states:HTTPMethod = POST."""

    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """An Allow statement. Every statement carries a Sid that says why it exists."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        if not IAM_SID.fullmatch(self.sid):
            raise ValueError(f"IAM Sid {self.sid!r} must be alphanumeric")

    def to_json(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions),
            "Resource": list(self.resources),
        }
        if self.conditions:
            rendered["Condition"] = conditions_json(self.conditions)
        return rendered


def conditions_json(conditions: Iterable[Condition]) -> dict[str, Any]:
    blocks: dict[str, dict[str, Any]] = {}
    for condition in conditions:
        values = list(condition.values)
        blocks.setdefault(condition.operator, {})[condition.key] = values[0] if len(values) == 1 else values
    return blocks


def merge_statements(statements: Iterable[Statement]) -> tuple[Statement, ...]:
    """Drops exact repeats (two steps sharing one connection need its grant once).

    Two different statements under one Sid would make the policy ambiguous to
    review, so that is refused.
    """
    by_sid: dict[str, Statement] = {}
    for statement in statements:
        seen = by_sid.setdefault(statement.sid, statement)
        if seen != statement:
            raise ValueError(f"two different IAM statements share the Sid {statement.sid!r}")
    return tuple(by_sid.values())


def policy_document(statements: Iterable[Statement]) -> dict[str, Any]:
    return {
        "Version": POLICY_VERSION,
        "Statement": [statement.to_json() for statement in merge_statements(statements)],
    }


def sid_from_name(*parts: str) -> str:
    """Builds a Sid from human names: 'Extract orders', 'Lambda' -> 'ExtractOrdersLambda'."""
    words = re.split(r"[^A-Za-z0-9]+", " ".join(parts))
    return "".join(word[:1].upper() + word[1:] for word in words if word)
