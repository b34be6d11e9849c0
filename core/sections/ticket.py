"""The [ticket] section: the ticket every failure opens, its keys, its schema section and its reading.

The request is written by a preset (the vendor registry is core.tickets) or by hand;
core.failure_path renders the Ticket read here into the failure path's states.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from config_kit import validators
from config_kit.nested import walk
from config_kit.schema import Section
from config_kit.toml_table import DERIVED, REQUIRED, Key, Kind, Table, choose, key
from config_kit.toml_values import unrepresentable
from core.connections import ConnectionSettings
from core.night_watch import WatchedEnd, template_size_problem
from core.placeholders import fill, literal, placeholder_names
from core.steps.http_invoke import HTTP_RETRIED, HTTP_TRANSIENT_ERRORS, HttpRequest, RequestKeys, request_keys
from core.steps.task import Retry, retry_section
from core.templates import template_problems
from core.tickets import JSON, OUTSETA_SUPPORT_CASE, Preset

STATIC_PLACEHOLDERS = ("state_machine", "reporter")
"""The placeholders filled in when synthesizing; the others are filled at run time (core.templates)."""


@dataclass(frozen=True, kw_only=True)
class Ticket:
    request: HttpRequest
    """Its body and header values are templates; see core.templates."""
    preset: Preset | None = None
    """The ticketing API the request was filled in from (core.tickets). Default: written by hand."""
    reporter: str | None = None
    """Fills {{reporter}}: the user or bot the ticket is filed as."""
    retry: Retry

    def static_placeholders(self, state_machine_name: str) -> dict[str, str]:
        static = {"state_machine": state_machine_name}
        if self.reporter is not None:
            static["reporter"] = self.reporter
        return static


PRESET: Key[str | None] = key(
    "preset",
    Kind.STRING,
    "Writes the request for a ticketing API from `base_url` and the preset's own keys; each of its "
    "values stays a default that `method`, `headers`, `query` and `body` replace. "
    "See [docs/tickets.md](tickets.md).",
    None,
    choices=tuple(preset.value for preset in Preset),
)
BASE_URL: Key[str] = key(
    "base_url",
    Kind.STRING,
    "The instance's https:// address; the preset adds its path.",
    DERIVED,
    check=validators.https_url,
)
TICKET_REQUEST = request_keys(
    method="POST",
    headers=JSON,
    query={},
    body=OUTSETA_SUPPORT_CASE,
    body_doc="A template: see the README's ticket templates.",
    default_docs={
        "method": "the preset's, else `POST`",
        "headers": "the preset's, else `Content-Type: application/json`",
        "query": "the preset's, else none",
        "body": "the preset's, else the Outseta support case",
    },
    eventbridge_sends_query=True,
)
_PRESET_ENDPOINT = replace(
    TICKET_REQUEST.endpoint, default=DERIVED, default_doc="`base_url` + the preset's path"
)


def _preset_section(preset: Preset) -> Section:
    api = preset.api
    doc = f"{api.method} `{api.path}`; the auth the vendor documents: `{api.auth.value}`."
    if api.deduplication:
        doc += f" A retried call cannot open a second ticket: {api.deduplication}."
    base_url = replace(BASE_URL, default=api.base_url or REQUIRED)
    return Section(preset.value, doc, keys=(_PRESET_ENDPOINT, base_url, *api.fields))


PRESET_VARIANTS = (
    Section(
        "",
        "The request written out by hand; left out, its parts are Outseta's support case.",
        keys=(TICKET_REQUEST.endpoint,),
    ),
    *(_preset_section(preset) for preset in Preset),
)
"""The [ticket] keys each preset adds, and those of a ticket without one."""


REPORTER: Key[str | None] = key(
    "reporter",
    Kind.STRING,
    "Fills `{{reporter}}`. Outseta: the `FromPerson.Uid` the ticket is filed as.",
    Ticket.reporter,
    check=literal,
)
TICKET_RETRY = Retry(errors=HTTP_TRANSIENT_ERRORS)
TICKET = Section(
    "ticket",
    "The ticket every failure opens (an http:invoke task), written by a preset or by hand.",
    keys=(PRESET, *(item for item in TICKET_REQUEST.all() if item.name != "endpoint"), REPORTER),
    children=(retry_section(HTTP_RETRIED),),
    required=True,
    variants=PRESET_VARIANTS,
    discriminator=PRESET.name,
)
_CHOICES: dict[str, RequestKeys | Preset] = {
    "": TICKET_REQUEST,
    **{preset.value: preset for preset in Preset},
}
"""What `preset` chooses: a vendor's request, or the request written by hand when left out."""


