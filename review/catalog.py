"""Every rule of the review, in the order of the table in docs/plan-review.md."""

from __future__ import annotations

from review import access, effects, failure_path, lifecycle
from review.findings import Rule

RULES: tuple[Rule, ...] = tuple(
    sorted((*access.RULES, *effects.RULES, *failure_path.RULES, *lifecycle.RULES), key=lambda rule: rule.id)
)
