"""Seeded changes: each a small edit of a shipped config (config/*.toml, examples/), and exactly the
findings the review must give for it, by id, kind, severity and subject.

Each shipped config is synthesized once per session (the base); each case synthesizes its edited
copy (the head) in process, about 0.2 s, and compares the two with the pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from review.findings import Finding
from review.report import all_findings, compare
from tests.conftest import PROJECT

DEV = "config/dev.toml"
PROD = "config/prod.toml"
JIRA = "examples/tickets/jira.toml"
OUTSETA = "examples/tickets/outseta.toml"
EXECUTION = "role nightly-pipeline-dev-execution"
TEST_STATE = "role nightly-pipeline-dev-test-state"
PARTNER_ENDPOINT = 'endpoint = "https://api.partner.example.com/v1/orders/export"'
PARTNER_ROOT = 'endpoint = "https://api.partner.example.com/v1"\nendpoint_is_root = true'
PASS_ROLES = '  "arn:aws:iam::111111111111:role/transform-orders-execution",\n'
ANALYZE_STEP = (
    '[[steps]]\nname = "AnalyzeOrders"\ntype = "lambda"\n'
    'function = "arn:aws:lambda:eu-west-1:111111111111:function:analyze-orders"\ntimeout_seconds = 900\n'
)
NOTIFICATIONS = "[notifications]"

Expected = tuple[str, str, str, str]
"""(id, kind, severity, where): where is the stack's name for a finding about a whole stack, else
the subject: `role <name> · <Sid>`, `role <name>`, the resource's type, or `<state machine> · <state>`."""


def found(rule_id: str, kind: str, severity: str, where: str, times: int = 1) -> list[Expected]:
    return [(rule_id, kind, severity, where)] * times


def both_roles(rule_id: str, kind: str, severity: str, sid: str) -> list[Expected]:
    """The execution role and the TestState role (dev has test_state_role = true) hold the same grant."""
    return [(rule_id, kind, severity, f"{role} · {sid}") for role in (EXECUTION, TEST_STATE)]


@dataclass(frozen=True)
class Seed:
    name: str
    config: str
    edits: tuple[tuple[str, str], ...]
    expected: tuple[Expected, ...]
    reverse: bool = False
    """Compare the edited copy (as the base) with the shipped config (as the head)."""
    removed: bool = False
    """The config is deleted: the head has no stack for it."""


def seed(
    name: str, config: str, edits: list[tuple[str, str]], *expected: list[Expected], **options: bool
) -> Seed:
    return Seed(name, config, tuple(edits), tuple(item for group in expected for item in group), **options)


def watch(**settings: str) -> tuple[str, str]:
    """A [night_watch] table with these settings, before [notifications]."""
    lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
    return NOTIFICATIONS, f"[night_watch]\n{lines}\n{NOTIFICATIONS}"


