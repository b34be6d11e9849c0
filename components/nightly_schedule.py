"""The EventBridge Scheduler schedule that starts the pipeline, and its role."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.scheduler_schedule import (
    SchedulerSchedule,
    SchedulerScheduleFlexibleTimeWindow,
    SchedulerScheduleTarget,
    SchedulerScheduleTargetDeadLetterConfig,
    SchedulerScheduleTargetRetryPolicy,
)
from cdktf_cdktf_provider_aws.scheduler_schedule_group import SchedulerScheduleGroup
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from constructs import Construct

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from aws_facts.arns import regional_arn
from components.queue_encryption import queue_encryption
from components.service_role import ServiceRole
from core.refs import Refs
from core.sections.schedule import ScheduleSettings
from policies.integrations import start_execution
from policies.kms import Encrypted, derived_key_grants, role_key_grant
from policies.night_watch import send_dead_letters
from policies.policy_size import RolePolicies
from policies.statement import Statement
from policies.trust import scheduler_trust_policy


class NightlySchedule(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        settings: ScheduleSettings,
        state_machine_arn: str,
        refs: Refs,
        dead_letter_retention_days: int | None = None,
        data_key_reuse_seconds: int = 300,
    ):
        """dead_letter_retention_days: None for no dead-letter queue (undelivered runs are dropped).
        With refs.key_arn, the queue and the schedule are encrypted with that key, the queue reusing
        a data key for data_key_reuse_seconds."""
        super().__init__(scope, id_)
        # Runs Scheduler could not start after its retries; without a queue they are dropped.
        self.dead_letter_queue = None
        if dead_letter_retention_days is not None:
            self.dead_letter_queue = SqsQueue(
                self,
                "DeadLetters",
                name=aws_names.schedule_dead_letter_queue_name(name),
                **queue_encryption(refs.key_arn, data_key_reuse_seconds),
                message_retention_seconds=dead_letter_retention_days * 86_400,
            )
        # The grant names the ARN built from the state machine's name (refs), so
        # the role does not wait for the state machine; the target below does.
        self.role = ServiceRole(
            self,
            "Role",
            name=aws_names.scheduler_role_name(name),
            trust_policy=scheduler_trust_policy(refs.partition, refs.region, refs.account, settings.group),
            policies=RolePolicies(inline=self._role_statements(name, settings, refs)),
        )
        self.schedule = SchedulerSchedule(
            self,
            "Schedule",
            name=aws_names.schedule_name(name),
            description=settings.description,
            group_name=self._group_name(settings.group),
            schedule_expression=settings.expression,
            schedule_expression_timezone=settings.timezone,
            state="ENABLED" if settings.enabled else "DISABLED",
            # A nightly batch should start on time, not somewhere in a window.
            flexible_time_window=SchedulerScheduleFlexibleTimeWindow(mode="OFF"),
            target=SchedulerScheduleTarget(
                arn=state_machine_arn,
                role_arn=self.role.arn,
                input=settings.input_json(),
                retry_policy=SchedulerScheduleTargetRetryPolicy(
                    maximum_retry_attempts=settings.retry_attempts,
                    maximum_event_age_in_seconds=settings.max_event_age_seconds,
                ),
                dead_letter_config=(
                    SchedulerScheduleTargetDeadLetterConfig(arn=self.dead_letter_queue.arn)
                    if self.dead_letter_queue
                    else None
                ),
            ),
            kms_key_arn=refs.key_arn,
            depends_on=self.role.grants,
        )
        self.name = self.schedule.name

    def _role_statements(self, name: str, settings: ScheduleSettings, refs: Refs) -> tuple[Statement, ...]:
        statements = [
            *start_execution(refs.state_machine_arn),
            *(send_dead_letters(self.dead_letter_queue.arn) if self.dead_letter_queue else ()),
        ]
        if refs.key_arn is None:
            return tuple(statements)
        schedule = regional_arn(
            refs.partition,
            refs.region,
            refs.account,
            "scheduler",
            f"schedule/{settings.group}/{aws_names.schedule_name(name)}",
        )
        return (
            *statements,
            *derived_key_grants(statements, refs.key_arn, refs.region),
            role_key_grant(
                "DecryptSchedulePayload", Encrypted.SCHEDULE, refs.key_arn, refs.region, (schedule,)
            ),
        )

    def _group_name(self, group: str) -> str:
        """Every account has the default group; this stack creates any other, so CreateSchedule
        never meets a missing group. Provider 5.100.0 has no data source to read one instead."""
        if group == aws_rules.DEFAULT_SCHEDULE_GROUP:
            return group
        return SchedulerScheduleGroup(self, "Group", name=group).name
