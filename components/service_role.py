"""An IAM role for one AWS service, with one inline policy derived from statements."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from policies.http_endpoint import IAM_SPECIAL_CHARACTERS
from policies.statement import Statement, policy_document


def terraform_string(policy: dict[str, Any]) -> str:
    """The policy as a Terraform string. IAM's ${?} and ${*} would read to
    Terraform as interpolations; $${ keeps them literal. Every other ${...}
    in a policy is a Terraform reference and stays one."""
    text = json.dumps(policy, indent=2)
    for variable in IAM_SPECIAL_CHARACTERS:
        text = text.replace(variable, f"${variable}")
    return text


class ServiceRole(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        trust_policy: dict[str, Any],
        statements: Iterable[Statement],
    ):
        super().__init__(scope, id_)
        self.role = IamRole(
            self,
            "Role",
            name=name,
            assume_role_policy=terraform_string(trust_policy),
        )
        # A separate policy resource (not inline_policy) can name resources that
        # themselves need the role, without a dependency cycle.
        self.policy = IamRolePolicy(
            self,
            "Policy",
            name=name,
            role=self.role.id,
            policy=terraform_string(policy_document(statements)),
        )
        self.arn = self.role.arn
