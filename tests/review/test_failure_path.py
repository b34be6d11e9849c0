"""Failures no longer reported, or reported later, from hand-written definitions and stacks."""

from __future__ import annotations

import json

from review.failure_path import failure_path_findings, raised_retries, timeout_findings, uncaught_steps

TICKET = "OpenSupportTicket"
CATCH = [{"ErrorEquals": ["States.ALL"], "Next": "ExtractFailed"}]
RETRY = [{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3}]
DEFINITION = {
    "StartAt": "Extract",
    "TimeoutSeconds": 21600,
    "States": {
        "Extract": {"Type": "Task", "Resource": "r", "Retry": RETRY, "Catch": CATCH, "Next": "Load"},
        "Load": {"Type": "Task", "Resource": "r", "Catch": [{**CATCH[0], "Next": "LoadFailed"}], "End": True},
        "ExtractFailed": {"Type": "Pass", "Next": TICKET},
        "LoadFailed": {"Type": "Pass", "Next": TICKET},
        TICKET: {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Next": "PipelineFailed"},
        "PipelineFailed": {"Type": "Fail"},
    },
}
DAILY = {"schedule_expression": "cron(0 22 * * ? *)", "schedule_expression_timezone": "Europe/Berlin"}
HOURLY = {"schedule_expression": "rate(1 hour)"}


def with_states(**states: dict) -> dict:
    return {**DEFINITION, "States": {**DEFINITION["States"], **states}}


def ids(findings: list) -> list[tuple[str, str | None]]:
    return [(f.id, f.subject.state) for f in findings]


def test_a_step_that_lost_its_catch_to_the_ticket_is_uncaught():
    uncaught = {key: value for key, value in DEFINITION["States"]["Load"].items() if key != "Catch"}
    [finding] = uncaught_steps("m", DEFINITION, with_states(Load=uncaught))
    assert (finding.id, finding.subject.state_machine, finding.subject.state) == ("FLP001", "m", "Load")
    assert finding.message.startswith("no Catch of `States.ALL` leads to `OpenSupportTicket`")


def test_a_catch_of_some_errors_only_or_to_elsewhere_does_not_reach_the_ticket():
    only_timeouts = {
        **DEFINITION["States"]["Load"],
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "LoadFailed"}],
    }
    elsewhere = {
        **DEFINITION["States"]["Load"],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Give up"}],
    }
    give_up = {"Give up": {"Type": "Succeed"}}
    assert ids(uncaught_steps("m", DEFINITION, with_states(Load=only_timeouts))) == [("FLP001", "Load")]
    assert ids(uncaught_steps("m", DEFINITION, with_states(Load=elsewhere, **give_up))) == [
        ("FLP001", "Load")
    ]


def test_a_new_uncaught_step_is_reported_and_one_uncaught_before_is_not_again():
    new_step = {"Publish": {"Type": "Task", "Resource": "r", "End": True}}
    assert ids(uncaught_steps("m", DEFINITION, with_states(**new_step))) == [("FLP001", "Publish")]
    assert uncaught_steps("m", with_states(**new_step), with_states(**new_step)) == []
    assert uncaught_steps("m", DEFINITION, DEFINITION) == []


def test_retries_raised_delay_the_ticket():
    more = {**DEFINITION["States"]["Extract"], "Retry": [{**RETRY[0], "MaxAttempts": 6}]}
    [finding] = raised_retries("m", DEFINITION, with_states(Extract=more))
    assert (finding.id, finding.subject.state) == ("FLP005", "Extract")
    assert finding.message == (
        "retries raised to 6 (was 3) for `Lambda.ServiceException`: a failing run reaches the ticket later."
    )
    assert raised_retries("m", with_states(Extract=more), DEFINITION) == []


def test_a_retrier_without_max_attempts_allows_three():
    default = {**DEFINITION["States"]["Extract"], "Retry": [{"ErrorEquals": ["Lambda.ServiceException"]}]}
    assert raised_retries("m", DEFINITION, with_states(Extract=default)) == []


def test_a_removed_timeout_and_one_as_long_as_the_schedule_s_gap():
    without = {key: value for key, value in DEFINITION.items() if key != "TimeoutSeconds"}
    assert ids(timeout_findings("m", DEFINITION, without, (DAILY, DAILY))) == [("FLP003", None)]
    [too_long] = timeout_findings("m", DEFINITION, DEFINITION, (DAILY, HOURLY))
    assert too_long.id == "FLP004"
    assert "(3600 s)" in too_long.message
    assert timeout_findings("m", DEFINITION, DEFINITION, (HOURLY, HOURLY)) == []
    assert timeout_findings("m", DEFINITION, DEFINITION, (DAILY, DAILY)) == []


def night_watch(*, rule: bool = True, ticket_target: bool = True, alarm: bool = True) -> dict:
    resources: dict = {
        "aws_cloudwatch_event_rule": {},
        "aws_cloudwatch_event_target": {},
        "aws_cloudwatch_metric_alarm": {},
    }
    if rule:
        resources["aws_cloudwatch_event_rule"]["Uncaught"] = {
            "name": "m-uncaught",
            "description": "Executions that failed with an error no Catch handles.",
        }
        resources["aws_cloudwatch_event_target"]["Mail"] = {
            "rule": "${aws_cloudwatch_event_rule.Uncaught.name}",
            "arn": "${aws_sns_topic.T.arn}",
        }
    if rule and ticket_target:
        resources["aws_cloudwatch_event_target"]["Ticket"] = {
            "rule": "${aws_cloudwatch_event_rule.Uncaught.name}",
            "arn": "${aws_cloudwatch_event_api_destination.D.arn}",
        }
    if alarm:
        resources["aws_cloudwatch_metric_alarm"]["TimedOut"] = {
            "alarm_name": "m-timed-out",
            "alarm_description": "An execution ran longer than its timeout.",
        }
    resources["aws_cloudwatch_event_api_destination"] = {"D": {"name": "m-ticket"}}
    resources["aws_sns_topic"] = {"T": {"name": "m-alerts"}}
    return {"resource": resources}


def test_removed_night_watch_routes_say_what_they_reported():
    said = [
        (f.id, f.subject.resource, f.message)
        for f in failure_path_findings(night_watch(), night_watch(rule=False, alarm=False))
    ]
    assert said == [
        (
            "FLP002",
            "aws_cloudwatch_event_rule.Uncaught",
            "rule `m-uncaught` removed. It reported: Executions that failed with an error no Catch handles.",
        ),
        (
            "FLP002",
            "aws_cloudwatch_metric_alarm.TimedOut",
            "alarm `m-timed-out` removed. It reported: An execution ran longer than its timeout.",
        ),
    ]


def test_a_target_removed_from_a_rule_that_stays_is_a_route_removed():
    said = [(f.id, f.message) for f in failure_path_findings(night_watch(), night_watch(ticket_target=False))]
    assert said == [("FLP002", "rule `m-uncaught` no longer sends to `m-ticket`.")]


def test_a_new_stack_s_state_machine_is_checked_too():
    uncaught = {key: value for key, value in DEFINITION["States"]["Load"].items() if key != "Catch"}
    head = {
        "resource": {
            "aws_sfn_state_machine": {
                "M": {"name": "m", "definition": json.dumps(with_states(Load=uncaught))}
            }
        }
    }
    assert ids(failure_path_findings({}, head)) == [("FLP001", "Load")]
