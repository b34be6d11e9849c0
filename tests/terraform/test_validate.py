"""Real Terraform on the synthesized output: init from the offline mirror, then validate."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from terraform_cli import Terraform, automation_env

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory) -> dict[str, str]:
    if shutil.which("terraform") is None:
        if os.environ.get("CI"):
            pytest.fail("terraform is not on PATH; CI must run these tests")
        pytest.skip("terraform is not on PATH")
    return automation_env(tmp_path_factory.mktemp("terraform"))


@pytest.mark.parametrize("stack_name", ["nightly-pipeline-dev", "nightly-pipeline-variant"])
def test_terraform_validates_the_synthesized_stack(stack_name, synth_dir, stacks, terraform_env, tmp_path):
    workdir = tmp_path / stack_name
    shutil.copytree(synth_dir / "stacks" / stack_name, workdir)
    # An S3 backend would be contacted by init; validation does not need it.
    backend_flag = "-backend=false" if "s3" in stacks[stack_name]["terraform"]["backend"] else "-backend=true"
    terraform = Terraform(workdir, terraform_env)
    init = terraform.run("init", "-input=false", backend_flag)
    assert init.returncode == 0, init.stderr + init.stdout
    validate = terraform.run("validate", "-json")
    result = json.loads(validate.stdout)
    assert result["valid"], json.dumps(result["diagnostics"], indent=2)
    assert result["warning_count"] == 0, json.dumps(result["diagnostics"], indent=2)
