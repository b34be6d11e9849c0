"""Scenario 5: the schedule as applied, and an execution started the way Scheduler starts one."""

from __future__ import annotations

import json

from offline.executions import run_execution
from offline.policy_simulator import IamRequest, simulate
from tests.e2e.applied import Applied
from tests.e2e.prerequisites import require


def test_the_schedule_has_the_configured_expression_and_targets_the_state_machine(deployment):
    applied, settings = Applied(deployment), deployment.config.schedule
    schedule = applied.schedule

    assert schedule["ScheduleExpression"] == settings.expression
    assert schedule["ScheduleExpressionTimezone"] == settings.timezone
    assert schedule["State"] == ("ENABLED" if settings.enabled else "DISABLED")
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = schedule["Target"]
    assert target["Arn"] == applied.state_machine_arn
    assert json.loads(target["Input"]) == dict(settings.input)
    assert target["RetryPolicy"] == {
        "MaximumRetryAttempts": settings.retry_attempts,
        "MaximumEventAgeInSeconds": settings.max_event_age_seconds,
    }
    assert target["RoleArn"] == applied.scheduler_role.arn


def test_starting_an_execution_through_the_schedules_role_is_allowed(night):
    require("node")
    applied = Applied(night)
    target = applied.schedule["Target"]
    role = applied.scheduler_role

    # Would AWS let Scheduler do it? moto does not enforce IAM, so the simulator decides.
    decisions = simulate(
        [
            IamRequest(
                id="assume",
                principal="scheduler.amazonaws.com",
                action="sts:AssumeRole",
                resource=role.arn,
                account=applied.account,
                context={"aws:SourceAccount": applied.account, "aws:SourceArn": applied.schedule_group_arn},
                resource_policy=role.trust_policy,
            ),
            IamRequest(
                id="start",
                principal=role.session_arn("scheduler"),
                action="states:StartExecution",
                resource=target["Arn"],
                account=applied.account,
                identity_policies=role.identity_policies(),
            ),
        ]
    )
    assert decisions == {"assume": "Allowed", "start": "Allowed"}

    # Then do what Scheduler does: assume the role and start the target with the schedule's input.
    credentials = night.emulator.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="scheduler")[
        "Credentials"
    ]
    sfn = night.emulator.client(
        "stepfunctions",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    result = run_execution(sfn, target["Arn"], json.loads(target["Input"]))

    assert result.status == "SUCCEEDED", result.cause
    started = next(event for event in result.history if event["type"] == "ExecutionStarted")
    assert json.loads(started["executionStartedEventDetails"]["input"]) == json.loads(target["Input"])
    assert night.ticket_server.requests == []
