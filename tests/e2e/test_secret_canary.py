"""No connection secret reaches Terraform: a canary per auth kind and per source, followed from the
synth to the vendor's server.

Six connections, one per auth kind (api_key, basic, oauth_client_credentials) and per source
(secret_name, variable), each with its own canary value, known before anything runs: the variable
ones are in the environment of the synth, of `terraform plan` and `apply` (as TF_VAR_<variable>,
where the key step reads them), the secret_name ones in Secrets Manager before apply. After the
synth, the saved plan, its apply and the key step (scripts/set-api-keys.sh), no canary is in
cdktf.out, in `terraform show -json` of the plan, or in the state (the file and `terraform show
-json`, also after a refresh that reads every connection back); and each call made through a
connection carries its canary: the ticket, and an HTTP step per other connection.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.connections import AuthKind
from core.loading import load_config
from offline.deployment import PLAN_FILE, Deployment, deployed, secret_value
from offline.failures import make_step_fail
from tests.conftest import run_main
from tests.e2e.conftest import E2E_SETTINGS
from tests.e2e.prerequisites import require

pytestmark = pytest.mark.own_stack
STACK = "nightly-pipeline-canary"
SALT = f"canary{secrets.token_hex(8)}"
# The connection of the ticket, then one HTTP step per other connection, each on its own origin.
TICKET_CONNECTION = "key_secret"
CONNECTIONS = {
    "key_secret": ('auth = "api_key"', 'secret_name = "canary/key"'),
    "key_var": ('auth = "api_key"', 'header = "X-Api-Key"', 'variable = "canary_key"'),
    "basic_secret": (
        'auth = "basic"',
        'username = "pipeline-bot"',
        'secret_name = "canary/basic"',
        'secret_json_key = "password"',
    ),
    "basic_var": ('auth = "basic"', 'username = "pipeline-bot"', 'variable = "canary_password"'),
    "oauth_secret": (
        'auth = "oauth_client_credentials"',
        'authorization_endpoint = "https://login.oauth-secret.example.com/token"',
        'client_id = "nightly"',
        'secret_name = "canary/oauth"',
        'token_request.body = { grant_type = "client_credentials" }',
    ),
    "oauth_var": (
        'auth = "oauth_client_credentials"',
        'authorization_endpoint = "https://login.oauth-var.example.com/token"',
        'client_id = "nightly"',
        'variable = "canary_client_secret"',
        'token_request.body = { grant_type = "client_credentials" }',
    ),
}


def canary_config() -> str:
    connections = "".join(
        f"[connections.{name}]\n" + "".join(f"{line}\n" for line in lines) + "\n"
        for name, lines in CONNECTIONS.items()
    )
    steps = "".join(
        f'[[steps]]\nname = "Call{name.title().replace("_", "")}"\ntype = "http"\nconnection = "{name}"\n'
        f'endpoint = "{endpoint(name)}"\nmethod = "POST"\n\n'
        for name in CONNECTIONS
        if name != TICKET_CONNECTION
    )
    return f"""\
[stack]
name = "{STACK}"
region = "eu-west-1"
account_id = "111111111111"

[notifications]
emails = ["data-team@example.com"]

{connections}[ticket]
connection = "{TICKET_CONNECTION}"
endpoint = "https://tickets.example.com/api/cases"
reporter = "bot-1"

{steps}[[steps]]
name = "AnalyzeOrders"
type = "lambda"
function = "arn:aws:lambda:eu-west-1:111111111111:function:analyze-orders"
"""


def endpoint(connection: str) -> str:
    return f"https://{connection.replace('_', '-')}.example.com/v1/call"


def canary(connection: str) -> str:
    """Each connection's own secret is its first secret source."""
    return secret_value(connection, 0, SALT)


@pytest.fixture(scope="module")
def canary_synth(tmp_path_factory) -> tuple[Path, Path]:
    """(the config file, cdktf.out), synthesized by main.py with the variables' canaries in its
    environment."""
    require("terraform")
    folder = tmp_path_factory.mktemp("canary")
    (folder / "canary.toml").write_text(canary_config())
    config = load_config(folder / "canary.toml")
    environment = {
        f"TF_VAR_{connection.secret.variable}": canary(name)
        for name, connection in config.connections.items()
        if connection.secret.variable
    }
    result = run_main([folder / "canary.toml"], folder / "cdktf.out", timeout=120, **environment)
    assert result.returncode == 0, result.stderr
    return folder / "canary.toml", folder / "cdktf.out"


@pytest.fixture(scope="module")
def canary_night(canary_synth, tmp_path_factory) -> Iterator[Deployment]:
    config_file, outdir = canary_synth
    config = load_config(config_file)
    settings = replace(E2E_SETTINGS, secret_salt=SALT)
    workdir = tmp_path_factory.mktemp("canary-terraform")
    with deployed(config, outdir / "stacks" / STACK, settings, workdir=workdir) as deployment:
        deployment.reset()
        yield deployment


def canaries() -> dict[str, str]:
    return {name: canary(name) for name in CONNECTIONS}


def where_canaries_are(text: str) -> list[str]:
    return [name for name, value in canaries().items() if value in text]


def test_the_deployment_used_the_canaries(canary_night):
    assert canary_night.secrets.own == canaries()
    assert len(set(canaries().values())) == len(CONNECTIONS)


def test_no_canary_is_in_the_synthesized_output(canary_synth, canary_night):
    _, outdir = canary_synth
    found = {
        str(path.relative_to(outdir)): where_canaries_are(path.read_text(errors="replace"))
        for path in outdir.rglob("*")
        if path.is_file()
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_no_canary_is_in_the_saved_plan(canary_night):
    shown = canary_night.terraform.check("show", "-json", PLAN_FILE)

    assert json.loads(shown)["resource_changes"], "the plan that was applied"
    assert where_canaries_are(shown) == []


def test_no_canary_is_in_the_state_after_the_key_step_and_a_refresh(canary_night):
    terraform = canary_night.terraform

    def found_in_state() -> list[str]:
        return where_canaries_are((terraform.workdir / "terraform.tfstate").read_text()) + where_canaries_are(
            terraform.check("show", "-json")
        )

    after_the_key_step = found_in_state()
    terraform.check("apply", "-input=false", "-auto-approve", "-refresh-only")

    assert (after_the_key_step, found_in_state()) == ([], [])


def test_each_call_carries_its_connections_canary(canary_night):
    night = canary_night
    make_step_fail(night, "AnalyzeOrders")

    result = night.run()

    assert result.status == "FAILED", result.cause
    carried = {}
    for name, connection in night.config.connections.items():
        server = night.ticket_server if name == TICKET_CONNECTION else night.server_for(endpoint(name))
        [call] = server.requests
        if connection.auth is AuthKind.API_KEY:
            carried[name] = call.header(connection.header)
        elif connection.auth is AuthKind.BASIC:
            carried[name] = basic_password(call.header("Authorization"), connection.username)
        else:
            assert call.header("Authorization") == f"Bearer {night.access_token}"
            [token_request] = night.token_server_for(name).requests
            carried[name] = basic_password(token_request.header("Authorization"), connection.oauth.client_id)
    assert carried == canaries()


def basic_password(header: str | None, user: str | None) -> str:
    assert header is not None and header.startswith("Basic ")
    login, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    assert login == user
    return password
