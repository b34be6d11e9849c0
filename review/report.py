"""Report data: everything a change does to each stack, compared stack by stack."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from review.access import access_findings
from review.effects import effect_findings
from review.failure_path import failure_path_findings
from review.findings import Finding, ordered
from review.iam import RoleChange, role_changes, roles
from review.lifecycle import invalid, orphaned
from review.resources import (
    Action,
    AttributeChange,
    Change,
    ResourceChange,
    resource_changes,
    resources,
    settings_changes,
)
from review.schedule import ScheduleChange, schedule_changes
from review.state_machine import StateMachineChange, state_machine_changes
from review.terraform import Validation

Validations = tuple[Validation | None, Validation | None]


@dataclass(frozen=True)
class StackReport:
    name: str
    change: Change
    resources: tuple[ResourceChange, ...] = ()
    settings: tuple[AttributeChange, ...] = ()
    roles: tuple[RoleChange, ...] = ()
    findings: tuple[Finding, ...] = ()
    state_machines: tuple[StateMachineChange, ...] = ()
    schedules: tuple[ScheduleChange, ...] = ()
    base_validation: Validation | None = None
    head_validation: Validation | None = None

    def count(self, action: Action) -> int:
        return sum(1 for change in self.resources if change.action is action)


def compare_stack(
    name: str,
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    validation: Validations = (None, None),
) -> StackReport:
    """`base` is None for a new stack, `head` None for a removed one. A removed stack lists no
    resource changes: nothing destroys it (review.lifecycle.orphaned)."""
    old, new = (base or {}, head) if head is not None else ({}, {})
    changes = resource_changes(old, new)
    report = StackReport(
        name=name,
        change=Change.of(base is not None, head is not None),
        resources=changes,
        # A whole new or removed stack's provider and backend settings say nothing new.
        settings=settings_changes(old, new) if base is not None and head is not None else (),
        roles=role_changes(roles(old), roles(new)),
        findings=stack_findings(name, base, head, changes, validation),
        state_machines=state_machine_changes(old, new),
        schedules=schedule_changes(old, new),
        base_validation=validation[0],
        head_validation=validation[1],
    )
    if report.change is Change.CHANGED and not (report.resources or report.settings):
        return StackReport(
            name,
            Change.UNCHANGED,
            findings=report.findings,
            base_validation=validation[0],
            head_validation=validation[1],
        )
    return report


def stack_findings(
    name: str,
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    changes: tuple[ResourceChange, ...],
    validation: Validations = (None, None),
) -> tuple[Finding, ...]:
    """A removed stack is only orphaned: nothing is destroyed, so nothing else happens to it."""
    found = invalid("base", validation[0]) + invalid("head", validation[1])
    if head is None:
        found.append(orphaned(name))
    else:
        old = base or {}
        found += access_findings(roles(old), roles(head))
        found += effect_findings(changes, resources(head))
        found += failure_path_findings(old, head)
    return tuple(ordered(finding.at(name) for finding in found))


def compare(
    base: Mapping[str, Mapping[str, Any]],
    head: Mapping[str, Mapping[str, Any]],
    validations: Mapping[str, Validations] | None = None,
) -> tuple[StackReport, ...]:
    """Both sides are synthesized documents by stack name."""
    return tuple(
        compare_stack(name, base.get(name), head.get(name), (validations or {}).get(name, (None, None)))
        for name in sorted(base.keys() | head.keys())
    )


def all_findings(reports: Iterable[StackReport]) -> list[Finding]:
    return ordered(finding for report in reports for finding in report.findings)
