"""One synthesized stack, deployed to the emulator with everything its failure path talks to.

In order: a recording server for each origin the definition calls (the
ticketing API, the partner API of an HTTP step), the emulator with the offline
integrations plugged in, the secrets the stack reads (each with a fresh random
key, created before apply as a real deploy requires), `terraform init` +
`apply` of the synthesized file, and an SQS inbox on the failure topic.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from core.config import PipelineConfig
from offline import asl_compat, task_factory
from offline.emulator import Emulator, running_emulator
from offline.executions import ExecutionResult, run_execution
from offline.http_invoke import STEP_FUNCTIONS_TIMEOUT_SECONDS, HttpInvokeSettings
from offline.recording_server import RecordingServer, Reply
from offline.retry_clock import RetryClock
from offline.sns_inbox import SnsInbox
from offline.step_doubles import StepDoubles
from offline.terraform import prepare
from terraform_cli import Terraform

TICKET_CREATED = Reply.json(201, {"Uid": "offline-support-case"})
API_OK = Reply.json(200, {"status": "ok"})


@dataclass(frozen=True, kw_only=True)
class OfflineSettings:
    retry_scale: float = 0.01
    """Share of each Retry interval really waited (see offline.retry_clock); 1 waits in full."""
    http_timeout_seconds: float = STEP_FUNCTIONS_TIMEOUT_SECONDS
    """When an HTTP task gives up on a silent server (States.Http.Socket)."""


@dataclass
class Deployment:
    config: PipelineConfig
    emulator: Emulator
    terraform: Terraform
    outputs: dict[str, str]
    api_keys: dict[str, str]
    """The key of each connection, by connection name, as created for this run."""
    servers: dict[str, RecordingServer]
    """By configured origin, e.g. "https://myoutseta.outseta.com"."""
    doubles: StepDoubles
    retry_clock: RetryClock
    inbox: SnsInbox

    @property
    def ticket_server(self) -> RecordingServer:
        return self.server_for(self.config.ticket.request.endpoint)

    def server_for(self, endpoint: str) -> RecordingServer:
        return self.servers[origin_of(endpoint)]

    def run(self, execution_input: dict | None = None, timeout_seconds: float = 60) -> ExecutionResult:
        """One execution with the schedule's input (by default), waited for."""
        sfn = self.emulator.client("stepfunctions")
        state_input = self.config.schedule.input if execution_input is None else execution_input
        return run_execution(sfn, self.outputs["state_machine_arn"], dict(state_input), timeout_seconds)

    def reset(self) -> None:
        """Back to a quiet night: every step succeeds, every API answers, nothing recorded."""
        for server in self.servers.values():
            server.reset()
        self.doubles.reset()
        self.retry_clock.reset()
        self.inbox.take()


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def called_origins(config: PipelineConfig) -> list[str]:
    """The ticket's origin first, then those of the HTTP steps."""
    endpoints = [config.ticket.request.endpoint]
    endpoints += [step.request.endpoint for step in config.steps if step.kind == "http"]
    return list(dict.fromkeys(origin_of(endpoint) for endpoint in endpoints))


@contextmanager
def deployed(
    config: PipelineConfig, stack_dir: Path, settings: OfflineSettings, workdir: Path | None = None
) -> Iterator[Deployment]:
    ticket_origin, *other_origins = called_origins(config)
    servers = {ticket_origin: RecordingServer("ticket-api", TICKET_CREATED).start()}
    servers |= {origin: RecordingServer(origin, API_OK).start() for origin in other_origins}
    try:
        with running_emulator(config.stack.region, config.stack.account_id) as emulator:
            yield _deploy(config, stack_dir, settings, workdir, emulator, servers)
    finally:
        for server in servers.values():
            server.stop()


def _deploy(
    config: PipelineConfig,
    stack_dir: Path,
    settings: OfflineSettings,
    workdir: Path | None,
    emulator: Emulator,
    servers: dict[str, RecordingServer],
) -> Deployment:
    retry_clock, doubles = RetryClock(settings.retry_scale), StepDoubles()
    asl_compat.install(retry_clock)
    http_settings = HttpInvokeSettings(
        emulator_endpoint=emulator.endpoint,
        origins={origin: server.origin for origin, server in servers.items()},
        timeout_seconds=settings.http_timeout_seconds,
    )
    task_factory.install(http_settings, doubles)
    api_keys, variables = _create_api_keys(config, emulator)
    workdir = workdir or Path(tempfile.mkdtemp(prefix="offline-terraform-"))
    runner = prepare(stack_dir, workdir, emulator.endpoint, variables)
    runner.init()
    runner.apply()
    outputs = runner.outputs()
    inbox = SnsInbox(emulator.client("sqs"), emulator.client("sns"), outputs["topic_arn"])
    return Deployment(
        config=config,
        emulator=emulator,
        terraform=runner,
        outputs=outputs,
        api_keys=api_keys,
        servers=servers,
        doubles=doubles,
        retry_clock=retry_clock,
        inbox=inbox,
    )


def _create_api_keys(config: PipelineConfig, emulator: Emulator) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh key per connection: in a secret the stack reads, or in its Terraform variable."""
    api_keys: dict[str, str] = {}
    variables: dict[str, str] = {}
    secretsmanager = emulator.client("secretsmanager")
    for name, connection in config.connections.items():
        api_keys[name] = key = f"offline-{name}-{secrets.token_hex(12)}"
        if connection.variable is not None:
            variables[connection.variable] = key
            continue
        if connection.secret_name.startswith("arn:"):
            raise ValueError(f"connections.{name}.secret_name: offline runs need a secret name, not an ARN")
        value = json.dumps({connection.secret_json_key: key}) if connection.secret_json_key else key
        secretsmanager.create_secret(Name=connection.secret_name, SecretString=value)
    return api_keys, variables