SEEDS = [
    seed(
        "no-op reformat",
        DEV,
        [
            ("[schedule]\n", "[schedule]\n\n# the same night, written otherwise\n"),
            ("log_retention_days = 14", "log_retention_days=14   "),
            (
                'tags = { project = "nightly-pipeline", environment = "dev" }',
                'tags = {environment="dev",project="nightly-pipeline"}',
            ),
        ],
    ),
    seed(
        "endpoint moved",
        DEV,
        [("/v1/orders/export", "/v2/orders/export")],
        both_roles("IAM006", "broadening", "medium", "CallFetchOrdersEndpoint"),
        both_roles("IAM012", "narrowing", "info", "CallFetchOrdersEndpoint"),
    ),
    seed(
        "endpoint widened to its root",
        DEV,
        [(PARTNER_ENDPOINT, PARTNER_ROOT)],
        both_roles("IAM006", "broadening", "medium", "CallFetchOrdersEndpoint"),
    ),
    seed(
        "endpoint narrowed from its root to one path under it",
        DEV,
        [(PARTNER_ENDPOINT, PARTNER_ROOT)],
        both_roles("IAM012", "narrowing", "info", "CallFetchOrdersEndpoint"),
        reverse=True,
    ),
    seed(
        "HTTP method changed",
        DEV,
        [('method = "POST"\n', 'method = "PUT"\n')],
        both_roles("IAM006", "broadening", "medium", "CallFetchOrdersEndpoint"),
        both_roles("IAM012", "narrowing", "info", "CallFetchOrdersEndpoint"),
    ),
    seed(
        "step removed",
        DEV,
        [(ANALYZE_STEP, "")],
        both_roles("IAM010", "narrowing", "info", "InvokeAnalyzeOrdersLambda"),
    ),
    seed(
        "Lambda step added",
        DEV,
        [(ANALYZE_STEP, ANALYZE_STEP + "\n" + ANALYZE_STEP.replace("nalyze", "rchive"))],
        both_roles("IAM004", "broadening", "medium", "InvokeArchiveOrdersLambda"),
    ),
    seed(
        "Lambda function moved",
        DEV,
        [("function:analyze-orders", "function:analyze-orders-v2")],
        both_roles("IAM004", "broadening", "medium", "InvokeAnalyzeOrdersLambda"),
        both_roles("IAM011", "narrowing", "info", "InvokeAnalyzeOrdersLambda"),
    ),
    seed(
        "ECS pass_roles entry added",
        DEV,
        [(PASS_ROLES, PASS_ROLES + '  "arn:aws:iam::111111111111:role/transform-orders-audit",\n')],
        found("IAM007", "passrole", "high", f"{EXECUTION} · PassTransformOrdersRolesToEcsTasks"),
    ),
    seed(
        "ECS pass_roles entry removed",
        DEV,
        [(PASS_ROLES, "")],
        found("IAM008", "passrole", "low", f"{EXECUTION} · PassTransformOrdersRolesToEcsTasks"),
    ),
    seed(
        "connection header name changed",
        DEV,
        [('header = "X-Api-Key"', 'header = "X-Partner-Key"')],
        found("CON001", "secret-reset", "medium", "aws_cloudwatch_event_connection"),
    ),
    seed(
        "Basic connection's user name changed",
        JIRA,
        [('username = "pipeline-bot@example.com"', 'username = "tickets-bot@example.com"')],
        found("CON001", "secret-reset", "medium", "aws_cloudwatch_event_connection"),
    ),
    seed(
        "state machine renamed",
        DEV,
        [('name = "nightly-pipeline-dev"\nlog_level', 'name = "nightly-pipeline-dev-v2"\nlog_level')],
        found("RPL001", "replacement", "high", "aws_sfn_state_machine"),
        found("RPL005", "replacement", "high", "aws_sns_topic"),
        found("CON001", "secret-reset", "medium", "aws_cloudwatch_event_connection", 2),
        found("RPL002", "replacement", "medium", "aws_scheduler_schedule"),
        found("RPL003", "replacement", "medium", "aws_cloudwatch_event_connection", 2),
        found("RPL004", "replacement", "medium", "aws_iam_role", 4),
        found("RPL006", "replacement", "medium", "aws_sqs_queue", 2),
        found("RPL007", "replacement", "medium", "aws_cloudwatch_log_group"),
        found("RPL008", "replacement", "medium", "aws_cloudwatch_event_rule", 2),
        found("SNS001", "subscription", "medium", "aws_sns_topic_subscription"),
        # The trust of the execution role and of the watcher, and the scheduler's grant, name the
        # state machine by its ARN, which changes with its name: each moves to the new one.
        found(
            "IAM004",
            "broadening",
            "medium",
            "role nightly-pipeline-dev-v2-scheduler · StartPipelineExecution",
        ),
        found(
            "IAM011", "narrowing", "info", "role nightly-pipeline-dev-v2-scheduler · StartPipelineExecution"
        ),
        found("IAM006", "broadening", "medium", "role nightly-pipeline-dev-v2-execution · AssumedByService"),
        found("IAM012", "narrowing", "info", "role nightly-pipeline-dev-v2-execution · AssumedByService"),
        found("IAM006", "broadening", "medium", "role nightly-pipeline-dev-v2-watcher · AssumedByService"),
        found("IAM012", "narrowing", "info", "role nightly-pipeline-dev-v2-watcher · AssumedByService"),
        found("RPL000", "replacement", "low", "aws_cloudwatch_event_api_destination"),
        found("RPL000", "replacement", "low", "aws_cloudwatch_event_target", 4),
        found("RPL000", "replacement", "low", "aws_iam_role_policy", 4),
        found("RPL000", "replacement", "low", "aws_sns_topic_policy"),
        found("RPL000", "replacement", "low", "aws_sns_topic_subscription"),
        found("RPL000", "replacement", "low", "aws_sqs_queue_policy"),
        found("RPL009", "replacement", "low", "aws_cloudwatch_metric_alarm", 5),
    ),
    seed(
        "e-mail added",
        DEV,
        [('emails = ["data-team@example.com"]', 'emails = ["data-team@example.com", "oncall@example.com"]')],
        found("SNS001", "subscription", "medium", "aws_sns_topic_subscription"),
    ),
    seed(
        "e-mail replaced by another",
        PROD,
        [('emails = ["data-team@example.com"]', 'emails = ["ops@example.com"]')],
        found("SNS001", "subscription", "medium", "aws_sns_topic_subscription"),
    ),
    seed(
        "the night watch's uncaught route switched off",
        DEV,
        [watch(uncaught_failures="false")],
        found("FLP002", "failure-path", "high", "aws_cloudwatch_event_rule", 2),
        # timed out, aborted, and the watch's own dead letters
        found("FLP002", "failure-path", "high", "aws_cloudwatch_metric_alarm", 3),
        found("IAM009", "narrowing", "info", "role nightly-pipeline-dev-watcher"),
    ),
    seed(
        "the night watch's ticket switched off",
        DEV,
        [watch(ticket="false")],
        found("FLP002", "failure-path", "high", "aws_cloudwatch_event_target", 2),
        found("IAM009", "narrowing", "info", "role nightly-pipeline-dev-watcher"),
    ),
    seed(
        "the schedule's dead-letter queue switched off",
        DEV,
        [watch(dead_letter_queue="false")],
        found("FLP002", "failure-path", "high", "aws_cloudwatch_metric_alarm"),
        found(
            "IAM010",
            "narrowing",
            "info",
            "role nightly-pipeline-dev-scheduler · SendUnstartedRunsToDeadLetterQueue",
        ),
    ),
    seed(
        "retry count raised",
        DEV,
        [('method = "POST"\n', 'method = "POST"\nretry = { max_attempts = 5 }\n')],
        found("FLP005", "failure-path", "low", "nightly-pipeline-dev · FetchOrders"),
    ),
    seed("schedule moved to 23:30", DEV, [("cron(0 22 * * ? *)", "cron(30 23 * * ? *)")]),
    seed("log retention raised", DEV, [("log_retention_days = 14", "log_retention_days = 30")]),
    seed(
        "TestState role switched off",
        DEV,
        [("test_state_role = true", "test_state_role = false")],
        found("IAM009", "narrowing", "info", TEST_STATE),
    ),
    seed(
        "TestState role switched on",
        PROD,
        [('log_level = "ERROR"', 'log_level = "ERROR"\ntest_state_role = true')],
        found("IAM001", "broadening", "medium", "role nightly-pipeline-prod-test-state"),
    ),
    seed(
        "ticket endpoint moved to another host",
        OUTSETA,
        [('base_url = "https://myoutseta.outseta.com"', 'base_url = "https://acme.outseta.com"')],
        found(
            "IAM006", "broadening", "medium", "role tickets-outseta-execution · CallOpenSupportTicketEndpoint"
        ),
        found(
            "IAM012", "narrowing", "info", "role tickets-outseta-execution · CallOpenSupportTicketEndpoint"
        ),
    ),
    seed(
        "config removed", PROD, [], found("STK001", "orphaned", "high", "nightly-pipeline-prod"), removed=True
    ),
]


