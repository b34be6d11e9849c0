"""Real Terraform on the synthesized output: init from the offline mirror, then validate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory) -> dict[str, str]:
    if shutil.which("terraform") is None:
        if os.environ.get("CI"):
            pytest.fail("terraform is not on PATH; CI must run these tests")
        pytest.skip("terraform is not on PATH")
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    config = Path(env.get("TF_CLI_CONFIG_FILE", ""))
    if not config.is_file():
        config = tmp_path_factory.mktemp("terraform") / "terraformrc"
        subprocess.run([PROJECT / "scripts" / "terraformrc.sh", config], check=True)
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


def terraform(env: dict[str, str], workdir: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["terraform", *arguments, "-no-color"],
        cwd=workdir,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("stack_name", ["nightly-pipeline-dev", "nightly-pipeline-variant"])
def test_terraform_validates_the_synthesized_stack(stack_name, synth_dir, stacks, terraform_env, tmp_path):
    workdir = tmp_path / stack_name
    shutil.copytree(synth_dir / "stacks" / stack_name, workdir)
    # An S3 backend would be contacted by init; validation does not need it.
    backend_flag = "-backend=false" if "s3" in stacks[stack_name]["terraform"]["backend"] else "-backend=true"
    init = terraform(terraform_env, workdir, "init", "-input=false", backend_flag)
    assert init.returncode == 0, init.stderr + init.stdout
    validate = terraform(terraform_env, workdir, "validate", "-json")
    result = json.loads(validate.stdout)
    assert result["valid"], json.dumps(result["diagnostics"], indent=2)
    assert result["warning_count"] == 0, json.dumps(result["diagnostics"], indent=2)
