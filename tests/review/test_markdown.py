"""How report data reads as Markdown."""

from __future__ import annotations

import pytest

from review.findings import (
    ConditionDropped,
    ConditionLoosened,
    NewActions,
    NewRole,
    NewTargets,
    NewWildcard,
    Subject,
)
from review.markdown import ADDED, CHANGED, REMOVED, code, finding_text, render
from review.report import StackReport, compare_stack
from review.resources import LONG, Action, AttributeChange, Change, ResourceChange
from review.schedule import ScheduleChange
from review.terraform import Validation


def lines_of(*reports: StackReport, notes: tuple[str, ...] = ()) -> list[str]:
    return render(reports, "origin/main", "working tree", notes).splitlines()


def test_the_title_names_both_sides_and_notes_follow_it():
    lines = lines_of(
        StackReport("dev", Change.UNCHANGED), notes=("The base has no `main.py`, so it has no stacks.",)
    )
    assert lines[:3] == [
        "## Plan review: `origin/main` → working tree",
        "",
        "> The base has no `main.py`, so it has no stacks.",
    ]


def test_the_summary_table_counts_changes_and_shouts_replacements():
    report = StackReport(
        "dev",
        Change.CHANGED,
        resources=(
            ResourceChange("aws_sns_topic.A", Action.REPLACE),
            ResourceChange("aws_sns_topic.B", Action.ADD),
            ResourceChange("aws_sns_topic.C", Action.ADD),
            ResourceChange("aws_sns_topic.D", Action.REMOVE),
        ),
    )
    lines = lines_of(report, StackReport("prod", Change.ADDED))
    assert "| `dev` | 2 | 0 | **1** 🔴 | 1 |" in lines
    assert "| `prod` (added) | 0 | 0 | 0 | 0 |" in lines


def test_no_widening_is_said_at_the_top():
    assert "✅ No IAM widening." in lines_of(StackReport("dev", Change.UNCHANGED))


def test_widening_names_stack_role_and_statement():
    report = StackReport(
        "dev",
        Change.CHANGED,
        resources=(ResourceChange("aws_iam_role.R", Action.ADD),),
        findings=(
            NewActions(subject=Subject("r", "Publish"), actions=("sns:Publish",)),
            NewRole(
                subject=Subject("t"),
                principals=("Service states.amazonaws.com",),
                actions=(),
                wildcard_statements=(),
            ),
        ),
    )
    lines = lines_of(report)
    start = lines.index("## ⚠️ Widening")
    assert lines[start + 2 : start + 4] == [
        "- `dev` · role `r` · `Publish`: new action `sns:Publish`",
        "- `dev` · role `t`: new role, assumable by `Service states.amazonaws.com`, allowed 0 actions",
    ]
    assert "✅ No IAM widening." not in lines


ROLE = Subject("r", "S")


