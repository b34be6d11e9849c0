"""A stack applied to the emulator, as a Terraform plan JSON with every reference resolved.

The synthesized cdk.tf.json holds each IAM and SNS policy as a JSON string with
Terraform references in it (`${aws_sfn_state_machine.X.arn}`), which a static
scanner cannot read as a policy. Applied to the emulator, a second plan's
`planned_values` hold every attribute as deployed, the policies with real
ARNs: `terraform show -json` of that plan is what checkov reads with
`--framework terraform_plan` (tests/e2e/test_checkov.py). The tests write it
for each stack they apply that checkov should read (tests/e2e/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

from terraform_cli import Terraform

PLAN_FILE = "resolved.tfplan"
PLAN_SUFFIX = ".plan.json"


def write_plan_json(terraform: Terraform, out: Path) -> Path:
    """The plan of an applied stack (no changes expected) as JSON, written to out.

    Without a refresh: the state is what apply just wrote, and planned_values hold
    it whole whether or not a change is planned."""
    terraform.check("plan", "-input=false", "-refresh=false", f"-out={PLAN_FILE}")
    out.write_text(terraform.check("show", "-json", PLAN_FILE))
    return out
