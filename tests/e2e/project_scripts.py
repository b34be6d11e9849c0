"""The project's scripts (scripts/*.sh) run against the stack on the emulator, as a deploy runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.connection_keys import PLACEHOLDER
from offline.connection_auth import connection_name
from offline.deployment import Deployment
from offline.script_env import script_env

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
FIRE_DRILL = SCRIPTS / "fire-drill.sh"
SET_API_KEYS = SCRIPTS / "set-api-keys.sh"


def run_script(
    stack: Deployment, script: Path, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), str(stack.terraform.workdir), *arguments],
        env=script_env(stack.terraform, stack.emulator) if env is None else env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ticket_connection(stack: Deployment) -> str:
    return connection_name(stack.outputs["connection_arn"])


def put_placeholder(stack: Deployment) -> None:
    """What every apply that updates the ticket's connection does: Terraform's placeholder as its key."""
    events = stack.emulator.client("events")
    name = ticket_connection(stack)
    header = events.describe_connection(Name=name)["AuthParameters"]["ApiKeyAuthParameters"]["ApiKeyName"]
    events.update_connection(
        Name=name, AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": header, "ApiKeyValue": PLACEHOLDER}}
    )
