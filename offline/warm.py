"""`make try-failure` with the emulator kept warm between runs.

A cold run spends most of its time before the night starts: Terraform starts
the AWS provider three times and waits 25 s for the dead-letter queue (the
provider re-reads a new SQS queue's attributes until six reads 5 s apart agree,
on the emulator as on AWS). Here a server process on 127.0.0.1 runs
offline.try_failure for each call and keeps the last deployment: when the
next run synthesizes byte for byte the same stack from an equal configuration,
it resets the deployment (offline.deployment.Deployment.reset: every step
succeeds again, every recording emptied) and runs the night on it, without
Terraform. Anything else deploys afresh, as a cold run does.

The server runs the project's code as it was when it started: a client that
finds any source file, the lock files or its environment changed stops it and
starts a new one. It stops by itself after IDLE_SECONDS without a run, or when
its state file (.make/try-failure-server.json) no longer names it (`make clean`).

    python -m offline.warm [try-failure arguments]    a run, through the server
    python -m offline.warm --stop                     stops the server, if any
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.config import PipelineConfig
    from offline.deployment import Deployment

PROJECT = Path(__file__).resolve().parent.parent
# Another file for another server (the tests start their own).
STATE_FILE = Path(os.environ.get("TRY_FAILURE_SERVER_STATE") or PROJECT / ".make" / "try-failure-server.json")
LOG_FILE = STATE_FILE.with_suffix(".log")
IDLE_SECONDS = 20 * 60
START_SECONDS = 120
# What a run executes: a change in any of these is a change of the code the server runs.
SOURCE_FOLDERS = ("core", "policies", "components", "stacks", "offline", "fast_synth", "scripts")
SOURCE_FILES = ("main.py", "terraform_cli.py", "Pipfile.lock", "package-lock.json")
ENVIRONMENT = ("PATH", "TF_CLI_CONFIG_FILE", "PIPELINE_FAST_SYNTH")


def code_version() -> str:
    """A digest of the code and environment a server started now would run with."""
    digest = hashlib.sha256()
    paths = [PROJECT / name for name in SOURCE_FILES]
    for folder in SOURCE_FOLDERS:
        paths += sorted(path for path in (PROJECT / folder).rglob("*") if _is_source(path))
    for path in paths:
        digest.update(str(path.relative_to(PROJECT)).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    for name in ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    return digest.hexdigest()


def _is_source(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".sh", ".js", ".mjs"}


# ---- the client ----


@dataclass(frozen=True)
class ServerState:
    pid: int
    port: int
    code: str

    @classmethod
    def read(cls) -> ServerState | None:
        try:
            return cls(**json.loads(STATE_FILE.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def write(self) -> None:
        STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
        written = STATE_FILE.with_suffix(f".{self.pid}.tmp")
        written.write_text(json.dumps(self.__dict__))
        written.replace(STATE_FILE)


def run_through_server(arguments: list[str]) -> int:
    """One try-failure run, its output and exit status as if it ran here."""
    with socket.create_connection(("127.0.0.1", _server().port)) as connection:
        stream = connection.makefile("rw", encoding="utf-8")
        stream.write(json.dumps({"arguments": arguments, "cwd": os.getcwd()}) + "\n")
        stream.flush()
        for line in stream:
            message = json.loads(line)
            if "exit" in message:
                return int(message["exit"])
            output = sys.stdout if message["stream"] == "out" else sys.stderr
            output.write(message["text"])
            output.flush()
    print(f"offline.warm: the server stopped during the run (see {LOG_FILE})", file=sys.stderr)
    return 1


def _server() -> ServerState:
    """The running server of this code, started if there is none."""
    code = code_version()
    state = ServerState.read()
    if state is not None and state.code == code and _alive(state.pid):
        return state
    if state is not None:
        stop()
        print("Starting the try-failure server (the code changed since the last one) ...", file=sys.stderr)
    else:
        print("Starting the try-failure server (kept for the next runs) ...", file=sys.stderr)
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "offline.warm", "--serve", code],
            cwd=PROJECT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        state = ServerState.read()
        if state is not None and state.pid == process.pid:
            return state
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"offline.warm: the server did not start; see {LOG_FILE}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def stop() -> None:
    """Stops the server this project's state file names, if it is still running."""
    state = ServerState.read()
    STATE_FILE.unlink(missing_ok=True)
    if state is not None and _alive(state.pid):
        os.kill(state.pid, signal.SIGTERM)


