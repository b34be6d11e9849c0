"""The state machine, its execution role and its log group."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.sfn_state_machine import (
    SfnStateMachine,
    SfnStateMachineEncryptionConfiguration,
    SfnStateMachineLoggingConfiguration,
    SfnStateMachineTracingConfiguration,
)
from constructs import Construct

from aws_facts import names as aws_names
from components.service_role import ServiceRole
from core.pipeline import Pipeline
from core.refs import Refs
from core.role_policies import execution_role_policies
from core.sections.state_machine import LogLevel, StateMachineSettings
from policies.trust import execution_trust_policy


class PipelineStateMachine(Construct):
    """The execution role's policy is derived from the pipeline's steps. It names
    the state machine by an ARN built from its name, so the role is complete
    before the state machine exists (Step Functions checks the logging grants
    when the state machine is created) and nothing waits on anything in a cycle."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        pipeline: Pipeline,
        settings: StateMachineSettings,
        refs: Refs,
        sizing_refs: Refs,
        data_key_reuse_seconds: int,
    ):
        """sizing_refs: refs with the ARNs as long as they really are, to size the policies.
        data_key_reuse_seconds: with refs.key_arn, how long Step Functions reuses a data key."""
        super().__init__(scope, id_)
        logging = self._logging(settings, refs.key_arn)
        self.execution_role = ServiceRole(
            self,
            "ExecutionRole",
            name=aws_names.execution_role_name(settings.name),
            trust_policy=execution_trust_policy(refs.account, refs.state_machine_arn),
            policies=execution_role_policies(pipeline, refs, sizing_refs),
        )
        self.state_machine = SfnStateMachine(
            self,
            "StateMachine",
            name=settings.name,
            type="STANDARD",
            role_arn=self.execution_role.arn,
            definition=pipeline.definition_text(refs),
            logging_configuration=logging,
            tracing_configuration=SfnStateMachineTracingConfiguration(enabled=settings.tracing),
            encryption_configuration=_encryption(refs.key_arn, data_key_reuse_seconds),
            depends_on=self.execution_role.grants,
        )
        self.arn = self.state_machine.arn

    def _logging(
        self, settings: StateMachineSettings, key_arn: str | None
    ) -> SfnStateMachineLoggingConfiguration:
        """With logging off, no log group and no destination: nothing to keep or pay for."""
        if settings.log_level is LogLevel.OFF:
            return SfnStateMachineLoggingConfiguration(level=LogLevel.OFF.value)
        log_group = CloudwatchLogGroup(
            self,
            "Logs",
            name=aws_names.log_group_name(settings.name),
            retention_in_days=settings.log_retention_days,
            kms_key_id=key_arn,
        )
        return SfnStateMachineLoggingConfiguration(
            level=settings.log_level.value,
            include_execution_data=settings.include_execution_data,
            log_destination=f"{log_group.arn}:*",
        )


def _encryption(
    key_arn: str | None, data_key_reuse_seconds: int
) -> SfnStateMachineEncryptionConfiguration | None:
    """None: the AWS-owned key, as without encryption_configuration.
    https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html"""
    if key_arn is None:
        return None
    return SfnStateMachineEncryptionConfiguration(
        type="CUSTOMER_MANAGED_KMS_KEY",
        kms_key_id=key_arn,
        kms_data_key_reuse_period_seconds=data_key_reuse_seconds,
    )
