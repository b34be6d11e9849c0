"""Starts the jsii kernel before Python needs it, with its first requests queued.

jsii starts its kernel (two Node processes) when the first assembly is loaded,
and waits for it: about 0.3 s to boot, then 0.3 s more to load constructs,
cdktf and the provider. Python does nothing meanwhile; afterwards it spends
about 0.5 s executing cdktf's bindings while the kernel does nothing. Here the
kernel is spawned as soon as fast synth is enabled, with the load requests of
those three assemblies already written to it. When jsii would start its own
kernel it adopts this one, and when it sends one of those load requests it
gets the answer the kernel has already computed.

A kernel that is never adopted (a run that stops before it synthesizes, or a
test run that never synthesizes) is terminated before Python exits. It holds
nothing to save: the package cache it reads from was filled by
`fast_synth.prepare`.
"""

from __future__ import annotations

import atexit
import importlib.machinery
import importlib.util
import json
import platform
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Node reads this file of extra CA certificates at start, about 0.1 s per
# process; the kernel makes no network connections during a synth.
UNNEEDED_NODE_VARIABLES = ("NODE_EXTRA_CA_CERTS",)
EXIT_SECONDS = 5
LoadKey = tuple[str, str, str]  # name, version, tarball path


@dataclass(frozen=True)
class Assembly:
    """A jsii assembly as its Python package loads it (`jsii.JSIIAssembly.load`)."""

    name: str  # the npm package, such as @cdktf/provider-aws
    version: str
    module: str  # the Python package that ships it

    def load_key(self) -> LoadKey:
        return (self.name, self.version, str(self.tarball()))

    def tarball(self) -> Path:
        """Where the package keeps it, named as jsii-pacmak names it: provider-aws@20.1.0.jsii.tgz."""
        unscoped = self.name.rpartition("/")[2]
        return package_dir(self.module) / "_jsii" / f"{unscoped}@{self.version}.jsii.tgz"


def package_dir(module: str) -> Path:
    """An installed package's folder, found without importing it."""
    spec = importlib.machinery.PathFinder.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{module} is not installed")
    return Path(spec.submodule_search_locations[0])


class EarlyKernel:
    """A kernel process started ahead of jsii, and the load requests it was sent ahead."""

    def __init__(self, process: subprocess.Popen, sent_ahead: Sequence[LoadKey]):
        self.process = process
        self.adopted = False
        self.unanswered = deque(sent_ahead)

    def answer_sent_ahead(self, key: LoadKey | None, read_message: Callable[[], Any]) -> Any | None:
        """The kernel's answer to the load request `key` if it was sent ahead;
        None if the request (a load or anything else) still has to be sent.

        Answers come in the order the requests were written, so the answers to
        requests sent ahead of this one are read first, and dropped. Loading an
        assembly twice is harmless: the kernel answers from what it has loaded.
        """
        while self.unanswered:
            answered = self.unanswered.popleft()
            message = read_message()
            if answered == key:
                return message
        return None

    def stop_unless_adopted(self) -> None:
        """Once adopted, the kernel is jsii's to stop."""
        if not self.adopted:
            self.process.terminate()
            try:
                self.process.wait(timeout=EXIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start(assemblies: Sequence[Assembly], environ: Mapping[str, str]) -> EarlyKernel:
    """Spawns the kernel the way jsii would, writes the load requests, and has
    jsii adopt the process (which imports jsii's kernel client)."""
    scratch = Path(tempfile.mkdtemp(prefix="jsii-runtime-"))
    # Registered first, so it runs after the kernel has been stopped. The kernel's own temporary
    # folder (jsii-kernel-*) is made in it too: a kernel stopped before jsii adopts it is
    # terminated, and cannot delete that folder itself.
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    entry_point = environ.get("JSII_RUNTIME") or str(_extract_runtime(scratch / "runtime"))
    (scratch / "tmp").mkdir()
    keys = [assembly.load_key() for assembly in assemblies]
    process = subprocess.Popen(
        [environ.get("JSII_NODE", "node"), "--max-old-space-size=4069", entry_point],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**spawn_environment(environ), "TMPDIR": str(scratch / "tmp")},
    )
    assert process.stdin is not None
    process.stdin.write(b"".join(_load_request(key) for key in keys))
    process.stdin.flush()
    kernel = EarlyKernel(process, keys)
    atexit.register(kernel.stop_unless_adopted)
    _let_jsii_adopt(kernel)
    return kernel


def spawn_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What jsii passes to its kernel, less what only slows Node's start."""
    env = {name: value for name, value in environ.items() if name not in UNNEEDED_NODE_VARIABLES}
    env["JSII_AGENT"] = f"Python/{platform.python_version()}"
    return env


def _extract_runtime(into: Path) -> Path:
    """Writes jsii's embedded kernel scripts out, as jsii does on every start."""
    embedded = package_dir("jsii") / "_embedded" / "jsii"
    # Its file table, read without importing jsii itself (that import is what this overlaps).
    table_spec = importlib.util.spec_from_file_location("_jsii_embedded_files", embedded / "__init__.py")
    assert table_spec is not None and table_spec.loader is not None
    table = importlib.util.module_from_spec(table_spec)
    table_spec.loader.exec_module(table)
    for resource, relative in table.EMBEDDED_FILES.items():
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(embedded / resource, target)
    return into / table.EMBEDDED_FILES[table.ENTRYPOINT]


def _load_request(key: LoadKey) -> bytes:
    """A load request as jsii writes it."""
    name, version, tarball = key
    return json.dumps({"api": "load", "name": name, "version": version, "tarball": tarball}).encode() + b"\n"


def _let_jsii_adopt(kernel: EarlyKernel) -> None:
    """Patches jsii's kernel client (in memory) to use the early process.

    start() is jsii's own, minus spawning; send() answers requests sent ahead.
    """
    from jsii._kernel.providers import process as client

    original_start, original_send = client._NodeProcess.start, client._NodeProcess.send

    def start(self) -> None:
        if kernel.adopted:
            original_start(self)
            return
        kernel.adopted = True
        self._process = kernel.process
        self.sink_thread = threading.Thread(
            name="process.stderr_sink", target=client.stderr_sink, args=(self._process.stderr,), daemon=True
        )
        self.sink_thread.start()
        atexit.register(self.stop)
        self.handshake()

    def send(self, request, response_type):
        if kernel.unanswered and self._process is kernel.process:
            key = (
                (request.name, request.version, request.tarball)
                if isinstance(request, client.LoadRequest)
                else None
            )
            message = kernel.answer_sent_ahead(key, self._next_message)
            if message is not None:
                return _response(self._serializer, message, response_type, client)
        return original_send(self, request, response_type)

    client._NodeProcess.start = start
    client._NodeProcess.send = send


def _response(serializer, message, response_type, client):
    """jsii's own handling of a kernel answer (`_NodeProcess.send`)."""
    response = serializer.structure(message, client._ProcessResponse)
    if isinstance(response, client._OkayResponse):
        return serializer.structure(response.ok, response_type)
    error = client.JSIIError if response.name == client.ErrorType.JSII_FAULT.value else RuntimeError
    raise error(response.error) from client.JavaScriptError(response.stack)
