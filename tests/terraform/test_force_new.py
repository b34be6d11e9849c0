"""FORCES_REPLACEMENT against the real provider: every attribute the project sets, on every resource
type it creates, changed alone and planned by hashicorp/aws 5.100.0 against a state that holds the
old value. The attributes whose change the plan replaces (`replace_paths`) must be those of the table.

No AWS is contacted: the plan does not refresh, the credentials are fake, and the one request the
provider makes while planning (Step Functions' ValidateStateMachineDefinition) goes to a loopback
server that accepts every definition.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from review.resources import FORCES_REPLACEMENT
from terraform_cli import Terraform
from tests.conftest import MIXED_50_CONFIG, PROJECT, VARIANT_CONFIG, keyed_config_text

pytestmark = pytest.mark.terraform

# A value of the same type that the provider accepts, for the attributes where a changed text would not do.
OTHER_VALUE: dict[str, dict[Any, Any]] = {
    "type": {"STANDARD": "EXPRESS", "CUSTOMER_MANAGED_KMS_KEY": "AWS_OWNED_KEY"},
    "level": {"ALL": "ERROR", "ERROR": "ALL"},
    "retention_in_days": {14: 30},
    "protocol": {"email": "email-json"},
    "http_method": {"POST": "PUT"},
    "authorization_type": {"API_KEY": "BASIC"},
    "comparison_operator": {"GreaterThanOrEqualToThreshold": "GreaterThanThreshold"},
    "statistic": {"Sum": "Maximum", "Maximum": "Sum"},
    "treat_missing_data": {"breaching": "notBreaching", "notBreaching": "breaching"},
    "mode": {"OFF": "FLEXIBLE"},
    "state": {"ENABLED": "DISABLED"},
    "schedule_expression_timezone": {"Europe/Berlin": "UTC"},
    "schedule_expression": {"cron(0 22 * * ? *)": "cron(30 23 * * ? *)"},
    "message_retention_seconds": {1209600: 1209599},
    "period": {60: 120, 300: 600, 3600: 7200, 86400: 3600},
}
# JSON documents in a string, changed by a key that keeps them valid.
JSON_KEYS = {"definition": "Comment", "policy": "Id", "assume_role_policy": "Id", "event_pattern": "account"}
# A reference to a resource's attribute or a data source's (not IAM's $${*}, not a function call).
REFERENCE = re.compile(r"(?<!\$)\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+)\}")


class _AcceptEveryDefinition(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"result": "OK", "diagnostics": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def step_functions() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _AcceptEveryDefinition)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def bodies(tmp: Path) -> dict[str, dict]:
    """The first resource of each type: of the dev stack, the keyed one (a KMS key), the variant (a
    schedule group) and mixed-50 (managed policies), with every reference replaced by a value of
    the shape Terraform puts there."""
    from core.loading import load_configs
    from stacks.app import synthesize

    (tmp / "kms.toml").write_text(keyed_config_text("nightly-pipeline-kms"))
    configs = [PROJECT / "config" / "dev.toml", tmp / "kms.toml", VARIANT_CONFIG, MIXED_50_CONFIG]
    synthesize(load_configs(configs), tmp / "out", PROJECT)
    found: dict[str, dict] = {}
    for path in sorted((tmp / "out" / "stacks").glob("*/cdk.tf.json")):
        for kind, named in json.loads(REFERENCE.sub(_resolved, path.read_text())).get("resource", {}).items():
            body = next(iter(named.values()))
            found.setdefault(
                kind, {k: v for k, v in body.items() if k not in ("//", "depends_on", "lifecycle")}
            )
    return found


def _resolved(reference: re.Match[str]) -> str:
    parts = reference.group(1).split(".")
    if parts[0] == "data":
        return {"aws_partition": "aws", "aws_caller_identity": "111111111111"}.get(parts[1], "eu-west-1")
    if parts[-1].endswith("arn") or (parts[-1] == "id" and parts[0] == "aws_kms_key"):
        return f"arn:aws:{parts[0].split('_')[1]}:eu-west-1:111111111111:{parts[1].lower()}"
    if parts[-1] == "url":
        return f"https://sqs.eu-west-1.amazonaws.com/111111111111/{parts[1].lower()}"
    return parts[1].lower()


def changed(key: str, value: Any) -> Any:
    """Another value the provider accepts; None when there is none to try."""
    if key in OTHER_VALUE:
        return OTHER_VALUE[key].get(value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if key in JSON_KEYS:
        return json.dumps({**json.loads(value), JSON_KEYS[key]: ["111111111111"]})
    if isinstance(value, str):
        return value + ("/x" if value.startswith("https://") else "x")
    return None


def leaves(value: Any, steps: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Each leaf value with the keys and indices that lead to it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*steps, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*steps, index))
    else:
        yield steps, value


def variants(body: dict) -> dict[str, tuple[str, dict]]:
    """By instance name: the top-level attribute changed, and the body with one leaf under it changed."""
    found = {}
    for steps, value in leaves(body):
        name = next(step for step in reversed(steps) if isinstance(step, str))
        new = changed(name, value)
        if new is None or steps[0] == "tags":
            continue
        copy = json.loads(json.dumps(body))
        target = copy
        for step in steps[:-1]:
            target = target[step]
        target[steps[-1]] = new
        found[f"v{len(found)}"] = (str(steps[0]), copy)
    return found


def test_each_attribute_the_project_sets_replaces_its_resource_exactly_when_the_table_says(
    tmp_path, step_functions, terraform_env
):
    types = bodies(tmp_path)
    assert set(types) == set(FORCES_REPLACEMENT)
    cases = {kind: variants(body) for kind, body in types.items()}
    provider = {
        "region": "eu-west-1",
        "access_key": "test",
        "secret_key": "test",
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "endpoints": {"sfn": step_functions},
    }
    head = {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}}}
    work = tmp_path / "plan"
    work.mkdir()
    terraform = Terraform(work, terraform_env)
    config = work / "main.tf.json"
    provider_block = {**head, "provider": {"aws": provider}}
    config.write_text(
        json.dumps({**provider_block, "resource": {kind: {"old": body} for kind, body in types.items()}})
    )
    terraform.init()
    # The state: each resource as the provider plans to create it, with the defaults it fills in.
    created = plan(terraform)
    values = {r["type"]: r["values"] for r in created["planned_values"]["root_module"]["resources"]}
    versions = {r["type"]: r["schema_version"] for r in created["configuration"]["root_module"]["resources"]}
    (work / "terraform.tfstate").write_text(json.dumps(state(cases, values, versions)))
    resources = {kind: {name: body for name, (_, body) in named.items()} for kind, named in cases.items()}
    config.write_text(json.dumps({**provider_block, "resource": resources}))

    replaced: dict[tuple[str, str], set[str]] = {}
    for change in plan(terraform)["resource_changes"]:
        attribute = cases[change["type"]][change["name"]][0]
        paths = {path[0] for path in change["change"].get("replace_paths") or []}
        replaced.setdefault((change["type"], attribute), set()).update(paths)
    assert replaced == {
        (kind, attribute): {attribute} & FORCES_REPLACEMENT[kind] for kind, attribute in replaced
    }


def plan(terraform: Terraform) -> dict:
    terraform.check("plan", "-input=false", "-refresh=false", "-out=plan.tfplan")
    return json.loads(terraform.check("show", "-json", "plan.tfplan"))


def state(
    cases: dict[str, dict[str, tuple[str, dict]]], values: dict[str, dict], versions: dict[str, int]
) -> dict:
    """Every variant of a type starts from the same old values."""
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "force-new",
        "resources": [
            {
                "mode": "managed",
                "type": kind,
                "name": name,
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {
                        "schema_version": versions[kind],
                        "attributes": {k: v for k, v in values[kind].items() if v is not None} | {"id": "x"},
                    }
                ],
            }
            for kind, named in cases.items()
            for name in named
        ],
    }
