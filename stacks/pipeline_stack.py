"""One environment of the nightly pipeline, as one Terraform stack."""

from __future__ import annotations

import posixpath

from cdktf import Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from aws_facts import names as aws_names
from aws_facts.arns import state_machine_arn
from components.connection import Connection
from components.failure_alerts import FailureAlerts
from components.night_watch import NightWatch
from components.nightly_schedule import NightlySchedule
from components.pipeline_state_machine import PipelineStateMachine
from components.service_role import ServiceRole
from core.config import PipelineConfig
from core.encryption import key_policy_statements
from core.night_watch import WatchedEnd
from core.refs import Refs
from core.role_policies import sizing_refs, test_state_role_policies
from core.sections.backend import LocalBackend as LocalBackendSettings
from policies.kms import EVENTBRIDGE_CONNECTION_TAG, key_policy
from policies.policy_size import RolePolicies
from policies.statement import terraform_policy_json
from policies.trust import STEP_FUNCTIONS, service_trust_policy


class PipelineStack(TerraformStack):
    def __init__(self, scope: Construct, config: PipelineConfig, *, local_state_dir: str):
        """local_state_dir: where a local backend keeps state, relative to the
        stack's working directory (cdktf.out/stacks/<name>), so that state
        survives every new synth and the output is the same on every machine."""
        super().__init__(scope, config.stack.name)
        self._configure_terraform(config, local_state_dir)
        partition = DataAwsPartition(self, "Partition").partition
        account = DataAwsCallerIdentity(self, "Account").account_id
        region = config.stack.region
        name = config.state_machine.name
        key_arn = self._key(config, partition, account)

        connections = {
            key: Connection(
                self,
                f"{key}_connection",
                settings=settings,
                aws_name=aws_names.connection_name(name, key),
                key_arn=key_arn,
            )
            for key, settings in config.connections.items()
        }
        alerts = FailureAlerts(self, "FailureAlerts", settings=config.notifications, key_arn=key_arn)
        refs = Refs(
            key_arn=key_arn,
            partition=partition,
            region=region,
            account=account,
            state_machine_arn=state_machine_arn(partition, region, account, name),
            topic_arn=alerts.topic_arn,
            connections={key: connection.ref for key, connection in connections.items()},
        )
        model = config.pipeline()
        sizing = sizing_refs(config)
        pipeline = PipelineStateMachine(
            self,
            "Pipeline",
            pipeline=model,
            settings=config.state_machine,
            refs=refs,
            sizing_refs=sizing,
            data_key_reuse_seconds=config.encryption.data_key_reuse_seconds,
        )
        if config.state_machine.test_state_role:
            self._add_test_state_role(name, test_state_role_policies(model, refs, sizing), refs)
        schedule = NightlySchedule(
            self,
            "NightlySchedule",
            name=name,
            settings=config.schedule,
            state_machine_arn=pipeline.arn,
            refs=refs,
            dead_letter_retention_days=(
                config.night_watch.dead_letter_retention_days
                if config.night_watch.dead_letter_queue
                else None
            ),
            data_key_reuse_seconds=config.encryption.data_key_reuse_seconds,
        )
        queue = schedule.dead_letter_queue
        NightWatch(
            self, "NightWatch", config=config, refs=refs, dead_letter_queue_name=queue.name if queue else None
        )

        TerraformOutput(self, "state_machine_arn", value=pipeline.arn)
        TerraformOutput(self, "topic_arn", value=alerts.topic_arn)
        TerraformOutput(self, "connection_arn", value=connections[config.ticket.request.connection].ref.arn)
        TerraformOutput(self, "schedule_name", value=schedule.name)
        TerraformOutput(
            self,
            "connection_updates",
            value=Fn.jsonencode([connection.update_template for connection in connections.values()]),
            description="What scripts/set-api-keys.sh sends to each connection, secrets left as their sources",
        )
        self._add_fire_drill_outputs(config)

    def _key(self, config: PipelineConfig, partition: str, account: str) -> str | None:
        """The customer-managed key's ARN ([encryption]), None without one. A created key gets the key
        policy the stack needs; for an existing key, the output required_key_policy says what its
        policy must allow (docs/encryption.md)."""
        encryption = config.encryption
        if not encryption.enabled:
            return None
        policy = terraform_policy_json(
            key_policy(key_policy_statements(config, partition, config.stack.region, account))
        )
        # As JSON text, as connection_updates: a map value makes cdktf print a deprecation warning.
        TerraformOutput(
            self,
            "required_key_policy",
            value=policy,
            description="The key policy the stack's customer-managed key needs ([encryption])",
        )
        if not encryption.creates_key:
            return encryption.key
        tag, value = EVENTBRIDGE_CONNECTION_TAG
        key = KmsKey(
            self,
            "Key",
            description=f"Encrypts the data of pipeline {config.state_machine.name} at rest",
            enable_key_rotation=True,
            policy=policy,
            tags={tag: value},
        )
        return key.arn

    def _add_fire_drill_outputs(self, config: PipelineConfig) -> None:
        """What scripts/fire-drill.sh drives and checks besides the state machine (docs/fire-drill.md)."""
        name = config.state_machine.name
        rules = (
            {end.value: end.rule_name(name) for end in WatchedEnd}
            if config.night_watch.uncaught_failures
            else {}
        )
        TerraformOutput(
            self,
            "night_watch_rules",
            value=Fn.jsonencode(rules),
            description="The night watch's rules, by the end they watch",
        )
        # Both as JSON text, as connection_updates: a list or map value makes cdktf's Node side print
        # a deprecation warning on every synth.
        # Every alarm of the stack, whichever component made it: the drill sets each to ALARM and back.
        alarms = sorted(
            (child for child in self.node.find_all() if isinstance(child, CloudwatchMetricAlarm)),
            key=lambda alarm: alarm.node.path,
        )
        TerraformOutput(
            self,
            "alarm_names",
            value=Fn.jsonencode([alarm.alarm_name for alarm in alarms]),
            description="Every CloudWatch alarm of the stack",
        )

    def _add_test_state_role(self, name: str, policies: RolePolicies, refs: Refs) -> None:
        """A role to pass to the console's "Test state"; see Pipeline.test_state_statements."""
        role = ServiceRole(
            self,
            "TestStateRole",
            name=aws_names.test_state_role_name(name),
            # TestState runs a state outside any state machine: there is no
            # state machine ARN to bind the role to, only the account.
            trust_policy=service_trust_policy(STEP_FUNCTIONS, refs.account),
            policies=policies,
        )
        TerraformOutput(self, "test_state_role_arn", value=role.arn)

    def _configure_terraform(self, config: PipelineConfig, local_state_dir: str) -> None:
        stack = config.stack
        AwsProvider(
            self,
            "aws",
            region=stack.region,
            allowed_account_ids=[stack.account_id] if stack.account_id else None,
            default_tags=[AwsProviderDefaultTags(tags=dict(stack.tags))] if stack.tags else None,
        )
        backend = config.backend
        if isinstance(backend, LocalBackendSettings):
            path = aws_names.local_state_path(backend.path, stack.name)
            LocalBackend(self, path=posixpath.join(local_state_dir, path))
            return
        s3 = S3Backend(
            self,
            bucket=backend.bucket,
            key=backend.key,
            region=backend.region,
            encrypt=backend.encrypt,
            dynamodb_table=backend.dynamodb_table,
        )
        if backend.use_lockfile:
            # S3-native locking (Terraform >= 1.10); cdktf 0.21 has no argument for it.
            s3.add_override("use_lockfile", True)
