"""A role as Terraform applied it, read back from the emulator: trust policy, inline and managed policies.

The IAM tests evaluate these documents, not the synthesized ones, so every
ARN Terraform interpolated (${data.aws_caller_identity...}, the connection's
secret ARN, ...) is the resolved value a real account would hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from offline.policy_simulator import identity_policies


@dataclass(frozen=True)
class AppliedRole:
    arn: str
    name: str
    trust_policy: dict
    inline_policies: dict[str, dict]
    managed_policies: dict[str, dict]
    """The customer managed policies attached to the role, by name."""

    def session_arn(self, session: str = "offline") -> str:
        """The principal a service's session of this role acts as."""
        account = self.arn.split(":")[4]
        return f"arn:aws:sts::{account}:assumed-role/{self.name}/{session}"

    def identity_policies(self) -> list[dict]:
        return identity_policies({**self.inline_policies, **self.managed_policies})


def applied_role(iam: Any, role_arn: str) -> AppliedRole:
    name = role_arn.rsplit("/", 1)[-1]
    role = iam.get_role(RoleName=name)["Role"]
    policy_names = iam.list_role_policies(RoleName=name)["PolicyNames"]
    return AppliedRole(
        arn=role["Arn"],
        name=name,
        trust_policy=role["AssumeRolePolicyDocument"],
        inline_policies={
            policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            for policy in policy_names
        },
        managed_policies={
            attached["PolicyName"]: _default_version(iam, attached["PolicyArn"])
            for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        },
    )


def _default_version(iam: Any, policy_arn: str) -> dict:
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"]["Document"]
    return json.loads(unquote(document)) if isinstance(document, str) else document
