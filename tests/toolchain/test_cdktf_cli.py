"""The cdktf CLI run by hand (`npx cdktf ...`, README "Deploying") as make runs it: no telemetry
request, whose failure it prints on every run where the host cannot be reached, and the project's
Terraform CLI config (mk/cli.mk, scripts/cdktf_cli_env.js)."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import PROJECT


def test_npx_cdktf_outside_make_sends_no_telemetry_and_uses_the_project_cli_config(tmp_path):
    subprocess.run(["make", "--no-print-directory", "npmrc"], cwd=PROJECT, check=True, timeout=60)
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CHECKPOINT_DISABLE", "TF_CLI_CONFIG_FILE", "MAKEFLAGS", "MAKELEVEL")
    }
    env["PATH"] = f"{PROJECT / 'node_modules' / 'node' / 'bin'}{os.pathsep}{env['PATH']}"
    env["CDKTF_HOME"] = str(tmp_path / "cdktf-home")

    result = subprocess.run(
        ["npx", "--no-install", "cdktf", "list", "--output", str(tmp_path / "out")],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "nightly-pipeline-dev" in result.stdout
    assert "telemetry" not in output and "checkpoint" not in output
    assert ".terraformrc" not in output
