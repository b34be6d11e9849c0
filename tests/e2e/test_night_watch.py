"""The night watch, deployed: AWS's documented status-change events put on the emulator's bus.

For each end no Catch can report (TIMED_OUT, ABORTED, FAILED with States.Runtime or
States.DataLimitExceeded) the ticketing API gets exactly one request carrying the
connection's key, and the team one message; for a failure the failure path already
reported (FAILED with the caught step's error), and for another state machine,
nothing. EventBridge's delivery is offline.event_targets (docs/offline.md).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from core.night_watch import WHOLE_EXECUTION
from offline import status_events
from offline.alarm_evaluation import evaluate_alarm
from offline.night_failures import Night, run_night
from offline.recording_server import Reply
from offline.status_events import ExecutionEnd, put_status_change
from tests.e2e.applied import Applied

REPORTED = [
    status_events.TIMED_OUT,
    status_events.ABORTED,
    status_events.RUNTIME_ERROR,
    status_events.DATA_LIMIT_EXCEEDED,
    # Fail safe: a failure whose event names no error, as AWS's example events show them.
    status_events.FAILED_AS_DOCUMENTED,
]


def end_id(end: ExecutionEnd) -> str:
    if end.status == "FAILED":
        return end.error or "FAILED without error"
    return end.status


def put(night, end: ExecutionEnd, state_machine_arn: str | None = None) -> str:
    arn = state_machine_arn or night.outputs["state_machine_arn"]
    return put_status_change(night.emulator.client("events"), arn, f"night-{uuid.uuid4()}", end)


def whole_execution(execution_arn: str) -> str:
    return WHOLE_EXECUTION.replace("{{execution_name}}", execution_arn.rsplit(":", 1)[-1])


def watch_queue(night) -> str:
    [url] = set(night.outputs["night_watch_dead_letter_queues"].values())
    return url


def dead_letters(night, url: str) -> list[dict]:
    """Every message in the queue, each as body and attributes, the queue emptied."""
    sqs, taken = night.emulator.client("sqs"), []
    while messages := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages"):
        for message in messages:
            attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
            taken.append({"body": json.loads(message["Body"]), **attributes})
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return taken


@pytest.fixture
def watch_dead_letters(night):
    """The night watch's dead-letter queue, empty before and after the test."""
    url = watch_queue(night)
    dead_letters(night, url)
    yield url
    dead_letters(night, url)
    evaluate_alarm(night.emulator, f"{night.config.state_machine.name}-watch-dead-letters", datetime.now(UTC))
    night.inbox.take()


@pytest.mark.parametrize("end", REPORTED, ids=end_id)
def test_an_end_no_catch_reports_opens_one_ticket_with_the_connections_key(night, end):
    execution_arn = put(night, end)

    [ticket] = night.ticket_server.requests
    configured = night.config.ticket.request
    connection = night.config.connections[configured.connection]
    endpoint = urlsplit(configured.endpoint)
    assert (ticket.method, ticket.path) == (configured.method, endpoint.path)
    assert ticket.query == {name: [value] for name, value in configured.query.items()}
    assert ticket.header("Host") == endpoint.netloc
    assert ticket.header("User-Agent") == "Amazon/EventBridge/ApiDestinations"
    secret = connection.secret.secret_name
    key = night.emulator.client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]
    assert ticket.header(connection.header) == key == night.secrets.own[configured.connection]
    name = night.config.state_machine.name
    body = ticket.json()
    assert body["FromPerson"] == {"Uid": night.config.ticket.reporter}
    # The execution's name in the title: a fire drill's (fire-drill-<route>-<time>) shows as one.
    assert body["Subject"] == f"{name} failed: {end.status} in {whole_execution(execution_arn)}"
    assert body["Body"].startswith(
        f"Step {whole_execution(execution_arn)} of {name} failed with {end.status}."
    )
    assert body["Body"].endswith(f"/v2/executions/details/{execution_arn}")
    assert body["Source"] == 2


