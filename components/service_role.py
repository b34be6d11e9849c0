"""An IAM role for one AWS service, with its policies: inline, then managed where IAM needs more room."""

from __future__ import annotations

from typing import Any

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from policies.policy_size import RolePolicies
from policies.statement import policy_document, terraform_policy_json


class ServiceRole(Construct):
    """policies: laid out by policies.policy_size to fit IAM's quotas."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        trust_policy: dict[str, Any],
        policies: RolePolicies,
    ):
        super().__init__(scope, id_)
        self.role = IamRole(
            self,
            "Role",
            name=name,
            assume_role_policy=terraform_policy_json(trust_policy),
        )
        # A separate policy resource (not inline_policy) can name resources that
        # themselves need the role, without a dependency cycle.
        self.policy = IamRolePolicy(
            self,
            "Policy",
            name=name,
            role=self.role.id,
            policy=terraform_policy_json(policy_document(policies.inline)),
        )
        self.grants: list[TerraformResource] = [self.policy]
        for number, statements in enumerate(policies.managed, start=1):
            managed = IamPolicy(
                self,
                f"Managed{number}",
                name=f"{name}-{number}",
                policy=terraform_policy_json(policy_document(statements)),
            )
            attachment = IamRolePolicyAttachment(
                self, f"Attachment{number}", role=self.role.name, policy_arn=managed.arn
            )
            self.grants.append(attachment)
        self.arn = self.role.arn
