"""Ticket presets: each example config's request, checked against the vendor's API description.

Each preset's example (examples/tickets/<preset>.toml) is loaded, its ticket
state rendered to ASL, and the body that state sends at run time is checked
against the vendor's published schema (tests/fixtures/vendor-apis/, each with
its source). The IAM of the ticket state is the connection's, as for any HTTP call.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from aws_facts import rules as aws_rules
from config_kit.nested import walk

from core import ticket_fields
from core.config import PipelineConfig
from core.connections import AuthKind
from core.failure_path import DESCRIBE_FAILURE_STATE, NO_CAUSE, TICKET_STATE
from core.loading import load_config
from core.refs import ConnectionRef, Refs
from core.templates import console_execution_url
from core.tickets import TICKET_APIS, VENDOR_LIMITS, Preset
from tests.unit.asl_payload import evaluate, evaluate_jsonata
from tests.unit.support import ACCOUNT, MINIMAL_CONFIG, PARTITION, REGION, TOPIC_ARN, edited, load_text
from tests.unit.test_loading import expect_problem

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "tickets"
VENDOR_APIS = PROJECT / "tests" / "fixtures" / "vendor-apis"
LONGEST_STEP = "S" * 80
EXECUTION_NAME = "e" * 80
EXECUTION_ID = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:tickets-example:{EXECUTION_NAME}"
EXECUTION_URL = console_execution_url(REGION) + EXECUTION_ID
CAUSE = '{"ExitCode": 1, "Reason": "out of memory"}'
SCHEMAS = {
    Preset.JIRA: "jira-issue-create.json",
    Preset.SERVICENOW: "servicenow-incident-create.json",
    Preset.ZENDESK: "zendesk-ticket-create.json",
    Preset.GITHUB: "github-issues-create.json",
    Preset.PAGERDUTY: "pagerduty-events-v2-enqueue.json",
    Preset.OPSGENIE: "opsgenie-create-alert.json",
}
RECOMMENDED = {
    Preset.OUTSETA: AuthKind.API_KEY,
    Preset.JIRA: AuthKind.BASIC,
    Preset.SERVICENOW: AuthKind.BASIC,
    Preset.ZENDESK: AuthKind.BASIC,
    Preset.GITHUB: AuthKind.API_KEY,
    Preset.PAGERDUTY: AuthKind.API_KEY,
    Preset.OPSGENIE: AuthKind.API_KEY,
}


def example(preset: Preset) -> PipelineConfig:
    return load_config(EXAMPLES / f"{preset.value}.toml")


def refs_for(config: PipelineConfig) -> Refs:
    name = config.state_machine.name
    return Refs(
        partition=PARTITION,
        region=REGION,
        account=ACCOUNT,
        state_machine_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}",
        topic_arn=TOPIC_ARN,
        connections={
            key: ConnectionRef(
                arn=f"arn:aws:events:{REGION}:{ACCOUNT}:connection/{name}-{key}/1111",
                secret_arn=f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:events!connection/{name}-{key}-AbC",
            )
            for key in config.connections
        },
    )


def ticket_state(config: PipelineConfig) -> dict:
    return config.pipeline().definition(refs_for(config))["States"][TICKET_STATE]


def failure_record(
    config: PipelineConfig,
    step: str = "LoadOrders",
    error: str = "States.TaskFailed",
    cause: str = CAUSE,
) -> dict:
    """What DescribeFailure (JSONata) hands the ticket state, for a caught error of step."""
    describe = config.pipeline().definition(refs_for(config))["States"][DESCRIBE_FAILURE_STATE]
    states = {
        "input": {"step": step, "caught": {"Error": error, "Cause": cause}, "defaults": {"Cause": NO_CAUSE}},
        "context": {
            "Execution": {"Id": EXECUTION_ID, "Name": EXECUTION_NAME, "StartTime": "2026-11-25T22:00:00.123Z"}
        },
    }
    return evaluate_jsonata(describe["Output"], states)


def sent_body(config: PipelineConfig, step: str = "LoadOrders", **failure: str) -> dict:
    """The body the vendor receives: the rendered template at run time, plus the connection's
    body parameters, which Step Functions merges in (secret values shown as <secret>)."""
    body = evaluate(
        ticket_state(config)["Parameters"]["RequestBody"], failure_record(config, step, **failure)
    )
    connection = config.connections[config.ticket.request.connection]
    body.update({item.key: item.value or "<secret>" for item in connection.invocation.body})
    return body


@pytest.mark.parametrize("preset", list(SCHEMAS), ids=lambda preset: preset.value)
@pytest.mark.parametrize("step", ["LoadOrders", LONGEST_STEP], ids=["short-step", "80-character-step"])
def test_the_body_a_preset_sends_is_valid_for_the_vendors_api(preset, step):
    config = example(preset)
    schema = json.loads((VENDOR_APIS / SCHEMAS[preset]).read_text())

    jsonschema.validate(sent_body(config, step), schema)


def test_jiras_description_is_atlassian_document_format():
    schema = json.loads((VENDOR_APIS / "jira-adf-description.json").read_text())
    description = sent_body(example(Preset.JIRA))["fields"]["description"]

    jsonschema.validate(description, schema)
    texts = [paragraph["content"][0]["text"] for paragraph in description["content"]]
    assert texts[1] == 'Cause: {"ExitCode": 1, "Reason": "out of memory"}'


def test_a_vendor_schema_refuses_a_body_it_does_not_describe():
    """The schemas are strict enough to catch a wrong body, e.g. a severity PagerDuty lacks."""
    schema = json.loads((VENDOR_APIS / SCHEMAS[Preset.PAGERDUTY]).read_text())
    body = sent_body(example(Preset.PAGERDUTY))
    body["payload"]["severity"] = "urgent"

    with pytest.raises(jsonschema.ValidationError, match="'urgent' is not one of"):
        jsonschema.validate(body, schema)


@pytest.mark.parametrize(
    ("preset", "endpoint", "method"),
    [
        (Preset.OUTSETA, "https://myoutseta.outseta.com/api/v1/support/cases", "POST"),
        (Preset.JIRA, "https://acme.atlassian.net/rest/api/3/issue", "POST"),
        (Preset.SERVICENOW, "https://acme.service-now.com/api/now/table/incident", "POST"),
        (Preset.ZENDESK, "https://acme.zendesk.com/api/v2/tickets", "POST"),
        (Preset.GITHUB, "https://api.github.com/repos/acme/data-pipeline/issues", "POST"),
        (Preset.PAGERDUTY, "https://events.pagerduty.com/v2/enqueue", "POST"),
        (Preset.OPSGENIE, "https://api.opsgenie.com/v2/alerts", "POST"),
    ],
    ids=lambda value: value.value if isinstance(value, Preset) else None,
)
def test_each_preset_calls_its_vendors_endpoint_through_the_ticket_connection(preset, endpoint, method):
    config = example(preset)
    parameters = ticket_state(config)["Parameters"]
    connection = config.ticket.request.connection

    assert config.ticket.preset is preset
    assert (parameters["ApiEndpoint"], parameters["Method"]) == (endpoint, method)
    assert parameters["Authentication"] == {"ConnectionArn": refs_for(config).connections[connection].arn}


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_each_example_uses_the_auth_its_preset_recommends_or_oauth(preset):
    config = example(preset)
    auth = config.connections[config.ticket.request.connection].auth

    assert preset.api.auth is RECOMMENDED[preset]
    # The ServiceNow example shows OAuth client credentials, which ServiceNow also takes.
    assert auth is (AuthKind.OAUTH_CLIENT_CREDENTIALS if preset is Preset.SERVICENOW else RECOMMENDED[preset])


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_the_ticket_state_may_use_only_the_ticket_connection_and_its_own_secret(preset):
    config = example(preset)
    refs = refs_for(config)
    connection = refs.connections[config.ticket.request.connection]

    statements = {
        statement.sid: statement for statement in config.pipeline().failure_path.policy_statements(refs)
    }

    key = config.ticket.request.connection.title().replace("_", "")
    assert statements[f"Use{key}Connection"].resources == (connection.arn,)
    assert statements[f"Read{key}ConnectionSecret"].resources == (connection.secret_arn,)
    assert statements["CallOpenSupportTicketEndpoint"].resources == ("*",)


# No duplicate tickets


@pytest.mark.parametrize(
    ("preset", "where"),
    [
        (Preset.PAGERDUTY, ("RequestBody", "dedup_key.$")),
        (Preset.OPSGENIE, ("RequestBody", "alias.$")),
        (Preset.ZENDESK, ("Headers", "Idempotency-Key.$")),
        (Preset.ZENDESK, ("RequestBody", "ticket", "external_id.$")),
    ],
    ids=["pagerduty-dedup_key", "opsgenie-alias", "zendesk-idempotency-key", "zendesk-external_id"],
)
def test_a_deduplicating_vendor_gets_the_execution_as_its_key_so_a_retry_hits_the_same_ticket(preset, where):
    value = ticket_state(example(preset))["Parameters"]
    for key in where:
        value = value[key]
    assert value == "$.failure.execution_id"


def test_every_retry_of_a_ticket_carries_the_same_key():
    """The key is the execution, not the attempt: Retry re-sends the same parameters."""
    state = ticket_state(example(Preset.PAGERDUTY))
    assert state["Retry"][0]["MaxAttempts"] > 0
    record = failure_record(example(Preset.PAGERDUTY))
    assert evaluate(state["Parameters"], record)["RequestBody"]["dedup_key"] == EXECUTION_ID


@pytest.mark.parametrize(
    ("preset", "limit"),
    [(Preset.PAGERDUTY, 255), (Preset.OPSGENIE, 512), (Preset.ZENDESK, 255)],
    ids=lambda value: value.value if isinstance(value, Preset) else None,
)
def test_the_longest_execution_arn_fits_each_vendors_key(preset, limit):
    """A state machine and an execution name have at most 80 characters each; the region and
    partition here are among the longest."""
    longest = f"arn:aws-us-gov:states:ap-southeast-4:{ACCOUNT}:execution:{'m' * 80}:{'e' * 80}"
    assert len(longest) <= limit
    assert TICKET_APIS[preset].deduplication


@pytest.mark.parametrize("preset", [Preset.JIRA, Preset.SERVICENOW, Preset.GITHUB, Preset.OUTSETA])
def test_a_vendor_without_deduplication_is_documented_as_such(preset):
    assert TICKET_APIS[preset].deduplication is None
    assert f"| {preset.value} |" in (PROJECT / "docs" / "tickets.md").read_text()


# Loading


def preset_ticket(*lines: str) -> str:
    return edited(
        'endpoint = "https://tickets.example.com/api/cases"\nreporter = "bot-1"\n',
        "".join(f"{line}\n" for line in lines),
        MINIMAL_CONFIG,
    )


def test_preset_values_are_defaults_the_ticket_table_may_replace(tmp_path):
    text = preset_ticket(
        'preset = "jira"', 'base_url = "https://acme.atlassian.net/"', 'project = "OPS"', 'method = "PUT"'
    )

    request = load_text(tmp_path, text).ticket.request

    assert request.endpoint == "https://acme.atlassian.net/rest/api/3/issue"
    assert request.method == "PUT"
    assert request.body["fields"]["project"] == {"key": "OPS"}
    assert request.body["fields"]["issuetype"] == {"name": "Task"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param(
            ('preset = "trello"',),
            'ticket.preset = "trello": must be one of outseta, jira, servicenow, zendesk, github, '
            "pagerduty, opsgenie",
            id="unknown-preset",
        ),
        pytest.param(
            ('preset = "jira"', 'project = "OPS"'),
            "ticket.base_url: is required and must be a string",
            id="jira-needs-its-instance",
        ),
        pytest.param(
            ('preset = "jira"', 'base_url = "https://acme.atlassian.net"'),
            "ticket.project: is required and must be a string",
            id="jira-needs-a-project",
        ),
        pytest.param(
            ('preset = "github"', 'repository = "acme/pipeline"', 'projekt = "x"'),
            "ticket.projekt: unknown key; allowed here: preset, base_url, repository, label, connection, "
            "endpoint, endpoint_is_root, method, headers, query, body, reporter, retry",
            id="typo-lists-the-presets-fields",
        ),
        pytest.param(
            ('preset = "github"', 'repository = "data-pipeline"'),
            'ticket.repository = "data-pipeline": must be owner/name, e.g. acme/data-pipeline',
            id="github-repository",
        ),
        pytest.param(
            ('preset = "opsgenie"', 'priority = "high"'),
            'ticket.priority = "high": must be one of P1, P2, P3, P4, P5',
            id="opsgenie-priority",
        ),
        pytest.param(
            ('preset = "pagerduty"',),
            'ticket.connection = "ticketing": the pagerduty preset needs [connections.ticketing.invocation.body] '
            "routing_key = { secret_name = ... } (or variable): the vendor reads it from the body, and a "
            "connection keeps it secret",
            id="pagerduty-needs-the-routing-key",
        ),
    ],
)
def test_bad_preset_settings_are_reported(tmp_path, lines, message):
    expect_problem(tmp_path, preset_ticket(*lines), message)


# Vendor limits: a cause can be 32,768 characters and an error 256 (aws_facts.rules)

LONGEST_ERROR = "E" * aws_rules.MAX_ERROR_LENGTH
LONGEST_CAUSE = ('{"errorMessage": "' + 'it\'s \\"quoted\\" and long; ' * 1400)[: aws_rules.MAX_CAUSE_LENGTH]


def strings_under(body: dict, path: str) -> list[str]:
    return [
        node.value
        for node in walk(body)
        if isinstance(node.value, str) and ticket_fields._is_under(node.path, path)
    ]


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
@pytest.mark.parametrize(
    ("error", "cause"),
    [(LONGEST_ERROR, LONGEST_CAUSE), ("States.TaskFailed", LONGEST_CAUSE), (LONGEST_ERROR, "short")],
    ids=["both-longest", "longest-cause", "longest-error"],
)
def test_every_field_stays_within_its_vendors_limit(preset, error, cause):
    body = sent_body(example(preset), LONGEST_STEP, error=error, cause=cause)

    for limit in VENDOR_LIMITS[preset]:
        texts = strings_under(body, limit.path)
        assert texts, f"{limit.path} is not in the {preset.value} body"
        assert sum(map(len, texts)) <= limit.characters, limit.path


@pytest.mark.parametrize("preset", list(SCHEMAS), ids=lambda preset: preset.value)
def test_a_cut_body_is_still_valid_for_the_vendors_api(preset):
    body = sent_body(example(preset), LONGEST_STEP, error=LONGEST_ERROR, cause=LONGEST_CAUSE)

    jsonschema.validate(body, json.loads((VENDOR_APIS / SCHEMAS[preset]).read_text()))


@pytest.mark.parametrize(
    ("preset", "path", "marker"),
    [
        (Preset.JIRA, "fields.summary", ticket_fields.SHORT_MARKER),
        (Preset.SERVICENOW, "short_description", ticket_fields.SHORT_MARKER),
        (Preset.SERVICENOW, "description", f"… [cut: see the execution {EXECUTION_URL}]"),
        (Preset.ZENDESK, "ticket.comment.body", f"… [cut: see the execution {EXECUTION_URL}]"),
        (Preset.OPSGENIE, "description", f"… [cut: see the execution {EXECUTION_URL}]"),
        (Preset.OUTSETA, "Body", f"… [cut: see the execution {EXECUTION_URL}]"),
    ],
    ids=lambda value: value.value if isinstance(value, Preset) else None,
)
def test_a_cut_field_ends_with_a_visible_marker_and_long_ones_link_the_execution(preset, path, marker):
    body = sent_body(example(preset), LONGEST_STEP, error=LONGEST_ERROR, cause=LONGEST_CAUSE)
    (text,) = strings_under(body, path)
    limit = next(limit for limit in VENDOR_LIMITS[preset] if limit.path == path)

    assert text.endswith(marker)
    assert len(text) == limit.characters


def test_jiras_description_paragraphs_share_its_limit_and_the_cause_gets_the_rest():
    body = sent_body(example(Preset.JIRA), LONGEST_STEP, error=LONGEST_ERROR, cause=LONGEST_CAUSE)
    first, cause, last = [
        paragraph["content"][0]["text"] for paragraph in body["fields"]["description"]["content"]
    ]

    assert first == f"Step {LONGEST_STEP} of tickets-jira failed with {LONGEST_ERROR}."
    assert last.startswith(f"Execution: {EXECUTION_URL} (started ")
    assert cause.startswith("Cause: " + LONGEST_CAUSE[:1000])
    assert len(first) + len(cause) + len(last) > 15_000


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_a_short_failure_is_sent_whole(preset):
    body = json.dumps(sent_body(example(preset)), ensure_ascii=False)

    assert "[cut" not in body and "[drill]" not in body
    assert "States.TaskFailed" in body


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_only_fields_that_can_exceed_their_limit_or_that_a_drill_changes_are_written_in_jsonata(preset):
    config = example(preset)
    written = failure_record(config).get(ticket_fields.FIELDS_KEY, {})
    api = preset.api

    expected = {api.title, *api.drill_levels, *CUT[preset]} - {None}
    assert {name for name in written} == {ticket_fields.field_name(path) for path in expected}


CUT = {
    Preset.OUTSETA: {"Subject", "Body"},
    Preset.JIRA: {"fields.summary", "fields.description.content[1].content[0].text"},
    Preset.SERVICENOW: {"short_description", "description"},
    Preset.ZENDESK: {"ticket.subject", "ticket.comment.body"},
    Preset.GITHUB: {"title"},
    Preset.PAGERDUTY: set(),
    Preset.OPSGENIE: {"description"},
}
"""The fields a failure can make longer than the vendor takes: not GitHub's body (65,536),
PagerDuty's summary (1,024), a deduplication key or Opsgenie's fixed message."""


# Fire drills: [drill] in the title, the vendor's lowest severity or priority

LOWEST = {
    Preset.SERVICENOW: {"urgency": "3", "impact": "3"},
    Preset.ZENDESK: {"ticket.priority": "low"},
    Preset.PAGERDUTY: {"payload.severity": "info"},
    Preset.OPSGENIE: {"priority": "P5"},
}


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_a_drills_ticket_says_drill_in_its_title_at_the_lowest_level(preset):
    config = example(preset)
    drill = sent_body(config, error=ticket_fields.DRILL_ERROR, cause="A fire drill")
    night = sent_body(config)

    (title,) = strings_under(drill, preset.api.title)
    (usual,) = strings_under(night, preset.api.title)
    assert title == "[drill] " + usual.replace("States.TaskFailed", ticket_fields.DRILL_ERROR)
    for path, level in LOWEST.get(preset, {}).items():
        assert strings_under(drill, path) == [level]
        assert strings_under(night, path) != [level]


def test_a_drill_title_still_fits():
    body = sent_body(example(Preset.OPSGENIE), LONGEST_STEP, error=ticket_fields.DRILL_ERROR)

    assert body["message"] == f"[drill] Nightly pipeline step {LONGEST_STEP} failed"
    assert len(body["message"]) <= 130


def test_servicenow_correlation_id_is_the_execution_name_which_fits_its_100_characters():
    body = sent_body(example(Preset.SERVICENOW))

    assert body["correlation_id"] == EXECUTION_NAME
    assert len(EXECUTION_NAME) == aws_rules.MAX_EXECUTION_NAME <= 100


@pytest.mark.parametrize(
    "text", ["it's", 'a "quote"', "back\\slash", "line\nbreak", "100%} {% $states %}", "ünïcode …", ""]
)
def test_any_text_survives_as_a_jsonata_string(text):
    assert evaluate_jsonata(f"{{% {ticket_fields.jsonata_string(text)} %}}", {}) == text


def test_opsgenie_is_deprecated_with_a_pointer_to_jira_service_management():
    warnings = {path.stem: load_config(path).warnings for path in EXAMPLES.glob("*.toml")}

    assert [str(warning) for warning in warnings.pop("opsgenie")] == [
        (
            f'{EXAMPLES / "opsgenie.toml"}: ticket.preset = "opsgenie": is deprecated: Atlassian ends '
            "Opsgenie support on 2027-04-05; Jira Service Management takes over its alerts (see docs/tickets.md)"
        )
    ]
    assert all(not found for found in warnings.values())
    assert [preset for preset in Preset if preset.api.deprecated] == [Preset.OPSGENIE]


@pytest.mark.parametrize("preset", list(Preset), ids=lambda preset: preset.value)
def test_the_jsonata_leaves_no_terraform_template_sequence_in_the_definition(preset):
    """The definition is a Terraform string: ${ and %{ would be read as template syntax (the
    loader refuses them in a config; the JSONata written here must not make them either)."""
    definition = json.dumps(
        example(preset).pipeline().definition(refs_for(example(preset))), ensure_ascii=False
    )

    assert "{%" in definition
    assert "${" not in definition and "%{" not in definition


def test_text_around_placeholders_stays_literal_in_jsonata(tmp_path):
    text = preset_ticket(
        'preset = "github"',
        'repository = "acme/pipeline"',
        'body = { title = "100% $ \'done\' {{error}} %}", body = "{{cause}}" }',
    )
    config = load_text(tmp_path, text)

    body = sent_body(config, error=LONGEST_ERROR)

    assert body["title"].startswith("100% $ 'done' EEE")
    assert body["title"].endswith(ticket_fields.SHORT_MARKER) and len(body["title"]) == 256
