"""The synthesized ticket examples (one per preset) and the Basic + OAuth stack of the e2e tests:
each connection's Terraform, the ticket state and the IAM, as synthesized."""

from __future__ import annotations

import json

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine

from components.connection import PLACEHOLDER
from core.connection_keys import update_template
from core.connections import AuthKind
from core.failure_path import TICKET_STATE
from core.steps.http_invoke import HttpStep
from policies.statement import policy_document
from tests.conftest import AUTH_KINDS_CONFIG, TICKET_EXAMPLES, run_main
from tests.synth.terraform_json import jsonencoded, named, only, policy_of, reference, terraform_refs

STACKS = sorted([f"tickets-{path.stem}" for path in TICKET_EXAMPLES] + ["nightly-pipeline-auth"])


@pytest.fixture(params=STACKS)
def case(request, ticket_stacks, ticket_configs):
    return ticket_stacks[request.param], ticket_configs[request.param]


def connection_of(stack: dict, key: str) -> dict:
    return named(stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{key}_connection/Connection")[1]


def assert_secret(stack: dict, value: str) -> None:
    """Terraform holds a placeholder, and reads no secret and no variable to fill it."""
    assert value == PLACEHOLDER
    assert "aws_secretsmanager_secret_version" not in stack.get("data", {})
    assert "variable" not in stack


def test_every_example_is_synthesized(ticket_stacks):
    assert sorted(ticket_stacks) == STACKS
    assert len(TICKET_EXAMPLES) == 7 and AUTH_KINDS_CONFIG.exists()


def test_the_definition_and_the_policy_are_the_ones_the_core_derives(case):
    stack, config = case
    refs = terraform_refs(stack, config)
    definition = json.loads(only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["definition"])
    assert definition == config.pipeline().definition(refs)
    assert policy_of(stack, "Pipeline/ExecutionRole/Policy") == policy_document(
        config.pipeline().policy_statements(refs)
    )


def test_the_ticket_goes_through_the_ticket_connection(case):
    stack, config = case
    parameters = json.loads(only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["definition"])["States"][
        TICKET_STATE
    ]["Parameters"]
    key = config.ticket.request.connection
    assert parameters["Authentication"]["ConnectionArn"] == reference(
        stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{key}_connection/Connection", "arn"
    )


def test_each_connection_has_its_auth_kind_and_no_secret_in_the_output(case):
    stack, config = case
    for key, settings in config.connections.items():
        connection = connection_of(stack, key)
        auth = connection["auth_parameters"]
        assert connection["authorization_type"] == settings.auth.authorization_type
        assert connection["name"] == f"{config.state_machine.name}-{key}"
        if settings.auth is AuthKind.API_KEY:
            assert auth["api_key"]["key"] == settings.header
            assert_secret(stack, auth["api_key"]["value"])
        elif settings.auth is AuthKind.BASIC:
            assert auth["basic"]["username"] == settings.username
            assert_secret(stack, auth["basic"]["password"])
        else:
            oauth = auth["oauth"]
            assert (oauth["authorization_endpoint"], oauth["http_method"]) == (
                settings.oauth.authorization_endpoint,
                settings.oauth.http_method,
            )
            assert oauth["client_parameters"]["client_id"] == settings.oauth.client_id
            assert_secret(stack, oauth["client_parameters"]["client_secret"])
            assert "oauth_http_parameters" in oauth, "provider 5.100.0 requires the block"
        assert {"api_key", "basic", "oauth"} & set(auth) == {
            {AuthKind.API_KEY: "api_key", AuthKind.BASIC: "basic"}.get(settings.auth, "oauth")
        }


def test_an_oauth_connection_sends_its_token_request_parameters(ticket_stacks):
    oauth = connection_of(ticket_stacks["nightly-pipeline-auth"], "servicenow")["auth_parameters"]["oauth"]
    assert oauth["oauth_http_parameters"] == {
        "body": [{"key": "grant_type", "value": "client_credentials", "is_value_secret": False}],
        "query_string": [{"key": "audience", "value": "incidents", "is_value_secret": False}],
    }


def test_invocation_parameters_keep_secret_values_secret(ticket_stacks):
    stack = ticket_stacks["nightly-pipeline-auth"]
    invocation = connection_of(stack, "partner")["auth_parameters"]["invocation_http_parameters"]
    assert invocation["header"] == [{"key": "X-Tenant", "value": "acme", "is_value_secret": False}]
    (routing_key,) = invocation["body"]
    assert routing_key["key"] == "routing_key" and routing_key["is_value_secret"] is True
    assert routing_key["value"] == PLACEHOLDER
    assert connection_of(stack, "partner")["lifecycle"] == {
        "ignore_changes": [
            "auth_parameters[0].basic[0].password",
            "auth_parameters[0].invocation_http_parameters[0].body[0].value",
        ]
    }


def test_the_key_step_gets_every_secret_source_and_no_secret(ticket_stacks):
    """scripts/set-api-keys.sh fills these in after apply; the output names sources only."""
    stack = ticket_stacks["tickets-pagerduty"]
    (update,) = jsonencoded(stack["output"]["connection_updates"]["value"])
    routing_key = {
        "secret_source": {"secret_id": "nightly-pipeline/pagerduty-routing-key", "secret_json_key": ""}
    }
    assert update["AuthParameters"]["ApiKeyAuthParameters"]["ApiKeyValue"] == routing_key
    assert update["AuthParameters"]["InvocationHttpParameters"]["BodyParameters"][0] == {
        "Key": "routing_key",
        "Value": routing_key,
        "IsValueSecret": True,
    }


def test_connection_updates_are_the_ones_the_core_derives(case):
    stack, config = case
    assert jsonencoded(stack["output"]["connection_updates"]["value"]) == [
        update_template(settings, f"{config.state_machine.name}-{key}")
        for key, settings in config.connections.items()
    ]


def test_the_execution_role_reads_each_connections_own_secret_only(case):
    stack, config = case
    statements = policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
    reads = sorted(
        r for s in statements if "secretsmanager:GetSecretValue" in s["Action"] for r in s["Resource"]
    )
    used = {config.ticket.request.connection} | {
        step.request.connection for step in config.steps if isinstance(step, HttpStep)
    }
    assert reads == sorted(
        reference(
            stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{key}_connection/Connection", "secret_arn"
        )
        for key in used
    )


def test_a_config_with_the_deprecated_opsgenie_preset_warns_once_on_stderr(tmp_path):
    examples = {path.stem: path for path in TICKET_EXAMPLES}

    result = run_main(["--list", examples["opsgenie"], examples["jira"]], tmp_path / "out", timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f'Warning: {examples["opsgenie"]}: ticket.preset = "opsgenie": is deprecated: Atlassian ends '
        "Opsgenie support on 2027-04-05; Jira Service Management takes over its alerts (see docs/tickets.md)\n"
    )
