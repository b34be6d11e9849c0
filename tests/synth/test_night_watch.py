"""The night watch in the synthesized Terraform JSON of every configuration."""

from __future__ import annotations

import json

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_api_destination import CloudwatchEventApiDestination
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy

from core.night_watch import WatchedEnd, event_pattern, http_parameters, input_transformer, notification_text
from tests.synth.terraform_json import (
    ACCOUNT,
    PARTITION,
    named,
    only,
    policy_of,
    reference,
    resources,
    trust_of,
)

STACK_NAMES = ["nightly-pipeline-dev", "nightly-pipeline-prod", "nightly-pipeline-variant"]


@pytest.fixture(params=STACK_NAMES)
def case(request, stacks, configs):
    return stacks[request.param], configs[request.param]


def own_arn(config) -> str:
    return f"arn:{PARTITION}:states:{config.stack.region}:{ACCOUNT}:stateMachine:{config.state_machine.name}"


def rule_arn(config, end: WatchedEnd) -> str:
    return f"arn:{PARTITION}:events:{config.stack.region}:{ACCOUNT}:rule/{end.rule_name(config.state_machine.name)}"


def topic_of(stack) -> str:
    return reference(stack, SnsTopic.TF_RESOURCE_TYPE, "FailureAlerts/Topic", "arn")


def watch_queue_of(stack) -> str:
    return reference(stack, SqsQueue.TF_RESOURCE_TYPE, "NightWatch/WatchDeadLetters", "arn")


def static_of(config) -> dict[str, str]:
    return config.pipeline().failure_path.static_placeholders()


def test_the_whole_execution_times_out_before_the_next_night(case):
    stack, config = case
    definition = json.loads(only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["definition"])
    assert definition["TimeoutSeconds"] == config.state_machine.timeout_seconds == 6 * 3600


def test_ecs_and_lambda_steps_have_a_timeout_even_when_the_config_sets_none(stacks):
    states = json.loads(
        only(stacks["nightly-pipeline-variant"], SfnStateMachine.TF_RESOURCE_TYPE)["definition"]
    )["States"]
    assert states["Load orders"]["TimeoutSeconds"] == 960
    assert states["Build report"]["TimeoutSeconds"] == 3600
    assert "TimeoutSeconds" not in states["Check source freshness"], (
        "Step Functions ends an HTTP call after 60 s"
    )


@pytest.mark.parametrize("end", list(WatchedEnd))
def test_one_rule_per_watched_end_on_this_state_machine_only(case, end):
    stack, config = case
    _, rule = named(stack, CloudwatchEventRule.TF_RESOURCE_TYPE, f"NightWatch/{end.name.title()}Rule")
    assert rule["name"] == end.rule_name(config.state_machine.name)
    assert json.loads(rule["event_pattern"]) == event_pattern(end, own_arn(config))


@pytest.mark.parametrize("end", list(WatchedEnd))
def test_each_rule_emails_the_team_through_the_topic(case, end):
    stack, config = case
    _, target = named(
        stack, CloudwatchEventTarget.TF_RESOURCE_TYPE, f"NightWatch/{end.name.title()}NotifyTeam"
    )
    transformer = input_transformer(
        end,
        notification_text(end, f"{config.state_machine.name}-watch-dead-letters"),
        static_of(config),
        config.stack.region,
    )
    assert target["arn"] == topic_of(stack)
    assert target["input_transformer"] == {
        "input_paths": transformer.input_paths,
        "input_template": transformer.input_template,
    }
    assert target["dead_letter_config"] == {"arn": watch_queue_of(stack)}


@pytest.mark.parametrize("end", list(WatchedEnd))
def test_each_rule_opens_the_configured_ticket_through_the_api_destination(case, end):
    stack, config = case
    request = config.ticket.request
    destination_address, destination = named(
        stack, CloudwatchEventApiDestination.TF_RESOURCE_TYPE, "NightWatch/TicketDestination"
    )
    assert destination["connection_arn"] == reference(
        stack,
        CloudwatchEventConnection.TF_RESOURCE_TYPE,
        f"{request.connection}_connection/Connection",
        "arn",
    )
    assert (destination["invocation_endpoint"], destination["http_method"]) == (
        request.endpoint,
        request.method,
    )

    _, target = named(
        stack, CloudwatchEventTarget.TF_RESOURCE_TYPE, f"NightWatch/{end.name.title()}OpenTicket"
    )
    transformer = input_transformer(end, request.body, static_of(config), config.stack.region)
    assert target["arn"] == f"${{{destination_address}.arn}}"
    assert target["http_target"] == {
        key: value
        for key, value in (
            ("header_parameters", http_parameters(request.headers, static_of(config))),
            ("query_string_parameters", http_parameters(request.query, static_of(config))),
        )
        if value
    }
    assert target["input_transformer"] == {
        "input_paths": transformer.input_paths,
        "input_template": transformer.input_template,
    }
    assert "$.detail.cause" not in transformer.input_paths.values()
    assert len(transformer.input_template) <= 8192
    assert target["dead_letter_config"] == {"arn": watch_queue_of(stack)}


