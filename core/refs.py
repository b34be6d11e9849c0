"""Values that only Terraform knows: ARNs of resources it creates or looks up.

The CDKTF shell fills these with Terraform references; unit tests fill them
with literal ARNs. Either way the core builds the same states and statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_facts.arns import integration_arn


@dataclass(frozen=True)
class ConnectionRef:
    arn: str
    secret_arn: str


@dataclass(frozen=True, kw_only=True)
class Refs:
    partition: str
    region: str
    account: str
    state_machine_arn: str
    topic_arn: str
    connections: Mapping[str, ConnectionRef]
    key_arn: str | None = None
    """The customer-managed key ([encryption]); None: none."""

    def integration(self, name: str) -> str:
        return integration_arn(self.partition, name)
