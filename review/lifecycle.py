"""Findings about a whole stack: its config removed, or a side that fails `terraform validate`."""

from __future__ import annotations

from review.findings import Finding, Kind, Rule, Severity, Subject
from review.terraform import Validation

ORPHANED = Rule("STK001", Kind.ORPHANED, Severity.HIGH, "A stack whose config is removed")
HEAD_INVALID = Rule("TFV001", Kind.VALIDATE, Severity.HIGH, "The head fails `terraform validate`")
BASE_INVALID = Rule("TFV002", Kind.VALIDATE, Severity.LOW, "The base fails `terraform validate`")
RULES = (ORPHANED, HEAD_INVALID, BASE_INVALID)


def orphaned(stack: str) -> Finding:
    """Synth writes, and the deploy applies, only the stacks of config/*.toml: a stack whose config
    is gone is never planned again, so no apply ever destroys it."""
    return ORPHANED.found(
        Subject(),
        f"its config is removed, but nothing destroys the stack: `make deploy` and deploy.yml apply only "
        "the stacks of config/*.toml, so its state machine, schedule, alarms and roles keep running in AWS, "
        "unmanaged. Destroy it first, from a checkout of the base: `make synth && cd "
        f"cdktf.out/stacks/{stack} && terraform init && terraform destroy`; then merge.",
    )


def invalid(side: str, validation: Validation | None) -> list[Finding]:
    if validation is None or validation.valid:
        return []
    rule = HEAD_INVALID if side == "head" else BASE_INVALID
    return [rule.found(Subject(), f"the {side} fails `terraform validate`: {validation.summary}")]
