"""What each role may do, compared before and after by the requests its statements allow.

A request here is an (action, resource) pair, or (action, principal) in a trust policy, with the
values of its condition keys. For every pair an Allow statement of one side grants, some
statement of the same role and kind on the other side must grant it too, with conditions that let
through at least the same requests (review.conditions). Each pair that fails is a gap:
- the other side grants the action nowhere;
- it grants the action, but not on that resource or principal;
- it grants both, but its conditions let fewer requests through.
Gaps of the head are broadening, gaps of the base narrowing; either is `passrole` when the action
covers `iam:PassRole`. Actions, resources and condition values are compared by what they match
(review.patterns), so a statement that is the same on both sides, or a grant moved to another
statement, is never reported. Deny statements are listed by review.iam, not compared here: this
project writes none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache

from review.conditions import KeyGap, loosenings
from review.findings import Finding, Kind, Rule, Severity, Subject
from review.iam import PERMISSIONS, TRUST, Role, Statement
from review.patterns import covers, pattern

NEW_ROLE = Rule("IAM001", Kind.BROADENING, Severity.MEDIUM, "A new role")
NEW_WILDCARD = Rule(
    "IAM002", Kind.BROADENING, Severity.HIGH, 'A new `"*"`: an action on `*`, or a wildcard action'
)
NEW_ACTION = Rule("IAM003", Kind.BROADENING, Severity.MEDIUM, "An action the role was not allowed")
NEW_TARGET = Rule(
    "IAM004", Kind.BROADENING, Severity.MEDIUM, "An allowed action on new resources or principals"
)
CONDITION_DROPPED = Rule("IAM005", Kind.BROADENING, Severity.HIGH, "A condition key dropped")
CONDITION_LOOSENED = Rule(
    "IAM006", Kind.BROADENING, Severity.MEDIUM, "A condition that lets more values through"
)
PASSROLE_GRANTED = Rule("IAM007", Kind.PASSROLE, Severity.HIGH, "`iam:PassRole` allowed more")
PASSROLE_REDUCED = Rule("IAM008", Kind.PASSROLE, Severity.LOW, "`iam:PassRole` allowed less")
ROLE_REMOVED = Rule("IAM009", Kind.NARROWING, Severity.INFO, "A role removed")
ACTION_REMOVED = Rule("IAM010", Kind.NARROWING, Severity.INFO, "An action the role is no longer allowed")
TARGET_REMOVED = Rule(
    "IAM011", Kind.NARROWING, Severity.INFO, "An action no longer on some resources or principals"
)
CONDITION_TIGHTENED = Rule(
    "IAM012", Kind.NARROWING, Severity.INFO, "A condition added or letting fewer values through"
)
RULES = (
    NEW_ROLE,
    NEW_WILDCARD,
    NEW_ACTION,
    NEW_TARGET,
    CONDITION_DROPPED,
    CONDITION_LOOSENED,
    PASSROLE_GRANTED,
    PASSROLE_REDUCED,
    ROLE_REMOVED,
    ACTION_REMOVED,
    TARGET_REMOVED,
    CONDITION_TIGHTENED,
)

PASS_ROLE = "iam:PassRole"


class Gain(Enum):
    """What a pair lacks on the other side."""

    ACTION = "action"
    TARGET = "target"
    CONDITION = "condition"


@dataclass(frozen=True)
class Gap:
    statement: Statement
    gain: Gain
    action: str
    target: str
    condition: KeyGap | None = None


def access_findings(base: Mapping[str, Role], head: Mapping[str, Role]) -> tuple[Finding, ...]:
    """Roles by Terraform address, as review.iam.roles reads them."""
    found: list[Finding] = []
    for address in sorted(base.keys() | head.keys()):
        old, new = base.get(address), head.get(address)
        if old is None and new is not None:
            found += [
                _new_role(new),
                *_findings(new.name, gaps(new.statements, ()), broadening=True, only_passrole=True),
            ]
        elif new is None and old is not None:
            found += [
                _removed_role(old),
                *_findings(old.name, gaps(old.statements, ()), broadening=False, only_passrole=True),
            ]
        elif old is not None and new is not None:
            found += _findings(new.name, gaps(new.statements, old.statements), broadening=True)
            found += _findings(new.name, gaps(old.statements, new.statements), broadening=False)
    return tuple(found)


def gaps(granting: Sequence[Statement], other: Sequence[Statement]) -> list[Gap]:
    """Every pair an Allow statement of `granting` grants that `other` does not, as strictly."""
    found = []
    for statement in _allowed(granting):
        peers = [s for s in _allowed(other) if s.kind == statement.kind]
        for action in sorted(statement.actions):
            acting = [s for s in peers if _covered(action, s.actions, fold_case=True)]
            for target in sorted(statement.targets):
                found += _pair_gaps(statement, action, target, acting)
    return found


def _pair_gaps(statement: Statement, action: str, target: str, acting: list[Statement]) -> list[Gap]:
    if not acting:
        return [Gap(statement, Gain.ACTION, action, target)]
    reaching = [s for s in acting if _covered(target, s.targets, fold_case=False)]
    if not reaching:
        return [Gap(statement, Gain.TARGET, action, target)]
    by_peer = [loosenings(statement.conditions, peer.conditions) for peer in reaching]
    if any(not loosened for loosened in by_peer):
        return []
    # Compared with the statement of the same Sid, else with the one it differs from in the fewest keys.
    closest = next(
        (loosened for peer, loosened in zip(reaching, by_peer, strict=True) if peer.sid == statement.sid),
        min(by_peer, key=len),
    )
    return [Gap(statement, Gain.CONDITION, action, target, condition) for condition in closest]


def _allowed(statements: Iterable[Statement]) -> list[Statement]:
    return [statement for statement in statements if statement.effect == "Allow"]


def _covered(value: str, patterns: Iterable[str], *, fold_case: bool) -> bool:
    return any(_covers(candidate, value, fold_case) for candidate in patterns)


@cache
def _covers(wider: str, narrower: str, fold_case: bool) -> bool:
    return covers(pattern(wider, fold_case=fold_case), pattern(narrower, fold_case=fold_case))


def is_pass_role(action: str) -> bool:
    return _covers(action, PASS_ROLE, fold_case=True)


def _rule(gap: Gap, broadening: bool) -> Rule:
    if is_pass_role(gap.action):
        return PASSROLE_GRANTED if broadening else PASSROLE_REDUCED
    if not broadening:
        return {
            Gain.ACTION: ACTION_REMOVED,
            Gain.TARGET: TARGET_REMOVED,
            Gain.CONDITION: CONDITION_TIGHTENED,
        }[gap.gain]
    if gap.gain is Gain.CONDITION:
        return CONDITION_DROPPED if gap.condition and gap.condition.unbounded else CONDITION_LOOSENED
    if gap.target == "*" or "*" in gap.action:
        return NEW_WILDCARD
    return NEW_ACTION if gap.gain is Gain.ACTION else NEW_TARGET


def _findings(
    role: str, found: Iterable[Gap], *, broadening: bool, only_passrole: bool = False
) -> list[Finding]:
    """One finding per statement and rule: new actions together, targets per action, conditions per key."""
    groups: dict[tuple[Rule, Statement, Gain, str], list[Gap]] = {}
    for gap in found:
        if only_passrole and not is_pass_role(gap.action):
            continue
        detail = gap.condition.key if gap.condition else gap.action if gap.gain is Gain.TARGET else ""
        groups.setdefault((_rule(gap, broadening), gap.statement, gap.gain, detail), []).append(gap)
    return [
        rule.found(Subject(role=role, statement=statement.sid), _message(members, broadening))
        for (rule, statement, _, _), members in groups.items()
    ]


def _message(members: list[Gap], broadening: bool) -> str:
    first = members[0]
    if first.gain is Gain.ACTION:
        actions, targets = _each_once(g.action for g in members), _each_once(g.target for g in members)
        verb = "newly allowed" if broadening else "no longer allowed"
        return f"{verb} {_listed(actions)} on {_listed(targets)}"
    if first.gain is Gain.TARGET:
        targets = _each_once(g.target for g in members)
        name = f"{first.statement.target_name}{'s' if len(targets) > 1 else ''}"
        return f"`{first.action}` {'now also' if broadening else 'no longer'} on {name} {_listed(targets)}"
    return _condition_message(first.condition, broadening) if first.condition else ""


def _condition_message(gap: KeyGap, broadening: bool) -> str:
    operators = "/".join(gap.operators)
    if gap.unbounded:
        if broadening:
            return f"condition `{operators} {gap.key}` dropped (it allowed only {_listed(gap.values)})"
        return f"condition `{operators} {gap.key}` added: it allows only {_listed(gap.values)}"
    verb = "now also allows" if broadening else "no longer allows"
    text = f"condition `{operators} {gap.key}` {verb} {_listed(gap.values)}"
    return text + (f" (for example `{gap.example}`)" if gap.example not in (None, *gap.values) else "")


def _new_role(role: Role) -> Finding:
    permissions = [s for s in _allowed(role.statements) if s.kind == PERMISSIONS]
    principals = _each_once(p for s in _allowed(role.statements) if s.kind == TRUST for p in s.targets)
    actions = _each_once(a for s in permissions for a in s.actions)
    wildcards = [s.sid for s in permissions if "*" in s.targets or any("*" in a for a in s.actions)]
    text = f"new role, assumable by {_listed(principals)}, allowed {len(actions)} action"
    text += "s" if len(actions) != 1 else ""
    text += f'; `"*"` in {_listed(wildcards)}' if wildcards else ""
    return NEW_ROLE.found(Subject(role=role.name), text)


def _removed_role(role: Role) -> Finding:
    return ROLE_REMOVED.found(Subject(role=role.name), "role removed, with all it was allowed")


def _each_once(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _listed(items: Iterable[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)
