"""Each preset's example applied to the emulator, its step failing with the longest error and a
32 KB cause: the body the ticket server receives fits every limit of the vendor
(core.tickets.VENDOR_LIMITS), as DescribeFailure's JSONata cut it (core.ticket_fields, run by
jsonata-python: offline.jsonata). A fire drill's failure opens a ticket marked as one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aws_facts import rules as aws_rules
from config_kit.nested import walk

from core import ticket_fields
from core.tickets import VENDOR_LIMITS, Preset
from offline.deployment import Deployment
from tests.e2e.conftest import e2e_deployment, quiet_night

pytestmark = pytest.mark.own_stack
LONGEST_ERROR = "E" * aws_rules.MAX_ERROR_LENGTH
REPEATED = 'a "quoted" failure, again and again; '


def longest_message(error: str) -> str:
    """A message that makes the longest cause: the Lambda double's cause is its error payload as
    compact JSON, {"errorType": ..., "errorMessage": ..., "trace": []}, quotes escaped."""

    def cause(message: str) -> int:
        payload = {"errorType": error, "errorMessage": message, "trace": []}
        return len(json.dumps(payload, separators=(",", ":")))

    repeats = (aws_rules.MAX_CAUSE_LENGTH - cause("")) // (cause(REPEATED) - cause(""))
    return REPEATED * repeats


@pytest.fixture(scope="module", params=list(Preset), ids=lambda preset: preset.value)
def preset_deployment(request, ticket_synth_dir, ticket_configs, tmp_path_factory) -> Iterator[Deployment]:
    config = ticket_configs[f"tickets-{request.param.value}"]
    with e2e_deployment(config, ticket_synth_dir, tmp_path_factory) as deployment:
        yield deployment


@pytest.fixture
def night(preset_deployment) -> Iterator[Deployment]:
    yield from quiet_night(preset_deployment)


def fail_the_step(night: Deployment, error: str, message: str) -> None:
    (step,) = night.config.steps
    night.doubles.fail(step.function_arn, error, message)


def strings_under(body: object, path: str) -> list[str]:
    return [
        node.value
        for node in walk(body)
        if isinstance(node.value, str)
        and (node.path == path or node.path.startswith((f"{path}.", f"{path}[")))
    ]


def test_a_32_kb_cause_opens_a_ticket_whose_every_field_fits_the_vendors_limit(night):
    preset = night.config.ticket.preset
    fail_the_step(night, LONGEST_ERROR, longest_message(LONGEST_ERROR))

    result = night.run()

    assert (result.status, result.error) == ("FAILED", LONGEST_ERROR)
    assert 32_000 < len(result.cause) <= aws_rules.MAX_CAUSE_LENGTH, "the whole cause reaches the Fail state"
    [ticket] = night.ticket_server.requests
    body = ticket.json()
    for limit in VENDOR_LIMITS[preset]:
        texts = strings_under(body, limit.path)
        assert texts and sum(map(len, texts)) <= limit.characters, (limit.path, list(map(len, texts)))
    assert ("[cut" in json.dumps(body)) is (preset is not Preset.PAGERDUTY)
    [message] = night.inbox.take()
    assert message.message.endswith("A support ticket was opened.")


def test_a_fire_drills_ticket_says_drill_in_its_title_at_the_lowest_level(night):
    preset = night.config.ticket.preset
    fail_the_step(night, ticket_fields.DRILL_ERROR, "A fire drill: nothing is wrong")

    result = night.run()

    assert (result.status, result.error) == ("FAILED", ticket_fields.DRILL_ERROR)
    [ticket] = night.ticket_server.requests
    body = ticket.json()
    (title,) = strings_under(body, preset.api.title)
    assert title.startswith("[drill] ")
    for path, level in preset.api.drill_levels.items():
        assert strings_under(body, path) == [level]
