"""A failure run, printed for people: the ticket request, the e-mail, the execution's end.

API keys are masked except their last four characters, so the output can be
pasted into an issue and still show which key was sent.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from urllib.parse import urlencode

from offline.executions import ExecutionResult
from offline.recording_server import RecordedRequest
from offline.sns_inbox import SnsMessage

VISIBLE_KEY_CHARACTERS = 4


def mask(secret: str) -> str:
    """'offline-key-1234' -> '************1234'."""
    hidden = max(len(secret) - VISIBLE_KEY_CHARACTERS, 0)
    return "*" * hidden + secret[hidden:]


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """Every occurrence of a secret in the text, masked (a header may hold "Bearer <key>")."""
    for secret in secrets:
        text = text.replace(secret, mask(secret))
    return text


def format_ticket(request: RecordedRequest, endpoint: str, secrets: Iterable[str]) -> str:
    """`endpoint` is the configured one: the request really went to the loopback server."""
    secrets = list(secrets)
    query = {name: values[0] if len(values) == 1 else values for name, values in request.query.items()}
    url = endpoint + (f"?{urlencode(query, doseq=True)}" if query else "")
    headers = [f"  {name}: {mask_secrets(value, secrets)}" for name, value in request.headers]
    body = mask_secrets(_pretty_body(request.body), secrets)
    return "\n".join([f"{request.method} {url}", *headers, "", body])


def format_sns(message: SnsMessage) -> str:
    # EventBridge's SNS targets publish without a subject; e-mail shows SNS's default one.
    subject = message.subject if message.subject is not None else "(none: SNS's default)"
    return "\n".join([f"Subject: {subject}", "", message.message])


def format_execution(result: ExecutionResult) -> str:
    lines = [f"Status: {result.status}"]
    if result.error is not None:
        lines.append(f"Error:  {result.error}")
    if result.cause is not None:
        lines.append("Cause:  " + textwrap.indent(_pretty_text(result.cause), "        ").lstrip())
    return "\n".join(lines)


def section(title: str, body: str) -> str:
    return f"\n=== {title} {'=' * max(0, 70 - len(title))}\n{body}\n"


def _pretty_body(body: bytes) -> str:
    return _pretty_text(body.decode("utf-8", errors="replace")) if body else "(no body)"


def _pretty_text(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        return text
