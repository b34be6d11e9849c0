"""Report data: everything a change does to each stack, compared stack by stack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from review.findings import Finding
from review.iam import RoleChange, role_changes, roles, widenings
from review.resources import (
    Action,
    AttributeChange,
    Change,
    ResourceChange,
    resource_changes,
    settings_changes,
)
from review.schedule import ScheduleChange, schedule_changes
from review.state_machine import StateMachineChange, state_machine_changes
from review.terraform import Validation


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
    base: Mapping | None,
    head: Mapping | None,
    validation: tuple[Validation | None, Validation | None] = (None, None),
) -> StackReport:
    """`base` is None for a new stack, `head` None for a removed one."""
    old, new = base or {}, head or {}
    old_roles, new_roles = roles(old), roles(new)
    report = StackReport(
        name=name,
        change=Change.of(base is not None, head is not None),
        resources=resource_changes(old, new),
        # A whole new or removed stack's provider and backend settings say nothing new.
        settings=settings_changes(old, new) if base is not None and head is not None else (),
        roles=role_changes(old_roles, new_roles),
        findings=widenings(old_roles, new_roles),
        state_machines=state_machine_changes(old, new),
        schedules=schedule_changes(old, new),
        base_validation=validation[0],
        head_validation=validation[1],
    )
    if report.change is Change.CHANGED and not (report.resources or report.settings):
        return StackReport(
            name, Change.UNCHANGED, base_validation=validation[0], head_validation=validation[1]
        )
    return report


def compare(
    base: Mapping[str, Mapping],
    head: Mapping[str, Mapping],
    validations: Mapping[str, tuple[Validation | None, Validation | None]] | None = None,
) -> tuple[StackReport, ...]:
    """Both sides are synthesized documents by stack name."""
    return tuple(
        compare_stack(name, base.get(name), head.get(name), (validations or {}).get(name, (None, None)))
        for name in sorted(base.keys() | head.keys())
    )
