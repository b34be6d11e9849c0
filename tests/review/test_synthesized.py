"""The report on two real synthesized stacks that differ in the ways head.toml lists."""

from __future__ import annotations

import json
import re

import pytest

from review.markdown import ADDED, CHANGED, REMOVED, render
from review.report import compare
from tests.review.conftest import STACK

ACCOUNT_FUNCTION = "arn:aws:lambda:eu-west-1:111111111111:function"


@pytest.fixture(scope="module")
def report(synthesized) -> str:
    return render(compare({STACK: synthesized["base"]}, {STACK: synthesized["head"]}), "base", "head")


def address(document: dict, resource_type: str, **attributes: str) -> str:
    """The one resource of a type whose attributes have these values."""
    matches = [
        f"{resource_type}.{name}"
        for name, body in document["resource"][resource_type].items()
        if all(body.get(key) == value for key, value in attributes.items())
    ]
    assert len(matches) == 1, matches
    return matches[0]


def section(markdown: str, heading: str) -> list[str]:
    """The non-blank lines under a heading such as `### IAM`, up to the next one of its level or above."""
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    level = len(heading.split(" ")[0])
    end = next((i for i in range(start, len(lines)) if re.match(rf"#{{1,{level}}} ", lines[i])), len(lines))
    return [line for line in lines[start:end] if line]


def test_the_summary_counts_each_kind_of_change(report):
    assert report.splitlines()[:5] == [
        "## Plan review: `base` → head",
        "",
        "| Stack | Added | Changed | Replaced | Removed |",
        "|---|---:|---:|---:|---:|",
        f"| `{STACK}` | 2 | 4 | **2** 🔴 | 1 |",
    ]


def test_the_findings_are_listed_at_the_top_most_severe_first(report, synthesized):
    head = synthesized["head"]
    topic = address(head, "aws_sns_topic")
    subscription = address(head, "aws_sns_topic_subscription", endpoint="team@example.com")
    where = f"`{STACK}` · role `{STACK}-execution`"
    assert report.index("## Findings") < report.index(f"## Stack `{STACK}`")
    assert section(report, "## Findings: 1 high, 4 medium, 1 low, 1 info") == [
        (
            f"- 🔴 **high** `RPL005` replacement · `{STACK}` · resource `{topic}`: replaced (`name`). Terraform "
            "deletes it, then creates it again: its subscriptions go with it, and every e-mail address must "
            "confirm again; until then failure e-mails reach nobody."
        ),
        (
            f"- 🟠 **medium** `IAM001` broadening · `{STACK}` · role `{STACK}-test-state`: new role, assumable by "
            '`Service states.amazonaws.com`, allowed 6 actions; `"*"` in `CallOpenSupportTicketEndpoint`'
        ),
        (
            f"- 🟠 **medium** `IAM004` broadening · {where} · `InvokeLoadLambda`: `lambda:InvokeFunction` now also "
            f"on resources `{ACCOUNT_FUNCTION}:load`, `{ACCOUNT_FUNCTION}:load:*`"
        ),
        (
            f"- 🟠 **medium** `IAM006` broadening · {where} · `CallOpenSupportTicketEndpoint`: condition "
            "`StringEquals states:HTTPMethod` now also allows `PUT`"
        ),
        (
            f"- 🟠 **medium** `SNS001` subscription · `{STACK}` · resource `{subscription}`: `team@example.com` "
            "receives nothing until it confirms the e-mail SNS sends on apply (its subscription is replaced)."
        ),
        (
            f"- 🟡 **low** `RPL000` replacement · `{STACK}` · resource `{subscription}`: replaced (`topic_arn`). "
            "Terraform deletes it, then creates it again."
        ),
        (
            f"- ⚪ **info** `IAM012` narrowing · {where} · `CallOpenSupportTicketEndpoint`: condition "
            "`StringEquals states:HTTPMethod` no longer allows `POST`"
        ),
    ]


def test_resources_are_listed_with_replacements_first(report, synthesized):
    base, head = synthesized["base"], synthesized["head"]
    topic = address(head, "aws_sns_topic")
    assert section(report, "### Resources") == [
        f"- 🔴 **REPLACED** (destroyed, then created again) `{topic}`",
        f'  - `name`: `"{STACK}-failures"` → `"{STACK}-alerts"` — **forces replacement**',
        (
            "- 🔴 **REPLACED** (destroyed, then created again) "
            f"`{address(head, 'aws_sns_topic_subscription', endpoint='team@example.com')}`"
        ),
        f"  - `topic_arn` refers to replaced `{topic}` — **forces replacement**",
        f"- {ADDED} added `{address(head, 'aws_iam_role', name=f'{STACK}-test-state')}`",
        f"- {ADDED} added `{address(head, 'aws_iam_role_policy', name=f'{STACK}-test-state')}`",
        f"- {CHANGED} changed `{address(head, 'aws_cloudwatch_log_group')}`",
        "  - `retention_in_days`: `14` → `30`",
        f"- {CHANGED} changed `{address(head, 'aws_iam_role_policy', name=f'{STACK}-execution')}`",
        "  - `policy` changed",
        f"- {CHANGED} changed `{address(head, 'aws_scheduler_schedule')}`",
        '  - `schedule_expression`: `"cron(0 22 * * ? *)"` → `"cron(30 23 * * ? *)"`',
        f"- {CHANGED} changed `{address(head, 'aws_sfn_state_machine')}`",
        "  - `definition` changed",
        f"- {REMOVED} removed `{address(base, 'aws_sns_topic_subscription', endpoint='oncall@example.com')}`",
    ]


