"""What the drill reads from the stack's Terraform outputs (`terraform -chdir=STACK output -json`)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.outcome import RouteFailed


@dataclass(frozen=True)
class Stack:
    folder: Path
    state_machine_arn: str
    topic_arn: str
    connection_arn: str
    night_watch_rules: dict[str, str] = field(default_factory=dict)
    """Rule name by the end it watches (core.night_watch.WatchedEnd values); empty without a night watch."""
    alarm_names: tuple[str, ...] = ()
    dead_letter_queues: dict[str, str] = field(default_factory=dict)
    """Queue URL by night-watch rule name, where the stack gives its targets dead-letter queues."""

    @property
    def region(self) -> str:
        return self.state_machine_arn.split(":")[3]

    @property
    def connection_name(self) -> str:
        return self.connection_arn.split(":", 5)[-1].split("/")[1]


class StackUnreadable(Exception):
    """terraform output failed, or the outputs lack what the drill needs."""


def read_stack(folder: Path) -> Stack:
    completed = subprocess.run(
        ["terraform", f"-chdir={folder}", "output", "-json"], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise StackUnreadable(
            f"terraform output failed in {folder}: {completed.stderr.strip()}; run terraform init there "
            "(and apply the stack) first"
        )
    outputs = {name: _decoded(item["value"]) for name, item in json.loads(completed.stdout or "{}").items()}
    missing = [name for name in ("state_machine_arn", "topic_arn", "connection_arn") if name not in outputs]
    if missing:
        raise StackUnreadable(
            f"{folder} has no output {', '.join(missing)}: the stack is not applied, or was applied "
            "before these outputs existed; apply it (make deploy STACK=...)"
        )
    return Stack(
        folder=folder,
        state_machine_arn=outputs["state_machine_arn"],
        topic_arn=outputs["topic_arn"],
        connection_arn=outputs["connection_arn"],
        night_watch_rules=dict(outputs.get("night_watch_rules") or {}),
        alarm_names=tuple(outputs.get("alarm_names") or ()),
        dead_letter_queues=dict(outputs.get("night_watch_dead_letter_queues") or {}),
    )


def _decoded(value: Any) -> Any:
    """The stack writes its lists and maps as JSON text (Fn.jsonencode)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def require_drill_states(sfn: Any, stack: Stack, state_name: str) -> None:
    """A state machine deployed before the drill existed would run a real night for a drill's input."""
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=stack.state_machine_arn)["definition"])
    if state_name not in definition.get("States", {}):
        raise RouteFailed(
            f"the deployed state machine has no state {state_name} (it predates the fire drill); "
            "apply the stack first (make deploy STACK=...)"
        )
