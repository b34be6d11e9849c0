"""Real Terraform on a copy of a synthesized stack, pointed at the emulator.

The stack folder is copied, never written to, and the override of
offline.provider_override is added to the copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from offline.provider_override import write_override
from terraform_cli import Terraform, automation_env


def prepare(
    stack_dir: Path, workdir: Path, emulator_endpoint: str, variables: Mapping[str, str]
) -> Terraform:
    """A work folder holding the synthesized stack and the emulator override."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(stack_dir / "cdk.tf.json", workdir / "cdk.tf.json")
    write_override(workdir, emulator_endpoint)
    env = automation_env(workdir, {f"TF_VAR_{name}": value for name, value in variables.items()})
    # Real credentials in the environment must never reach the emulator's provider, nor the other way.
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return Terraform(workdir=workdir, env=env)
