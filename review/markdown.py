"""The review report as GitHub-flavoured Markdown (Mermaid diagrams render in PR comments)."""

from __future__ import annotations

from collections.abc import Sequence

from review.findings import Finding, Severity
from review.iam import StatementChange
from review.lifecycle import ORPHANED
from review.report import StackReport, all_findings
from review.resources import LONG, Action, AttributeChange, Change, ResourceChange
from review.schedule import ScheduleChange
from review.state_machine import StateMachineChange
from review.terraform import Validation

ADDED = "\N{HEAVY PLUS SIGN}"
REMOVED = "\N{HEAVY MINUS SIGN}"
CHANGED = "\N{PENCIL}\N{VARIATION SELECTOR-16}"
RESOURCE_MARKS = {
    Action.REPLACE: "🔴 **REPLACED** (destroyed, then created again)",
    Action.ADD: f"{ADDED} added",
    Action.CHANGE: f"{CHANGED} changed",
    Action.REMOVE: f"{REMOVED} removed",
}
CHANGE_MARKS = {Change.ADDED: ADDED, Change.REMOVED: REMOVED, Change.CHANGED: CHANGED}
LEGEND = (
    "Red: the failure path (reached through a Catch, dotted). Thick green border: added state; "
    "thick amber border: changed state; dashed grey: removed state, with its transitions."
)
SEVERITY_MARKS = {Severity.HIGH: "🔴", Severity.MEDIUM: "🟠", Severity.LOW: "🟡", Severity.INFO: "⚪"}


def render(
    reports: Sequence[StackReport], base_label: str, head_label: str, notes: Sequence[str] = ()
) -> str:
    lines = [f"## Plan review: {code(base_label)} → {head_label}", ""]
    lines += [f"> {note}" for note in notes] + ([""] if notes else [])
    lines += [*_summary(reports), "", *findings_section(all_findings(reports))]
    for report in reports:
        lines += ["", *_stack(report)]
    return "\n".join(lines).rstrip() + "\n"


def code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _summary(reports: Sequence[StackReport]) -> list[str]:
    lines = ["| Stack | Added | Changed | Replaced | Removed |", "|---|---:|---:|---:|---:|"]
    for report in reports:
        replaced = report.count(Action.REPLACE)
        counts = [
            str(report.count(Action.ADD)),
            str(report.count(Action.CHANGE)),
            f"**{replaced}** 🔴" if replaced else "0",
            str(report.count(Action.REMOVE)),
        ]
        suffix = f" ({report.change.value})" if report.change in {Change.ADDED, Change.REMOVED} else ""
        lines.append(f"| {code(report.name)}{suffix} | {' | '.join(counts)} |")
    return lines


def findings_section(findings: Sequence[Finding]) -> list[str]:
    """Every finding, the most severe first, with its id, kind, stack and subject."""
    if not findings:
        return ["✅ No findings."]
    counts = ", ".join(
        f"{sum(1 for f in findings if f.severity is severity)} {severity.value}"
        for severity in reversed(Severity)
        if any(f.severity is severity for f in findings)
    )
    return [f"## Findings: {counts}", "", *[f"- {finding_line(finding)}" for finding in findings]]


def finding_line(finding: Finding) -> str:
    subject = " · ".join(
        f"{name.replace('_', ' ')} {code(value)}" if name != "statement" else code(value)
        for name, value in finding.subject.as_json().items()
    )
    where = " · ".join(part for part in (code(finding.stack), subject) if part)
    return (
        f"{SEVERITY_MARKS[finding.severity]} **{finding.severity.value}** `{finding.id}` {finding.kind.value} · "
        f"{where}: {finding.message}"
    )


def _stack(report: StackReport) -> list[str]:
    lines = [f"## Stack {code(report.name)}"]
    validation = _validation(report.base_validation, report.head_validation)
    if validation:
        lines += ["", validation]
    if report.change is Change.UNCHANGED:
        return [*lines, "", "No changes."]
    if report.change is Change.REMOVED:
        return [
            *lines,
            "",
            f"Its config is removed, but nothing destroys the stack: see `{ORPHANED.id}` above.",
        ]
    if report.change is Change.ADDED:
        lines += ["", "The whole stack is added."]
    sections = [
        ("Resources", [line for change in report.resources for line in _resource(change)]),
        ("IAM", _roles(report)),
        *[(f"State machine {code(change.name)}", _state_machine(change)) for change in report.state_machines],
        ("Schedule", [_schedule(change) for change in report.schedules]),
        ("Stack settings", [f"- {_attribute(change)}" for change in report.settings]),
    ]
    for title, body in sections:
        if body:
            lines += ["", f"### {title}", "", *body]
    return lines


def _validation(base: Validation | None, head: Validation | None) -> str:
    sides = [(side, result) for side, result in (("base", base), ("head", head)) if result is not None]
    if not sides:
        return ""
    described = [f"{side} {'✅ valid' if r.valid else '❌ ' + r.summary}" for side, r in sides]
    return "`terraform validate`: " + " · ".join(described)


def _resource(change: ResourceChange) -> list[str]:
    return [
        f"- {RESOURCE_MARKS[change.action]} {code(change.address)}",
        *[f"  - {_attribute(attribute)}" for attribute in change.attributes],
    ]


def _attribute(change: AttributeChange) -> str:
    path = code(change.path)
    if change.refers_to_replaced:
        text = f"{path} refers to replaced {code(change.refers_to_replaced)}"
    elif change.before is None:
        text = f"{path} added" + (f": {code(change.after)}" if change.after not in {None, LONG} else "")
    elif change.after is None:
        text = f"{path} removed" + (f" (was {code(change.before)})" if change.before != LONG else "")
    elif LONG in {change.before, change.after}:
        text = f"{path} changed"
    else:
        text = f"{path}: {code(change.before)} → {code(change.after)}"
    return text + (" — **forces replacement**" if change.forces_replacement else "")


def _roles(report: StackReport) -> list[str]:
    lines = []
    for role in report.roles:
        suffix = f" ({role.change.value})" if role.change is not Change.CHANGED else ""
        lines += [f"#### Role {code(role.name)}{suffix}", "", *[_statement(s) for s in role.statements], ""]
    return lines[:-1]


def _statement(change: StatementChange) -> str:
    head = f"- {CHANGE_MARKS[change.change]} {change.kind} statement {code(change.sid)}: "
    if change.change is Change.CHANGED:
        items = [f"{ADDED} {facet} {code(value)}" for facet, value in change.added]
        items += [f"{REMOVED} {facet} {code(value)}" for facet, value in change.removed]
    else:
        items = [f"{facet} {code(value)}" for facet, value in change.added or change.removed]
    return head + ", ".join(items)


def _state_machine(change: StateMachineChange) -> list[str]:
    lines = [f"- {ADDED} state {code(state)}" for state in change.added]
    lines += [f"- {REMOVED} state {code(state)}" for state in change.removed]
    lines += [
        f"- {CHANGED} state {code(state)}: " + ", ".join(map(code, keys)) for state, keys in change.changed
    ]
    lines += [f"- {CHANGED} definition {code(key)}" for key in change.top_level]
    if change.diagram:
        lines += ["", "```mermaid", change.diagram, "```", "", LEGEND]
    return lines


def _schedule(change: ScheduleChange) -> str:
    return f"- {code(change.name)}: {change.before or '(new)'} → {change.after or '(removed)'}"