@pytest.mark.parametrize("end", REPORTED, ids=end_id)
def test_an_end_no_catch_reports_emails_the_team_without_promising_the_ticket(night, end):
    execution_arn = put(night, end)

    [message] = night.inbox.take()
    name = night.config.state_machine.name
    assert message.topic_arn == night.outputs["topic_arn"]
    assert message.message.startswith(
        f"The whole execution {execution_arn.rsplit(':', 1)[-1]} of {name} ended {end.status}."
    )
    assert execution_arn in message.message
    assert message.message.endswith(
        "EventBridge will try to open a support ticket for it; if it cannot, the alarm "
        f"{name}-watch-dead-letters follows on this topic."
    )
    # In the order Terraform happened to create the targets.
    assert sorted((delivery.target_id, delivery.error) for delivery in night.deliveries.take()) == [
        ("NotifyTeam", None),
        ("OpenSupportTicket", None),
    ]


def test_a_failure_the_failure_path_reported_is_not_reported_again(night):
    put(night, status_events.CAUGHT_STEP_ERROR)

    assert night.ticket_server.requests == []
    assert night.inbox.take() == []
    assert night.deliveries.take() == []


@pytest.mark.parametrize(
    "end", [ExecutionEnd("SUCCEEDED"), ExecutionEnd("RUNNING")], ids=lambda end: end.status
)
def test_a_good_night_is_not_reported(night, end):
    put(night, end)

    assert night.ticket_server.requests == []
    assert night.deliveries.take() == []


def test_another_state_machines_timeout_is_not_reported(night):
    other = night.outputs["state_machine_arn"].replace(":stateMachine:", ":stateMachine:someone-else-")
    put(night, status_events.TIMED_OUT, state_machine_arn=other)

    assert night.ticket_server.requests == []
    assert night.inbox.take() == []


def test_a_caught_failure_whose_event_names_no_error_is_reported_again_rather_than_never(night):
    """If real events lacked detail.error, as AWS's examples do, the failure path's night would
    be reported a second time by the night watch: twice, never none."""
    put(night, status_events.FAILED_AS_DOCUMENTED)

    assert len(night.ticket_server.requests) == 1
    [message] = night.inbox.take()
    assert "or its status event named no error, and the failure path may have reported it already" in (
        message.message
    )


def test_the_ticket_api_down_still_leaves_the_email_and_the_undelivered_ticket_alarms(
    night, watch_dead_letters
):
    with night.ticket_server.down():
        execution_arn = put(night, status_events.TIMED_OUT)

    [message] = night.inbox.take()
    assert "TIMED_OUT" in message.message
    deliveries = {delivery.target_id: delivery for delivery in night.deliveries.take()}
    assert deliveries["NotifyTeam"].error is None
    assert deliveries["OpenSupportTicket"].error.startswith("HttpTaskError")
    assert_the_undelivered_ticket_alarms(night, watch_dead_letters, execution_arn, "stopped")


@pytest.mark.parametrize("status", [400, 401, 403, 404], ids=lambda status: f"HTTP {status}")
def test_a_ticket_the_api_refuses_is_not_lost(night, watch_dead_letters, status):
    """EventBridge never retries a 4xx but 429; without a dead-letter queue the ticket would vanish."""
    night.ticket_server.answer_always(Reply.json(status, {"message": "refused"}))
    execution_arn = put(night, status_events.RUNTIME_ERROR)

    [refused] = night.ticket_server.requests
    assert refused.json()["Subject"].endswith(whole_execution(execution_arn))
    [email] = night.inbox.take()
    assert "EventBridge will try to open a support ticket" in email.message
    assert_the_undelivered_ticket_alarms(night, watch_dead_letters, execution_arn, "uncaught")


def assert_the_undelivered_ticket_alarms(night, queue_url: str, execution_arn: str, rule: str) -> None:
    name = night.config.state_machine.name
    alarm = f"{name}-watch-dead-letters"
    evaluation = evaluate_alarm(night.emulator, alarm, datetime.now(UTC))
    assert (evaluation.new_state, evaluation.datapoints) == ("ALARM", [1.0])
    [alarmed] = night.inbox.take()
    assert alarmed.subject == f'ALARM: "{alarm}" in {night.emulator.region}'
    assert json.loads(alarmed.message)["AlarmDescription"].startswith(
        f"EventBridge could not deliver a night watch ticket or e-mail of {name}"
    )
    [letter] = dead_letters(night, queue_url)
    assert letter["body"]["detail"]["executionArn"] == execution_arn
    assert letter["RULE_ARN"].endswith(f":rule/{name}-{rule}")
    assert f":api-destination/{name}-ticket/" in letter["TARGET_ARN"]
    # The next night's failure alarms again: the sent messages are counted per period.
    later = evaluate_alarm(night.emulator, alarm, datetime.now(UTC) + timedelta(minutes=10))
    assert later.new_state == "OK"
    assert night.inbox.take() == [], "no OK notification"


