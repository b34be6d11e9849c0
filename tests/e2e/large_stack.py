"""Applies one synthesized stack to a fresh emulator in its own process and writes what was applied.

    python -m tests.e2e.large_stack <out folder> <config.toml> <stack folder>

The session's emulator (tests/e2e/conftest.py) holds the dev stack, and moto
keeps its resources and its patches per process, so a second stack is applied
in a process of its own (tests/e2e/conftest.py, mixed50_child). Writes JSON into
<out folder>/result.json: the outputs, the exit code of a second plan, and every
role the stack created, with its trust policy and its inline and managed
policies; and the resolved plan of the stack as <out folder>/<stack>.plan.json
for tests/e2e/test_checkov.py.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from core.loading import load_config
from offline.applied_iam import applied_role
from offline.deployment import OfflineSettings, deployed
from offline.resolved_plan import PLAN_SUFFIX, write_plan_json
from tests.e2e.conftest import CHILD_RESULT


def main(out: Path, config_path: Path, stack_dir: Path) -> None:
    config = load_config(config_path)
    with deployed(config, stack_dir, OfflineSettings(), workdir=out / "terraform") as deployment:
        plan_exit_code, _ = deployment.terraform.plan_exit_code()
        iam = deployment.emulator.client("iam")
        roles = [
            asdict(applied_role(iam, role["Arn"]))
            for role in iam.list_roles()["Roles"]
            if role["RoleName"].startswith(config.state_machine.name)
        ]
        report = {"outputs": deployment.outputs, "plan_exit_code": plan_exit_code, "roles": roles}
        write_plan_json(deployment.terraform, out / f"{config.stack.name}{PLAN_SUFFIX}")
    (out / CHILD_RESULT).write_text(json.dumps(report))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
