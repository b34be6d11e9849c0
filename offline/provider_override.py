"""The Terraform override that points a synthesized stack at the emulator.

Terraform merges `*_override.tf.json` files over the configuration, so the
synthesized `cdk.tf.json` is applied exactly as `make synth` wrote it, with
only this changed: every AWS endpoint is the emulator, the credentials are
fake, the provider skips the checks that need real AWS (credential
validation, the instance metadata API) and the state lives in the work
folder instead of the project's backend. The account is still requested
(moto answers sts:GetCallerIdentity), so `allowed_account_ids` is checked for
real against the emulator's account.
"""

from __future__ import annotations

import json
from pathlib import Path

OVERRIDE_FILE = "offline_override.tf.json"
# The services the stack's resources and data sources call.
SERVICES = (
    "cloudwatch",
    "events",
    "iam",
    "kms",
    "logs",
    "scheduler",
    "secretsmanager",
    "sfn",
    "sns",
    "sqs",
    "sts",
)


def provider_override(endpoint: str, state_path: Path) -> dict:
    return {
        "terraform": {"backend": {"local": {"path": str(state_path)}}},
        "provider": {
            "aws": [
                {
                    "access_key": "offline",
                    "secret_key": "offline",
                    "skip_credentials_validation": True,
                    "skip_metadata_api_check": True,
                    "skip_region_validation": True,
                    "endpoints": [dict.fromkeys(SERVICES, endpoint)],
                }
            ]
        },
    }


def write_override(workdir: Path, endpoint: str) -> Path:
    path = workdir / OVERRIDE_FILE
    path.write_text(json.dumps(provider_override(endpoint, workdir / "terraform.tfstate"), indent=2))
    return path
