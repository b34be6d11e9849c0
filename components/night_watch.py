"""The night watch (core.night_watch) as resources: EventBridge rules with a ticket and an e-mail
target and a dead-letter queue for both, the alarms on missed, timed-out and stopped nights and
on both dead-letter queues, and the topic's policy."""

from __future__ import annotations

import json

from cdktf import Fn, TerraformOutput
from cdktf_cdktf_provider_aws.cloudwatch_event_api_destination import CloudwatchEventApiDestination
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetDeadLetterConfig,
    CloudwatchEventTargetHttpTarget,
    CloudwatchEventTargetInputTransformer,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from aws_facts.arns import event_rule_arn
from components.queue_encryption import queue_encryption
from components.service_role import ServiceRole
from core.config import PipelineConfig
from core.night_watch import (
    AlarmWindow,
    InputTransformer,
    StatusAlarm,
    WatchedEnd,
    event_pattern,
    http_parameters,
    input_transformer,
    notification_text,
)
from core.refs import Refs
from policies.night_watch import (
    alarm_arn,
    dead_letter_queue_policy,
    events_trust_policy,
    invoke_api_destination,
    topic_policy,
)
from policies.policy_size import RolePolicies
from policies.statement import terraform_policy_json

# An API destination sends at most this many requests a second (EventBridge's default is 300);
# a night sends one ticket at most.
TICKETS_PER_SECOND = 1
DEAD_LETTER_QUEUES_OUTPUT = "night_watch_dead_letter_queues"


