"""The caught route: an execution that enters the failure path as a failed step does.

From the execution's history: the ticket state got a 2xx (not the "ticket NOT opened" branch), the
e-mail was published, and the run ended FAILED with the drill's error. Each of those settles
something only a real account can: IAM let the HTTP call through, the vendor accepted the
connection's key and the ticket body, SNS accepted the execution role's publish.
"""

from __future__ import annotations

import re
from typing import Any

from core.connection_keys import PLACEHOLDER
from core.failure_path import (
    DESCRIBE_TICKET_FAILURE_STATE,
    NOTIFY_STATE,
    NOTIFY_TICKET_NOT_OPENED_STATE,
    TICKET_STATE,
)
from core.fire_drill import Route
from core.ticket_fields import DRILL_ERROR
from drill import executions
from drill.aws import Clients, Waits
from drill.outcome import Outcome, RouteFailed
from drill.stack import Stack

SET_KEYS = "run scripts/set-api-keys.sh {folder}"
_STATUS_ERROR = re.compile(r"States\.Http\.StatusCode\.(\d{3})")


def run_caught(clients: Clients, stack: Stack, waits: Waits, outcome: Outcome) -> None:
    sfn = clients("stepfunctions")
    arn = executions.start(sfn, stack, Route.CAUGHT)
    described = executions.wait_for_end(sfn, arn, waits)
    events = executions.history(sfn, arn)
    name = arn.rsplit(":", 1)[-1]
    outcome.facts.append(f"execution {name} walked the failure path")
    status_code = _ticket_status(clients, stack, events)
    outcome.facts += [
        "IAM let the HTTP call through (states:InvokeHTTPEndpoint, the connection's secret)",
        f"the connection's key is set (not the placeholder): the vendor accepted it (HTTP {status_code})",
        f"the vendor accepted the ticket body (HTTP {status_code}); it shows [drill] (docs/tickets.md)",
    ]
    _check_notified(events)
    outcome.facts.append("SNS accepted the e-mail (sns:Publish by the execution role)")
    if described["status"] != "FAILED" or described.get("error") != DRILL_ERROR:
        raise RouteFailed(
            f"execution {name} ended {described['status']} with {described.get('error')!r}, not FAILED with "
            f"{DRILL_ERROR}; look at its history in the console"
        )
    outcome.facts.append(f"the execution ended FAILED with {DRILL_ERROR}")


def _ticket_status(clients: Clients, stack: Stack, events: list[dict[str, Any]]) -> int:
    if not executions.entered(events, TICKET_STATE):
        raise RouteFailed(f"the execution never reached {TICKET_STATE}; look at its history in the console")
    failure = executions.exit_output(events, DESCRIBE_TICKET_FAILURE_STATE)
    if failure is not None:
        ticket_error = failure.get("ticket_error") or {}
        raise RouteFailed(
            ticket_problem(
                str(ticket_error.get("Error", "")), str(ticket_error.get("Cause", "")), clients, stack
            )
        )
    output = executions.exit_output(events, TICKET_STATE) or {}
    status = (output.get("ticket") or {}).get("StatusCode")
    if not isinstance(status, int) or not 200 <= status < 300:
        raise RouteFailed(f"the ticket state ended with status {status!r}, not a 2xx; look at its history")
    return status


def ticket_problem(error: str, cause: str, clients: Clients, stack: Stack) -> str:
    """One sentence: what the ticket API or AWS refused, and what to do."""
    set_keys = SET_KEYS.format(folder=stack.folder)
    found = _STATUS_ERROR.fullmatch(error)
    short_cause = _shorten(cause)
    if found:
        status = int(found[1])
        if status in (401, 403):
            placeholder = _holds_placeholder(clients, stack)
            if placeholder:
                return (
                    f"the ticket API answered {status}: the connection {stack.connection_name} still holds "
                    f"its placeholder secret; {set_keys}"
                )
            known = "" if placeholder is False else " (could not read the connection's secret to tell)"
            return (
                f"the ticket API answered {status}: it refused the connection's key{known}; check the "
                f"secret connections.* reads (docs/tickets.md), then {set_keys}"
            )
        if status == 404:
            return (
                f"the ticket API answered 404: no such endpoint; check ticket.endpoint or the preset's "
                f"instance (docs/tickets.md): {short_cause}"
            )
        if status == 429 or status >= 500:
            return (
                f"the ticket API answered {status} after every retry: the vendor is busy or failing; "
                "run the drill again later"
            )
        return (
            f"the ticket API answered {status}: it refused the ticket body: {short_cause}; fix the "
            "[ticket] settings (docs/tickets.md) and deploy again"
        )
    if "not authorized" in cause or "AccessDenied" in error:
        return (
            f"IAM refused the HTTP call ({error}): {short_cause}; compare the execution role with docs/iam.md"
        )
    if error == "States.Http.Socket":
        return (
            "the ticket API did not answer (States.Http.Socket: no connection, or no answer within 60 s); "
            "check ticket.endpoint and the vendor's status"
        )
    return f"the ticket state failed with {error}: {short_cause}; look at the execution's history"


def _holds_placeholder(clients: Clients, stack: Stack) -> bool | None:
    """Whether the connection's secret still holds Terraform's placeholder; None if it cannot be read.
    The value is only compared, never printed."""
    try:
        secret_arn = clients("events").describe_connection(Name=stack.connection_name)["SecretArn"]
        secret = clients("secretsmanager").get_secret_value(SecretId=secret_arn).get("SecretString", "")
    except Exception:  # noqa: BLE001 - any refusal (AccessDenied, ...) only means "cannot tell"
        return None
    return PLACEHOLDER in secret


def _check_notified(events: list[dict[str, Any]]) -> None:
    output = executions.exit_output(events, NOTIFY_STATE)
    if output is None:
        raise RouteFailed(f"the execution never left {NOTIFY_STATE}; look at its history")
    notify_error = output.get("notify_error")
    if notify_error:
        raise RouteFailed(
            f"the e-mail was not published ({notify_error.get('Error')}): "
            f"{_shorten(str(notify_error.get('Cause', '')))}; check the topic's policy and key (docs/iam.md)"
        )
    if executions.entered(events, NOTIFY_TICKET_NOT_OPENED_STATE):
        raise RouteFailed("the execution took the 'ticket NOT opened' branch; look at its history")


def _shorten(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
