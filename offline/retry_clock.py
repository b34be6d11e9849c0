"""The clock moto's retriers sleep on, scaled so that retries run in milliseconds.

moto's interpreter really sleeps each Retry interval (IntervalSeconds, times
BackoffRate, with JitterStrategy FULL a random share of it). The ticket task of
the default configuration would wait up to 2 + 4 + 8 s, so the offline runs
scale every wait (`scale=0.01` turns 14 s into 0.14 s) while keeping the number
of attempts and the order of events exactly as configured. Every requested wait
is recorded, unscaled, so tests can check the backoff that Step Functions would
apply.
"""

from __future__ import annotations

import threading
import time


class RetryClock:
    def __init__(self, scale: float = 1.0):
        if not 0 <= scale <= 1:
            raise ValueError(f"retry scale must be between 0 and 1, got {scale}")
        self.scale = scale
        self._waits: list[float] = []
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        """Called by moto's RetrierDecl in place of time.sleep."""
        with self._lock:
            self._waits.append(seconds)
        time.sleep(seconds * self.scale)

    @property
    def waits(self) -> list[float]:
        """The waits the definition asked for, in seconds, unscaled."""
        with self._lock:
            return list(self._waits)

    def reset(self) -> None:
        with self._lock:
            self._waits.clear()
