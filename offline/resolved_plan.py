"""Each synthesized stack as a Terraform plan JSON with every reference resolved.

    python -m offline.resolved_plan <out folder> <stack folder> <config.toml> [<stack folder> <config.toml> ...]

The synthesized cdk.tf.json holds each IAM and SNS policy as a JSON string with
Terraform references in it (`${aws_sfn_state_machine.X.arn}`), which a static
scanner cannot read as a policy. Applied to the emulator, a second plan's
`planned_values` hold every attribute as deployed, the policies with real
ARNs: `terraform show -json` of that plan is what checkov reads with
`--framework terraform_plan` (tests/e2e/test_checkov.py).

Each stack is applied to a fresh emulator in turn (moto keeps its resources per
process, so this runs in a process of its own beside the session's dev stack)
and written to <out folder>/<stack>.plan.json. Prints the paths written.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from core.loading import load_config
from offline.deployment import OfflineSettings, deployed
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


def resolved_plans(out_dir: Path, stacks: list[tuple[Path, Path]]) -> list[Path]:
    """(stack folder, config file) pairs, each applied in turn and written as <stack>.plan.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stack_dir, config_path in stacks:
        config = load_config(config_path)
        out = out_dir / f"{config.stack.name}{PLAN_SUFFIX}"
        with (
            tempfile.TemporaryDirectory(prefix="resolved-plan-") as workdir,
            deployed(config, stack_dir, OfflineSettings(), workdir=Path(workdir)) as deployment,
        ):
            written.append(write_plan_json(deployment.terraform, out))
    return written


def main(arguments: list[str]) -> int:
    if len(arguments) < 3 or len(arguments) % 2 == 0:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out_dir, *pairs = arguments
    stacks = [(Path(pairs[i]), Path(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    for path in resolved_plans(Path(out_dir), stacks):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
