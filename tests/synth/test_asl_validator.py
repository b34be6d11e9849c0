"""The synthesized definitions pass asl-validator (npm), as Terraform will render them."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine

from tests.conftest import PROJECT, TICKET_EXAMPLES
from tests.synth.terraform_json import only

ASL_VALIDATOR = PROJECT / "node_modules" / ".bin" / "asl-validator"
_INTERPOLATION = re.compile(r"\$\{([^}]+)\}")


def rendered_like_terraform(definition: str, region: str) -> str:
    """Replaces each ${...} with a value of the shape Terraform will put there."""

    def value(match: re.Match) -> str:
        expression = match[1]
        if expression.endswith(".partition"):
            return "aws"
        if expression.endswith(".account_id"):
            return "123456789012"
        if expression.startswith("aws_cloudwatch_event_connection."):
            return f"arn:aws:events:{region}:123456789012:connection/c/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        if expression.startswith("aws_sns_topic."):
            return f"arn:aws:sns:{region}:123456789012:alerts"
        raise AssertionError(f"unexpected interpolation in the definition: {match[0]}")

    return _INTERPOLATION.sub(value, definition)


def test_asl_validator_rejects_a_broken_definition(tmp_path):
    """Guards the test below: the validator must say no when it should."""
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}}))
    result = subprocess.run(
        [ASL_VALIDATOR, "--json-path", broken], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0


@pytest.mark.parametrize(
    "stack_name",
    [
        "nightly-pipeline-dev",
        "nightly-pipeline-prod",
        "nightly-pipeline-steps",
        "nightly-pipeline-variant",
        "nightly-pipeline-mixed50",
    ],
)
def test_definition_passes_asl_validator(stack_name, stacks, configs, tmp_path):
    if not ASL_VALIDATOR.exists():
        pytest.fail(f"{ASL_VALIDATOR} is missing: run `make setup`")
    definition = only(stacks[stack_name], SfnStateMachine.TF_RESOURCE_TYPE)["definition"]
    path = tmp_path / "definition.json"
    path.write_text(rendered_like_terraform(definition, configs[stack_name].stack.region))
    result = subprocess.run([ASL_VALIDATOR, "--json-path", path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("preset", sorted(path.stem for path in TICKET_EXAMPLES))
def test_each_ticket_examples_definition_passes_asl_validator(
    preset, ticket_stacks, ticket_configs, tmp_path
):
    """Each preset writes its own JSONata fields in DescribeFailure (core.ticket_fields)."""
    stack_name = f"tickets-{preset}"
    definition = only(ticket_stacks[stack_name], SfnStateMachine.TF_RESOURCE_TYPE)["definition"]
    assert '"QueryLanguage": "JSONata"' in definition
    path = tmp_path / "definition.json"
    path.write_text(rendered_like_terraform(definition, ticket_configs[stack_name].stack.region))
    result = subprocess.run([ASL_VALIDATOR, "--json-path", path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
