"""The rules: one id each, every kind covered, and docs/plan-review.md's tables in step with the code."""

from __future__ import annotations

import re

from review.catalog import RULES
from review.findings import Kind
from review.resources import FORCES_REPLACEMENT
from tests.conftest import PROJECT

DOC = (PROJECT / "docs" / "plan-review.md").read_text()


def table_rows(pattern: str) -> list[str]:
    return [line for line in DOC.splitlines() if re.match(pattern, line)]


def test_every_rule_has_its_own_id_and_every_kind_a_rule():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]{3}\d{3}", rule_id) for rule_id in ids)
    assert {rule.kind for rule in RULES} == set(Kind)


def test_the_rule_table_of_the_docs_lists_every_rule_with_its_kind_and_severity():
    assert table_rows(r"\| `[A-Z]{3}\d{3}` \|") == [
        f"| `{rule.id}` | `{rule.kind.value}` | {rule.severity.value} | {rule.title} |" for rule in RULES
    ]


def test_the_docs_describe_every_kind():
    assert [row.split("`")[1] for row in table_rows(r"\| `[a-z-]+` \| [A-Z]")] == [
        kind.value for kind in Kind
    ]


def test_the_replacement_table_of_the_docs_is_the_code_s():
    assert table_rows(r"\| `aws_") == [
        f"| `{kind}` | {', '.join(f'`{a}`' for a in sorted(attributes)) or 'none of those it sets'} |"
        for kind, attributes in FORCES_REPLACEMENT.items()
    ]