def test_the_schedules_dead_letter_queue_is_encrypted_and_kept_two_weeks(deployment):
    applied = Applied(deployment)
    queue_arn = applied.schedule["Target"]["DeadLetterConfig"]["Arn"]
    sqs = deployment.emulator.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert attributes["MessageRetentionPeriod"] == str(14 * 86_400)


def test_both_alarms_are_applied_and_notify_the_topic(deployment):
    alarms = {
        alarm["AlarmName"]: alarm
        for alarm in deployment.emulator.client("cloudwatch").describe_alarms()["MetricAlarms"]
    }
    name = deployment.config.state_machine.name
    missed = alarms[f"{name}-missed-night"]
    assert (missed["Namespace"], missed["MetricName"], missed["TreatMissingData"]) == (
        "AWS/States",
        "ExecutionsStarted",
        "breaching",
    )
    assert missed["Dimensions"] == [
        {"Name": "StateMachineArn", "Value": deployment.outputs["state_machine_arn"]}
    ]
    assert missed["Period"] * missed["EvaluationPeriods"] == 27 * 3600
    once_per_night = [
        (f"{name}-schedule-dead-letters", "AWS/SQS", "NumberOfMessagesSent"),
        (f"{name}-watch-dead-letters", "AWS/SQS", "NumberOfMessagesSent"),
        (f"{name}-timed-out", "AWS/States", "ExecutionsTimedOut"),
        (f"{name}-aborted", "AWS/States", "ExecutionsAborted"),
    ]
    for alarm_name, namespace, metric in once_per_night:
        alarm = alarms[alarm_name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (namespace, metric, "Sum")
        assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["Threshold"]) == (300, 1, 1.0)
        assert alarm["TreatMissingData"] == "notBreaching"
    for alarm_name in [f"{name}-missed-night", *(alarm for alarm, _, _ in once_per_night)]:
        assert alarms[alarm_name]["AlarmActions"] == [deployment.outputs["topic_arn"]]


def test_every_target_of_the_watch_has_the_encrypted_dead_letter_queue_only_its_rules_may_write(deployment):
    events, sqs = deployment.emulator.client("events"), deployment.emulator.client("sqs")
    queues = deployment.outputs["night_watch_dead_letter_queues"]
    name = deployment.config.state_machine.name
    assert sorted(queues) == [f"{name}-stopped", f"{name}-uncaught"]
    [url] = set(queues.values())
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert attributes["MessageRetentionPeriod"] == str(14 * 86_400)
    [statement] = json.loads(attributes["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        events.describe_rule(Name=rule)["Arn"] for rule in sorted(queues)
    ]
    for rule in queues:
        targets = events.list_targets_by_rule(Rule=rule)["Targets"]
        assert [target["DeadLetterConfig"]["Arn"] for target in targets] == [attributes["QueueArn"]] * 2


def test_the_topic_policy_is_applied(deployment):
    sns = deployment.emulator.client("sns")
    policy = json.loads(
        sns.get_topic_attributes(TopicArn=deployment.outputs["topic_arn"])["Attributes"]["Policy"]
    )
    assert [statement["Sid"] for statement in policy["Statement"]] == [
        "PublishFromNightWatchRules",
        "PublishFromNightWatchAlarms",
    ]


def test_a_real_uncatchable_error_skips_the_failure_path_and_is_reported_once(night):
    result = run_night(night, Night.RUNTIME_ERROR)

    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert not any(state.endswith("Failed") for state in result.entered_states()), "no Catch ran"
    [ticket] = night.ticket_server.requests
    assert ticket.json()["Subject"].endswith(f"FAILED in {whole_execution(result.arn)}")
    [message] = night.inbox.take()
    assert result.arn in message.message


def test_a_real_stopped_execution_is_aborted_and_reported_once_and_its_alarm_backs_the_event(night):
    name = f"{night.config.state_machine.name}-aborted"
    result = run_night(night, Night.ABORTED)

    assert result.status == "ABORTED"
    assert "PipelineFailed" not in result.entered_states()
    [ticket] = night.ticket_server.requests
    assert ticket.json()["Subject"].endswith(f"ABORTED in {whole_execution(result.arn)}")
    [message] = night.inbox.take()
    assert result.arn in message.message
    # Should the status event be lost (best effort), the metric still alarms, once.
    stopped = night.emulator.client("stepfunctions").describe_execution(executionArn=result.arn)["stopDate"]
    assert evaluate_alarm(night.emulator, name, stopped + timedelta(minutes=1)).new_state == "ALARM"
    [alarmed] = night.inbox.take()
    assert alarmed.subject == f'ALARM: "{name}" in {night.emulator.region}'
    assert evaluate_alarm(night.emulator, name, stopped + timedelta(minutes=10)).new_state == "OK"
    assert night.inbox.take() == []


def dead_letters_queue(night) -> str:
    queue_arn = Applied(night).schedule["Target"]["DeadLetterConfig"]["Arn"]
    sqs = night.emulator.client("sqs")
    return sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]


