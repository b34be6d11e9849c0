"""What every Task state shares: its retry policy and its shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Retry:
    """Retries of errors worth trying again. max_attempts = 0 turns retrying off."""

    errors: tuple[str, ...]
    max_attempts: int = 3
    interval_seconds: int = 2
    backoff_rate: float = 2.0

    def to_json(self) -> list[dict]:
        if not self.errors or self.max_attempts == 0:
            return []
        return [
            {
                "ErrorEquals": list(self.errors),
                "IntervalSeconds": self.interval_seconds,
                "MaxAttempts": self.max_attempts,
                "BackoffRate": self.backoff_rate,
                # Spreads retries so that a struggling service is not hit in lockstep.
                "JitterStrategy": "FULL",
            }
        ]


def task_state(
    *,
    resource: str,
    parameters: Mapping[str, Any],
    retry: Retry,
    timeout_seconds: int | None,
    result_selector: Mapping[str, str],
    result_path: str | None,
) -> dict:
    """A Task state. Without a result_path the step's result is dropped and its
    input passes through unchanged, so every step sees the execution input."""
    state: dict = {"Type": "Task", "Resource": resource, "Parameters": dict(parameters)}
    if timeout_seconds is not None:
        state["TimeoutSeconds"] = timeout_seconds
    if result_path is None:
        state["ResultPath"] = None
    else:
        state["ResultSelector"] = dict(result_selector)
        state["ResultPath"] = result_path
    retriers = retry.to_json()
    if retriers:
        state["Retry"] = retriers
    return state
