"""IAM changes per role, and the changes that widen what a role may do.

A role's statements come from its `assume_role_policy` (kind "trust") and from every
`aws_iam_role_policy` attached to it (kind "permissions"). Changes are listed by statement Sid;
widening compares grants, whichever statement holds them, so moving a grant is not widening.

What counts as widening, for Allow statements (Deny statements are listed, not analysed: this
project writes none). Each (action, resource) pair of the new policy, or (action, principal)
pair of a trust policy, must be granted by some statement of the same role and kind in the
base, with conditions at least as strict. When it is not, the finding is one of:
- a new `"*"`: the pair's resource or principal is `*`, or its action holds a wildcard;
- a new action: no base statement grants the action at all;
- a new resource (or principal) for an action that was granted before;
- weaker conditions: a condition key dropped, or a value added to a condition key.
Removing statements, actions, resources or values only narrows access and is not flagged.
Patterns are compared literally, except that a base pattern with `*` or `?` covers what it
matches (a base `"*"` resource covers every resource).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from policies.statement import Condition
from review.findings import (
    ConditionDropped,
    ConditionLoosened,
    Finding,
    NewActions,
    NewRole,
    NewTargets,
    NewWildcard,
    Subject,
)
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


def roles(document: Mapping) -> dict[str, Role]:
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


def _statement(item: Mapping, kind: str, sid: str) -> Statement:
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


def _strings(value: str | list) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


def _principals(principal: str | Mapping) -> frozenset[str]:
    if isinstance(principal, str):
        return frozenset({principal})
    return frozenset(f"{kind} {name}" for kind, names in principal.items() for name in _strings(names))


def role_changes(base: Mapping[str, Role], head: Mapping[str, Role]) -> tuple[RoleChange, ...]:
    changes = []
    for address in sorted(base.keys() | head.keys()):
        old, new = base.get(address), head.get(address)
        statements = statement_changes(old.statements if old else (), new.statements if new else ())
        if statements:
            change = Change.of(old is not None, new is not None)
            changes.append(RoleChange(address, (new or old).name, change, statements))
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


def widenings(base: Mapping[str, Role], head: Mapping[str, Role]) -> tuple[Finding, ...]:
    found: list[Finding] = []
    for address in sorted(head):
        role = head[address]
        if address not in base:
            found.append(_new_role(role))
            continue
        for statement in role.statements:
            if statement.effect == "Allow":
                allowed = _allowed(base[address].statements, statement.kind)
                found += _Gaps.of(statement, allowed).findings(Subject(role.name, statement.sid))
    return tuple(found)


def _new_role(role: Role) -> NewRole:
    """One finding for the whole role: all of it is new."""
    permissions = _allowed(role.statements, PERMISSIONS)
    return NewRole(
        subject=Subject(role.name),
        principals=_each_once(statement.targets for statement in _allowed(role.statements, TRUST)),
        actions=_each_once(statement.actions for statement in permissions),
        wildcard_statements=tuple(statement.sid for statement in permissions if _has_wildcard(statement)),
    )


def _allowed(statements: Iterable[Statement], kind: str) -> list[Statement]:
    return [statement for statement in statements if statement.kind == kind and statement.effect == "Allow"]


def _each_once(groups: Iterable[frozenset[str]]) -> tuple[str, ...]:
    return tuple(sorted(frozenset().union(*groups)))


def _has_wildcard(statement: Statement) -> bool:
    return "*" in statement.targets or any("*" in action for action in statement.actions)


@dataclass
class _Gaps:
    """What a head statement grants that no base statement of its role granted as strictly."""

    statement: Statement
    wildcards: dict[str, list[str]] = field(default_factory=dict)  # actions by target
    new_actions: list[str] = field(default_factory=list)
    new_targets: dict[str, list[str]] = field(default_factory=dict)  # targets by action
    weaker: list[Statement] = field(default_factory=list)  # base statements with stricter conditions

    @classmethod
    def of(cls, statement: Statement, base: list[Statement]) -> _Gaps:
        gaps = cls(statement)
        for action in sorted(statement.actions):
            granting = [s for s in base if _covered(action, s.actions, ignore_case=True)]
            for target in sorted(statement.targets):
                gaps.add(action, target, granting)
        return gaps

    def add(self, action: str, target: str, granting: list[Statement]) -> None:
        """granting: the base statements that grant the action, on any target."""
        reaching = [s for s in granting if _covered(target, s.targets, ignore_case=False)]
        if reaching:
            self._granted_before(reaching)
        elif target == "*" or "*" in action:
            self.wildcards.setdefault(target, []).append(action)
        elif not granting:
            if action not in self.new_actions:
                self.new_actions.append(action)
        else:
            self.new_targets.setdefault(action, []).append(target)

    def _granted_before(self, reaching: list[Statement]) -> None:
        """Weaker only when every base grant had stricter conditions: a "*" grant is no news then."""
        if not any(_as_strict(self.statement.conditions, s.conditions) for s in reaching):
            self.weaker.append(next((s for s in reaching if s.sid == self.statement.sid), reaching[0]))

    def findings(self, subject: Subject) -> list[Finding]:
        found: list[Finding] = [
            NewWildcard(subject=subject, target=target, actions=tuple(actions))
            for target, actions in self.wildcards.items()
        ]
        if self.new_actions:
            found.append(NewActions(subject=subject, actions=tuple(self.new_actions)))
        found += [
            NewTargets(
                subject=subject, action=action, targets=tuple(targets), target_name=self.statement.target_name
            )
            for action, targets in self.new_targets.items()
        ]
        for compared in dict.fromkeys(self.weaker):
            found += _weaker_conditions(self.statement, compared, subject)
        return found


def _weaker_conditions(statement: Statement, base: Statement, subject: Subject) -> list[Finding]:
    old, new = _by_key(base.conditions), _by_key(statement.conditions)
    found: list[Finding] = [
        ConditionDropped(subject=subject, operator=operator, key=key, old=tuple(sorted(old[operator, key])))
        for operator, key in sorted(old.keys() - new.keys())
    ]
    for operator, key in sorted(old.keys() & new.keys()):
        was = tuple(sorted(old[operator, key]))
        found += [
            ConditionLoosened(subject=subject, operator=operator, key=key, old=was, new=value)
            for value in sorted(new[operator, key] - old[operator, key])
        ]
    return found


def _by_key(conditions: Iterable[Condition]) -> dict[tuple[str, str], set[str]]:
    grouped: dict[tuple[str, str], set[str]] = {}
    for condition in conditions:
        grouped.setdefault((condition.operator, condition.key), set()).update(condition.values)
    return grouped


def _as_strict(head: frozenset[Condition], base: frozenset[Condition]) -> bool:
    """Every base condition key is still there, with no value the base did not allow."""
    old, new = _by_key(base), _by_key(head)
    return all(key in new and new[key] <= values for key, values in old.items())


def _covered(value: str, patterns: Iterable[str], *, ignore_case: bool) -> bool:
    return any(_matches(value, pattern, ignore_case) for pattern in patterns)


def _matches(value: str, pattern: str, ignore_case: bool) -> bool:
    """IAM wildcards: `*` matches any run of characters, `?` one character. Actions are case-insensitive."""
    expression = ".*".join(
        ".".join(re.escape(part) for part in piece.split("?")) for piece in pattern.split("*")
    )
    return re.fullmatch(expression, value, re.IGNORECASE if ignore_case else 0) is not None
