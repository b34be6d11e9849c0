"""One synthesized stack, deployed to the emulator with everything its failure path talks to.

In order: a recording server for each origin the definition calls (the
ticketing API, the partner API of an HTTP step) and an authorization server
for each OAuth connection, the emulator with the offline integrations plugged
in, the secrets the stack reads (each value fresh and random, created before
apply as a real deploy requires), `terraform init` + `apply` of the
synthesized file, and an SQS inbox on the failure topic.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from core.config import PipelineConfig
from core.connections import AuthKind, SecretSource
from offline import asl_compat, event_targets, task_factory
from offline.connection_auth import basic_authorization
from offline.emulator import FAKE_CREDENTIALS, Emulator, running_emulator
from offline.event_targets import Deliveries
from offline.executions import ExecutionResult, run_execution
from offline.http_invoke import STEP_FUNCTIONS_TIMEOUT_SECONDS, HttpInvokeSettings
from offline.recording_server import RecordingServer, Reply
from offline.retry_clock import RetryClock
from offline.sns_inbox import SnsInbox
from offline.step_doubles import StepDoubles, double_for
from offline.terraform import prepare
from terraform_cli import Terraform

SET_API_KEYS = Path(__file__).resolve().parent.parent / "scripts" / "set-api-keys.sh"

TICKET_CREATED = Reply.json(201, {"Uid": "offline-support-case"})
API_OK = Reply.json(200, {"status": "ok"})
ACCESS_TOKEN_SECONDS = 3600
PLAN_FILE = "deploy.tfplan"


@dataclass(frozen=True, kw_only=True)
class Secrets:
    """The secret values created for this run."""

    own: dict[str, str]
    """Each connection's own secret (API key, password or client secret), by connection name."""
    all: tuple[str, ...]
    """Every value, for masking what is printed."""


@dataclass(frozen=True, kw_only=True)
class OfflineSettings:
    retry_scale: float = 0.01
    """Share of each Retry interval really waited (see offline.retry_clock); 1 waits in full."""
    http_timeout_seconds: float = STEP_FUNCTIONS_TIMEOUT_SECONDS
    """When an HTTP task gives up on a silent server (States.Http.Socket)."""
    secret_salt: str | None = None
    """Ends every secret value (secret_value) instead of fresh random text, so that the values are
    known before the deployment, e.g. to be in the environment of a synth."""


def secret_value(connection: str, index: int, salt: str | None) -> str:
    """The value offline creates for the index-th of a connection's secret_sources()."""
    return f"offline-{connection}-{index}-{salt or secrets.token_hex(12)}"


@dataclass
class Deployment:
    config: PipelineConfig
    emulator: Emulator
    terraform: Terraform
    outputs: dict[str, str]
    secrets: Secrets
    servers: dict[str, RecordingServer]
    """By configured origin, e.g. "https://myoutseta.outseta.com"."""
    token_servers: dict[str, RecordingServer]
    """The OAuth authorization servers, by configured origin; each issues `access_token`."""
    access_token: str
    doubles: StepDoubles
    retry_clock: RetryClock
    inbox: SnsInbox
    deliveries: Deliveries
    """What EventBridge delivered to the night watch's targets (offline.event_targets)."""

    @property
    def ticket_server(self) -> RecordingServer:
        return self.server_for(self.config.ticket.request.endpoint)

    def server_for(self, endpoint: str) -> RecordingServer:
        return self.servers[origin_of(endpoint)]

    def secret_values(self) -> list[str]:
        """Everything secret a request may carry: the secrets, the access token, and each Basic
        connection's encoded credentials (they decode to the password)."""
        basic = [
            basic_authorization(connection.username, self.secrets.own[name]).removeprefix("Basic ")
            for name, connection in self.config.connections.items()
            if connection.auth is AuthKind.BASIC
        ]
        return [*self.secrets.all, self.access_token, *basic]

    def token_server_for(self, connection: str) -> RecordingServer:
        return self.token_servers[origin_of(self.config.connections[connection].oauth.authorization_endpoint)]

    def run(self, execution_input: dict | None = None, timeout_seconds: float = 60) -> ExecutionResult:
        """One execution with the schedule's input (by default), waited for."""
        sfn = self.emulator.client("stepfunctions")
        state_input = self.config.schedule.input if execution_input is None else execution_input
        return run_execution(sfn, self.outputs["state_machine_arn"], dict(state_input), timeout_seconds)

    def reset(self) -> None:
        """Back to a quiet night: every step succeeds, every API answers, nothing recorded."""
        for server in [*self.servers.values(), *self.token_servers.values()]:
            server.reset()
        self.doubles.reset()
        self.retry_clock.reset()
        self.inbox.take()
        self.deliveries.take()


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def called_origins(config: PipelineConfig) -> list[str]:
    """The ticket's origin first, then those the steps call."""
    endpoints = [config.ticket.request.endpoint]
    endpoints += [endpoint for step in config.steps for endpoint in double_for(type(step)).endpoints(step)]
    return list(dict.fromkeys(origin_of(endpoint) for endpoint in endpoints))


