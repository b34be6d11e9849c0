"""What the tests read back from the emulator after apply: ARNs and roles as deployed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from offline.applied_iam import AppliedRole, applied_role
from offline.connection_auth import connection_name
from offline.deployment import Deployment


@dataclass
class Applied:
    deployment: Deployment

    @property
    def account(self) -> str:
        return self.deployment.emulator.account_id

    @property
    def state_machine_arn(self) -> str:
        return self.deployment.outputs["state_machine_arn"]

    @cached_property
    def schedule(self) -> dict:
        config = self.deployment.config.schedule
        return self.deployment.emulator.client("scheduler").get_schedule(
            Name=self.deployment.outputs["schedule_name"], GroupName=config.group
        )

    @property
    def schedule_group_arn(self) -> str:
        """arn:...:schedule/<group>/<name> -> arn:...:schedule-group/<group>."""
        prefix, group, _ = self.schedule["Arn"].rsplit("/", 2)
        return f"{prefix.rsplit(':', 1)[0]}:schedule-group/{group}"

    @cached_property
    def execution_role(self) -> AppliedRole:
        sfn = self.deployment.emulator.client("stepfunctions")
        role_arn = sfn.describe_state_machine(stateMachineArn=self.state_machine_arn)["roleArn"]
        return applied_role(self.deployment.emulator.client("iam"), role_arn)

    @cached_property
    def scheduler_role(self) -> AppliedRole:
        return applied_role(self.deployment.emulator.client("iam"), self.schedule["Target"]["RoleArn"])

    @cached_property
    def ticket_connection_secret_arn(self) -> str:
        name = connection_name(self.deployment.outputs["connection_arn"])
        return self.deployment.emulator.client("events").describe_connection(Name=name)["SecretArn"]

    @cached_property
    def users_ticket_secret_arn(self) -> str:
        """The secret the user created, which only Terraform reads; the state machine reads the copy."""
        connection = self.deployment.config.connections[self.deployment.config.ticket.request.connection]
        secrets = self.deployment.emulator.client("secretsmanager")
        return secrets.describe_secret(SecretId=connection.secret.secret_name)["ARN"]

    def arn(self, service: str, resource: str) -> str:
        """Another resource of the same account and region, e.g. arn("sns", "someone-elses-topic")."""
        return f"arn:aws:{service}:{self.deployment.emulator.region}:{self.account}:{resource}"
