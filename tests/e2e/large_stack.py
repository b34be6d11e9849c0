"""Applies one synthesized stack to a fresh emulator in its own process and prints what was applied.

    python -m tests.e2e.large_stack <config.toml> <stack folder> <work folder>

The session's emulator (tests/e2e/conftest.py) holds the dev stack, and moto
keeps its resources and its patches per process, so a second stack is applied
in a process of its own. Prints JSON: the outputs, the exit code of a second
plan, and every role the stack created, with its trust policy and its inline
and managed policies.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from core.loading import load_config
from offline.applied_iam import applied_role
from offline.deployment import OfflineSettings, deployed


def main(config_path: str, stack_dir: str, workdir: str) -> None:
    config = load_config(Path(config_path))
    with deployed(config, Path(stack_dir), OfflineSettings(), workdir=Path(workdir)) as deployment:
        plan_exit_code, _ = deployment.terraform.plan_exit_code()
        iam = deployment.emulator.client("iam")
        roles = [
            asdict(applied_role(iam, role["Arn"]))
            for role in iam.list_roles()["Roles"]
            if role["RoleName"].startswith(config.state_machine.name)
        ]
        report = {"outputs": deployment.outputs, "plan_exit_code": plan_exit_code, "roles": roles}
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])
