"""The night watch: what tells the team about a night the state machine cannot report itself.

- Ends that skip every Catch. An execution that times out (TIMED_OUT) or is
  stopped (ABORTED), or fails with States.Runtime or States.DataLimitExceeded,
  which States.ALL does not match, never reaches the failure path. Two
  EventBridge rules watch this state machine's "Execution Status Change"
  events for exactly those ends; a FAILED that came through PipelineFailed
  carries the caught step's error, which neither rule matches, so nothing is
  reported twice. Should the events carry no error at all (AWS's published
  examples show none), the uncaught rule matches every FAILED: some nights are
  then reported twice, none never. Each rule opens a ticket through an API
  destination (same connection and template as the ticket task) and e-mails
  the team (topic); what EventBridge cannot deliver goes to a dead-letter
  queue, whose alarm tells the team.
- Status-change events are best effort, so alarms on AWS/States
  ExecutionsTimedOut and ExecutionsAborted back the stopped rule.
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

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit.nested import walk

from core.templates import console_execution_url

# https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html (event examples; "detail"
# holds what DescribeExecution returns, including error and cause of a failed execution)
EVENT_SOURCE = "aws.states"
EVENT_DETAIL_TYPE = "Step Functions Execution Status Change"
# States.ALL matches neither of these:
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
UNCATCHABLE_ERRORS = ("States.Runtime", "States.DataLimitExceeded")
# What {{step}} says in the night watch's tickets: the execution's name makes a fire drill's
# (fire-drill-<route>-<time>) recognisable in the ticket's title.
WHOLE_EXECUTION = "(whole execution {{execution_name}})"


class WatchedEnd(Enum):
    """The ends of an execution that bypass the failure path; one EventBridge rule each."""

    STOPPED = "stopped"
    """TIMED_OUT (state_machine.timeout_seconds) or ABORTED (StopExecution, by hand or by a deploy)."""
    UNCAUGHT = "uncaught"
    """FAILED with an error no Catch can handle, or with an event that names no error."""

    def rule_name(self, state_machine: str) -> str:
        return aws_names.night_watch_rule_name(state_machine, self.value)

    @property
    def description(self) -> str:
        return {
            WatchedEnd.STOPPED: "Executions that timed out or were stopped: no Catch runs for them",
            WatchedEnd.UNCAUGHT: (
                "Executions that failed with an error States.ALL does not catch, or whose event names no error"
            ),
        }[self]

    def detail_pattern(self) -> dict[str, Any]:
        if self is WatchedEnd.STOPPED:
            return {"status": ["TIMED_OUT", "ABORTED"]}
        # Fail safe: the guide says "detail" holds DescribeExecution's fields, error among them,
        # but its example events leave error out; a FAILED event without one is matched too.
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
        # ("exists" matching, "$or" matching)
        return {
            "status": ["FAILED"],
            "$or": [{"error": list(UNCATCHABLE_ERRORS)}, {"error": [{"exists": False}]}],
        }

    def cause(self) -> str:
        """A fixed text: the event's own cause is not put in the ticket (see input_transformer)."""
        if self is WatchedEnd.STOPPED:
            return (
                "The execution ended {{error}}: it ran longer than its timeout (TIMED_OUT) or was "
                "stopped (ABORTED). Neither passes through a Catch, so no step reported it."
            )
        return (
            "Step Functions ended the execution FAILED with an error no Catch can handle "
            f"({' or '.join(UNCATCHABLE_ERRORS)}), so no step reported it; or its status event named "
            "no error, and the failure path may have reported it already. The execution's history "
            "shows the state, the error and the cause."
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


# The event fields each run-time placeholder reads (the rest are fixed texts, below): fields every
# status-change event carries, so that no variable is ever missing. {{error}} is the status, which
# is what went wrong for a stopped execution and FAILED for an uncaught one, whose event may name
# no error (WatchedEnd.detail_pattern).
_EVENT_PATHS = {
    "error": "$.detail.status",
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
    and {{reporter}}. {{step}} is the whole execution and its name, {{cause}} a fixed text, and
    the others read the event: {{error}} (the status), {{execution_id}}, {{execution_url}} and
    {{started_at}} (epoch milliseconds: that is how the event gives it).

    EventBridge inserts values as they are, without escaping them
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
    "Common issues"), so only values that cannot hold a quote or a backslash are read from the
    event: ARNs, a status, an execution name (StartExecution refuses '"' and '\\' in one:
    https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html), a
    number. The event's cause, a free text, is not; the console link leads to it. '<' and '>' in
    the template's own text are written as JSON escapes, so that no text of the user's can read as
    a <variable>. A JSON template is written compactly (no indentation, no spaces after ':' and
    ','), so that more of InputTemplate's 8,192 characters are left to the user's own text.
    """
    fixed = {
        **static,
        "step": WHOLE_EXECUTION,
        "cause": end.cause(),
        "execution_url": console_execution_url(region) + "{{execution_id}}",
    }
    filled = _fill(template, fixed)
    # A JSON template on several lines, as every JSON document here: `make hcl` then writes it as a
    # heredoc, whose backslashes stay as they are (a one-line string's escapes would be read by HCL).
    # indent=0: one line per member, without indentation.
    indent = 0 if isinstance(filled, Mapping | list) else None
    text = (
        json.dumps(filled, ensure_ascii=False, indent=indent, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
    )
    used: dict[str, str] = {}

    def variable(match: re.Match[str]) -> str:
        used[match[1]] = _EVENT_PATHS[match[1]]
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


def template_size_problem(
    end: WatchedEnd, template: Any, static: Mapping[str, str], region: str
) -> str | None:
    """Why EventBridge would refuse this template's input transformer, or None.

    Checked at load (core.loading), so that a long ticket body fails there, naming its longest
    text, rather than at `terraform apply`."""
    transformer = input_transformer(end, template, static, region)
    size, limit = len(transformer.input_template), aws_rules.INPUT_TEMPLATE_MAX_CHARACTERS
    if len(transformer.input_paths) > aws_rules.INPUT_PATHS_MAX_ENTRIES:
        return f"reads {len(transformer.input_paths)} event fields; EventBridge allows {aws_rules.INPUT_PATHS_MAX_ENTRIES}"
    if size <= limit:
        return None
    texts = [node for node in walk(template, "ticket.body") if isinstance(node.value, str)]
    longest = max(texts, key=lambda node: len(node.value), default=None)
    hint = f"; its longest text is {longest.path} ({len(longest.value)} characters)" if longest else ""
    return (
        f"makes the night watch's ticket an EventBridge input template of {size} characters (rule "
        f"{end.value}), over EventBridge's limit of {limit} (InputTransformer.InputTemplate){hint}; "
        "shorten it, or set night_watch.ticket = false"
    )


def notification_text(end: WatchedEnd, dead_letter_alarm: str | None) -> str:
    """One line: the template is a JSON string, and a line break in it would be a backslash
    escape, which `make hcl` would not keep. dead_letter_alarm: None when the rules open no ticket.

    Whether the ticket opens is not known when the e-mail is sent: the API destination may
    refuse it (4xx, never retried) or stay unreachable through EventBridge's retries
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html), so the
    e-mail says EventBridge will try, and which alarm follows if it cannot."""
    text = (
        "The whole execution {{execution_name}} of {{state_machine}} ended {{error}}. "
        "Cause: {{cause}} Execution: {{execution_url}} "
    )
    if dead_letter_alarm:
        return text + (
            "EventBridge will try to open a support ticket for it; if it cannot, the alarm "
            f"{dead_letter_alarm} follows on this topic."
        )
    return text + "No support ticket is opened for it (night_watch.ticket = false)."


class StatusAlarm(Enum):
    """An alarm per stopped end on its AWS/States metric: status-change events are best effort
    (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html), the metrics are
    not (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html)."""

    TIMED_OUT = "ExecutionsTimedOut"
    ABORTED = "ExecutionsAborted"

    def alarm_name(self, state_machine: str) -> str:
        return aws_names.execution_end_alarm_name(state_machine, self.name.lower().replace("_", "-"))

    def description(self, state_machine: str) -> str:
        what = "ran longer than its timeout" if self is StatusAlarm.TIMED_OUT else "was stopped"
        return (
            f"An execution of {state_machine} {what} ({self.name}); no Catch runs for it. The night "
            "watch's e-mail and ticket should have come too: if they did not, look into its rules."
        )


# CloudWatch's limits on an alarm's window are in aws_facts.rules.
SHORT_PERIOD_SECONDS = aws_rules.ALARM_EVENT_PERIOD_SECONDS
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
