"""The AWS clients of the drill and its bounded waits, with progress on stderr.

Clients follow the usual AWS settings (credentials, AWS_ENDPOINT_URL for an emulator); the region
is the state machine's own.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3  # type: ignore[import-untyped]

T = TypeVar("T")


@dataclass(frozen=True)
class Waits:
    execution_seconds: float = 600
    """How long an execution may take (the ticket task's retries included)."""
    delivery_seconds: float = 900
    """How long EventBridge's and CloudWatch's metrics and actions may take to show (minutes)."""
    poll_seconds: float = 15


class Clients:
    def __init__(self, region: str):
        self.region = region
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return self._clients[service]


def progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


def wait_until(what: str, check: Callable[[], T | None], seconds: float, poll_seconds: float) -> T | None:
    """check's first result that is not None, or None once `seconds` have passed."""
    deadline = time.monotonic() + seconds
    next_note = time.monotonic() + 60
    while True:
        found = check()
        if found is not None:
            return found
        now = time.monotonic()
        if now >= deadline:
            return None
        if now >= next_note:
            progress(f"still waiting for {what} ({deadline - now:.0f} s left)")
            next_note = now + 60
        time.sleep(min(poll_seconds, max(deadline - now, 0)))
