"""`make try-failure` when Terraform fails on the emulator: one clear message, status 1, no traceback."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT

APPLY_LOG = "aws_sns_topic.Alerts: Creating...\naws_iam_role.Role: Creating...\n"
TERRAFORM_ERROR = (
    "Error: creating IAM Role (nightly-pipeline-dev-pipeline): operation error IAM: CreateRole, "
    "https response error StatusCode: 500\n\n  with aws_iam_role.Role,\n  on cdk.tf.json line 120\n"
)


def test_a_failing_terraform_apply_ends_in_one_message_and_status_1(tmp_path):
    """deployed() is replaced by one whose apply fails as Terraform's does (terraform_cli)."""
    driver = tmp_path / "driver.py"
    driver.write_text(
        f"import runpy, sys\nsys.path.insert(0, {str(PROJECT)!r})\n"
        "import offline.deployment\nfrom terraform_cli import TerraformError\n"
        "def deployed(*args, **kwargs):\n"
        f"    raise TerraformError({'terraform apply failed:' + TERRAFORM_ERROR + APPLY_LOG!r}, {TERRAFORM_ERROR!r})\n"
        "offline.deployment.deployed = deployed\n"
        "sys.argv = ['try_failure']\n"
        "runpy.run_module('offline.try_failure', run_name='__main__')\n"
    )

    result = subprocess.run(
        [sys.executable, str(driver)], cwd=PROJECT, capture_output=True, text=True, check=False, timeout=180
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Terraform failed on the local emulator, so no night ran." in result.stderr
    assert "Error: creating IAM Role (nightly-pipeline-dev-pipeline)" in result.stderr
    assert "Creating..." not in result.stderr
