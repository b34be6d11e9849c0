"""The path every failed step takes: record → open ticket → notify the team → Fail.

    <Step> ──Catch States.ALL──▶ <Step>Failed ──▶ DescribeFailure
        ▶ OpenSupportTicket (http:invoke, retried on transient errors)
            ├─ok──────▶ NotifyTeam ─────────────────────────────────────────┐
            └─Catch───▶ DescribeTicketFailure ▶ NotifyTeamTicketNotOpened ──┴─▶ PipelineFailed

<Step>Failed names the step; DescribeFailure, a JSONata state, builds the
failure record that the ticket, the e-mail and the Fail state read, and the
ticket fields that must be cut to the vendor's limits or marked as a fire
drill's (core.ticket_fields). ASL promises an "Error" in
every caught error but only "usually" a "Cause", and reading a missing field
is an uncatchable States.Runtime error, so a default Cause is merged in.
The notifications catch their own errors too: whatever breaks on the way,
the execution ends in PipelineFailed with the step's original error and cause.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from core import ticket_fields
from core.placeholders import fill
from core.refs import Refs
from core.sections.ticket import Ticket
from core.steps.task import task_state
from core.templates import FAILURE_PATHS, console_execution_url, render_template, render_text
from core.tickets import VENDOR_LIMITS, Preset
from policies import integrations
from policies.statement import Statement

DESCRIBE_FAILURE_STATE = "DescribeFailure"
TICKET_STATE = "OpenSupportTicket"
NOTIFY_STATE = "NotifyTeam"
DESCRIBE_TICKET_FAILURE_STATE = "DescribeTicketFailure"
NOTIFY_TICKET_NOT_OPENED_STATE = "NotifyTeamTicketNotOpened"
FAIL_STATE = "PipelineFailed"
FIXED_STATES = (
    DESCRIBE_FAILURE_STATE,
    TICKET_STATE,
    NOTIFY_STATE,
    DESCRIBE_TICKET_FAILURE_STATE,
    NOTIFY_TICKET_NOT_OPENED_STATE,
    FAIL_STATE,
)
RECORD_STATE_SUFFIX = "Failed"
NO_CAUSE = "No cause was reported."

_NOTIFICATION = (
    "Step {{step}} of {{state_machine}} failed with {{error}}.\n\n"
    "Cause: {{cause}}\n\nExecution: {{execution_url}}\n\n"
)
_TICKET_OPENED = "A support ticket was opened."
_TICKET_NOT_OPENED = "The support ticket could NOT be opened ({{ticket_error}}): {{ticket_cause}}"
_TICKET_ERROR_PATHS = {
    "ticket_error": "$.ticket_error.Error",
    "ticket_cause": "$.ticket_error.Cause",
}


@dataclass(frozen=True, kw_only=True)
class FailurePath:
    state_machine_name: str
    ticket: Ticket
    subject: str
    """The e-mail subject (SNS allows up to 100 characters)."""

    @staticmethod
    def record_state_name(step_name: str) -> str:
        """'ExtractOrders' -> 'ExtractOrdersFailed', 'Extract orders' -> 'Extract orders failed'."""
        if " " in step_name:
            return f"{step_name} {RECORD_STATE_SUFFIX.lower()}"
        return f"{step_name}{RECORD_STATE_SUFFIX}"

    def catch_for(self, step_name: str) -> list[dict[str, Any]]:
        # ResultPath "$" hands the caught error alone to the record state.
        return [catch_all(self.record_state_name(step_name), result_path="$")]

    def record_state(self, step_name: str) -> dict[str, Any]:
        return {
            "Type": "Pass",
            "Parameters": {"step": step_name, "caught.$": "$", "defaults": {"Cause": NO_CAUSE}},
            "Next": DESCRIBE_FAILURE_STATE,
        }

    def states(self, refs: Refs) -> dict[str, dict[str, Any]]:
        return {
            DESCRIBE_FAILURE_STATE: self._describe_failure_state(refs),
            TICKET_STATE: self._ticket_state(refs),
            NOTIFY_STATE: self._notify_state(refs, _TICKET_OPENED),
            DESCRIBE_TICKET_FAILURE_STATE: {
                "Type": "Pass",
                "Parameters": {
                    "failure.$": "$.failure",
                    "ticket_error.$": "States.JsonMerge($.defaults, $.ticket_error, false)",
                },
                "Next": NOTIFY_TICKET_NOT_OPENED_STATE,
            },
            NOTIFY_TICKET_NOT_OPENED_STATE: self._notify_state(refs, _TICKET_NOT_OPENED),
            FAIL_STATE: {
                "Type": "Fail",
                "ErrorPath": FAILURE_PATHS["error"],
                "CausePath": FAILURE_PATHS["cause"],
            },
        }

    def _describe_failure_state(self, refs: Refs) -> dict[str, Any]:
        """JSONata, which can cut a string ($substring): see core.ticket_fields."""
        output: dict[str, Any] = {
            "failure": ticket_fields.record(console_execution_url(refs.region)),
            "defaults": "{% $states.input.defaults %}",
        }
        written = self._written_fields(refs)
        if written is not None and written.fields:
            output[ticket_fields.FIELDS_KEY] = written.fields
        return {"Type": "Pass", "QueryLanguage": "JSONata", "Output": output, "Next": TICKET_STATE}

    def _written_fields(self, refs: Refs) -> ticket_fields.WrittenFields | None:
        body = self.ticket.request.body
        if body is None:
            return None
        # Without a preset the body defaults to Outseta's, whose limits then apply.
        preset = self.ticket.preset or Preset.OUTSETA
        return ticket_fields.written_fields(
            fill(body, self.static_placeholders()),
            preset.api,
            VENDOR_LIMITS[preset],
            console_execution_url(refs.region),
            self.state_machine_name,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        return [
            *self.ticket.request.policy_statements(TICKET_STATE, refs),
            *integrations.sns_publish(refs.topic_arn),
        ]

    def static_placeholders(self) -> dict[str, str]:
        return self.ticket.static_placeholders(self.state_machine_name)

    def _ticket_state(self, refs: Refs) -> dict[str, Any]:
        request = self.ticket.request
        parameters = replace(request, body=None).parameters(refs)
        if "Headers" in parameters:
            # A header may carry a deduplication key, e.g. Zendesk's Idempotency-Key.
            parameters["Headers"] = render_template(parameters["Headers"], self.static_placeholders())
        written = self._written_fields(refs)
        if written is not None:
            parameters.update(render_template({"RequestBody": written.body}, self.static_placeholders()))
        state = task_state(
            resource=refs.integration("http:invoke"),
            parameters=parameters,
            retry=self.ticket.retry,
            timeout_seconds=None,
            result_selector={"StatusCode.$": "$.StatusCode"},
            result_path="$.ticket",
        )
        state["Catch"] = [catch_all(DESCRIBE_TICKET_FAILURE_STATE, result_path="$.ticket_error")]
        state["Next"] = NOTIFY_STATE
        return state

    def _notify_state(self, refs: Refs, ticket_outcome: str) -> dict[str, Any]:
        _, message = render_text(
            _NOTIFICATION + ticket_outcome,
            self.static_placeholders(),
            {**FAILURE_PATHS, **_TICKET_ERROR_PATHS},
        )
        return {
            "Type": "Task",
            "Resource": refs.integration("sns:publish"),
            "Parameters": {
                "TopicArn": refs.topic_arn,
                "Subject": self.subject,
                "Message.$": message,
            },
            "ResultPath": None,
            # A failed notification must not hide the original error.
            "Catch": [catch_all(FAIL_STATE, result_path="$.notify_error")],
            "Next": FAIL_STATE,
        }


def catch_all(next_state: str, *, result_path: str) -> dict[str, Any]:
    return {"ErrorEquals": ["States.ALL"], "ResultPath": result_path, "Next": next_state}
