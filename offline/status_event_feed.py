"""Step Functions' status-change events for every execution that ends, put on the emulator's bus.

moto emits none (offline.status_events). A drill run against the emulator starts executions from
another process, so this feed watches the state machine's executions and puts each end's event,
as AWS would (best effort there; always here), once per execution.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Self

from offline.status_events import ExecutionEnd, put_status_change

POLL_SECONDS = 0.1


class StatusEventFeed:
    def __init__(self, sfn: Any, events: Any, state_machine_arn: str):
        self._sfn, self._events, self._arn = sfn, events, state_machine_arn
        self._reported: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-event-feed", daemon=True)

    def __enter__(self) -> Self:
        self._reported |= {execution["executionArn"] for execution in self._ended()}
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _ended(self) -> list[dict[str, Any]]:
        executions = self._sfn.list_executions(stateMachineArn=self._arn)["executions"]
        return [execution for execution in executions if execution["status"] != "RUNNING"]

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            for execution in self._ended():
                arn = execution["executionArn"]
                if arn in self._reported:
                    continue
                self._reported.add(arn)
                described = self._sfn.describe_execution(executionArn=arn)
                end = ExecutionEnd(described["status"], described.get("error"), described.get("cause"))
                put_status_change(self._events, self._arn, execution["name"], end)
