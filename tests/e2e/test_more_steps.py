"""The Glue and nested state machine steps, run for real in the emulator (tests/fixtures/more_steps.toml).

A quiet night shows the steps called with the resolved parameters and their
results kept; a failing step opens one ticket and ends the execution with its
error. The stack is deployed in a child process (see tests/e2e/more_steps_night.py).
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import CHILD_RESULT

JOB = "compact-orders"
CHILD = "arn:aws:states:eu-west-1:222222222222:stateMachine:load-warehouse"
DAY = "2026-11-28"


@pytest.fixture(scope="module")
def nights(more_steps_child) -> dict:
    return json.loads((more_steps_child.finished() / CHILD_RESULT).read_text())


def test_quiet_night_runs_the_glue_job_then_the_child_with_resolved_parameters(nights):
    quiet = nights["quiet"]

    assert quiet["status"] == "SUCCEEDED", quiet["cause"]
    assert quiet["entered_states"] == ["FireDrill", "CompactOrders", "LoadWarehouse"]
    [glue, child] = quiet["calls"]
    assert glue == ["glue", JOB, {"JobName": JOB, "Arguments": {"--day": DAY, "--format": "parquet"}}]
    assert child == ["state_machine", CHILD, {"day": DAY, "compaction": "SUCCEEDED", "source": "nightly"}]
    assert quiet["tickets"] == [] and quiet["messages"] == []


def test_quiet_night_keeps_the_job_run_and_the_childs_output_under_their_result_paths(nights):
    output = nights["quiet"]["output"]

    assert output["compaction"]["JobRunState"] == "SUCCEEDED"
    assert output["compaction"]["JobRunId"].startswith("jr_")
    assert output["load"]["Output"] == {"day": DAY, "compaction": "SUCCEEDED", "source": "nightly"}
    assert output["load"]["ExecutionArn"].startswith(CHILD.replace(":stateMachine:", ":execution:") + ":")


@pytest.mark.parametrize(
    ("step", "cause_holds"),
    [
        pytest.param("CompactOrders", '"JobRunState": "FAILED"', id="glue"),
        pytest.param("LoadWarehouse", '"Error": "WarehouseLoadError"', id="state_machine"),
    ],
)
def test_failed_step_opens_one_ticket_and_fails_with_its_error(nights, step, cause_holds):
    night = nights[step]

    assert (night["status"], night["error"]) == ("FAILED", night["expected_error"])
    assert cause_holds in night["cause"], "the service's own description is the cause"
    assert night["entered_states"][-1] == "PipelineFailed"
    [ticket] = night["tickets"]
    assert ticket["Subject"] == f"nightly-pipeline-steps failed: {night['expected_error']} in {step}"
    [message] = night["messages"]
    assert message.startswith(f"Step {step} of nightly-pipeline-steps failed with {night['expected_error']}.")