@pytest.mark.parametrize(
    ("finding", "words"),
    [
        (
            NewRole(
                subject=Subject("r"),
                principals=("Service a.amazonaws.com", "Service b.amazonaws.com"),
                actions=("sns:Publish",),
                wildcard_statements=("Logs", "Trace"),
            ),
            (
                "new role, assumable by `Service a.amazonaws.com`, `Service b.amazonaws.com`, allowed 1 action; "
                '`"*"` in `Logs`, `Trace`'
            ),
        ),
        (
            NewWildcard(subject=ROLE, target="*", actions=("logs:CreateLogDelivery", "logs:GetLogDelivery")),
            'new `"*"`: `logs:CreateLogDelivery`, `logs:GetLogDelivery` on `*`',
        ),
        (NewActions(subject=ROLE, actions=("sns:DeleteTopic",)), "new action `sns:DeleteTopic`"),
        (
            NewActions(subject=ROLE, actions=("s3:GetObject", "s3:ListBucket")),
            "new actions `s3:GetObject`, `s3:ListBucket`",
        ),
        (
            NewTargets(subject=ROLE, action="sns:Publish", targets=("arn:t",), target_name="resource"),
            "`sns:Publish` on new resource `arn:t`",
        ),
        (
            NewTargets(
                subject=ROLE,
                action="sts:AssumeRole",
                targets=("Service a.amazonaws.com", "Service b.amazonaws.com"),
                target_name="principal",
            ),
            "`sts:AssumeRole` on new principals `Service a.amazonaws.com`, `Service b.amazonaws.com`",
        ),
        (
            ConditionDropped(
                subject=ROLE, operator="StringLike", key="states:HTTPEndpoint", old=("https://a/*",)
            ),
            "condition `StringLike states:HTTPEndpoint` dropped",
        ),
        (
            ConditionLoosened(
                subject=ROLE, operator="StringEquals", key="states:HTTPMethod", old=("POST",), new="GET"
            ),
            "condition `StringEquals states:HTTPMethod` now also matches `GET`",
        ),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else "",
)
def test_each_finding_reads_as_its_words(finding, words):
    assert finding_text(finding) == words


def test_an_unchanged_stack_says_so_under_its_validation():
    report = StackReport(
        "dev", Change.UNCHANGED, base_validation=Validation(True), head_validation=Validation(False, "bad")
    )
    assert lines_of(report)[-5:] == [
        "## Stack `dev`",
        "",
        "`terraform validate`: base ✅ valid · head ❌ bad",
        "",
        "No changes.",
    ]


def test_a_new_stack_says_so_and_lists_its_resources():
    report = compare_stack("dev", None, {"resource": {"aws_sns_topic": {"T": {"name": "t"}}}})
    lines = lines_of(report)
    assert lines[lines.index("## Stack `dev`") + 2 :] == [
        "The whole stack is added.",
        "",
        "### Resources",
        "",
        f"- {ADDED} added `aws_sns_topic.T`",
    ]


def test_attribute_changes_read_by_kind():
    change = ResourceChange(
        "aws_x.A",
        Action.REPLACE,
        (
            AttributeChange("name", '"a"', '"b"', forces_replacement=True),
            AttributeChange("role", None, None, forces_replacement=True, refers_to_replaced="aws_iam_role.R"),
            AttributeChange("description", None, '"new"'),
            AttributeChange("policy", None, LONG),
            AttributeChange("tags.team", '"data"', None),
            AttributeChange("definition", LONG, None),
            AttributeChange("definition_v2", LONG, '"x"'),
        ),
    )
    lines = lines_of(StackReport("dev", Change.CHANGED, resources=(change,)))
    start = lines.index("### Resources") + 2
    assert lines[start : start + 8] == [
        "- 🔴 **REPLACED** (destroyed, then created again) `aws_x.A`",
        '  - `name`: `"a"` → `"b"` — **forces replacement**',
        "  - `role` refers to replaced `aws_iam_role.R` — **forces replacement**",
        '  - `description` added: `"new"`',
        "  - `policy` added",
        '  - `tags.team` removed (was `"data"`)',
        "  - `definition` removed",
        "  - `definition_v2` changed",
    ]


def test_marks_for_changed_and_removed_resources():
    report = StackReport(
        "dev",
        Change.CHANGED,
        resources=(
            ResourceChange("aws_x.B", Action.CHANGE, (AttributeChange("v", "1", "2"),)),
            ResourceChange("aws_x.C", Action.REMOVE),
        ),
    )
    lines = lines_of(report)
    assert f"- {CHANGED} changed `aws_x.B`" in lines
    assert "  - `v`: `1` → `2`" in lines
    assert f"- {REMOVED} removed `aws_x.C`" in lines


def test_new_and_removed_schedules_say_so():
    report = StackReport(
        "dev",
        Change.CHANGED,
        resources=(ResourceChange("aws_scheduler_schedule.S", Action.ADD),),
        schedules=(
            ScheduleChange("a", "first", None, "every hour"),
            ScheduleChange("b", "second", "every day", None),
        ),
    )
    lines = lines_of(report)
    assert lines[lines.index("### Schedule") + 2 :] == [
        "- `first`: (new) → every hour",
        "- `second`: every day → (removed)",
    ]


def test_code_spans_survive_backticks():
    assert code("plain") == "`plain`"
    assert code("has ` tick") == "`` has ` tick ``"
