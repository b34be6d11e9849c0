"""Real Terraform on the synthesized output: init from the offline mirror, then validate."""

from __future__ import annotations

import json
import shutil

import pytest

from terraform_cli import Terraform
from tests.conftest import KEYED_STACKS, TICKET_EXAMPLES

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize(
    "stack_name", ["nightly-pipeline-dev", "nightly-pipeline-variant", "nightly-pipeline-mixed50"]
)
def test_terraform_validates_the_synthesized_stack(stack_name, synth_dir, stacks, terraform_env, tmp_path):
    workdir = tmp_path / stack_name
    shutil.copytree(synth_dir / "stacks" / stack_name, workdir)
    # An S3 backend would be contacted by init; validation does not need it.
    backend_flag = "-backend=false" if "s3" in stacks[stack_name]["terraform"]["backend"] else "-backend=true"
    assert_valid(Terraform(workdir, terraform_env), backend_flag)


@pytest.mark.parametrize(
    "stack_name", sorted([f"tickets-{path.stem}" for path in TICKET_EXAMPLES] + ["nightly-pipeline-auth"])
)
def test_terraform_validates_each_ticket_example(stack_name, ticket_synth_dir, terraform_env, tmp_path):
    """One per preset, and the Basic + OAuth stack: every auth kind as the provider reads it."""
    workdir = tmp_path / stack_name
    shutil.copytree(ticket_synth_dir / "stacks" / stack_name, workdir)
    assert_valid(Terraform(workdir, terraform_env), "-backend=false")


@pytest.mark.parametrize("stack_name", sorted(KEYED_STACKS))
def test_terraform_validates_each_keyed_stack(stack_name, keyed_synth_dir, terraform_env, tmp_path):
    """[encryption] with a key the stack creates and with an existing key: every kms attribute as
    provider 5.100.0 reads it."""
    workdir = tmp_path / stack_name
    shutil.copytree(keyed_synth_dir / "stacks" / stack_name, workdir)
    assert_valid(Terraform(workdir, terraform_env), "-backend=false")


def assert_valid(terraform: Terraform, backend_flag: str) -> None:
    init = terraform.run("init", "-input=false", backend_flag)
    assert init.returncode == 0, init.stderr + init.stdout
    result = json.loads(terraform.run("validate", "-json").stdout)
    assert result["valid"], json.dumps(result["diagnostics"], indent=2)
    assert result["warning_count"] == 0, json.dumps(result["diagnostics"], indent=2)