def authorization_origins(config: PipelineConfig) -> list[str]:
    """The origins of the OAuth connections' authorization endpoints."""
    endpoints = [
        connection.oauth.authorization_endpoint
        for connection in config.connections.values()
        if connection.oauth
    ]
    return list(dict.fromkeys(origin_of(endpoint) for endpoint in endpoints))


@contextmanager
def deployed(
    config: PipelineConfig, stack_dir: Path, settings: OfflineSettings, workdir: Path | None = None
) -> Iterator[Deployment]:
    ticket_origin, *other_origins = called_origins(config)
    servers = {ticket_origin: RecordingServer("ticket-api", TICKET_CREATED).start()}
    servers |= {origin: RecordingServer(origin, API_OK).start() for origin in other_origins}
    access_token = f"offline-access-token-{secrets.token_hex(12)}"
    issued = Reply.json(
        200, {"access_token": access_token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_SECONDS}
    )
    token_servers = {
        origin: RecordingServer(f"token {origin}", issued).start() for origin in authorization_origins(config)
    }
    try:
        with running_emulator(config.stack.region, config.stack.account_id) as emulator:
            yield _deploy(
                config, stack_dir, settings, workdir, emulator, servers, token_servers, access_token
            )
    finally:
        for server in [*servers.values(), *token_servers.values()]:
            server.stop()


def _deploy(
    config: PipelineConfig,
    stack_dir: Path,
    settings: OfflineSettings,
    workdir: Path | None,
    emulator: Emulator,
    servers: dict[str, RecordingServer],
    token_servers: dict[str, RecordingServer],
    access_token: str,
) -> Deployment:
    retry_clock, doubles = RetryClock(settings.retry_scale), StepDoubles()
    asl_compat.install(retry_clock)
    http_settings = HttpInvokeSettings(
        emulator_endpoint=emulator.endpoint,
        origins={origin: server.origin for origin, server in servers.items()},
        token_origins={origin: server.origin for origin, server in token_servers.items()},
        timeout_seconds=settings.http_timeout_seconds,
    )
    task_factory.install(http_settings, doubles)
    deliveries = Deliveries()
    event_targets.install(http_settings, deliveries)
    created_secrets, variables = _create_secrets(config, emulator, settings.secret_salt)
    workdir = workdir or Path(tempfile.mkdtemp(prefix="offline-terraform-"))
    runner = prepare(stack_dir, workdir, emulator.endpoint, variables)
    runner.init()
    runner.save_plan(PLAN_FILE)
    runner.apply(PLAN_FILE)
    _set_connection_secrets(runner, emulator)
    outputs = runner.outputs()
    inbox = SnsInbox(emulator.client("sqs"), emulator.client("sns"), outputs["topic_arn"])
    return Deployment(
        config=config,
        emulator=emulator,
        terraform=runner,
        outputs=outputs,
        secrets=created_secrets,
        servers=servers,
        token_servers=token_servers,
        access_token=access_token,
        doubles=doubles,
        retry_clock=retry_clock,
        inbox=inbox,
        deliveries=deliveries,
    )


def _set_connection_secrets(runner: Terraform, emulator: Emulator) -> None:
    """What a deploy does after apply: Terraform leaves the connections' secrets alone
    (components/connection.py), the script puts them in."""
    env = {
        **runner.env,
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_DEFAULT_REGION": emulator.region,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
    }
    completed = subprocess.run(
        [str(SET_API_KEYS), str(runner.workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{SET_API_KEYS.name} failed:\n{completed.stderr}{completed.stdout}")


def _create_secrets(
    config: PipelineConfig, emulator: Emulator, salt: str | None
) -> tuple[Secrets, dict[str, str]]:
    """A fresh value per secret source of every connection: in the secret the stack reads
    (one JSON secret when several keys of it are read), or in its Terraform variable."""
    values: dict[tuple[str, str | None], str] = {}
    own: dict[str, str] = {}
    for name, connection in config.connections.items():
        for index, source in enumerate(connection.secret_sources()):
            where = _where(name, source)
            if where not in values:
                values[where] = secret_value(name, index, salt)
        own[name] = values[_where(name, connection.secret)]
    variables: dict[str, str] = {}
    secret_strings: dict[str, dict[str | None, str]] = {}
    for (kind, key), value in values.items():
        if kind.startswith("var:"):
            variables[kind[4:]] = value
        else:
            secret_strings.setdefault(kind, {})[key] = value
    secretsmanager = emulator.client("secretsmanager")
    for secret_name, by_key in secret_strings.items():
        if None in by_key and len(by_key) > 1:
            raise ValueError(f"offline: secret {secret_name} is read both whole and by JSON key")
        value = by_key[None] if None in by_key else json.dumps(by_key)
        secretsmanager.create_secret(Name=secret_name, SecretString=value)
    return Secrets(own=own, all=tuple(values.values())), variables


def _where(connection: str, source: SecretSource) -> tuple[str, str | None]:
    if source.variable is not None:
        return f"var:{source.variable}", None
    if source.secret_name.startswith("arn:"):
        raise ValueError(f"connections.{connection}: offline runs need a secret name, not an ARN")
    return source.secret_name, source.secret_json_key