def test_iam_changes_are_listed_per_role_and_statement(report, synthesized):
    head = synthesized["head"]
    connection = address(head, "aws_cloudwatch_event_connection")
    lines = section(report, "### IAM")
    assert lines[:3] == [
        f"#### Role `{STACK}-execution`",
        (
            f"- {CHANGED} permissions statement `CallOpenSupportTicketEndpoint`: {ADDED} condition "
            f"`StringEquals states:HTTPMethod = PUT`, {REMOVED} condition `StringEquals states:HTTPMethod = POST`"
        ),
        (
            f"- {ADDED} permissions statement `InvokeLoadLambda`: action `lambda:InvokeFunction`, "
            f"resource `{ACCOUNT_FUNCTION}:load`, resource `{ACCOUNT_FUNCTION}:load:*`"
        ),
    ]
    assert lines[3] == f"#### Role `{STACK}-test-state` (added)"
    assert lines[4:] == [
        (
            f"- {ADDED} permissions statement `CallOpenSupportTicketEndpoint`: action `states:InvokeHTTPEndpoint`, "
            "resource `*`, condition `StringEquals states:HTTPMethod = PUT`, "
            "condition `StringLike states:HTTPEndpoint = https://tickets.example.com/api/cases`, "
            "condition `StringLike states:HTTPEndpoint = https://tickets.example.com/api/cases${?}*`"
        ),
        (
            f"- {ADDED} permissions statement `InvokeExtractLambda`: action `lambda:InvokeFunction`, "
            f"resource `{ACCOUNT_FUNCTION}:extract`, resource `{ACCOUNT_FUNCTION}:extract:*`"
        ),
        (
            f"- {ADDED} permissions statement `InvokeLoadLambda`: action `lambda:InvokeFunction`, "
            f"resource `{ACCOUNT_FUNCTION}:load`, resource `{ACCOUNT_FUNCTION}:load:*`"
        ),
        (
            f"- {ADDED} permissions statement `PublishFailureNotifications`: action `sns:Publish`, "
            f"resource `${{{address(head, 'aws_sns_topic')}.arn}}`"
        ),
        (
            f"- {ADDED} permissions statement `ReadTicketingConnectionSecret`: action `secretsmanager:DescribeSecret`, "
            f"action `secretsmanager:GetSecretValue`, resource `${{{connection}.secret_arn}}`"
        ),
        (
            f"- {ADDED} permissions statement `UseTicketingConnection`: action `events:RetrieveConnectionCredentials`, "
            f"resource `${{{connection}.arn}}`"
        ),
        (
            f"- {ADDED} trust statement `AssumedByService`: action `sts:AssumeRole`, principal "
            "`Service states.amazonaws.com`, condition "
            "`StringEquals aws:SourceAccount = ${data.aws_caller_identity.Account.account_id}`"
        ),
    ]


def test_state_changes_are_listed_above_the_new_graph(report):
    lines = section(report, f"### State machine `{STACK}`")
    assert lines[:4] == [
        f"- {ADDED} state `Load`",
        f"- {ADDED} state `LoadFailed`",
        f"- {CHANGED} state `Extract`: `End`, `Next`",
        f"- {CHANGED} state `OpenSupportTicket`: `Parameters`",
    ]
    assert lines[4] == "```mermaid"
    assert lines[-1].startswith("Red: the failure path")


def test_the_graph_highlights_the_failure_path_and_marks_new_and_changed_states(report, synthesized):
    diagram = report.split("```mermaid\n")[1].split("\n```")[0].splitlines()
    ids = dict(re.findall(r'^  (s\d+)[(\[{]+"([^"]+)"[)\]}]+$', "\n".join(diagram), re.MULTILINE))
    node = {name: node_id for node_id, name in ids.items()}
    states = json.loads(
        next(iter(synthesized["head"]["resource"]["aws_sfn_state_machine"].values()))["definition"]
    )
    assert set(node) == set(states["States"])
    failing = [
        "ExtractFailed",
        "LoadFailed",
        "DescribeFailure",
        "OpenSupportTicket",
        "NotifyTeam",
        "DescribeTicketFailure",
        "NotifyTeamTicketNotOpened",
        "PipelineFailed",
        "FireDrillUnknownRoute",
    ]
    assert (
        f"  class {','.join(sorted((node[name] for name in failing), key=lambda i: int(i[1:])))} failure"
        in diagram
    )
    assert f"  class {node['Load']},{node['LoadFailed']} added" in diagram
    assert f"  class {node['Extract']},{node['OpenSupportTicket']} changed" in diagram
    assert f"  start --> {node['FireDrill']}" in diagram
    assert f"  {node['FireDrill']} -->|default| {node['Extract']}" in diagram
    assert f"  {node['Extract']} --> {node['Load']}" in diagram
    assert f"  {node['Load']} -.->|States.ALL| {node['LoadFailed']}" in diagram
    assert f"  {node['Load']} --> finish" in diagram
    assert f'  {node["PipelineFailed"]}(["PipelineFailed"])' in diagram


def test_the_schedule_change_is_in_plain_words(report):
    assert section(report, "### Schedule") == [
        f"- `{STACK}`: At 22:00 (Europe/Berlin) → At 23:30 (Europe/Berlin)"
    ]


def test_provider_and_output_changes_are_stack_settings(report, synthesized):
    role = address(synthesized["head"], "aws_iam_role", name=f"{STACK}-test-state")
    assert section(report, "### Stack settings") == [
        f'- `output.test_state_role_arn.value` added: `"${{{role}.arn}}"`',
        '- `provider.aws[0].default_tags[0].tags.team` added: `"data"`',
    ]
