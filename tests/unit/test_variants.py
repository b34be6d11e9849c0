"""One variant chooser: a misspelt discriminator (a step's type, a connection's auth, the ticket's
preset, the backend's type) is one problem naming the values allowed, and the keys of the variant
it meant are not judged, neither as unknown nor as missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Problems, Table, choose, key
from core.connections import CONNECTIONS, read_connection
from core.sections.ticket import TICKET, read_ticket
from tests.unit.support import edited, in_table, problems_of, write

ROOT = Path(__file__).resolve().parents[2]
GITHUB = (ROOT / "examples/tickets/github.toml").read_text()
STEP_TYPES = "ecs, glue, http, lambda, state_machine"
AUTH_KINDS = "api_key, basic, oauth_client_credentials"
PRESETS = "outseta, jira, servicenow, zendesk, github, pagerduty, opsgenie"


def only_problem(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 1, "\n".join(problems)
    return problems[0].removeprefix(f"{path}: ")


@pytest.mark.parametrize("typo", ["gitlab", "GitHub", "", "github "])
def test_a_misspelt_preset_is_one_problem(tmp_path, typo):
    """The github preset's repository is not called unknown, nor the hand-written request's
    endpoint and reporter missing."""
    text = edited('preset = "github"', f'preset = "{typo}"', GITHUB)

    assert only_problem(tmp_path, text) == f'ticket.preset = "{typo}": must be one of {PRESETS}'


def test_a_preset_that_is_not_a_string_is_one_problem(tmp_path):
    text = edited('preset = "github"', "preset = 3", GITHUB)

    assert only_problem(tmp_path, text) == "ticket.preset = 3: must be a string"


@pytest.mark.parametrize(
    ("typo", "variant_key"),
    [("basik", 'username = "bot"'), ("oauth", 'client_id = "pipeline"'), ("apikey", 'header = "X-Key"')],
)
def test_a_misspelt_auth_is_one_problem(tmp_path, typo, variant_key):
    """The meant variant's key is not unknown, and the ticket's connection still names it."""
    text = in_table("[connections.github]", f'auth = "{typo}"', variant_key, text=GITHUB)

    assert only_problem(tmp_path, text) == f'connections.github.auth = "{typo}": must be one of {AUTH_KINDS}'


@pytest.mark.parametrize("typo", ["lambdaa", "Lambda", "sfn"])
def test_a_misspelt_step_type_is_one_problem(tmp_path, typo):
    text = edited('type = "lambda"', f'type = "{typo}"', GITHUB)

    assert only_problem(tmp_path, text) == f'steps[0].type = "{typo}": must be one of {STEP_TYPES}'


@pytest.mark.parametrize("typo", ["s4", "S3", "locale"])
def test_a_misspelt_backend_type_is_one_problem(tmp_path, typo):
    text = GITHUB + f'\n[backend]\ntype = "{typo}"\nbucket = "pipeline-state"\nkey = "dev.tfstate"\n'

    assert only_problem(tmp_path, text) == f'backend.type = "{typo}": must be one of local, s3'


KIND: Key[str] = key("kind", Kind.STRING, "Which variant.", choices=("round", "square"))
OPTIONAL_KIND: Key[str | None] = key("kind", Kind.STRING, "Which variant.", None, choices=("round",))


def test_the_chooser_names_the_variant_and_the_default_when_left_out():
    problems = Problems("env.toml")

    assert choose(Table({"kind": "square"}, "shape", problems), KIND, {"round": 1, "square": 4}) == 4
    assert choose(Table({}, "shape", problems), OPTIONAL_KIND, {"": 0, "round": 1}) == 0
    assert problems.found == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "oval"}, 'shape.kind = "oval": must be one of round, square'),
        ({"kind": ""}, 'shape.kind = "": must be one of round, square'),
        ({"kind": ["round"]}, 'shape.kind = ["round"]: must be a string'),
        ({}, "shape.kind: is required and must be a string"),
    ],
)
def test_the_chooser_says_once_why_it_chose_nothing(data, message):
    problems = Problems("env.toml")

    assert choose(Table(data, "shape", problems), KIND, {"round": 1, "square": 4}) is None
    assert [str(problem) for problem in problems.found] == [f"env.toml: {message}"]


def documented(section: Section, variant: Section) -> list[str]:
    """The keys and tables of a section with one of its variants chosen."""
    merged = section.keys + variant.keys
    return sorted(
        [item.name for item in merged] + [child.name for child in section.children + variant.children]
    )


@pytest.mark.parametrize("variant", TICKET.variants, ids=lambda variant: variant.name or "by hand")
def test_the_ticket_documents_exactly_the_keys_it_reads(variant):
    table = Table({"preset": variant.name} if variant.name else {}, "ticket", Problems("env.toml"))
    read_ticket(table, {}, ())

    assert sorted(table.keys_read) == documented(TICKET, variant)


@pytest.mark.parametrize("variant", CONNECTIONS.variants, ids=lambda variant: variant.name)
def test_a_connection_documents_exactly_the_keys_it_reads(variant):
    table = Table({"auth": variant.name}, "connections.ticketing", Problems("env.toml"))
    read_connection(table, "ticketing")

    assert sorted(table.keys_read) == documented(CONNECTIONS, variant)
