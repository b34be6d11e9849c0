"""What every Task state shares: its retry policy and its shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aws_facts.rules import Bounds
from config_kit.schema import Section
from config_kit.toml_table import DERIVED, Key, Kind, Table, key


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
            errors=table.read(RETRY_ERRORS, default.errors),
            max_attempts=table.read(MAX_ATTEMPTS, default.max_attempts),
            interval_seconds=table.read(INTERVAL_SECONDS, default.interval_seconds),
            backoff_rate=table.read(BACKOFF_RATE, default.backoff_rate),
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


RETRY_ERRORS: Key[tuple[str, ...]] = key(
    "errors", Kind.STRINGS, "The error names retried.", DERIVED, default_doc="see the table above"
)
MAX_ATTEMPTS: Key[int] = key(
    "max_attempts",
    Kind.INTEGER,
    "Tries after the first; 0 turns retrying off.",
    Retry.max_attempts,
    bounds=Bounds(0, 10),
)
INTERVAL_SECONDS: Key[int] = key(
    "interval_seconds",
    Kind.INTEGER,
    "The wait before the first retry.",
    Retry.interval_seconds,
    bounds=Bounds(1, 300),
)
BACKOFF_RATE: Key[float] = key(
    "backoff_rate",
    Kind.NUMBER,
    "Each wait is this many times the one before.",
    Retry.backoff_rate,
    bounds=Bounds(1.0, 10.0),
)


def retry_section(errors_doc: str) -> Section:
    """The [retry] table of a step or of the ticket; errors_doc says what is retried by default."""
    return Section(
        "retry",
        "Retries of errors worth trying again (interval x backoff_rate^n, with full jitter).",
        keys=(replace(RETRY_ERRORS, default_doc=errors_doc), MAX_ATTEMPTS, INTERVAL_SECONDS, BACKOFF_RATE),
    )
