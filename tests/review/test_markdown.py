"""How report data reads as Markdown."""

from __future__ import annotations

from review.access import NEW_ACTION, ROLE_REMOVED
from review.effects import EMAIL_TO_CONFIRM
from review.findings import Subject
from review.markdown import ADDED, CHANGED, REMOVED, code, finding_line, render
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


def test_no_finding_is_said_at_the_top():
    assert "✅ No findings." in lines_of(StackReport("dev", Change.UNCHANGED))


def test_findings_are_counted_and_listed_most_severe_first_across_stacks():
    dev = StackReport(
        "dev",
        Change.CHANGED,
        findings=(
            ROLE_REMOVED.found(Subject(role="watcher"), "role removed").at("dev"),
            NEW_ACTION.found(Subject(role="r", statement="Publish"), "newly allowed `sns:Publish`").at("dev"),
        ),
    )
    prod = StackReport(
        "prod",
        Change.CHANGED,
        findings=(
            EMAIL_TO_CONFIRM.found(Subject(resource="aws_sns_topic_subscription.E"), "confirm").at("prod"),
        ),
    )
    lines = lines_of(dev, prod)
    start = lines.index("## Findings: 2 medium, 1 info")
    assert lines[start + 2 : start + 5] == [
        "- 🟠 **medium** `IAM003` broadening · `dev` · role `r` · `Publish`: newly allowed `sns:Publish`",
        "- 🟠 **medium** `SNS001` subscription · `prod` · resource `aws_sns_topic_subscription.E`: confirm",
        "- ⚪ **info** `IAM009` narrowing · `dev` · role `watcher`: role removed",
    ]
    assert "✅ No findings." not in lines


def test_a_finding_names_a_state_of_a_state_machine():
    finding = NEW_ACTION.found(Subject(state_machine="m", state="Load"), "text").at("dev")
    assert (
        finding_line(finding)
        == "🟠 **medium** `IAM003` broadening · `dev` · state machine `m` · state `Load`: text"
    )


def test_a_removed_stack_lists_nothing_as_removed_nothing_destroys_it():
    report = compare_stack("old", {"resource": {"aws_sns_topic": {"T": {"name": "t"}}}}, None)
    assert report.resources == ()
    lines = lines_of(report)
    assert "| `old` (removed) | 0 | 0 | 0 | 0 |" in lines
    assert lines[lines.index("## Stack `old`") + 2 :] == [
        "Its config is removed, but nothing destroys the stack: see `STK001` above."
    ]
    assert any(
        line.startswith("- 🔴 **high** `STK001` orphaned · `old`: its config is removed") for line in lines
    )


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