def read_ticket(
    table: Table, connections: Mapping[str, ConnectionSettings], connection_names: Collection[str]
) -> Ticket | None:
    """None when the preset is unknown: the other keys cannot be judged then. connection_names
    also holds connections that could not be read, which a ticket may still name."""
    chosen = choose(table, PRESET, _CHOICES)
    if chosen is None:
        return None
    preset, request_keys = (
        (chosen, _preset_request(table, chosen)) if isinstance(chosen, Preset) else (None, chosen)
    )
    ticket = Ticket(
        request=HttpRequest.read(table, connection_names, request_keys),
        preset=preset,
        reporter=table.read(REPORTER),
        retry=Retry.read(table.table("retry"), TICKET_RETRY),
    )
    for problem in connection_problems(preset, connections.get(ticket.request.connection)):
        table.problem("connection", problem)
    table.finish()
    return ticket


def _preset_request(table: Table, preset: Preset) -> RequestKeys:
    """Reads base_url and the preset's instance fields; the request's keys then default to the
    preset's request."""
    api = preset.api
    if api.deprecated:
        table.problems.warn(table.field(PRESET.name), f"is deprecated: {api.deprecated}", preset.value)
    base_url = table.read(BASE_URL, api.base_url or REQUIRED)
    values = {item.name: table.read(item) for item in api.fields}
    return TICKET_REQUEST.with_defaults(
        endpoint=base_url.rstrip("/") + fill(api.path, values),
        method=api.method,
        headers=fill(api.headers, values),
        query=dict(api.query),
        body=fill(api.body, values),
    )


def connection_problems(preset: Preset | None, connection: ConnectionSettings | None) -> list[str]:
    """What the preset needs from the ticket's connection and does not get."""
    if preset is None or connection is None:
        return []
    secret_body = {item.key for item in connection.invocation.body if item.secret}
    return [
        f"the {preset.value} preset needs [connections.{connection.name}.invocation.body] {key} = "
        "{ secret_name = ... } (or variable): the vendor reads it from the body, and a connection "
        "keeps it secret"
        for key in preset.api.connection_body_keys
        if key not in secret_body
    ]


def check_ticket_template(table: Table, ticket: Ticket) -> None:
    """Every placeholder of the body and the headers can be rendered; {{reporter}} has a value."""
    body = ticket.request.body
    for part, template in (("body", body), ("headers", ticket.request.headers)):
        for field, text, allowed in template_problems(template, set(STATIC_PLACEHOLDERS), table.field(part)):
            table.problems.add(field, allowed, text)
    if ticket.reporter is None and any(
        "reporter" in placeholder_names(node.value) for node in walk(body) if isinstance(node.value, str)
    ):
        table.problems.add(
            table.field("reporter"),
            "is required because ticket.body uses {{reporter}}: the user or bot the ticket is filed as",
        )


def check_night_watch_body(table: Table, ticket: Ticket, state_machine_name: str, region: str) -> None:
    """With the night watch's tickets on: the body its ticket target sends must fit EventBridge's
    input template (core.night_watch), which a long body can overflow."""
    body = ticket.request.body
    if body is None or not state_machine_name:
        return
    if next(unrepresentable(body), None):
        return  # reported as a value without a JSON form
    static = ticket.static_placeholders(state_machine_name)
    if any(template_problems(body, set(static), table.field("body"))):
        return  # reported by check_ticket_template
    problems = [
        problem for end in WatchedEnd if (problem := template_size_problem(end, body, static, region))
    ]
    if problems:
        table.problems.add(table.field("body"), max(problems, key=len))
