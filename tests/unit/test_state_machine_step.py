"""State machine steps (type = "state_machine"): reading, the Task state and the IAM grants, in full."""

from __future__ import annotations

import pytest

from core.steps.start_execution import StateMachineStep
from tests.unit.support import (
    ACCOUNT,
    MINIMAL_CONFIG,
    REFS,
    REGION,
    expect_problem,
    expect_statements,
    expect_task,
    load_text,
    problems_of,
    write,
)

CHILD = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:load-warehouse"
STATE_MACHINE_STEP = f"""
[[steps]]
name = "LoadWarehouse"
type = "state_machine"
state_machine = "{CHILD}"
"""
ARN_ALLOWED = (
    "must be a state machine ARN like arn:aws:states:eu-west-1:123456789012:stateMachine:load-warehouse, "
    "without a version or alias"
)


def test_state_machine_step_passes_its_input_on_and_drops_the_result_by_default():
    step = StateMachineStep(name="LoadWarehouse", state_machine_arn=CHILD)

    expect_task(
        step, "states:startExecution.sync:2", {"StateMachineArn": CHILD, "Input.$": "$"}, ResultPath=None
    )


def test_state_machine_step_sends_a_fixed_input_and_keeps_the_child_output_under_result_path():
    step = StateMachineStep(
        name="LoadWarehouse",
        state_machine_arn=CHILD,
        input={"day.$": "$.day", "source": "nightly"},
        result_path="$.load",
    )

    expect_task(
        step,
        "states:startExecution.sync:2",
        {"StateMachineArn": CHILD, "Input": {"day.$": "$.day", "source": "nightly"}},
        ResultSelector={"ExecutionArn.$": "$.ExecutionArn", "Output.$": "$.Output"},
        ResultPath="$.load",
    )


def test_state_machine_step_may_start_that_state_machine_and_follow_and_stop_its_executions():
    expect_statements(
        StateMachineStep(name="Load warehouse", state_machine_arn=CHILD),
        [
            {
                "Sid": "StartLoadWarehouseExecution",
                "Effect": "Allow",
                "Action": ["states:StartExecution"],
                "Resource": [CHILD],
            },
            {
                "Sid": "TrackLoadWarehouseExecution",
                "Effect": "Allow",
                "Action": ["states:DescribeExecution", "states:StopExecution"],
                "Resource": [f"arn:aws:states:{REGION}:{ACCOUNT}:execution:load-warehouse:*"],
            },
            {
                "Sid": "ManageStepFunctionsExecutionCompletionRule",
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": [
                    f"arn:aws:events:{REGION}:{ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
                ],
            },
        ],
    )


def test_executions_are_granted_where_the_child_state_machine_lives():
    child = "arn:aws-us-gov:states:us-gov-west-1:210987654321:stateMachine:load"
    [_, track, _] = StateMachineStep(name="Load", state_machine_arn=child).policy_statements(REFS)

    assert track.resources == ("arn:aws-us-gov:states:us-gov-west-1:210987654321:execution:load:*",)


def test_state_machine_step_loads_with_its_defaults(tmp_path):
    [_, step] = load_text(tmp_path, MINIMAL_CONFIG + STATE_MACHINE_STEP).steps

    assert step == StateMachineStep(name="LoadWarehouse", state_machine_arn=CHILD)
    assert step.input is None and step.retry.to_json() == [], "the step's input, no retry by default"


def test_state_machine_step_loads_an_input_table_with_paths(tmp_path):
    text = MINIMAL_CONFIG + STATE_MACHINE_STEP + 'input = { "day.$" = "$.day", tables = ["orders"] }\n'

    [_, step] = load_text(tmp_path, text).steps

    assert step.input == {"day.$": "$.day", "tables": ["orders"]}


@pytest.mark.parametrize(
    ("arn", "allowed"),
    [
        pytest.param(f"{CHILD}:live", ARN_ALLOWED, id="alias"),
        pytest.param(CHILD.replace(":states:", ":lambda:"), ARN_ALLOWED, id="other-service"),
        pytest.param(CHILD.replace(ACCOUNT, "1234"), ARN_ALLOWED, id="short-account"),
        pytest.param(CHILD.replace("arn:aws:", "arn:azure:"), ARN_ALLOWED, id="unknown-partition"),
        pytest.param(
            CHILD.replace("load-warehouse", "load warehouse"),
            f'{ARN_ALLOWED}; the name is 1-80 characters without spaces, brackets, wildcards or /"#%\\^|~`$&,;',
            id="space-in-name",
        ),
        pytest.param(
            CHILD.replace("load-warehouse", "l" * 81),
            f'{ARN_ALLOWED}; the name is 1-80 characters without spaces, brackets, wildcards or /"#%\\^|~`$&,;',
            id="long-name",
        ),
    ],
)
def test_state_machine_that_is_not_a_plain_state_machine_arn_is_refused(tmp_path, arn, allowed):
    path = write(tmp_path, MINIMAL_CONFIG + STATE_MACHINE_STEP.replace(CHILD, arn))

    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: steps[1].state_machine = ") and problem.endswith(f": {allowed}")


def test_state_machine_step_input_must_be_a_table(tmp_path):
    text = MINIMAL_CONFIG + STATE_MACHINE_STEP + 'input = "{}"\n'

    expect_problem(tmp_path, text, 'steps[1].input = "{}": must be a table')
