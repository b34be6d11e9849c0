"""The night watch (core.night_watch) as resources: EventBridge rules with a ticket and an e-mail
target, the alarms on missed nights and on the schedule's dead letters, and the topic's policy."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_event_api_destination import CloudwatchEventApiDestination
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetHttpTarget,
    CloudwatchEventTargetInputTransformer,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from constructs import Construct

from components.service_role import ServiceRole
from core import aws_names
from core.config import PipelineConfig
from core.night_watch import (
    AlarmWindow,
    InputTransformer,
    WatchedEnd,
    event_pattern,
    http_parameters,
    input_transformer,
    notification_text,
)
from core.refs import Refs
from policies.arns import event_rule_arn
from policies.night_watch import alarm_arn, events_trust_policy, invoke_api_destination, topic_policy
from policies.policy_size import RolePolicies

# An API destination sends at most this many requests a second (EventBridge's default is 300);
# a night sends one ticket at most.
TICKETS_PER_SECOND = 1


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
            alarm_names.append(self._dead_letter_alarm(name, dead_letter_queue_name, refs))
        if rule_names:
            self._rules(config, refs, rule_names)
        if rule_names or alarm_names:
            SnsTopicPolicy(
                self,
                "TopicPolicy",
                arn=refs.topic_arn,
                policy=json.dumps(
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
                    indent=2,
                ),
            )

    def _rules(self, config: PipelineConfig, refs: Refs, rule_names: list[str]) -> None:
        name, ticket = config.state_machine.name, config.ticket
        static = config.pipeline().failure_path.static_placeholders()
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
        for end, rule_name in zip(WatchedEnd, rule_names, strict=True):
            rule = CloudwatchEventRule(
                self,
                f"{end.name.title()}Rule",
                name=rule_name,
                description=end.description,
                # Several lines, as every JSON document here: `make hcl` then writes it as a heredoc.
                event_pattern=json.dumps(event_pattern(end, refs.state_machine_arn), indent=2),
            )
            message = notification_text(end, with_ticket=destination is not None)
            CloudwatchEventTarget(
                self,
                f"{end.name.title()}NotifyTeam",
                rule=rule.name,
                target_id="NotifyTeam",
                arn=refs.topic_arn,
                input_transformer=_transformer(input_transformer(end, message, static, refs.region)),
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

    def _dead_letter_alarm(self, name: str, queue_name: str, refs: Refs) -> str:
        """A run Scheduler could not start (AccessDenied after a role change, throttling, the state
        machine replaced) lands in the queue; one message is enough to tell the team.
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"""
        alarm_name = aws_names.dead_letter_alarm_name(name)
        CloudwatchMetricAlarm(
            self,
            "DeadLetterAlarm",
            alarm_name=alarm_name,
            alarm_description=f"Scheduler could not start {name}: see the queue {queue_name}",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue_name},
            statistic="Maximum",
            period=300,
            evaluation_periods=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            threshold=1,
            treat_missing_data="notBreaching",
            alarm_actions=[refs.topic_arn],
        )
        return alarm_name


def _transformer(transformer: InputTransformer) -> CloudwatchEventTargetInputTransformer:
    return CloudwatchEventTargetInputTransformer(
        input_paths=transformer.input_paths, input_template=transformer.input_template
    )