# ---- the server ----


@dataclass
class KeptDeployment:
    """The last deployment, kept open for the next run that would deploy the same."""

    folder: Path
    key: str = ""
    deployment: Deployment | None = None
    resources: ExitStack = field(default_factory=ExitStack)

    @contextmanager
    def deploy(self, config: PipelineConfig, stack_dir: Path, scratch: Path) -> Iterator[Deployment]:
        from offline.deployment import OfflineSettings, deployed

        key = hashlib.sha256((stack_dir / "cdk.tf.json").read_bytes() + repr(config).encode()).hexdigest()
        if key == self.key and self.deployment is not None:
            print("Reusing the deployment of the last run: same stack, same config ...", file=sys.stderr)
            night = self.deployment
            night.reset()
        else:
            self.close()
            print(
                "Deploying it to the local AWS emulator (terraform init + apply; kept for the next run) ...",
                file=sys.stderr,
                flush=True,
            )
            workdir = Path(tempfile.mkdtemp(prefix="terraform-", dir=self.folder))
            night = self.resources.enter_context(deployed(config, stack_dir, OfflineSettings(), workdir))
            self.deployment, self.key = night, key
        try:
            yield night
        except BaseException:
            self.close()  # a run that broke off may leave the deployment in any state
            raise

    def close(self) -> None:
        self.key, self.deployment = "", None
        self.resources.close()


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        request = json.loads(self.rfile.readline())
        status = self.server.run(request["arguments"], Path(request["cwd"]), self.wfile)
        self.wfile.write((json.dumps({"exit": status}) + "\n").encode())


class _Server(socketserver.TCPServer):
    allow_reuse_address = True

    def __init__(self, kept: KeptDeployment):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.kept = kept
        self.last_run = time.monotonic()

    def run(self, arguments: list[str], cwd: Path, sink: Any) -> int:
        from offline import try_failure

        os.chdir(cwd)
        out, err = _Forward(sink, "out"), _Forward(sink, "err")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                return try_failure.main(arguments, deploy=self.kept.deploy)
            except SystemExit as exit_:  # argparse: --help, bad arguments
                return exit_.code if isinstance(exit_.code, int) else 1
            except Exception:  # noqa: BLE001  (the server outlives a broken run and says why)
                traceback.print_exc()
                return 1
            finally:
                self.last_run = time.monotonic()
                os.chdir(PROJECT)


@dataclass
class _Forward:
    """A text stream that sends what is written to the client, one JSON line per write."""

    sink: Any
    stream: str

    def write(self, text: str) -> int:
        if text:
            self.sink.write((json.dumps({"stream": self.stream, "text": text}) + "\n").encode())
        return len(text)

    def flush(self) -> None:
        self.sink.flush()

    def isatty(self) -> bool:
        return False


def serve(code: str) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="try-failure-server-") as folder:
        kept = KeptDeployment(Path(folder))
        with _Server(kept) as server, contextlib.closing(kept):
            ServerState(os.getpid(), server.server_address[1], code).write()
            server.timeout = 5
            while _still_wanted(server):
                server.handle_request()
    return 0


def _still_wanted(server: _Server) -> bool:
    state = ServerState.read()
    named = state is not None and state.pid == os.getpid()
    return named and time.monotonic() - server.last_run < IDLE_SECONDS


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["--serve"]:
        return serve(arguments[1])
    if arguments == ["--stop"]:
        stop()
        return 0
    return run_through_server(arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
