"""Ticket presets: the request each ticketing API expects, the registry core.sections.ticket
fills in from [ticket].

A preset supplies the method, the path, the headers, the body template and the
auth it recommends; the configuration supplies the instance: base_url (unless
the vendor has one address for everyone) and the preset's own fields, such as
Jira's project. Every preset value stays a default: ticket.body, .headers,
.query and .method replace them. Without a preset the ticket is written out by
hand, as before; its defaults are Outseta's support case.

No duplicate tickets: the ticket task retries a POST after a timeout or a 5xx,
and the first attempt may have opened a ticket already. Where the vendor
deduplicates, the preset sends a key derived from the execution ({{execution_id}},
the execution's ARN, at most about 220 characters), so that a retry lands on
the same ticket: PagerDuty's dedup_key, Opsgenie's alias and Zendesk's
Idempotency-Key header. docs/tickets.md says what a retry does with the others.

The bodies are checked against each vendor's published API description in
tests/unit/test_tickets.py (tests/fixtures/vendor-apis/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from config_kit import validators
from config_kit.toml_table import REQUIRED, Key, Kind, key
from core.connections import AuthKind
from core.placeholders import literal

JSON = {"Content-Type": "application/json"}
JSON_BOTH_WAYS = {"Content-Type": "application/json", "Accept": "application/json"}
_LEVELS = ("1", "2", "3")

# The support-case body of the reference design (Outseta), with the error added.
OUTSETA_SUPPORT_CASE = {
    "FromPerson": {"Uid": "{{reporter}}"},
    "Subject": "{{state_machine}} failed: {{error}} in {{step}}",
    "Body": (
        "Step {{step}} of {{state_machine}} failed with {{error}}.\n\n"
        "Cause: {{cause}}\n\nExecution: {{execution_url}}"
    ),
    "Source": 2,
}
_SUMMARY = "{{state_machine}}: step {{step}} failed with {{error}}"
_DESCRIPTION = (
    "Step {{step}} of {{state_machine}} failed with {{error}}.\n\n"
    "Cause: {{cause}}\n\nExecution: {{execution_url}}\nStarted at: {{started_at}}"
)


class Preset(Enum):
    OUTSETA = "outseta"
    JIRA = "jira"
    SERVICENOW = "servicenow"
    ZENDESK = "zendesk"
    GITHUB = "github"
    PAGERDUTY = "pagerduty"
    OPSGENIE = "opsgenie"

    @property
    def api(self) -> TicketApi:
        return TICKET_APIS[self]


def instance_field(name: str, doc: str, default: Any = REQUIRED, **details: Any) -> Key[str]:
    """A preset's own [ticket] key; choices, where the vendor's API description lists them. Its
    value fills the preset's {{<name>}} as written (placeholders.literal), unless a check of its
    own allows less."""
    return key(name, Kind.STRING, doc, default, **{"check": literal, **details})


@dataclass(frozen=True)
class FieldLimit:
    path: str
    """A body path such as `fields.summary`; a path to an object or array limits the strings
    inside it together (core.ticket_fields shares the characters out)."""
    characters: int
    source: str
    """The page that gives the limit, or why we chose it where the vendor gives none."""


@dataclass(frozen=True, kw_only=True)
class TicketApi:
    """What a preset supplies. {{<field>}} in path, headers and body is an instance field."""

    path: str
    body: Mapping[str, Any]
    auth: AuthKind
    """The auth the vendor documents for this call; a recommendation, not enforced."""
    base_url: str | None = None
    """None: each customer has an instance of their own, and base_url is required."""
    method: str = "POST"
    headers: Mapping[str, str] = field(default_factory=lambda: dict(JSON))
    query: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[Key[str], ...] = ()
    deduplication: str | None = None
    """Where the execution-derived key travels; None: the vendor has no such key."""
    connection_body_keys: tuple[str, ...] = ()
    """Body keys the connection must add as secret invocation parameters."""
    title: str | None = None
    """Where the vendor shows a title (a body path such as `fields.summary`); a drill's starts
    with [drill]. None: the vendor shows no title of the body's."""
    drill_levels: Mapping[str, str] = field(default_factory=dict)
    """Body path -> the vendor's lowest severity or priority, which a drill's ticket takes."""
    deprecated: str | None = None
    """Why the preset should no longer be used, and what to use instead; synth warns."""


