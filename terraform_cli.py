"""The terraform binary, run on one folder with the project's provider mirror.

Providers come from the project's CLI config (`make setup` writes
.terraform.d/terraformrc, pointing at the offline provider mirror). Without
one, scripts/terraformrc.sh writes one into a scratch folder.

Whatever their source, `terraform init` checks them against the hashes of the
project's provider lock file, which synth copies into every stack folder and
init() into its work folder: a mirror cannot swap the binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
PROJECT_CLI_CONFIG = PROJECT / ".terraform.d" / "terraformrc"
# The name Terraform reads the lock from, in the folder it runs in.
LOCK_FILE_NAME = ".terraform.lock.hcl"
PROVIDER_LOCK = PROJECT / LOCK_FILE_NAME
TIMEOUT_SECONDS = 300


class TerraformError(Exception):
    """A terraform command failed; the message holds its output, `errors` its error output alone."""

    def __init__(self, message: str, errors: str = "") -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class Terraform:
    workdir: Path
    env: Mapping[str, str]

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
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
            command = f"terraform {' '.join(arguments)}"
            raise TerraformError(f"{command} failed:\n{result.stderr}{result.stdout}", result.stderr.strip())
        return result.stdout

    def init(self) -> None:
        """With the project's provider lock: a provider whose hash it does not list is refused."""
        install_provider_lock(self.workdir)
        self.check("init", "-input=false", "-lockfile=readonly")

    def apply(self, plan_file: str | None = None) -> None:
        """A saved plan (plan_file) is applied as it is, without planning again."""
        self.check("apply", "-input=false", "-auto-approve", *([plan_file] if plan_file else []))

    def save_plan(self, plan_file: str) -> None:
        self.check("plan", "-input=false", f"-out={plan_file}")

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


def install_provider_lock(folder: Path) -> None:
    shutil.copyfile(PROVIDER_LOCK, folder / LOCK_FILE_NAME)


def automation_env(scratch: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment, quiet and non-interactive, with a provider mirror config;
    scratch is where one is generated if the project has none."""
    return {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": str(cli_config(scratch)),
        **(extra or {}),
    }


def cli_config(scratch: Path) -> Path:
    configured = Path(os.environ.get("TF_CLI_CONFIG_FILE", ""))
    if configured.is_file():
        return configured
    if PROJECT_CLI_CONFIG.is_file():
        return PROJECT_CLI_CONFIG
    generated = scratch / "terraformrc"
    subprocess.run([PROJECT / "scripts" / "terraformrc.sh", generated], check=True, timeout=120)
    return generated
