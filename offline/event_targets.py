"""EventBridge delivery to the night watch's targets, in moto's events backend.

moto 5.2.5 matches an event against a rule's pattern, but then delivers only to
log groups, SQS queues and other buses: an SNS target raises
NotImplementedError, an API destination is called only with
MOTO_EVENTS_INVOKE_HTTP set, without the connection's credentials, the target's
input or its body, and its input transformer substitutes by plain text and then
parses the result as JSON, so a plain-text template (an e-mail) fails. This
module replaces the delivery step (`Rule.send_to_targets`) for those two target
kinds; every other target still goes to moto's own code:
- the input transformer follows the EventBridge guide
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
  a variable outside quotes is inserted as JSON (a string gets its quotes),
  inside a quoted string as it is, not escaped, an object with its quotes
  removed; a path the event lacks creates no variable; a template that is a
  quoted string yields that string;
- an SNS target publishes the result to the topic (moto then delivers it to
  the topic's subscriptions, such as the SQS inbox of offline.sns_inbox);
- an API destination target sends one real request to the loopback server of
  the destination's origin (offline.http_invoke maps origins as for HTTP tasks),
  with the destination's method, the target's header and query parameters, the
  connection's credentials read from the emulator (offline.connection_auth) and
  the transformed input as its body.

Every delivery is recorded (Deliveries), so that a test can show what reached
where and what did not. A delivery that fails goes to the target's dead-letter
queue, if it has one, as EventBridge sends it there: the event as the body,
and RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE as message attributes
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
Not modelled: EventBridge's retries (24 h by default; a failed delivery goes to
the queue at once here), and the permission checks of the target role and of
the queue's policy (the IAM tests simulate both).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from moto.events.models import EventsBackend, Rule, events_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends
from moto.utilities.arns import parse_arn

from offline import service_metrics
from offline.connection_auth import UnusableConnection
from offline.http_invoke import HttpInvokeSettings, HttpInvokeTask, HttpTaskError, OutgoingRequest, send

_VARIABLE = re.compile(r"<([A-Za-z0-9_.-]+)>")
_original_send_to_targets = Rule.send_to_targets
# What EventBridge adds to every API destination request ("Headers included in requests to API
# destinations", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html).
ADDED_HEADERS = {
    "User-Agent": "Amazon/EventBridge/ApiDestinations",
    "Content-Type": "application/json; charset=utf-8",
    "Range": "bytes=0-1048575",
}


@dataclass(frozen=True)
class Delivery:
    rule: str
    target_id: str
    target_arn: str
    payload: str
    error: str | None = None
    """None when delivered; otherwise what stopped it."""


@dataclass
class Deliveries:
    records: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, delivery: Delivery) -> None:
        with self.lock:
            self.records.append(delivery)

    def take(self) -> list[Delivery]:
        with self.lock:
            taken, self.records = self.records, []
        return taken


def install(settings: HttpInvokeSettings, deliveries: Deliveries) -> None:
    """Replaces any earlier installation (the last settings win)."""

    def send_to_targets(self: Rule, event: dict, transform_input: bool = True) -> None:
        if not self.event_pattern.matches_event(event):
            return
        others = []
        for target in self.targets:
            arn = parse_arn(target["Arn"])
            if arn.service == "sns":
                _deliver(self, target, event, deliveries, _publish)
            elif arn.service == "events" and arn.resource_type == "api-destination":
                _deliver(self, target, event, deliveries, functools.partial(_invoke, settings=settings))
            else:
                others.append(target)
        if others:
            rest = copy.copy(self)
            rest.targets = others
            _original_send_to_targets(rest, event, transform_input)

    Rule.send_to_targets = send_to_targets


def _deliver(
    rule: Rule, target: dict, event: dict, deliveries: Deliveries, send_to: Callable[[Rule, dict, str], None]
) -> None:
    payload, error = "", None
    try:
        payload = transformed_input(target, event, rule)
        send_to(rule, target, payload)
    except (HttpTaskError, UnusableConnection, ValueError, KeyError) as problem:
        error = f"{type(problem).__name__}: {problem}"
        _dead_letter(rule, target, event, type(problem).__name__, str(problem))
    deliveries.add(Delivery(rule.name, target["Id"], target["Arn"], payload, error))
    service_metrics.record_invocation(rule.account_id, rule.region_name, rule.name, failed=error is not None)


def _dead_letter(rule: Rule, target: dict, event: dict, code: str, message: str) -> None:
    queue_arn = target.get("DeadLetterConfig", {}).get("Arn")
    if not queue_arn:
        return  # EventBridge drops it
    arn = parse_arn(queue_arn)
    attributes = {
        "RULE_ARN": rule.arn,
        "TARGET_ARN": target["Arn"],
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message[:256],
    }
    sqs_backends[arn.account][arn.region].send_message(
        arn.resource_id,
        json.dumps({key: value for key, value in event.items() if key != "ingestion-time"}),
        message_attributes={
            name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
        },
    )


def transformed_input(target: dict, event: dict, rule: Rule | None = None) -> str:
    """What EventBridge sends to a target: its Input, its transformed input, or the event."""
    if "Input" in target:
        return target["Input"]
    transformer = target.get("InputTransformer")
    plain_event = {key: value for key, value in event.items() if key != "ingestion-time"}
    if not transformer:
        return json.dumps(plain_event)
    values = {
        name: found
        for name, path in transformer.get("InputPathsMap", {}).items()
        if (found := json_path(event, path)) is not _MISSING
    }
    if rule is not None:
        values |= {"aws.events.rule-arn": rule.arn, "aws.events.rule-name": rule.name}
    values["aws.events.event.json"] = plain_event
    return fill_template(transformer["InputTemplate"], values)


_MISSING = object()


def json_path(document: Any, path: str) -> Any:
    """The dot-notation paths EventBridge supports: $.detail.status, $.resources[0]."""
    value = document
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path.removeprefix("$").lstrip(".")):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(value, list) or index >= len(value):
                return _MISSING
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def fill_template(template: str, values: dict[str, Any]) -> str:
    """Each <variable> that exists, replaced as the EventBridge guide describes (module docstring)."""
    output, position, in_string, escaped = [], 0, False, False
    for match in _VARIABLE.finditer(template):
        for character in template[position : match.start()]:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = in_string
            elif character == '"':
                in_string = not in_string
        output.append(template[position : match.start()])
        name = match[1]
        output.append(_inserted(values[name], in_string) if name in values else match[0])
        position = match.end()
    output.append(template[position:])
    text = "".join(output)
    if template.lstrip().startswith('"'):
        return json.loads(text)
    return text


def _inserted(value: Any, in_string: bool) -> str:
    if not in_string:
        return json.dumps(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value).replace('"', "")
    return json.dumps(value)


def _backend(rule: Rule) -> EventsBackend:
    return events_backends[rule.account_id][rule.region_name]


def _publish(rule: Rule, target: dict, payload: str) -> None:
    """EventBridge publishes the input as the message, without a subject."""
    arn = parse_arn(target["Arn"])
    sns_backends[arn.account][arn.region].publish(message=payload, arn=target["Arn"])


def _invoke(rule: Rule, target: dict, payload: str, settings: HttpInvokeSettings) -> None:
    """As an HTTP task would send it (offline.http_invoke: the connection's credentials, the
    loopback server of the origin), with the destination's method and the target's parameters."""
    destination = _backend(rule).destinations[parse_arn(target["Arn"]).resource_id.split("/")[0]]
    http = HttpInvokeTask(settings)
    auth = http._connection_auth(destination.connection_arn)
    parameters = target.get("HttpParameters", {})
    endpoint = destination.invocation_endpoint
    query = {**parameters.get("QueryStringParameters", {}), **auth.query}
    url = http._loopback_url(endpoint, settings.origins) + (f"?{urlencode(query)}" if query else "")
    headers = {
        "Host": urlsplit(endpoint).netloc,
        **ADDED_HEADERS,
        **parameters.get("HeaderParameters", {}),
        **auth.headers,
    }
    response = send(
        OutgoingRequest(destination.http_method, url, headers, payload.encode()), settings.timeout_seconds
    )
    if not 200 <= response.status < 300:
        raise HttpTaskError(f"HTTP {response.status}", response.body.decode("utf-8", errors="replace"))
