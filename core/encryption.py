"""The stack's customer-managed key: its key policy, built from what the configuration turns on
(policies.kms holds what each service asks KMS for). Every ARN here is built from a name, so the
key's policy waits for no resource that itself waits for the key."""

from __future__ import annotations

from typing import Any

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from aws_facts.arns import event_rule_arn, regional_arn
from core.config import PipelineConfig
from core.sections.night_watch import derived_names
from core.sections.state_machine import LogLevel
from policies.kms import (
    Encrypted,
    ServiceKeyUse,
    account_root_statement,
    connection_secrets_statement,
    log_delivery_statement,
    log_group_statement,
)
from policies.night_watch import CLOUDWATCH, EVENTS, alarm_arn


def key_policy_statements(
    config: PipelineConfig, partition: str, region: str, account: str
) -> list[dict[str, Any]]:
    """What the key policy must allow for this stack: the account's IAM policies (the roles' grants),
    and each AWS service that writes to an encrypted resource as itself, for that resource only."""
    name = config.state_machine.name
    derived = derived_names(name, config.night_watch)
    rules = [value for rule, value in derived if rule is aws_rules.EVENT_RULE_NAME]
    alarms = [value for rule, value in derived if rule is aws_rules.ALARM_NAME]
    place = (partition, region, account)
    topic = regional_arn(*place, "sns", config.notifications.topic_name)
    uses = []
    if rules:
        rule_arns = tuple(event_rule_arn(partition, region, account, rule) for rule in rules)
        watch_queue = regional_arn(*place, "sqs", aws_names.night_watch_dead_letter_queue_name(name))
        uses += [
            ServiceKeyUse("NightWatchRulesPublish", EVENTS, Encrypted.TOPIC, (topic,), rule_arns),
            ServiceKeyUse(
                "NightWatchRulesSendDeadLetters", EVENTS, Encrypted.QUEUE, (watch_queue,), rule_arns
            ),
        ]
    if alarms:
        alarm_arns = tuple(alarm_arn(partition, region, account, alarm) for alarm in alarms)
        uses.append(ServiceKeyUse("AlarmsPublish", CLOUDWATCH, Encrypted.TOPIC, (topic,), alarm_arns))
    statements = [account_root_statement(partition, account), *(use.to_json(account) for use in uses)]
    if config.state_machine.log_level is not LogLevel.OFF:
        log_group = regional_arn(*place, "logs", f"log-group:{aws_names.log_group_name(name)}")
        statements += [log_group_statement(region, log_group), log_delivery_statement(account)]
    connections = [aws_names.connection_name(name, key) for key in config.connections]
    statements.append(connection_secrets_statement(partition, region, account, connections))
    return statements