def test_the_ticket_role_may_only_invoke_this_destination_for_these_rules(case):
    stack, config = case
    destination = reference(
        stack, CloudwatchEventApiDestination.TF_RESOURCE_TYPE, "NightWatch/TicketDestination", "arn"
    )
    assert policy_of(stack, "NightWatch/TicketRole/Policy")["Statement"] == [
        {
            "Sid": "OpenTicketThroughApiDestination",
            "Effect": "Allow",
            "Action": ["events:InvokeApiDestination"],
            "Resource": [destination],
        }
    ]
    (trust,) = trust_of(stack, "NightWatch/TicketRole/Role")["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnEquals": {"aws:SourceArn": [rule_arn(config, end) for end in WatchedEnd]},
    }
    _, role = named(stack, "aws_iam_role", "NightWatch/TicketRole/Role")
    assert len(role["name"]) <= 64


def test_the_topic_takes_messages_only_from_the_watchs_rules_and_alarms(case):
    stack, config = case
    name, region = config.state_machine.name, config.stack.region
    alarms = [f"{name}-missed-night"] if config.schedule.enabled else []
    alarms += [f"{name}-schedule-dead-letters", f"{name}-timed-out", f"{name}-aborted"]
    alarms.append(f"{name}-watch-dead-letters")
    policy = json.loads(only(stack, SnsTopicPolicy.TF_RESOURCE_TYPE)["policy"])
    topic = topic_of(stack)
    assert policy["Statement"] == [
        {
            "Sid": "PublishFromNightWatchRules",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnEquals": {"aws:SourceArn": [rule_arn(config, end) for end in WatchedEnd]},
            },
        },
        {
            "Sid": "PublishFromNightWatchAlarms",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnEquals": {
                    "aws:SourceArn": [
                        f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT}:alarm:{alarm}" for alarm in alarms
                    ]
                },
            },
        },
    ]


def test_the_schedules_dead_letters_are_kept_encrypted_and_alarm_the_team(case):
    stack, _ = case
    queue_address, queue = named(stack, SqsQueue.TF_RESOURCE_TYPE, "NightlySchedule/DeadLetters")
    assert queue["sqs_managed_sse_enabled"] is True
    assert queue["message_retention_seconds"] == 14 * 86_400
    target = only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)["target"]
    assert target["dead_letter_config"] == {"arn": f"${{{queue_address}.arn}}"}
    _, alarm = named(stack, CloudwatchMetricAlarm.TF_RESOURCE_TYPE, "NightWatch/DeadLetterAlarm")
    assert alarm["dimensions"] == {"QueueName": f"${{{queue_address}.name}}"}
    assert_alarms_once_per_failed_night(alarm, "AWS/SQS", "NumberOfMessagesSent", topic_of(stack))


def assert_alarms_once_per_failed_night(alarm, namespace: str, metric: str, topic: str) -> None:
    """Sum >= 1 over five minutes, OK again once the period passes: the next failed night alarms again."""
    assert (alarm["namespace"], alarm["metric_name"]) == (namespace, metric)
    assert (alarm["statistic"], alarm["period"], alarm["evaluation_periods"]) == ("Sum", 300, 1)
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["alarm_actions"] == [topic]
    assert "ok_actions" not in alarm


def test_what_the_rules_could_not_deliver_is_kept_encrypted_two_weeks_and_alarms_the_team(case):
    stack, config = case
    queue_address, queue = named(stack, SqsQueue.TF_RESOURCE_TYPE, "NightWatch/WatchDeadLetters")
    assert queue["name"] == f"{config.state_machine.name}-watch-dead-letters"
    assert queue["sqs_managed_sse_enabled"] is True
    assert queue["message_retention_seconds"] == 14 * 86_400
    _, alarm = named(stack, CloudwatchMetricAlarm.TF_RESOURCE_TYPE, "NightWatch/WatchDeadLetterAlarm")
    assert alarm["alarm_name"] == f"{config.state_machine.name}-watch-dead-letters"
    assert alarm["dimensions"] == {"QueueName": f"${{{queue_address}.name}}"}
    assert_alarms_once_per_failed_night(alarm, "AWS/SQS", "NumberOfMessagesSent", topic_of(stack))
    targets = resources(stack, CloudwatchEventTarget.TF_RESOURCE_TYPE).values()
    assert [target["dead_letter_config"] for target in targets] == [{"arn": f"${{{queue_address}.arn}}"}] * 4


