"""The night watch: what tells the team about a night the state machine cannot report itself.

- Ends that skip every Catch. An execution that times out (TIMED_OUT) or is
  stopped (ABORTED), or fails with States.Runtime or States.DataLimitExceeded,
  which States.ALL does not match, never reaches the failure path. Two
  EventBridge rules watch this state machine's "Execution Status Change"
  events for exactly those ends; a FAILED that came through PipelineFailed
  carries the caught step's error, which neither rule matches, so nothing is
  reported twice. Each rule opens a ticket through an API destination (same
  connection and template as the ticket task) and e-mails the team (topic).
- A night that never starts: the schedule's dead-letter queue (Scheduler
  could not start the execution), and an alarm on ExecutionsStarted over the
  schedule's longest gap (the schedule did not fire at all).

Pure data: the shell (components.night_watch) turns it into resources.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from core import aws_names, aws_rules
from core.templates import console_execution_url

# https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html (event examples; "detail"
# holds what DescribeExecution returns, including error and cause of a failed execution)
EVENT_SOURCE = "aws.states"
EVENT_DETAIL_TYPE = "Step Functions Execution Status Change"
# States.ALL matches neither of these:
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
UNCATCHABLE_ERRORS = ("States.Runtime", "States.DataLimitExceeded")
WHOLE_EXECUTION = "(the whole execution)"


class WatchedEnd(Enum):
    """The ends of an execution that bypass the failure path; one EventBridge rule each."""

    STOPPED = "stopped"
    """TIMED_OUT (state_machine.timeout_seconds) or ABORTED (StopExecution, by hand or by a deploy)."""
    UNCAUGHT = "uncaught"
    """FAILED with an error no Catch can handle."""

    def rule_name(self, state_machine: str) -> str:
        return aws_names.night_watch_rule_name(state_machine, self.value)

    @property
    def description(self) -> str:
        return {
            WatchedEnd.STOPPED: "Executions that timed out or were stopped: no Catch runs for them",
            WatchedEnd.UNCAUGHT: "Executions that failed with an error States.ALL does not catch",
        }[self]

    def detail_pattern(self) -> dict[str, list[str]]:
        if self is WatchedEnd.STOPPED:
            return {"status": ["TIMED_OUT", "ABORTED"]}
        return {"status": ["FAILED"], "error": list(UNCATCHABLE_ERRORS)}

    def error_path(self) -> str:
        """Where the rule's events say what went wrong: the status of a stopped execution (it
        has no error of its own), the error of an uncaught failure."""
        return "$.detail.status" if self is WatchedEnd.STOPPED else "$.detail.error"

    def cause(self) -> str:
        """A fixed text: the event's own cause is not put in the ticket (see input_transformer)."""
        if self is WatchedEnd.STOPPED:
            return (
                "The execution ended {{error}}: it ran longer than its timeout (TIMED_OUT) or was "
                "stopped (ABORTED). Neither passes through a Catch, so no step reported it."
            )
        return (
            "Step Functions ended the execution with {{error}}, an error no Catch can handle, so no "
            "step reported it. The execution's history shows the state and the cause."
        )


def event_pattern(end: WatchedEnd, state_machine_arn: str) -> dict[str, Any]:
    """This state machine's status-change events for one watched end."""
    return {
        "source": [EVENT_SOURCE],
        "detail-type": [EVENT_DETAIL_TYPE],
        "detail": {"stateMachineArn": [state_machine_arn], **end.detail_pattern()},
    }


@dataclass(frozen=True)
class InputTransformer:
    input_paths: dict[str, str]
    input_template: str


