"""The Glue and nested state machine steps as synthesized (tests/fixtures/more_steps.toml)."""

from __future__ import annotations

import json

import pytest
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine

from tests.synth.terraform_json import ACCOUNT, PARTITION, only, policy_of

STACK = "nightly-pipeline-steps"
REGION = "eu-west-1"
CHILD = "arn:aws:states:eu-west-1:222222222222:stateMachine:load-warehouse"


@pytest.fixture
def states(stacks) -> dict:
    return json.loads(only(stacks[STACK], SfnStateMachine.TF_RESOURCE_TYPE)["definition"])["States"]


@pytest.fixture
def statements(stacks) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy_of(stacks[STACK], "Pipeline/ExecutionRole/Policy")["Statement"]}


def test_glue_step_runs_the_job_to_completion_with_its_arguments(states):
    state = states["CompactOrders"]

    assert state["Resource"] == f"arn:{PARTITION}:states:::glue:startJobRun.sync"
    assert state["Parameters"] == {
        "JobName": "compact-orders",
        "Arguments": {"--day.$": "$.day", "--format": "parquet"},
    }
    assert (state["TimeoutSeconds"], state["ResultPath"], state["Next"]) == (
        3600,
        "$.compaction",
        "LoadWarehouse",
    )


def test_glue_job_is_granted_in_the_stacks_account_and_region_only(statements):
    assert statements["RunCompactOrdersGlueJob"] == {
        "Sid": "RunCompactOrdersGlueJob",
        "Effect": "Allow",
        "Action": ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
        "Resource": [f"arn:{PARTITION}:glue:{REGION}:{ACCOUNT}:job/compact-orders"],
    }


def test_state_machine_step_starts_the_child_and_waits_for_its_json_output(states):
    state = states["LoadWarehouse"]

    assert state["Resource"] == f"arn:{PARTITION}:states:::states:startExecution.sync:2"
    assert state["Parameters"] == {
        "StateMachineArn": CHILD,
        "Input": {"day.$": "$.day", "compaction.$": "$.compaction.JobRunState", "source": "nightly"},
    }
    assert state["ResultSelector"] == {"ExecutionArn.$": "$.ExecutionArn", "Output.$": "$.Output"}
    assert state["End"] is True


def test_state_machine_step_is_granted_that_child_its_executions_and_the_managed_rule(statements):
    assert statements["StartLoadWarehouseExecution"]["Resource"] == [CHILD]
    assert statements["TrackLoadWarehouseExecution"] == {
        "Sid": "TrackLoadWarehouseExecution",
        "Effect": "Allow",
        "Action": ["states:DescribeExecution", "states:StopExecution"],
        "Resource": ["arn:aws:states:eu-west-1:222222222222:execution:load-warehouse:*"],
    }
    assert statements["ManageStepFunctionsExecutionCompletionRule"]["Resource"] == [
        f"arn:{PARTITION}:events:{REGION}:{ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
    ]
