"""The EventBridge Scheduler schedule that starts the pipeline, and its role."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.scheduler_schedule import (
    SchedulerSchedule,
    SchedulerScheduleFlexibleTimeWindow,
    SchedulerScheduleTarget,
    SchedulerScheduleTargetRetryPolicy,
)
from cdktf_cdktf_provider_aws.scheduler_schedule_group import SchedulerScheduleGroup
from constructs import Construct

from components.service_role import ServiceRole
from core import aws_names, aws_rules
from core.config import ScheduleSettings
from core.refs import Refs
from policies.integrations import start_execution
from policies.policy_size import RolePolicies
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
    ):
        super().__init__(scope, id_)
        # The grant names the ARN built from the state machine's name (refs), so
        # the role does not wait for the state machine; the target below does.
        self.role = ServiceRole(
            self,
            "Role",
            name=aws_names.scheduler_role_name(name),
            trust_policy=scheduler_trust_policy(refs.partition, refs.region, refs.account, settings.group),
            policies=RolePolicies(inline=tuple(start_execution(refs.state_machine_arn))),
        )
        self.schedule = SchedulerSchedule(
            self,
            "Schedule",
            name=aws_names.schedule_name(name),
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
            ),
            depends_on=self.role.grants,
        )
        self.name = self.schedule.name

    def _group_name(self, group: str) -> str:
        """Every account has the default group; this stack creates any other, so CreateSchedule
        never meets a missing group. Provider 5.100.0 has no data source to read one instead."""
        if group == aws_rules.DEFAULT_SCHEDULE_GROUP:
            return group
        return SchedulerScheduleGroup(self, "Group", name=group).name