class NightWatch(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: PipelineConfig,
        refs: Refs,
        dead_letter_queue_name: str | None,
    ):
        super().__init__(scope, id_)
        name, settings = config.state_machine.name, config.night_watch
        rule_names = [end.rule_name(name) for end in WatchedEnd] if settings.uncaught_failures else []
        alarm_names = []
        if settings.missed_night_window:
            alarm_names.append(self._missed_night_alarm(config, settings.missed_night_window, refs))
        if dead_letter_queue_name:
            alarm_names.append(
                self._dead_letter_alarm(
                    "DeadLetterAlarm",
                    aws_names.dead_letter_alarm_name(name),
                    f"Scheduler could not start {name}: see the queue {dead_letter_queue_name}",
                    dead_letter_queue_name,
                    refs,
                )
            )
        queues: dict[str, str] = {}
        if rule_names:
            alarm_names += [self._status_alarm(alarm, name, refs) for alarm in StatusAlarm]
            queue = self._rules_dead_letter_queue(config, refs, rule_names)
            alarm_names.append(
                self._dead_letter_alarm(
                    "WatchDeadLetterAlarm",
                    aws_names.night_watch_dead_letter_alarm_name(name),
                    f"EventBridge could not deliver a night watch ticket or e-mail of {name}: its message "
                    f"attributes RULE_ARN, TARGET_ARN and ERROR_MESSAGE in the queue {queue.name} say why",
                    queue.name,
                    refs,
                )
            )
            self._rules(config, refs, rule_names, queue.arn)
            queues = dict.fromkeys(rule_names, queue.url)
        # Read by scripts/fire-drill.sh: which queue tells that a rule's delivery failed.
        TerraformOutput(
            self,
            DEAD_LETTER_QUEUES_OUTPUT,
            value=Fn.tomap(queues),
            static_id=True,
            description="The dead-letter queue (URL) of each night watch rule's targets",
        )
        if rule_names or alarm_names:
            SnsTopicPolicy(
                self,
                "TopicPolicy",
                arn=refs.topic_arn,
                policy=terraform_policy_json(
                    topic_policy(
                        refs.topic_arn,
                        refs.account,
                        [
                            event_rule_arn(refs.partition, refs.region, refs.account, rule)
                            for rule in rule_names
                        ],
                        [
                            alarm_arn(refs.partition, refs.region, refs.account, alarm)
                            for alarm in alarm_names
                        ],
                    ),
                ),
            )

    def _rules_dead_letter_queue(self, config: PipelineConfig, refs: Refs, rule_names: list[str]) -> SqsQueue:
        """One queue for every target of the rules: without one, API destinations drop what they
        could not deliver after their retries, and never retry a 4xx but 429
        (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html). A
        message there names its rule and target (RULE_ARN, TARGET_ARN) and why (ERROR_CODE,
        ERROR_MESSAGE): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html.
        SQS-managed encryption needs no key policy for EventBridge to send; the stack's key admits
        these rules (core.encryption)."""
        queue = SqsQueue(
            self,
            "WatchDeadLetters",
            name=aws_names.night_watch_dead_letter_queue_name(config.state_machine.name),
            **queue_encryption(refs.key_arn, config.encryption.data_key_reuse_seconds),
            message_retention_seconds=config.night_watch.dead_letter_retention_days * 86_400,
        )
        rule_arns = [event_rule_arn(refs.partition, refs.region, refs.account, rule) for rule in rule_names]
        SqsQueuePolicy(
            self,
            "WatchDeadLettersPolicy",
            queue_url=queue.url,
            policy=terraform_policy_json(dead_letter_queue_policy(queue.arn, refs.account, rule_arns)),
        )
        return queue

    def _rules(self, config: PipelineConfig, refs: Refs, rule_names: list[str], dead_letters: str) -> None:
        name, ticket = config.state_machine.name, config.ticket
        static = config.pipeline().failure_path.static_placeholders()
        dead_letter_config = CloudwatchEventTargetDeadLetterConfig(arn=dead_letters)
        destination = role = None
        if config.night_watch.ticket:
            request = ticket.request
            destination = CloudwatchEventApiDestination(
                self,
                "TicketDestination",
                name=aws_names.ticket_destination_name(name),
                description=f"Opens a support ticket for a night of {name} that no Catch could report",
                connection_arn=refs.connections[request.connection].arn,
                invocation_endpoint=request.endpoint,
                http_method=request.method,
                invocation_rate_limit_per_second=TICKETS_PER_SECOND,
            )
            role = ServiceRole(
                self,
                "TicketRole",
                name=aws_names.ticket_target_role_name(name),
                trust_policy=events_trust_policy(
                    refs.account,
                    [event_rule_arn(refs.partition, refs.region, refs.account, rule) for rule in rule_names],
                ),
                policies=RolePolicies(inline=tuple(invoke_api_destination(destination.arn))),
            )
        dead_letter_alarm = aws_names.night_watch_dead_letter_alarm_name(name) if destination else None
        for end, rule_name in zip(WatchedEnd, rule_names, strict=True):
            rule = CloudwatchEventRule(
                self,
                f"{end.name.title()}Rule",
                name=rule_name,
                description=end.description,
                # Several lines, as every JSON document here: `make hcl` then writes it as a heredoc.
                event_pattern=json.dumps(event_pattern(end, refs.state_machine_arn), indent=2),
            )
            message = notification_text(end, dead_letter_alarm)
            CloudwatchEventTarget(
                self,
                f"{end.name.title()}NotifyTeam",
                rule=rule.name,
                target_id="NotifyTeam",
                arn=refs.topic_arn,
                input_transformer=_transformer(input_transformer(end, message, static, refs.region)),
                dead_letter_config=dead_letter_config,
            )
            if destination is not None and role is not None:
                request = ticket.request
                CloudwatchEventTarget(
                    self,
                    f"{end.name.title()}OpenTicket",
                    rule=rule.name,
                    target_id="OpenSupportTicket",
                    arn=destination.arn,
                    role_arn=role.arn,
                    http_target=CloudwatchEventTargetHttpTarget(
                        header_parameters=http_parameters(request.headers, static) or None,
                        query_string_parameters=http_parameters(request.query, static) or None,
                    ),
                    input_transformer=_transformer(input_transformer(end, request.body, static, refs.region)),
                    dead_letter_config=dead_letter_config,
                    depends_on=role.grants,
                )

    def _missed_night_alarm(self, config: PipelineConfig, window: AlarmWindow, refs: Refs) -> str:
        """No execution started within the window: the schedule did not fire (disabled or deleted by
        hand, its role broken, ...). Missing data counts as breaching: a night without executions
        reports no data at all.
        https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html"""
        name = config.state_machine.name
        alarm_name = aws_names.missed_night_alarm_name(name)
        CloudwatchMetricAlarm(
            self,
            "MissedNightAlarm",
            alarm_name=alarm_name,
            alarm_description=(
                f"No execution of {name} started in the last {window.seconds // 3600} h "
                f"{window.seconds % 3600 // 60} min: schedule {config.schedule.expression} did not run"
            ),
            namespace="AWS/States",
            metric_name="ExecutionsStarted",
            dimensions={"StateMachineArn": refs.state_machine_arn},
            statistic="Sum",
            period=window.period_seconds,
            evaluation_periods=window.evaluation_periods,
            datapoints_to_alarm=window.evaluation_periods,
            comparison_operator="LessThanThreshold",
            threshold=1,
            treat_missing_data="breaching",
            alarm_actions=[refs.topic_arn],
            ok_actions=[refs.topic_arn],
        )
        return alarm_name

    def _status_alarm(self, alarm: StatusAlarm, name: str, refs: Refs) -> str:
        alarm_name = alarm.alarm_name(name)
        _event_alarm(
            self,
            f"{alarm.name.title().replace('_', '')}Alarm",
            alarm_name=alarm_name,
            description=alarm.description(name),
            metric=("AWS/States", alarm.value),
            dimensions={"StateMachineArn": refs.state_machine_arn},
            topic_arn=refs.topic_arn,
        )
        return alarm_name

    def _dead_letter_alarm(
        self, id_: str, alarm_name: str, description: str, queue_name: str, refs: Refs
    ) -> str:
        """Each message sent to the queue alarms once, so that every failed night alarms again
        (ApproximateNumberOfMessagesVisible would stay in ALARM while a message is kept, 14 days).
        NumberOfMessagesSent misses only what SQS itself moves from a source queue after failed
        receives ("if a message is sent to a dead-letter queue as a result of a failed processing
        attempt, it isn't captured by this metric":
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html);
        Scheduler and EventBridge send to these queues with sqs:SendMessage, which it counts.
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"""
        _event_alarm(
            self,
            id_,
            alarm_name=alarm_name,
            description=description,
            metric=("AWS/SQS", "NumberOfMessagesSent"),
            dimensions={"QueueName": queue_name},
            topic_arn=refs.topic_arn,
        )
        return alarm_name


def _event_alarm(
    scope: Construct,
    id_: str,
    *,
    alarm_name: str,
    description: str,
    metric: tuple[str, str],
    dimensions: dict[str, str],
    topic_arn: str,
) -> None:
    """An alarm on something that happens: Sum >= 1 in a five-minute period alarms once for each
    failed night and is OK again after it; no data is a quiet night. No OK notification."""
    namespace, metric_name = metric
    CloudwatchMetricAlarm(
        scope,
        id_,
        alarm_name=alarm_name,
        alarm_description=description,
        namespace=namespace,
        metric_name=metric_name,
        dimensions=dimensions,
        statistic="Sum",
        period=aws_rules.ALARM_EVENT_PERIOD_SECONDS,
        evaluation_periods=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        threshold=1,
        treat_missing_data="notBreaching",
        alarm_actions=[topic_arn],
    )


def _transformer(transformer: InputTransformer) -> CloudwatchEventTargetInputTransformer:
    return CloudwatchEventTargetInputTransformer(
        input_paths=transformer.input_paths, input_template=transformer.input_template
    )
