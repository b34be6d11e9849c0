"""make review on turning the night watch on: every new resource, role and grant is listed."""

from __future__ import annotations

import json

import pytest

from review.markdown import ADDED, CHANGED, render
from review.report import compare
from tests.review.conftest import FIXTURES, STACK
from tests.review.test_synthesized import section

WATCH_OFF = "# The night watch is off"


@pytest.fixture(scope="module")
def report(synthesized, tmp_path_factory) -> str:
    from core.loading import load_configs
    from stacks.app import synthesize

    base = (FIXTURES / "base.toml").read_text()
    watch_on = base[: base.index(WATCH_OFF)] + base[base.index("[notifications]") :]
    folder = tmp_path_factory.mktemp("review-night-watch")
    (folder / "on.toml").write_text(watch_on)
    synthesize(load_configs([folder / "on.toml"]), folder / "cdktf.out", folder)
    head = json.loads((folder / "cdktf.out" / "stacks" / STACK / "cdk.tf.json").read_text())
    return render(compare({STACK: synthesized["base"]}, {STACK: head}), "base", "head")


def test_every_night_watch_resource_is_listed_as_added(report):
    added = [line.split("`")[1].split(".")[0] for line in section(report, "### Resources") if ADDED in line]
    assert sorted(added) == sorted(
        [
            "aws_cloudwatch_event_api_destination",
            *["aws_cloudwatch_event_rule"] * 2,
            *["aws_cloudwatch_event_target"] * 4,
            # missed night, schedule's dead letters, timed out, aborted, watch's dead letters
            *["aws_cloudwatch_metric_alarm"] * 5,
            "aws_iam_role",
            "aws_iam_role_policy",
            "aws_sns_topic_policy",
            *["aws_sqs_queue"] * 2,
            "aws_sqs_queue_policy",
        ]
    )
    assert any(
        line.startswith(f"- {CHANGED} changed `aws_scheduler_schedule.")
        for line in section(report, "### Resources")
    )


def test_the_new_role_and_grant_are_findings(report):
    assert section(report, "## Findings: 2 medium") == [
        (
            f"- 🟠 **medium** `IAM001` broadening · `{STACK}` · role `{STACK}-watcher`: new role, assumable by "
            "`Service events.amazonaws.com`, allowed 1 action"
        ),
        (
            f"- 🟠 **medium** `IAM003` broadening · `{STACK}` · role `{STACK}-scheduler` · "
            "`SendUnstartedRunsToDeadLetterQueue`: newly allowed `sqs:SendMessage` on "
            f"`${{{_queue(report)}.arn}}`"
        ),
    ]
    iam = section(report, "### IAM")
    assert f"#### Role `{STACK}-watcher` (added)" in iam
    assert any(
        "`OpenTicketThroughApiDestination`: action `events:InvokeApiDestination`" in line for line in iam
    )


def _queue(report: str) -> str:
    """The schedule's dead-letter queue, the one added queue whose name ends in -dead-letters."""
    [line] = [
        line
        for line in section(report, "### Resources")
        if line.startswith(f"- {ADDED} added `aws_sqs_queue.NightlySchedule")
    ]
    return line.split("`")[1]