TICKET_APIS: dict[Preset, TicketApi] = {
    # No public API description; the reference design's request.
    Preset.OUTSETA: TicketApi(
        path="/api/v1/support/cases",
        query={"sentAutoResponder": "false"},
        body=OUTSETA_SUPPORT_CASE,
        auth=AuthKind.API_KEY,
        title="Subject",
    ),
    # https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post
    # Basic auth with an account e-mail and an API token:
    # https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/
    Preset.JIRA: TicketApi(
        path="/rest/api/3/issue",
        headers=JSON_BOTH_WAYS,
        body={
            "fields": {
                "project": {"key": "{{project}}"},
                "issuetype": {"name": "{{issue_type}}"},
                "summary": _SUMMARY,
                # v3 takes the description in Atlassian Document Format.
                "description": {
                    "type": "doc",
                    "version": 1,
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": text}]}
                        for text in (
                            "Step {{step}} of {{state_machine}} failed with {{error}}.",
                            "Cause: {{cause}}",
                            "Execution: {{execution_url}} (started {{started_at}})",
                        )
                    ],
                },
                "labels": ["{{label}}"],
            }
        },
        auth=AuthKind.BASIC,
        title="fields.summary",
        # No priority: the field may be missing from the project's create screen (Jira then refuses
        # the issue) and its names depend on the priority scheme.
        fields=(
            instance_field("project", doc="The project key, e.g. OPS."),
            instance_field("issue_type", doc="The issue type's name.", default="Task"),
            instance_field("label", doc="A label put on the issue.", default="nightly-pipeline"),
        ),
    ),
    # The Table API: https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI
    Preset.SERVICENOW: TicketApi(
        path="/api/now/table/incident",
        headers=JSON_BOTH_WAYS,
        body={
            "short_description": _SUMMARY,
            "description": _DESCRIPTION,
            "urgency": "{{urgency}}",
            "impact": "{{impact}}",
            # Lets an operator find the incident of an execution; not a deduplication key. The
            # execution's name, as the field often holds 100 characters and an ARN has up to ~230.
            "correlation_id": "{{execution_name}}",
            "correlation_display": "nightly-pipeline",
        },
        auth=AuthKind.BASIC,
        title="short_description",
        # Priority 5 (Planning) in ServiceNow's default urgency x impact matrix.
        drill_levels={"urgency": "3", "impact": "3"},
        fields=(
            instance_field(
                "urgency",
                doc="The incident's urgency: 1 (high), 2 (medium) or 3 (low).",
                default="1",
                choices=_LEVELS,
            ),
            instance_field(
                "impact",
                doc="The incident's impact: 1 (high), 2 (medium) or 3 (low).",
                default="2",
                choices=_LEVELS,
            ),
        ),
    ),
    # https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#create-ticket
    # Idempotency-Key: https://developer.zendesk.com/api-reference/ticketing/introduction/#idempotency
    # Basic auth as "<email>/token" with an API token:
    # https://developer.zendesk.com/api-reference/introduction/security-and-auth/#api-token
    Preset.ZENDESK: TicketApi(
        path="/api/v2/tickets",
        headers={**JSON, "Idempotency-Key": "{{execution_id}}"},
        body={
            "ticket": {
                "subject": _SUMMARY,
                "comment": {"body": _DESCRIPTION},
                "priority": "{{priority}}",
                "external_id": "{{execution_id}}",
                "tags": ["{{tag}}"],
            }
        },
        auth=AuthKind.BASIC,
        title="ticket.subject",
        drill_levels={"ticket.priority": "low"},
        fields=(
            instance_field(
                "priority",
                doc="The ticket's priority.",
                default="urgent",
                choices=("urgent", "high", "normal", "low"),
            ),
            instance_field("tag", doc="A tag put on the ticket.", default="nightly-pipeline"),
        ),
        deduplication="the Idempotency-Key header (and external_id, to find the ticket)",
    ),
    # https://docs.github.com/en/rest/issues/issues#create-an-issue
    # The token goes in the connection as "Bearer <token>" in the Authorization header.
    Preset.GITHUB: TicketApi(
        path="/repos/{{repository}}/issues",
        base_url="https://api.github.com",
        headers={**JSON, "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
        body={"title": _SUMMARY, "body": _DESCRIPTION, "labels": ["{{label}}"]},
        auth=AuthKind.API_KEY,
        title="title",
        fields=(
            instance_field(
                "repository",
                doc="The repository, owner/name, e.g. acme/data-pipeline.",
                check=validators.pattern(
                    r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", "must be owner/name, e.g. acme/data-pipeline"
                ),
            ),
            instance_field("label", doc="A label put on the issue.", default="nightly-pipeline"),
        ),
    ),
    # Events API v2: https://developer.pagerduty.com/api-reference/368ae3d938c9e-send-an-event-to-pager-duty
    # The routing key travels in the body, so the connection adds it as a secret body parameter.
    Preset.PAGERDUTY: TicketApi(
        path="/v2/enqueue",
        base_url="https://events.pagerduty.com",
        body={
            "event_action": "trigger",
            "dedup_key": "{{execution_id}}",
            "payload": {
                "summary": _SUMMARY,
                "source": "{{state_machine}}",
                "severity": "{{severity}}",
                "custom_details": {
                    "step": "{{step}}",
                    "error": "{{error}}",
                    "cause": "{{cause}}",
                    "started_at": "{{started_at}}",
                },
            },
            "links": [{"href": "{{execution_url}}", "text": "Execution in the AWS console"}],
        },
        auth=AuthKind.API_KEY,
        title="payload.summary",
        drill_levels={"payload.severity": "info"},
        fields=(
            instance_field(
                "severity",
                doc="The event's severity.",
                default="critical",
                choices=("critical", "error", "warning", "info"),
            ),
        ),
        deduplication="dedup_key",
        connection_body_keys=("routing_key",),
    ),
    # https://docs.opsgenie.com/docs/alert-api#create-alert; the key goes in the connection's
    # Authorization header as "GenieKey <key>". EU accounts: base_url = "https://api.eu.opsgenie.com".
    Preset.OPSGENIE: TicketApi(
        path="/v2/alerts",
        base_url="https://api.opsgenie.com",
        body={
            # At most 130 characters: a step name has at most 80.
            "message": "Nightly pipeline step {{step}} failed",
            "alias": "{{execution_id}}",
            "description": _DESCRIPTION,
            "source": "{{state_machine}}",
            "priority": "{{priority}}",
            "tags": ["{{tag}}"],
            "details": {"error": "{{error}}", "execution_url": "{{execution_url}}"},
        },
        auth=AuthKind.API_KEY,
        title="message",
        drill_levels={"priority": "P5"},
        deprecated=(
            "Atlassian ends Opsgenie support on 2027-04-05; Jira Service Management takes over its alerts "
            "(see docs/tickets.md)"
        ),
        fields=(
            instance_field(
                "priority",
                doc="The alert's priority, P1 (highest) to P5.",
                default="P1",
                choices=("P1", "P2", "P3", "P4", "P5"),
            ),
            instance_field("tag", doc="A tag put on the alert.", default="nightly-pipeline"),
        ),
        deduplication="alias",
    ),
}


