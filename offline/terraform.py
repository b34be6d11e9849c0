"""Real Terraform on a copy of a synthesized stack: init from the local mirror, apply, plan, destroy.

The stack folder is copied, never written to, and the override of
offline.provider_override is added to the copy. Providers come from the
project's CLI config (`make setup` writes .terraform.d/terraformrc, pointing
at the offline provider mirror); without one, scripts/terraformrc.sh writes
one into the work folder, as tests/terraform does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from offline.provider_override import write_override

PROJECT = Path(__file__).resolve().parent.parent
PROJECT_CLI_CONFIG = PROJECT / ".terraform.d" / "terraformrc"
TIMEOUT_SECONDS = 300


class TerraformError(Exception):
    """A terraform command failed; the message holds its output."""


@dataclass(frozen=True)
class Terraform:
    workdir: Path
    env: Mapping[str, str]

    def run(self, *arguments: str) -> subprocess.CompletedProcess:
        """Runs terraform; the caller decides what a non-zero exit means."""
        if shutil.which("terraform") is None:
            raise TerraformError("terraform is not on PATH")
        return subprocess.run(
            ["terraform", *arguments, "-no-color"],
            cwd=self.workdir,
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )

    def check(self, *arguments: str) -> str:
        result = self.run(*arguments)
        if result.returncode != 0:
            raise TerraformError(f"terraform {' '.join(arguments)} failed:\n{result.stderr}{result.stdout}")
        return result.stdout

    def init(self) -> None:
        self.check("init", "-input=false")

    def apply(self) -> None:
        self.check("apply", "-input=false", "-auto-approve")

    def plan_exit_code(self) -> tuple[int, str]:
        """0: no changes, 2: changes (see the output), 1: error."""
        result = self.run("plan", "-input=false", "-detailed-exitcode")
        return result.returncode, result.stderr + result.stdout

    def destroy(self) -> None:
        # Without a refresh: the state is what apply wrote (about 6 s faster here).
        self.check("destroy", "-input=false", "-auto-approve", "-refresh=false")

    def outputs(self) -> dict[str, str]:
        return {name: output["value"] for name, output in json.loads(self.check("output", "-json")).items()}

    def state_addresses(self) -> list[str]:
        result = self.run("state", "list")
        return result.stdout.split() if result.returncode == 0 else []


def prepare(
    stack_dir: Path, workdir: Path, emulator_endpoint: str, variables: Mapping[str, str]
) -> Terraform:
    """A work folder holding the synthesized stack and the emulator override."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(stack_dir / "cdk.tf.json", workdir / "cdk.tf.json")
    write_override(workdir, emulator_endpoint)
    env = {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(_cli_config(workdir)),
        **{f"TF_VAR_{name}": value for name, value in variables.items()},
    }
    # Real credentials in the environment must never reach the emulator's provider, nor the other way.
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return Terraform(workdir=workdir, env=env)


def _cli_config(workdir: Path) -> Path:
    configured = Path(os.environ.get("TF_CLI_CONFIG_FILE", ""))
    if configured.is_file():
        return configured
    if PROJECT_CLI_CONFIG.is_file():
        return PROJECT_CLI_CONFIG
    generated = workdir / "terraformrc"
    subprocess.run([PROJECT / "scripts" / "terraformrc.sh", generated], check=True, timeout=120)
    return generated
