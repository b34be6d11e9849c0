"""Glue steps (type = "glue"): reading, the Task state and the IAM grant, compared in full."""

from __future__ import annotations

import pytest

from core.steps.glue_start_job_run import GlueStep
from core.steps.task import Retry
from tests.unit.support import (
    ACCOUNT,
    MINIMAL_CONFIG,
    REGION,
    expect_problem,
    expect_statements,
    expect_task,
    load_text,
)

JOB_ARN = f"arn:aws:glue:{REGION}:{ACCOUNT}:job/compact-orders"
GLUE_STEP = """
[[steps]]
name = "CompactOrders"
type = "glue"
job = "compact-orders"
"""


def test_glue_step_starts_the_job_with_its_default_arguments_and_drops_the_result():
    step = GlueStep(name="CompactOrders", job="compact-orders")

    expect_task(step, "glue:startJobRun.sync", {"JobName": "compact-orders"}, ResultPath=None)


def test_glue_step_passes_arguments_and_keeps_the_run_id_and_state_under_result_path():
    step = GlueStep(
        name="CompactOrders",
        job="compact-orders",
        arguments={"--day.$": "$.day", "--format": "parquet"},
        result_path="$.compaction",
        timeout_seconds=3600,
        retry=Retry(errors=("Glue.ConcurrentRunsExceededException",), max_attempts=2),
    )

    expect_task(
        step,
        "glue:startJobRun.sync",
        {"JobName": "compact-orders", "Arguments": {"--day.$": "$.day", "--format": "parquet"}},
        TimeoutSeconds=3600,
        ResultSelector={"JobRunId.$": "$.Id", "JobRunState.$": "$.JobRunState"},
        ResultPath="$.compaction",
        Retry=[
            {
                "ErrorEquals": ["Glue.ConcurrentRunsExceededException"],
                "IntervalSeconds": 2,
                "MaxAttempts": 2,
                "BackoffRate": 2.0,
                "JitterStrategy": "FULL",
            }
        ],
    )


def test_glue_step_may_start_follow_and_stop_runs_of_its_job_only():
    expect_statements(
        GlueStep(name="Compact orders", job="compact-orders"),
        [
            {
                "Sid": "RunCompactOrdersGlueJob",
                "Effect": "Allow",
                "Action": ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
                "Resource": [JOB_ARN],
            }
        ],
    )


def test_glue_step_loads_with_its_defaults(tmp_path):
    [_, step] = load_text(tmp_path, MINIMAL_CONFIG + GLUE_STEP).steps

    assert step == GlueStep(name="CompactOrders", job="compact-orders")
    assert step.arguments == {} and step.retry.to_json() == [], "no arguments and no retry by default"


def test_glue_step_loads_arguments_and_retry(tmp_path):
    text = (
        MINIMAL_CONFIG + GLUE_STEP + 'arguments = { "--day.$" = "$.day" }\n\n[steps.retry]\nerrors = ["X"]\n'
    )

    [_, step] = load_text(tmp_path, text).steps

    assert step.arguments == {"--day.$": "$.day"}
    assert step.retry == Retry(errors=("X",))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            'job = ""',
            'steps[1].job = "": must be a Glue job name: 1-255 characters on one line',
            id="empty",
        ),
        pytest.param(
            f'job = "{"j" * 256}"',
            f'steps[1].job = "{"j" * 116}...: must be a Glue job name: 1-255 characters on one line',
            id="too-long",
        ),
        pytest.param(
            'job = "compact\\norders"',
            'steps[1].job = "compact\\norders": must be a Glue job name: 1-255 characters on one line',
            id="two-lines",
        ),
        pytest.param(
            'job = "compact-*"',
            "steps[1].job = \"compact-*\": must not contain '*' or '?': the IAM grant would cover other jobs too",
            id="wildcard",
        ),
        pytest.param(
            "arguments = { day = 28 }",
            "steps[1].arguments.day = 28: must be a string (quote numbers and booleans)",
            id="argument-not-a-string",
        ),
        pytest.param(
            'function = "arn:aws:lambda:eu-west-1:123456789012:function:x"',
            "steps[1].function: unknown key; allowed here: "
            "type, name, result_path, timeout_seconds, job, arguments, retry",
            id="key-of-another-kind",
        ),
    ],
)
def test_bad_glue_step_is_refused_with_what_is_allowed(tmp_path, line, message):
    text = MINIMAL_CONFIG + GLUE_STEP.replace('job = "compact-orders"\n', "") + line + "\n"
    if not line.startswith("job"):
        text += 'job = "compact-orders"\n'

    expect_problem(tmp_path, text, message)


def test_glue_step_without_a_job_is_refused(tmp_path):
    text = MINIMAL_CONFIG + GLUE_STEP.replace('job = "compact-orders"\n', "")

    expect_problem(tmp_path, text, "steps[1].job: is required and must be a string")
