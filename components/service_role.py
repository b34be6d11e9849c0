"""An IAM role for one AWS service, with one inline policy derived from statements."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from policies.statement import Statement, policy_document


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
            assume_role_policy=json.dumps(trust_policy, indent=2),
        )
        # A separate policy resource (not inline_policy) can name resources that
        # themselves need the role, without a dependency cycle.
        self.policy = IamRolePolicy(
            self,
            "Policy",
            name=name,
            role=self.role.id,
            policy=json.dumps(policy_document(statements), indent=2),
        )
        self.arn = self.role.arn
