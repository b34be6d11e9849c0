"""The fire drill's states (core.fire_drill): a drill never runs a step, and the schedule never starts one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from core import fire_drill
from core.fire_drill import Route
from core.loading import load_config
from tests.unit.support import REFS, edited, expect_problem, problems_of, with_section, write
from tests.unit.test_pipeline import hand_built

# StartExecution: 1-80 characters, no whitespace, brackets, wildcards, special or control characters.
EXECUTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


@pytest.fixture(scope="module")
def states() -> dict:
    return hand_built().definition(REFS)["States"]


def test_a_normal_input_goes_straight_to_the_first_step(states):
    definition = hand_built().definition(REFS)

    assert definition["StartAt"] == "FireDrill"
    assert states["FireDrill"] == {
        "Type": "Choice",
        "Choices": [{"Variable": "$.fire_drill", "IsPresent": True, "Next": "FireDrillRoute"}],
        "Default": hand_built().steps[0].name,
    }


def test_the_route_is_checked_for_presence_before_it_is_compared(states):
    """Comparing a path the input lacks would fail the execution instead of choosing."""
    choices = states["FireDrillRoute"]["Choices"]

    assert choices[0] == {
        "Not": {"Variable": "$.fire_drill.route", "IsPresent": True},
        "Next": "FireDrillUnknownRoute",
    }
    assert choices[1:] == [
        {"Variable": "$.fire_drill.route", "StringEquals": route, "Next": f"FireDrill{route.title()}"}
        for route in ("caught", "uncaught", "aborted")
    ]
    assert states["FireDrillRoute"]["Default"] == "FireDrillUnknownRoute"
    assert states["FireDrillUnknownRoute"]["Type"] == "Fail"


def test_caught_drill_hands_its_record_state_what_a_catch_hands_it(states):
    assert states["FireDrillCaught"] == {
        "Type": "Pass",
        "Parameters": {
            "Error": "Drill.FailurePath",
            "Cause.$": "States.Format('A fire drill, not a real failure: execution {} asked for it "
            "(scripts/fire-drill.sh).', $$.Execution.Name)",
        },
        "Next": "FireDrillFailed",
    }
    assert states["FireDrillFailed"] == {
        "Type": "Pass",
        "Parameters": {"step": "FireDrill", "caught.$": "$", "defaults": {"Cause": "No cause was reported."}},
        "Next": "DescribeFailure",
    }


def test_uncaught_drill_reads_a_path_that_is_never_there(states):
    """A Parameters path that matches nothing is States.Runtime, which no Catch handles."""
    parameters = states["FireDrillUncaught"]["Parameters"]

    assert parameters == {"reads_a_missing_path.$": "$.fire_drill.missing_on_purpose"}
    assert "Catch" not in states["FireDrillUncaught"]


def test_aborted_drill_waits_long_enough_to_be_stopped(states):
    assert states["FireDrillAborted"] == {"Type": "Wait", "Seconds": 900, "End": True}


@pytest.mark.parametrize("route", list(Route))
@pytest.mark.parametrize(
    "moment", [datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)]
)
def test_execution_names_follow_start_executions_rules(route, moment):
    name = fire_drill.execution_name(route, moment)

    assert EXECUTION_NAME.fullmatch(name), name
    assert name.startswith(f"fire-drill-{route.value}-")


@pytest.mark.parametrize(
    ("line", "shown"),
    [('fire_drill = { route = "caught" }', '{"route": "caught"}'), ('fire_drill = "uncaught"', '"uncaught"')],
)
def test_a_schedule_input_that_asks_for_a_drill_is_refused(tmp_path, line, shown):
    expect_problem(
        tmp_path,
        with_section("schedule.input", 'source = "scheduler"', line),
        f"schedule.input.fire_drill = {shown}: must not be set: it asks for a fire drill, which only "
        "scripts/fire-drill.sh may start; remove the key",
    )


def test_a_schedule_input_with_other_keys_is_kept(tmp_path):
    text = with_section("schedule.input", 'source = "scheduler"', 'drill = "no"')

    assert dict(load_config(write(tmp_path, text)).schedule.input) == {"source": "scheduler", "drill": "no"}


def test_no_step_may_take_the_name_of_a_drill_state(tmp_path):
    for name in fire_drill.state_names():
        path = write(tmp_path, edited('name = "ExtractOrders"', f'name = "{name}"'))

        assert problems_of(path) == [
            (
                f"{path}: steps[0].name = \"{name}\": '{name}' is already a state name, used by the fire drill "
                "(core/fire_drill.py)"
            )
        ]
