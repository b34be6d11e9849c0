"""IAM policy statements as plain data, rendered to the JSON that IAM reads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aws_facts.rules import IAM_SID

POLICY_VERSION = "2012-10-17"
# IAM's policy variables for characters that are otherwise special ("*" and "?" are wildcards):
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
LITERAL_ASTERISK = "${*}"
LITERAL_QUESTION_MARK = "${?}"
LITERAL_DOLLAR = "${$}"
IAM_SPECIAL_CHARACTERS = (LITERAL_ASTERISK, LITERAL_QUESTION_MARK, LITERAL_DOLLAR)


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


def terraform_policy_json(policy: dict[str, Any]) -> str:
    """The policy document as JSON text for a Terraform string argument. Terraform would read
    IAM's ${*}, ${?} and ${$} as interpolations; written $${ they stay literal. Every other
    ${...} in a policy is a Terraform reference (a CDKTF token) and stays one."""
    return json.dumps(_terraform_escaped(policy), indent=2)


def _terraform_escaped(value: Any) -> Any:
    if isinstance(value, str):
        for variable in IAM_SPECIAL_CHARACTERS:
            value = value.replace(variable, f"${variable}")
        return value
    if isinstance(value, dict):
        return {_terraform_escaped(key): _terraform_escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_terraform_escaped(item) for item in value]
    return value


def sid_from_name(*parts: str) -> str:
    """Builds a Sid from human names: 'Extract orders', 'Lambda' -> 'ExtractOrdersLambda'."""
    words = re.split(r"[^A-Za-z0-9]+", " ".join(parts))
    return "".join(word[:1].upper() + word[1:] for word in words if word)