# The event fields each run-time placeholder reads (the rest are fixed texts, below).
_EVENT_PATHS = {
    "execution_id": "$.detail.executionArn",
    "execution_name": "$.detail.name",
    "started_at": "$.detail.startDate",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


def input_transformer(
    end: WatchedEnd, template: Any, static: Mapping[str, str], region: str
) -> InputTransformer:
    """An EventBridge input transformer that fills a ticket or message template from the event.

    template is the ticket body (JSON-like) or a plain text; static fills {{state_machine}}
    and {{reporter}}. {{step}} is the whole execution, {{cause}} a fixed text, and the others
    read the event: {{error}}, {{execution_id}}, {{execution_url}} and {{started_at}} (epoch
    milliseconds: that is how the event gives it).

    EventBridge inserts values as they are, without escaping them
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
    "Common issues"), so only values that cannot hold a quote or a backslash are read from the
    event: ARNs, a status, the two error names the rule matches, a number. The event's cause, a
    free text, is not; the console link leads to it. '<' and '>' in the template's own text are
    written as JSON escapes, so that no text of the user's can read as a <variable>.
    """
    fixed = {
        **static,
        "step": WHOLE_EXECUTION,
        "cause": end.cause(),
        "execution_url": console_execution_url(region) + "{{execution_id}}",
    }
    paths = {**_EVENT_PATHS, "error": end.error_path()}
    filled = _fill(template, fixed)
    # A JSON template on several lines, as every JSON document here: `make hcl` then writes it as a
    # heredoc, whose backslashes stay as they are (a one-line string's escapes would be read by HCL).
    indent = 2 if isinstance(filled, Mapping | list) else None
    text = (
        json.dumps(filled, ensure_ascii=False, indent=indent).replace("<", "\\u003c").replace(">", "\\u003e")
    )
    used: dict[str, str] = {}

    def variable(match: re.Match[str]) -> str:
        used[match[1]] = paths[match[1]]
        return f"<{match[1]}>"

    rendered = _PLACEHOLDER.sub(variable, text)
    return InputTransformer(input_paths=dict(sorted(used.items())), input_template=rendered)


def http_parameters(values: Mapping[str, str], static: Mapping[str, str]) -> dict[str, str]:
    """The ticket's headers or query parameters for the API destination target.

    A rule target's HttpParameters are sent as written
    (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html), so
    {{state_machine}} and {{reporter}} are filled in, and a value that needs the failure, such as
    a deduplication key made from {{execution_id}}, is left out."""
    filled = {name: _fill(value, static) for name, value in values.items()}
    return {name: value for name, value in filled.items() if not _PLACEHOLDER.search(value)}


def _fill(value: Any, fixed: Mapping[str, str]) -> Any:
    """Fixed placeholders replaced in every string; the fixed texts may hold run-time ones."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda match: fixed.get(match[1], match[0]), value)
    if isinstance(value, Mapping):
        return {key: _fill(item, fixed) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, fixed) for item in value]
    return value


def notification_text(end: WatchedEnd, with_ticket: bool) -> str:
    """One line: the template is a JSON string, and a line break in it would be a backslash
    escape, which `make hcl` would not keep."""
    text = (
        "The whole execution of {{state_machine}} failed with {{error}}. "
        "Cause: {{cause}} Execution: {{execution_url}} "
    )
    if with_ticket:
        return text + "A support ticket is opened through EventBridge."
    return text + "No support ticket is opened for it (night_watch.ticket = false)."


# CloudWatch's limits on an alarm's window are in core.aws_rules.
SHORT_PERIOD_SECONDS = 300
LONG_PERIOD_SECONDS = aws_rules.ALARM_LONG_PERIOD_SECONDS
METRIC_DELAY_SECONDS = 900
"""Our margin for the metric to arrive after an execution starts; not an AWS figure."""


@dataclass(frozen=True)
class AlarmWindow:
    period_seconds: int
    evaluation_periods: int

    @property
    def seconds(self) -> int:
        return self.period_seconds * self.evaluation_periods


def missed_night_window(longest_gap_seconds: int, late_start_seconds: int) -> AlarmWindow | str:
    """The alarm window for a schedule, or why CloudWatch cannot evaluate one that long.

    A run may start up to late_start_seconds late (Scheduler's retries), and its metric a
    little later still, so the window is the schedule's longest gap plus both margins."""
    window = longest_gap_seconds + late_start_seconds + METRIC_DELAY_SECONDS
    short = math.ceil(window / SHORT_PERIOD_SECONDS)
    if short * SHORT_PERIOD_SECONDS <= aws_rules.ALARM_MAX_SHORT_PERIOD_EVALUATION_SECONDS:
        return AlarmWindow(SHORT_PERIOD_SECONDS, short)
    long = math.ceil(window / LONG_PERIOD_SECONDS)
    if long * LONG_PERIOD_SECONDS <= aws_rules.ALARM_MAX_EVALUATION_SECONDS:
        return AlarmWindow(LONG_PERIOD_SECONDS, long)
    return (
        f"the missed-night alarm would have to look back {_duration(window)} (the longest gap "
        f"between runs, plus schedule.max_event_age_seconds and {METRIC_DELAY_SECONDS // 60} minutes "
        f"for the metric), but a CloudWatch alarm looks back at most {_duration(aws_rules.ALARM_MAX_EVALUATION_SECONDS)} "
        f"(Period x EvaluationPeriods <= {aws_rules.ALARM_MAX_EVALUATION_SECONDS} s); "
        "set night_watch.missed_night_alarm = false"
    )


def _duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{rest // 60} min" if rest >= 60 else "",
    ]
    return " ".join(part for part in parts if part) or f"{seconds} s"