@pytest.fixture
def dead_letter_alarm(night):
    name = f"{night.config.state_machine.name}-schedule-dead-letters"
    yield name
    sqs, url = night.emulator.client("sqs"), dead_letters_queue(night)
    # Emptied message by message: SQS allows one PurgeQueue a minute.
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    evaluate_alarm(night.emulator, name, datetime.now(UTC))
    night.inbox.take()


def test_a_run_the_schedule_could_not_start_alarms_the_team(night, dead_letter_alarm):
    # What Scheduler leaves in the queue when StartExecution failed after its retries.
    night.emulator.client("sqs").send_message(
        QueueUrl=dead_letters_queue(night),
        MessageBody=json.dumps({"source": "scheduler", "environment": "dev"}),
        MessageAttributes={"ERROR_CODE": {"DataType": "String", "StringValue": "AccessDeniedException"}},
    )

    evaluation = evaluate_alarm(night.emulator, dead_letter_alarm, datetime.now(UTC))

    assert evaluation.new_state == "ALARM"
    [message] = night.inbox.take()
    assert message.subject == f'ALARM: "{dead_letter_alarm}" in {night.emulator.region}'
    assert json.loads(message.message)["AlarmDescription"].startswith("Scheduler could not start")


def test_an_empty_dead_letter_queue_raises_no_alarm(night, dead_letter_alarm):
    assert evaluate_alarm(night.emulator, dead_letter_alarm, datetime.now(UTC)).new_state == "OK"
    assert night.inbox.take() == []


def test_a_night_that_never_started_alarms_the_team_and_the_next_run_clears_it(night):
    name = f"{night.config.state_machine.name}-missed-night"
    started = night.run()
    last_start = next(event for event in started.history if event["type"] == "ExecutionStarted")["timestamp"]

    # Within the window after a run: quiet.
    assert evaluate_alarm(night.emulator, name, last_start + timedelta(hours=20)).new_state == "OK"
    assert night.inbox.take() == []

    # A whole window (27 h) after the last run, no execution has started: the team hears it.
    missed = evaluate_alarm(night.emulator, name, last_start + timedelta(hours=28))
    assert missed.new_state == "ALARM"
    assert missed.datapoints == [None] * 27
    [message] = night.inbox.take()
    assert message.subject == f'ALARM: "{name}" in {night.emulator.region}'
    assert json.loads(message.message)["AlarmDescription"].startswith(
        f"No execution of {night.config.state_machine.name} started in the last 27 h"
    )

    # The next run clears it, and the team hears that too.
    assert evaluate_alarm(night.emulator, name, last_start + timedelta(minutes=30)).new_state == "OK"
    [cleared] = night.inbox.take()
    assert cleared.subject.startswith("OK: ")
