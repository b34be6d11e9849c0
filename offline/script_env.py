"""The environment in which the project's scripts (scripts/*.sh) run against the emulator."""

from __future__ import annotations

from offline.emulator import FAKE_CREDENTIALS, Emulator
from terraform_cli import Terraform


def script_env(runner: Terraform, emulator: Emulator) -> dict[str, str]:
    """The Terraform runner's environment (its TF_VAR_ secrets, its CLI config), with the AWS CLI's
    and boto3's endpoint and fake credentials pointed at the emulator."""
    return {
        **runner.env,
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_DEFAULT_REGION": emulator.region,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
    }