@pytest.fixture(scope="session")
def synth(tmp_path_factory) -> Callable[[str], dict[str, dict]]:
    """Synthesizes config text in process: its documents by stack name."""
    from core.loading import load_configs
    from stacks.app import synthesize

    def run(text: str) -> dict[str, dict]:
        folder = tmp_path_factory.mktemp("seeded")
        (folder / "config.toml").write_text(text)
        synthesize(load_configs([folder / "config.toml"]), folder / "cdktf.out", PROJECT)
        return {
            path.parent.name: json.loads(path.read_text())
            for path in (folder / "cdktf.out" / "stacks").glob("*/cdk.tf.json")
        }

    return run


@pytest.fixture(scope="session")
def shipped(synth) -> Callable[[str], dict[str, dict]]:
    """Each shipped config synthesized once."""
    cache: dict[str, dict[str, dict]] = {}

    def base(config: str) -> dict[str, dict]:
        if config not in cache:
            cache[config] = synth((PROJECT / config).read_text())
        return cache[config]

    return base


def edited(config: str, edits: tuple[tuple[str, str], ...]) -> str:
    text = (PROJECT / config).read_text()
    for old, new in edits:
        assert text.count(old) >= 1, f"{config} has no {old!r}"
        text = text.replace(old, new, 1)
    return text


def where(finding: Finding) -> str:
    subject = finding.subject
    if subject.role:
        return " · ".join(part for part in (f"role {subject.role}", subject.statement) if part)
    if subject.resource:
        return subject.resource.split(".")[0]
    if subject.state_machine:
        return " · ".join(part for part in (subject.state_machine, subject.state) if part)
    return finding.stack


@pytest.mark.parametrize("case", SEEDS, ids=[case.name for case in SEEDS])
def test_a_seeded_change_gets_exactly_its_findings(case, shipped, synth):
    base = shipped(case.config)
    head = {} if case.removed else synth(edited(case.config, case.edits))
    if case.reverse:
        base, head = head, base
    findings = all_findings(compare(base, head))
    assert sorted((f.id, f.kind.value, f.severity.value, where(f)) for f in findings) == sorted(case.expected)


def test_the_suite_seeds_every_change_the_issue_names():
    assert len(SEEDS) >= 20
    assert len({case.name for case in SEEDS}) == len(SEEDS)
    assert all(Path(PROJECT / case.config).is_file() for case in SEEDS)
