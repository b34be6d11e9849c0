"""What every Task state shares: its retry policy and its shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.toml_table import Table


@dataclass(frozen=True, kw_only=True)
class Retry:
    """Retries of errors worth trying again. max_attempts = 0 turns retrying off."""

    errors: tuple[str, ...]
    max_attempts: int = 3
    interval_seconds: int = 2
    backoff_rate: float = 2.0

    @classmethod
    def read(cls, table: Table, default: Retry) -> Retry:
        """A [retry] table; each key left out keeps default's value."""
        retry = cls(
            errors=table.strings("errors", default.errors),
            max_attempts=table.integer("max_attempts", default.max_attempts, low=0, high=10),
            interval_seconds=table.integer("interval_seconds", default.interval_seconds, low=1, high=300),
            backoff_rate=table.number("backoff_rate", default.backoff_rate, low=1.0, high=10.0),
        )
        table.finish()
        return retry

    def to_json(self) -> list[dict[str, Any]]:
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
) -> dict[str, Any]:
    """A Task state. Without a result_path the step's result is dropped and its
    input passes through unchanged, so every step sees the execution input."""
    state: dict[str, Any] = {"Type": "Task", "Resource": resource, "Parameters": dict(parameters)}
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