def test_only_the_watchs_rules_may_send_to_its_dead_letter_queue(case):
    stack, config = case
    queue_address, _ = named(stack, SqsQueue.TF_RESOURCE_TYPE, "NightWatch/WatchDeadLetters")
    policy = only(stack, SqsQueuePolicy.TF_RESOURCE_TYPE)
    assert policy["queue_url"] == f"${{{queue_address}.url}}"
    assert json.loads(policy["policy"])["Statement"] == [
        {
            "Sid": "DeadLettersFromNightWatchRules",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": f"${{{queue_address}.arn}}",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnEquals": {"aws:SourceArn": [rule_arn(config, end) for end in WatchedEnd]},
            },
        }
    ]


def test_the_drill_finds_each_rules_dead_letter_queue_in_an_output(case):
    stack, config = case
    queue_address, _ = named(stack, SqsQueue.TF_RESOURCE_TYPE, "NightWatch/WatchDeadLetters")
    entries = ", ".join(
        f'"{end.rule_name(config.state_machine.name)}" = {queue_address}.url' for end in WatchedEnd
    )
    assert stack["output"]["night_watch_dead_letter_queues"]["value"] == f"${{tomap({{{entries}}})}}"


@pytest.mark.parametrize(
    ("alarm", "metric"), [("TimedOut", "ExecutionsTimedOut"), ("Aborted", "ExecutionsAborted")]
)
def test_timed_out_and_stopped_nights_alarm_even_if_their_status_event_is_lost(case, alarm, metric):
    stack, config = case
    _, body = named(stack, CloudwatchMetricAlarm.TF_RESOURCE_TYPE, f"NightWatch/{alarm}Alarm")
    assert (
        body["alarm_name"] == f"{config.state_machine.name}-{alarm.lower().replace('timedout', 'timed-out')}"
    )
    assert body["dimensions"] == {"StateMachineArn": own_arn(config)}
    assert_alarms_once_per_failed_night(body, "AWS/States", metric, topic_of(stack))


def test_a_night_that_never_started_alarms_after_the_schedules_longest_gap(case):
    stack, config = case
    alarms = {
        body["alarm_name"]: body for body in resources(stack, CloudwatchMetricAlarm.TF_RESOURCE_TYPE).values()
    }
    name = f"{config.state_machine.name}-missed-night"
    if not config.schedule.enabled:
        assert name not in alarms, "a disabled schedule would alarm every night"
        return
    alarm, window = alarms[name], config.night_watch.missed_night_window
    # cron(0 22 * * ? *) in Europe/Berlin: 25 h at most, + 1 h of retries + 15 min for the metric.
    assert (window.period_seconds, window.evaluation_periods) == (3600, 27)
    assert alarm["namespace"] == "AWS/States"
    assert alarm["metric_name"] == "ExecutionsStarted"
    assert alarm["dimensions"] == {"StateMachineArn": own_arn(config)}
    assert (alarm["statistic"], alarm["comparison_operator"], alarm["threshold"]) == (
        "Sum",
        "LessThanThreshold",
        1,
    )
    assert alarm["period"] * alarm["evaluation_periods"] <= 604_800
    assert alarm["datapoints_to_alarm"] == alarm["evaluation_periods"] == 27
    assert alarm["treat_missing_data"] == "breaching"
    assert alarm["alarm_actions"] == [topic_of(stack)]


def test_with_every_part_off_the_stack_has_no_watch(tmp_path):
    from core.loading import load_config
    from stacks.app import synthesize
    from tests.conftest import PROJECT

    text = (PROJECT / "config" / "dev.toml").read_text() + (
        "\n[night_watch]\nuncaught_failures = false\ndead_letter_queue = false\nmissed_night_alarm = false\n"
    )
    (tmp_path / "off.toml").write_text(text)
    config = load_config(tmp_path / "off.toml")
    synthesize([config], tmp_path / "cdktf.out", tmp_path)
    stack = json.loads((tmp_path / "cdktf.out" / "stacks" / config.stack.name / "cdk.tf.json").read_text())

    for resource_type in (
        CloudwatchEventRule,
        CloudwatchEventTarget,
        CloudwatchEventApiDestination,
        CloudwatchMetricAlarm,
        SnsTopicPolicy,
        SqsQueue,
        SqsQueuePolicy,
    ):
        assert resources(stack, resource_type.TF_RESOURCE_TYPE) == {}
    assert "dead_letter_config" not in only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)["target"]
    assert stack["output"]["night_watch_dead_letter_queues"]["value"] == "${tomap({})}"
    assert (
        json.loads(only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["definition"])["TimeoutSeconds"] == 6 * 3600
    )
