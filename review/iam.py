"""Each role's statements, read from the synthesized stack, and their changes by Sid as text.

A role's statements come from its `assume_role_policy` (kind "trust"), from every
`aws_iam_role_policy` attached to it and from the stack's managed policies attached to it (kind
"permissions"). The report lists their changes by Sid; review.access compares what they allow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from policies.statement import Condition
from review.resources import Change, resources

TRUST = "trust"
PERMISSIONS = "permissions"
_ROLE_REFERENCE = re.compile(r"^\$\{(aws_iam_role\.[^.}]+)\.(?:id|name)\}$")
_POLICY_REFERENCE = re.compile(r"^\$\{(aws_iam_policy\.[^.}]+)\.arn\}$")


@dataclass(frozen=True)
class Statement:
    """A statement as read from any policy document. policies.statement.Statement is what this
    project writes (Allow only, with an alphanumeric Sid); a reviewed policy may also hold Deny,
    principals and statements without a Sid, named here by their position."""

    kind: str
    sid: str
    effect: str
    actions: frozenset[str]
    targets: frozenset[str]  # resources; principals in a trust policy, as "Service states.amazonaws.com"
    conditions: frozenset[Condition]

    @property
    def target_name(self) -> str:
        return "principal" if self.kind == TRUST else "resource"

    def facets(self) -> frozenset[tuple[str, str]]:
        """What a reviewer reads: ("action", "sns:Publish"), ("condition", "StringEquals k = v"), ...
        and ("effect", "Deny"); the usual Allow is left out."""
        return frozenset(
            ({("effect", self.effect)} if self.effect != "Allow" else set())
            | {("action", action) for action in self.actions}
            | {(self.target_name, target) for target in self.targets}
            | {
                ("condition", f"{condition.operator} {condition.key} = {value}")
                for condition in self.conditions
                for value in condition.values
            }
        )


@dataclass(frozen=True)
class Role:
    name: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class StatementChange:
    kind: str
    sid: str
    change: Change
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RoleChange:
    address: str
    name: str
    change: Change
    statements: tuple[StatementChange, ...]


def roles(document: Mapping[str, Any]) -> dict[str, Role]:
    """Each IAM role of a synthesized stack, with its trust and inline policies, by address."""
    found = resources(document)
    role_addresses = sorted(address for address in found if address.startswith("aws_iam_role."))
    by_name = {found[address].get("name"): address for address in role_addresses}
    statements: dict[str, list[Statement]] = {
        address: parse_policy(found[address].get("assume_role_policy", "{}"), TRUST, "trust policy")
        for address in role_addresses
    }
    for address in sorted(found):
        if address.startswith("aws_iam_role_policy."):
            body = found[address]
        elif address.startswith("aws_iam_role_policy_attachment."):
            # A managed policy of this stack attached to the role counts as its own.
            policy = _POLICY_REFERENCE.match(str(found[address].get("policy_arn", "")))
            if not policy or policy.group(1) not in found:
                continue
            body = {**found[policy.group(1)], "role": found[address].get("role")}
        else:
            continue
        reference = _ROLE_REFERENCE.match(str(body.get("role", "")))
        role = reference.group(1) if reference else by_name.get(body.get("role"))
        if role in statements:
            label = str(body.get("name", address))
            taken = {statement.sid for statement in statements[role] if statement.kind == PERMISSIONS}
            statements[role] += [
                replace(statement, sid=f"{statement.sid} ({label})") if statement.sid in taken else statement
                for statement in parse_policy(body.get("policy", "{}"), PERMISSIONS, label)
            ]
    return {
        address: Role(str(found[address].get("name", address)), tuple(statements[address]))
        for address in role_addresses
    }


def parse_policy(policy: str, kind: str, label: str) -> list[Statement]:
    """Statements without a Sid are named by their position, for example `#0 of trust policy`."""
    # "$${" is Terraform's escape of a literal "${" (IAM's ${?} and ${*}).
    raw = json.loads(policy.replace("$${", "${")).get("Statement", [])
    listed = [raw] if isinstance(raw, dict) else raw
    return [
        _statement(item, kind, item.get("Sid") or f"#{index} of {label}") for index, item in enumerate(listed)
    ]


def _statement(item: Mapping[str, Any], kind: str, sid: str) -> Statement:
    targets = _principals(item.get("Principal", {})) if kind == TRUST else _strings(item.get("Resource", []))
    conditions = frozenset(
        Condition(
            operator, key, tuple(_text(value) for value in (values if isinstance(values, list) else [values]))
        )
        for operator, block in item.get("Condition", {}).items()
        for key, values in block.items()
    )
    return Statement(
        kind, sid, item.get("Effect", "Allow"), _strings(item.get("Action", [])), targets, conditions
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _strings(value: str | list[Any]) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


def _principals(principal: str | Mapping[str, Any]) -> frozenset[str]:
    if isinstance(principal, str):
        return frozenset({principal})
    return frozenset(f"{kind} {name}" for kind, names in principal.items() for name in _strings(names))


def role_changes(base: Mapping[str, Role], head: Mapping[str, Role]) -> tuple[RoleChange, ...]:
    changes = []
    for address in sorted(base.keys() | head.keys()):
        old, new = base.get(address), head.get(address)
        statements = statement_changes(old.statements if old else (), new.statements if new else ())
        if statements:
            role = new or old
            assert role is not None  # the address comes from base or head
            changes.append(
                RoleChange(address, role.name, Change.of(old is not None, new is not None), statements)
            )
    return tuple(changes)


def statement_changes(base: Iterable[Statement], head: Iterable[Statement]) -> tuple[StatementChange, ...]:
    old = {(statement.kind, statement.sid): statement for statement in base}
    new = {(statement.kind, statement.sid): statement for statement in head}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before = old[key].facets() if key in old else frozenset()
        after = new[key].facets() if key in new else frozenset()
        if before == after:
            continue
        change = Change.of(key in old, key in new)
        added, removed = sorted(after - before, key=_facet_order), sorted(before - after, key=_facet_order)
        changes.append(StatementChange(*key, change, tuple(added), tuple(removed)))
    return tuple(changes)


def _facet_order(facet: tuple[str, str]) -> tuple[int, str]:
    return (("effect", "action", "principal", "resource", "condition").index(facet[0]), facet[1])