_OPSGENIE_FIELDS = "https://docs.opsgenie.com/docs/alerts-and-alert-fields"
_SERVICENOW_MAX_LENGTH = "https://support.servicenow.com/kb?id=kb_article_view&sysparm_article=KB0685779"
_OUTSETA = "Outseta publishes no limit: as the smallest comparable fields below"
# What each vendor accepts in the fields a failure can make long, in characters; core.ticket_fields
# cuts them. Where the vendor counts bytes or markup, or publishes nothing, we keep to less.
VENDOR_LIMITS: dict[Preset, tuple[FieldLimit, ...]] = {
    Preset.OUTSETA: (FieldLimit("Subject", 255, _OUTSETA), FieldLimit("Body", 16_000, _OUTSETA)),
    Preset.JIRA: (
        # Jira answers "Summary can't exceed 255 characters" (SummaryField.MAX_LEN).
        FieldLimit("fields.summary", 255, "https://github.com/DefectDojo/django-DefectDojo/issues/5651"),
        # 32,767 characters, CONTENT_LIMIT_EXCEEDED above; counted on the stored Atlassian Document
        # Format, so half of it, which leaves room for the markup and for escaped quotes.
        FieldLimit("fields.description", 16_000, "https://jira.atlassian.com/browse/JRACLOUD-78553"),
    ),
    Preset.SERVICENOW: (
        # The dictionary's max_length (task table); ServiceNow may store more, but forms and
        # integrations expect no more.
        FieldLimit("short_description", 160, _SERVICENOW_MAX_LENGTH),
        FieldLimit("description", 4_000, _SERVICENOW_MAX_LENGTH),
        FieldLimit("correlation_id", 100, _SERVICENOW_MAX_LENGTH),
    ),
    Preset.ZENDESK: (
        # No published subject limit: as Jira's summary.
        FieldLimit(
            "ticket.subject", 255, "https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/"
        ),
        # About 64 KB "depending on your encoding/markup": 16,000 characters fit in any encoding.
        FieldLimit(
            "ticket.comment.body",
            16_000,
            "https://support.zendesk.com/hc/en-us/community/posts/4719863289498-Commets-size",
        ),
    ),
    Preset.GITHUB: (
        # GitHub's 422 answers: "title is too long (maximum is 256 characters)", "body is too long
        # (maximum is 65536 characters)".
        FieldLimit("title", 256, "https://github.com/googleapis/release-please/issues/1034"),
        FieldLimit("body", 65_536, "https://github.com/peter-evans/create-issue-from-file/issues/1705"),
    ),
    Preset.PAGERDUTY: (
        FieldLimit(
            "payload.summary", 1_024, "https://developer.pagerduty.com/docs/events-api-v2/trigger-events/"
        ),
        FieldLimit("dedup_key", 255, "https://developer.pagerduty.com/docs/events-api-v2/trigger-events/"),
    ),
    Preset.OPSGENIE: (
        FieldLimit("message", 130, _OPSGENIE_FIELDS),
        FieldLimit("alias", 512, _OPSGENIE_FIELDS),
        FieldLimit("description", 15_000, _OPSGENIE_FIELDS),
    ),
}
"""Per preset, the vendor's limits on the fields of its body, each with its source."""
