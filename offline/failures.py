"""How a step is made to fail, and the error Step Functions then reports: each kind's double knows."""

from __future__ import annotations

from offline.deployment import Deployment
from offline.step_doubles import double_for


def make_step_fail(night: Deployment, step_name: str) -> str:
    """Returns the error the execution should end with."""
    step = next(step for step in night.config.steps if step.name == step_name)
    return double_for(type(step)).make_fail(night, step)
