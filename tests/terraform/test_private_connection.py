"""A private ticket API and a private partner API: the dev stack whose two connections name a VPC
Lattice resource configuration, synthesized, and validated by real Terraform."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_api_destination import CloudwatchEventApiDestination
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection

from core.loading import load_config
from stacks.app import synthesize
from terraform_cli import Terraform
from tests.conftest import PROJECT
from tests.synth.terraform_json import named, only, reference, resources
from tests.terraform.test_validate import assert_valid

STACK = "nightly-pipeline-dev"
PRIVATE = {
    "ticketing": "arn:aws:vpc-lattice:eu-west-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef0",
    # Another account's, shared through AWS RAM.
    "partner_api": "arn:aws:vpc-lattice:eu-west-1:222222222222:resourceconfiguration/rcfg-0a1b2c3d4e5f6a7b8",
}


@pytest.fixture(scope="module")
def private_dir(tmp_path_factory) -> Path:
    text = (PROJECT / "config" / "dev.toml").read_text()
    for name, arn in PRIVATE.items():
        header = f"[connections.{name}]\n"
        assert text.count(header) == 1
        text = text.replace(header, f'{header}resource_configuration = "{arn}"\n')
    folder = tmp_path_factory.mktemp("private")
    (folder / "dev.toml").write_text(text)
    outdir = folder / "cdktf.out"
    synthesize([load_config(folder / "dev.toml")], outdir, PROJECT)
    return outdir / "stacks" / STACK


@pytest.fixture(scope="module")
def private_stack(private_dir) -> dict:
    return json.loads((private_dir / "cdk.tf.json").read_text())


def test_each_private_connection_names_its_resource_configuration(private_stack):
    for name, arn in PRIVATE.items():
        _, connection = named(
            private_stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{name}_connection/Connection"
        )
        assert connection["invocation_connectivity_parameters"] == {
            "resource_parameters": {"resource_configuration_arn": arn}
        }


def test_the_night_watchs_api_destination_calls_through_the_private_ticket_connection(private_stack):
    destination = only(private_stack, CloudwatchEventApiDestination.TF_RESOURCE_TYPE)

    assert destination["connection_arn"] == reference(
        private_stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, "ticketing_connection/Connection", "arn"
    )


def test_a_public_connection_has_no_connectivity_parameters(stacks):
    for connection in resources(stacks[STACK], CloudwatchEventConnection.TF_RESOURCE_TYPE).values():
        assert "invocation_connectivity_parameters" not in connection


@pytest.mark.terraform
def test_terraform_validates_the_private_stack(private_dir, terraform_env, tmp_path):
    shutil.copytree(private_dir, tmp_path / STACK)
    assert_valid(Terraform(tmp_path / STACK, terraform_env), "-backend=false")
