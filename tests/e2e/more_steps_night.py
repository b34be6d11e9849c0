"""Nights of the more_steps stack in the emulator, run in a process of their own.

The session's dev deployment holds the emulator of the test process (moto keeps
its resources per process), so this stack is deployed by a child process
(tests/e2e/conftest.py, more_steps_child):

    python -m tests.e2e.more_steps_night <out folder> <stack dir>

It runs one quiet night, then one night per step with that step failing, and
writes what each night did as JSON into <out folder>/result.json for
tests/e2e/test_more_steps.py to check, and the resolved plan of the stack as
<out folder>/<stack>.plan.json for tests/e2e/test_checkov.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from core.loading import load_config
from offline.deployment import Deployment, deployed
from offline.failures import make_step_fail
from offline.resolved_plan import PLAN_SUFFIX, write_plan_json
from tests.conftest import MORE_STEPS_CONFIG
from tests.e2e.conftest import CHILD_RESULT, E2E_SETTINGS


def main(out: Path, stack_dir: Path) -> None:
    config = load_config(MORE_STEPS_CONFIG)
    with deployed(config, stack_dir, E2E_SETTINGS, workdir=out / "terraform") as night:
        nights = {"quiet": _night(night, expected_error=None)}
        for step in config.steps:
            night.reset()
            nights[step.name] = _night(night, expected_error=make_step_fail(night, step.name))
        write_plan_json(night.terraform, out / f"{config.stack.name}{PLAN_SUFFIX}")
    (out / CHILD_RESULT).write_text(json.dumps(nights, indent=2))


def _night(night: Deployment, expected_error: str | None) -> dict[str, Any]:
    result = night.run()
    return {
        "expected_error": expected_error,
        "status": result.status,
        "error": result.error,
        "cause": result.cause,
        "output": result.output,
        "entered_states": result.entered_states(),
        "calls": [[call.kind, call.target, call.parameters] for call in night.doubles.calls],
        "tickets": [request.json() for request in night.ticket_server.requests],
        "messages": [message.message for message in night.inbox.take()],
    }


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
