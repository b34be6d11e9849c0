"""Fitting a role's statements into the policy sizes IAM accepts.

IAM quotas (aws_facts.rules, from the IAM quotas page): a role's inline policies
together hold at most 10,240 characters, a managed policy at most 6,144, and a
role takes at most 10 managed policies by default. Whitespace is not counted.

A role's statements are laid out in three steps, each only when the one before
is not enough, so small pipelines keep one statement per purpose:
1. one inline policy, as derived;
2. statements that grant the same actions under the same conditions merged
   into one, their resources united (the same requests are allowed);
3. what does not fit inline spread over managed policies, a statement with too
   many resources for one policy split by resource.

Sizes are measured on the statements with every ARN as long as it can really
be (see core.role_policies); the same layout is then applied to the statements
as rendered with Terraform references, which are shorter or longer than the
values they stand for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aws_facts import rules as aws_rules

from policies.statement import POLICY_VERSION, Condition, Statement

INLINE_POLICIES_CHARACTERS = aws_rules.IAM_INLINE_POLICIES_CHARACTERS
MANAGED_POLICY_CHARACTERS = aws_rules.IAM_MANAGED_POLICY_CHARACTERS
MANAGED_POLICIES_PER_ROLE = aws_rules.IAM_MANAGED_POLICIES_PER_ROLE
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Grant:
    """A statement as rendered, and the same statement with realistic ARNs, which IAM counts."""

    rendered: Statement
    resolved: Statement

    def __post_init__(self) -> None:
        if (self.rendered.sid, len(self.rendered.resources)) != (
            self.resolved.sid,
            len(self.resolved.resources),
        ):
            raise ValueError(f"{self.rendered.sid} and {self.resolved.sid} are not the same grant")

    @property
    def size(self) -> int:
        return characters(self.resolved.to_json())


@dataclass(frozen=True)
class RolePolicies:
    inline: tuple[Statement, ...]
    managed: tuple[tuple[Statement, ...], ...] = ()


class PolicyTooLarge(ValueError):
    """A role needs more policy than IAM accepts, even merged and spread."""


def characters(value: object) -> int:
    """The characters IAM counts in a JSON value: all but whitespace."""
    return len(_WHITESPACE.sub("", json.dumps(value, separators=(",", ":"))))


def policy_size(grants: Sequence[Grant]) -> int:
    return characters(
        {"Version": POLICY_VERSION, "Statement": [grant.resolved.to_json() for grant in grants]}
    )


def pair_grants(rendered: Sequence[Statement], resolved: Sequence[Statement]) -> list[Grant]:
    return [Grant(one, other) for one, other in zip(rendered, resolved, strict=True)]


def lay_out(grants: Sequence[Grant]) -> RolePolicies:
    """Raises PolicyTooLarge, saying by how much, beyond what IAM allows."""
    if policy_size(grants) <= INLINE_POLICIES_CHARACTERS:
        return _rendered(grants)
    merged = merge_grants(grants)
    if policy_size(merged) <= INLINE_POLICIES_CHARACTERS:
        return _rendered(merged)
    inline, rest = _fill(merged, INLINE_POLICIES_CHARACTERS)
    managed: list[list[Grant]] = []
    for grant in rest:
        for piece in _pieces_that_fit(grant):
            if not managed or policy_size([*managed[-1], piece]) > MANAGED_POLICY_CHARACTERS:
                managed.append([])
            managed[-1].append(piece)
    if len(managed) > MANAGED_POLICIES_PER_ROLE:
        raise PolicyTooLarge(
            f"needs {len(managed)} managed policies of {MANAGED_POLICY_CHARACTERS:,} characters beside "
            f"{INLINE_POLICIES_CHARACTERS:,} inline, and IAM attaches at most {MANAGED_POLICIES_PER_ROLE} "
            f"to a role by default ({policy_size(merged):,} characters of statements in all, "
            "after merging those that share actions and conditions)"
        )
    return RolePolicies(
        inline=tuple(grant.rendered for grant in inline),
        managed=tuple(tuple(grant.rendered for grant in policy) for policy in managed),
    )


def merge_grants(grants: Sequence[Grant]) -> list[Grant]:
    """One statement per (actions, conditions), in first-seen order, resources united.
    A merged statement keeps the Sid of its first member and says how many it holds."""
    groups: dict[tuple[tuple[str, ...], tuple[Condition, ...]], list[Grant]] = {}
    for grant in grants:
        key = (tuple(sorted(grant.rendered.actions)), grant.rendered.conditions)
        groups.setdefault(key, []).append(grant)
    return [_merged(group) for group in groups.values()]


def _merged(group: list[Grant]) -> Grant:
    if len(group) == 1:
        return group[0]
    sid = f"{group[0].rendered.sid}And{len(group) - 1}More"
    return Grant(
        rendered=_union(sid, [grant.rendered for grant in group]),
        resolved=_union(sid, [grant.resolved for grant in group]),
    )


def _union(sid: str, statements: list[Statement]) -> Statement:
    resources = tuple(dict.fromkeys(resource for statement in statements for resource in statement.resources))
    return replace(statements[0], sid=sid, resources=resources)


def _fill(grants: list[Grant], budget: int) -> tuple[list[Grant], list[Grant]]:
    """The longest leading run of grants that fits the budget, and the rest."""
    taken: list[Grant] = []
    for index, grant in enumerate(grants):
        if policy_size([*taken, grant]) > budget:
            return taken, grants[index:]
        taken.append(grant)
    return taken, []


def _pieces_that_fit(grant: Grant) -> list[Grant]:
    """The grant, or its resources split over as many statements as one managed policy needs."""
    if policy_size([grant]) <= MANAGED_POLICY_CHARACTERS:
        return [grant]
    pieces: list[Grant] = []
    start = 0
    resources = grant.resolved.resources
    while start < len(resources):
        stop = start + 1
        while stop < len(resources) and policy_size([_slice(grant, start, stop + 1, len(pieces))]) <= (
            MANAGED_POLICY_CHARACTERS
        ):
            stop += 1
        piece = _slice(grant, start, stop, len(pieces))
        if policy_size([piece]) > MANAGED_POLICY_CHARACTERS:
            raise PolicyTooLarge(
                f"statement {grant.rendered.sid} grants one resource whose statement alone is longer "
                f"than a managed policy's {MANAGED_POLICY_CHARACTERS:,} characters"
            )
        pieces.append(piece)
        start = stop
    return pieces


def _slice(grant: Grant, start: int, stop: int, part: int) -> Grant:
    sid = f"{grant.rendered.sid}Part{part + 1}"
    return Grant(
        rendered=replace(grant.rendered, sid=sid, resources=grant.rendered.resources[start:stop]),
        resolved=replace(grant.resolved, sid=sid, resources=grant.resolved.resources[start:stop]),
    )


def _rendered(grants: Sequence[Grant]) -> RolePolicies:
    return RolePolicies(inline=tuple(grant.rendered for grant in grants))
