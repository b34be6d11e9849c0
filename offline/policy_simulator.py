"""IAM requests evaluated offline by a real policy simulator (@cloud-copilot/iam-simulate).

moto does not enforce IAM the way AWS does (it checks no conditions and
compares no resource ARNs for Step Functions), so the question "would AWS
allow this request?" goes to a simulator that implements IAM's evaluation
logic, given the policies exactly as Terraform applied them (read back from
the emulator, every ${...} resolved).

One action needs the unvalidated mode: the Service Authorization Reference,
which the simulator validates requests against, lists no resource type and no
condition key for `states:InvokeHTTPEndpoint`, while the Step Functions guide
documents the `states:HTTPMethod` and `states:HTTPEndpoint` conditions this
project grants it under (on "*"). The evaluation is the same; only the check of
the request against the reference is skipped.

A request carrying a KMS encryption context needs it too: the simulator knows
variable condition keys only in the `prefix/name` form (aws:PrincipalTag/team),
not KMS's `kms:EncryptionContext:<key>`, and the validated mode silently drops
such keys from the request (its ignoredContextKeys), so no statement bound to
an encryption context could ever match.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("simulate_policies.mjs")
PROJECT = SCRIPT.parent.parent
UNVALIDATED_ACTIONS = frozenset({"states:InvokeHTTPEndpoint"})
UNVALIDATED_CONTEXT_PREFIX = "kms:EncryptionContext:"


class SimulatorError(Exception):
    """Node or the simulator failed, or rejected a request as invalid."""


@dataclass(frozen=True, kw_only=True)
class IamRequest:
    id: str
    principal: str
    action: str
    resource: str
    account: str
    context: dict[str, Any] = field(default_factory=dict)
    identity_policies: list[dict] = field(default_factory=list)
    """As identity_policies() returns them."""
    resource_policy: dict | None = None
    """A trust policy, when the request is sts:AssumeRole."""

    @property
    def unvalidated(self) -> bool:
        return self.action in UNVALIDATED_ACTIONS or any(
            key.startswith(UNVALIDATED_CONTEXT_PREFIX) for key in self.context
        )


def identity_policies(role_policies: dict[str, dict]) -> list[dict]:
    """{policy name: document} -> the simulator's list."""
    return [{"name": name, "policy": document} for name, document in role_policies.items()]


def simulate(requests: list[IamRequest]) -> dict[str, str]:
    """Each request's decision by id: Allowed, ExplicitlyDenied or ImplicitlyDenied."""
    node = shutil.which("node")
    if node is None:
        raise SimulatorError("node is not on PATH")
    cases = [_case(request) for request in requests]
    completed = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps({"cases": cases}),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        raise SimulatorError(completed.stderr)
    results = {result["id"]: result for result in json.loads(completed.stdout)}
    errors = {key: result["errors"] for key, result in results.items() if result["result"] == "Error"}
    if errors:
        raise SimulatorError(f"requests the simulator rejects: {json.dumps(errors)}")
    return {key: result["result"] for key, result in results.items()}


def _case(request: IamRequest) -> dict:
    return {
        "id": request.id,
        "principal": request.principal,
        "action": request.action,
        "resource": request.resource,
        "account": request.account,
        "context": request.context,
        "identityPolicies": request.identity_policies,
        "resourcePolicy": request.resource_policy,
        "unvalidated": request.unvalidated,
    }
