"""`terraform validate` on synthesized stacks, when terraform is on PATH."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from terraform_cli import Terraform, automation_env


@dataclass(frozen=True)
class Validation:
    valid: bool
    summary: str = ""  # the first error, when not valid


def validate_all(stack_dirs: Sequence[Path]) -> dict[Path, Validation]:
    """Each folder is initialised without its backend (nothing is contacted but the provider
    source that TF_CLI_CONFIG_FILE names), then validated.

    The inits run one after another, because a shared plugin cache (TF_PLUGIN_CACHE_DIR) is
    not safe for concurrent use; validations, which load the provider, run two at a time.
    """
    if not stack_dirs:
        return {}
    env = automation_env(stack_dirs[0].parent)
    initialised = {
        stack_dir: Terraform(stack_dir, env).run("init", "-input=false", "-backend=false")
        for stack_dir in stack_dirs
    }
    ready = [stack_dir for stack_dir, init in initialised.items() if init.returncode == 0]
    with ThreadPoolExecutor(max_workers=2) as pool:
        validated = dict(
            zip(ready, pool.map(lambda stack_dir: _validate(env, stack_dir), ready), strict=True)
        )
    return {
        stack_dir: validated.get(stack_dir)
        or Validation(False, "terraform init failed: " + _error_line(init))
        for stack_dir, init in initialised.items()
    }


def _validate(env: dict[str, str], stack_dir: Path) -> Validation:
    result = Terraform(stack_dir, env).run("validate", "-json")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return Validation(False, "terraform validate failed: " + _error_line(result))
    errors = [item for item in report.get("diagnostics", []) if item.get("severity") == "error"]
    if report.get("valid") and not errors:
        return Validation(True)
    first = errors[0] if errors else {}
    address = f" ({first['address']})" if first.get("address") else ""
    return Validation(False, f"{first.get('summary', 'invalid')}{address}")


def _error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or [f"exit status {result.returncode}"])[0]
