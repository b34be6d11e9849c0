"""The way off CDKTF: `make hcl` writes every stack as HCL, and the HCL of the dev stack plans with
no changes against the state that applying the synthesized JSON left on the emulator."""

from __future__ import annotations

import os
import shutil
import subprocess

from offline.provider_override import write_override
from terraform_cli import Terraform
from tests.conftest import DEFAULT_CONFIGS, PROJECT
from tests.e2e.conftest import STACK

STATE_FILE = "terraform.tfstate"


def make_hcl(outdir) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "hcl", f"HCL_OUT={outdir}"],
        cwd=PROJECT,
        env=dict(
            os.environ, MAKEFLAGS="", MAKELEVEL="", PIPELINE_CONFIG=os.pathsep.join(map(str, DEFAULT_CONFIGS))
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_hcl_plans_with_no_changes_against_state_applied_from_the_json(deployment, tmp_path):
    result = make_hcl(tmp_path / "hcl")
    assert result.returncode == 0, result.stderr
    written = sorted((tmp_path / "hcl" / "stacks").glob("*/cdk.tf"))
    assert result.stdout.split() == [str(path) for path in written]
    assert [path.parent.name for path in written] == ["nightly-pipeline-dev", "nightly-pipeline-prod"]
    assert not list((tmp_path / "hcl").rglob("*.tf.json"))

    workdir = tmp_path / "hcl-stack"
    workdir.mkdir()
    shutil.copy2(tmp_path / "hcl" / "stacks" / STACK / "cdk.tf", workdir)
    write_override(workdir, deployment.emulator.endpoint)
    terraform = Terraform(workdir=workdir, env=deployment.terraform.env)
    terraform.init()
    # After init: terraform init (1.11.4) left a state file already at the override's path empty.
    shutil.copy2(deployment.terraform.workdir / STATE_FILE, workdir / STATE_FILE)

    exit_code, output = terraform.plan_exit_code()

    assert exit_code == 0, output
    assert "No changes." in output
    assert len(terraform.state_addresses()) == len(deployment.terraform.state_addresses()) > 10
