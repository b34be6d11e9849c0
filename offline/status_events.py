"""Step Functions' "Execution Status Change" events, as AWS documents them, for the emulator's bus.

moto emits no such events, so the offline runs put them on the default bus
themselves: the documented examples
(https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html), with
this state machine's and execution's ARNs. The "detail" of an event holds what
DescribeExecution returns, so a failed execution's event also carries its
"error" and "cause" (the examples of the guide leave both out, as
FAILED_AS_DOCUMENTED does).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SOURCE = "aws.states"
DETAIL_TYPE = "Step Functions Execution Status Change"
# The example's dates (milliseconds since the epoch).
START_DATE = 1551224926156
STOP_DATE = 1551224927157


@dataclass(frozen=True)
class ExecutionEnd:
    status: str
    error: str | None = None
    cause: str | None = None


TIMED_OUT = ExecutionEnd("TIMED_OUT")
ABORTED = ExecutionEnd("ABORTED")
RUNTIME_ERROR = ExecutionEnd(
    "FAILED",
    "States.Runtime",
    "An error occurred while executing the state 'AnalyzeOrders' (entered at the event id #12). "
    "The JSONPath '$.orders' specified for the field 'Payload.$' could not be found in the input "
    '\'{"source": "scheduler"}\'',
)
DATA_LIMIT_EXCEEDED = ExecutionEnd(
    "FAILED", "States.DataLimitExceeded", "The state/task 'FetchOrders' returned a result larger than 256 KiB"
)
# A failure the failure path handled: PipelineFailed re-raises the step's own error.
CAUGHT_STEP_ERROR = ExecutionEnd(
    "FAILED", "OrdersValidationError", '{"errorMessage": "3 orders have no customer id"}'
)
# A failed execution as the guide's example event shows it: no error, no cause. The uncaught
# rule matches it, whatever the failure was (core.night_watch.WatchedEnd.detail_pattern).
FAILED_AS_DOCUMENTED = ExecutionEnd("FAILED")


def status_change_event(state_machine_arn: str, execution_name: str, end: ExecutionEnd) -> dict[str, Any]:
    """A PutEvents entry: the documented event of this end, for one execution of the state machine."""
    execution_arn = state_machine_arn.replace(":stateMachine:", ":execution:") + f":{execution_name}"
    detail: dict[str, Any] = {
        "executionArn": execution_arn,
        "stateMachineArn": state_machine_arn,
        "name": execution_name,
        "status": end.status,
        "startDate": START_DATE,
        "stopDate": STOP_DATE,
        "input": "{}",
        "output": None,
    }
    if end.error is not None:
        detail |= {"error": end.error, "cause": end.cause}
    return {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Resources": [execution_arn],
        "Detail": json.dumps(detail),
    }


def put_status_change(events: Any, state_machine_arn: str, execution_name: str, end: ExecutionEnd) -> str:
    """Puts the event on the default bus (events: a boto3 client of the emulator); returns the execution ARN."""
    entry = status_change_event(state_machine_arn, execution_name, end)
    [result] = events.put_events(Entries=[entry])["Entries"]
    if "EventId" not in result:
        raise RuntimeError(f"the emulator refused the event: {result}")
    return entry["Resources"][0]
