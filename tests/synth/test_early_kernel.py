"""The jsii kernel started ahead of jsii, its load requests answered ahead, and the quick exit."""

from __future__ import annotations

import importlib
import importlib.resources
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest
from jsii.errors import JSIIError

import fast_synth
from fast_synth import early_kernel
from tests.conftest import DEFAULT_CONFIGS, PROJECT, run_main

CONSTRUCTS = ("constructs", "10.8.1", "/c.tgz")
CDKTF = ("cdktf", "0.21.0", "/d.tgz")
PROVIDER = ("@cdktf/provider-aws", "20.1.0", "/p.tgz")


class Pipe:
    """The kernel's answers to the three loads, in the order it writes them."""

    def __init__(self):
        self.answers = ["constructs loaded", "cdktf loaded", "provider loaded"]

    def read(self) -> str:
        if not self.answers:
            pytest.fail("read past the answers: the next read would wait forever")
        return self.answers.pop(0)


class TestAnswersSentAhead:
    @pytest.fixture
    def kernel(self):
        return early_kernel.EarlyKernel(process=None, sent_ahead=[CONSTRUCTS, CDKTF, PROVIDER])

    def test_each_load_gets_its_own_answer_in_order(self, kernel):
        pipe = Pipe()
        answers = [kernel.answer_sent_ahead(key, pipe.read) for key in (CONSTRUCTS, CDKTF, PROVIDER)]
        assert answers == ["constructs loaded", "cdktf loaded", "provider loaded"]

    def test_a_load_asked_out_of_order_skips_the_earlier_answers(self, kernel):
        pipe = Pipe()
        assert kernel.answer_sent_ahead(CDKTF, pipe.read) == "cdktf loaded"
        # The constructs answer was read and dropped: that load has to be sent again.
        assert kernel.answer_sent_ahead(CONSTRUCTS, pipe.read) is None
        assert pipe.answers == []

    def test_any_other_request_first_reads_every_answer_still_in_the_pipe(self, kernel):
        pipe = Pipe()
        assert kernel.answer_sent_ahead(None, pipe.read) is None
        assert pipe.answers == []

    def test_nothing_is_read_once_every_answer_is_in(self, kernel):
        pipe = Pipe()
        for key in (CONSTRUCTS, CDKTF, PROVIDER):
            kernel.answer_sent_ahead(key, pipe.read)
        assert kernel.answer_sent_ahead(CONSTRUCTS, pipe.read) is None


class KernelWithOneAnswer:
    """Stands in for the Popen of a kernel, for jsii's client to read one answer from."""

    def __init__(self, message: dict):
        self.stdin = io.BytesIO()
        self.stdout = io.BytesIO(json.dumps(message).encode() + b"\n")


def outcome(call) -> tuple:
    try:
        return ("returned", call())
    except (JSIIError, RuntimeError) as error:
        return ("raised", type(error), str(error), type(error.__cause__), str(error.__cause__))


@pytest.mark.parametrize(
    "message",
    [
        {"ok": {"assembly": "cdktf", "types": 1200}},
        {"error": "ENOENT: /c.tgz", "stack": "Error: ENOENT\n    at load", "name": "@jsii/kernel.Fault"},
        {"error": "boom", "stack": "Error: boom\n    at load", "name": "@jsii/kernel.RuntimeError"},
    ],
    ids=["loaded", "fault", "runtime-error"],
)
def test_an_answer_sent_ahead_comes_out_as_jsii_would_have_returned_or_raised_it(message):
    from jsii._kernel.providers import process as client
    from jsii._kernel.types import LoadRequest, LoadResponse

    node = client._NodeProcess()
    node._process = KernelWithOneAnswer(message)
    node.stop = lambda: None  # nothing to stop when the stand-in is collected
    request = LoadRequest(name="cdktf", version="0.21.0", tarball="/c.tgz")
    # Not this session's kernel, so the patched send() leaves the request to jsii's own.
    from_jsii = outcome(lambda: client._NodeProcess.send(node, request, LoadResponse))
    answered_ahead = outcome(lambda: early_kernel._response(node._serializer, message, LoadResponse, client))
    assert answered_ahead == from_jsii


@pytest.mark.parametrize("assembly", fast_synth.ASSEMBLIES, ids=lambda assembly: assembly.name)
def test_the_loads_sent_ahead_are_the_ones_the_bindings_make(assembly):
    bindings = importlib.import_module(f"{assembly.module}._jsii").__jsii_assembly__
    tarball = importlib.resources.files(f"{assembly.module}._jsii").joinpath(bindings.filename)
    assert assembly.load_key() == (bindings.name, bindings.version, os.fspath(tarball))


def test_the_kernel_is_spawned_without_node_extra_ca_certs():
    env = early_kernel.spawn_environment(
        {"NODE_EXTRA_CA_CERTS": "/etc/ssl/certs/all.pem", "PATH": "/usr/bin"}
    )
    assert env["PATH"] == "/usr/bin"
    assert "NODE_EXTRA_CA_CERTS" not in env
    assert env["JSII_AGENT"].startswith("Python/")


def requests_received_by_the_kernel(stderr: str) -> list[dict]:
    """The requests a kernel run with JSII_DEBUG=1 logs, one line each, as `> {json}`."""
    return [json.loads(line[2:]) for line in stderr.splitlines() if line.startswith("> {")]


def test_a_synth_loads_each_assembly_once_and_ahead(tmp_path):
    result = run_main(
        DEFAULT_CONFIGS[:1], tmp_path / "cdktf.out", timeout=120, JSII_DEBUG="1", PIPELINE_FAST_SYNTH="1"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    requests = requests_received_by_the_kernel(result.stderr)
    loads = [request for request in requests if request.get("api") == "load"]
    assert [load["name"] for load in loads] == [assembly.name for assembly in fast_synth.ASSEMBLIES]
    # Sent before anything else: nothing had to wait for jsii to start its own kernel.
    assert requests[: len(loads)] == loads


def run_python(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=PROJECT,
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_kernel_never_adopted_is_stopped_before_python_exits():
    result = run_python(
        """
        import fast_synth
        assert fast_synth.enable() is None
        print(fast_synth._kernel.process.pid)
        """,
        PIPELINE_FAST_SYNTH="1",
    )
    assert result.returncode == 0, result.stderr
    # Left to itself, it would exit only after Python, once it saw its input close.
    assert not process_exists(int(result.stdout))


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


EXIT_SCRIPT = """
    import atexit, sys
    import fast_synth
    fast_synth.enable()
    atexit.register(print, "exit handler ran")
    print("buffered", end=" ")
    sys.stderr.write("to stderr")
    fast_synth.exit(3)
    """


@pytest.mark.parametrize("switch", ["1", "0"], ids=["fast", "normal"])
def test_exit_keeps_the_status_the_exit_handlers_and_the_buffered_output(switch):
    # Buffered as usual: PYTHONUNBUFFERED, which some machines set, would hide a missing flush.
    result = run_python(EXIT_SCRIPT, PIPELINE_FAST_SYNTH=switch, PYTHONUNBUFFERED="")
    assert (result.returncode, result.stdout, result.stderr) == (
        3,
        "buffered exit handler ran\n",
        "to stderr",
    )
