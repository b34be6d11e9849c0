"""The dev stack deployed once per session to the emulator, and a clean night for each test.

Terraform applies once (about 15 s); each scenario then resets the servers,
the step doubles and the SNS inbox instead of redeploying. The test that
destroys the stack runs last, whatever order the files were collected in.

In parallel (make test: pytest-xdist, --dist loadgroup), each worker is a process
of its own, with its own emulator. The tests that share a deployment form one
xdist group and so run in one worker, in order: every test of the dev stack (and
of the stacks that checkov's plans need beside it), and each own stack's module,
one group per deployment of a parametrized module fixture.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.config import PipelineConfig
from offline.deployment import Deployment, OfflineSettings, deployed
from tests.conftest import MIXED_50_CONFIG, PROJECT
from tests.e2e.prerequisites import require

STACK = "nightly-pipeline-dev"
MORE_STEPS_STACK = "nightly-pipeline-steps"
MIXED_50_STACK = "nightly-pipeline-mixed50"
# Offline only: retries wait 1/1000 of their interval (the count and order are unchanged), and a
# silent ticket API counts as down after 0.5 s instead of Step Functions' 60 s.
E2E_SETTINGS = OfflineSettings(retry_scale=0.001, http_timeout_seconds=0.5)
# The session fixtures of the dev stack's worker: the deployment, and the children whose plans
# test_checkov.py reads beside the dev stack's.
DEV_STACK_GROUP = "e2e-dev-stack"
DEV_STACK_FIXTURES = {"deployment", "more_steps_child", "mixed50_child"}
# What a child of the tests writes into its out folder beside <stack>.plan.json.
CHILD_RESULT = "result.json"
CHILD_TIMEOUT_SECONDS = 900


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: deploys to the local AWS emulator (tests/e2e)")
    config.addinivalue_line("markers", "destroys_stack: runs after every other test of the dev stack")
    config.addinivalue_line(
        "markers",
        "own_stack: deploys a stack of its own, not while the dev stack is deployed in the same process: "
        "the emulators of one process share their resources, and each one resets them all when it stops",
    )


# First: tests/conftest.py gives every test left without a group its module's.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)
            if group := deployment_group(item):
                item.add_marker(pytest.mark.xdist_group(group))
    # The dev stack first (the longest chain of a worker), its destroy last; then the own stacks,
    # then the rest of tests/e2e, which mostly wait on Terraform too; then the other folders. Run
    # in one process, the own stacks thus deploy after the dev stack is destroyed; in parallel,
    # xdist hands the groups out in this order (--no-loadscope-reorder).
    items.sort(
        key=lambda item: (
            deployment_group(item) != DEV_STACK_GROUP,
            item.get_closest_marker("own_stack") is None,
            "tests/e2e/" not in item.nodeid,
            item.get_closest_marker("destroys_stack") is not None,
        )
    )


def deployment_group(item: pytest.Item) -> str | None:
    """The dev stack's group; or in a module whose module-scoped fixtures are parametrized, one
    group per value of them (each deploys a stack of its own); else None."""
    if "tests/e2e/" not in item.nodeid:
        return None
    if not DEV_STACK_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())):
        return DEV_STACK_GROUP
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    definitions = item._fixtureinfo.name2fixturedefs  # type: ignore[attr-defined]
    deployments = [
        f"{name}={callspec.params[name]}"
        for name in sorted(callspec.params)
        if name in definitions and definitions[name][-1].scope == "module"
    ]
    # No "]" in a group's name: xdist would read the whole node id as the group.
    return "::".join([item.nodeid.split("::")[0], *deployments]) if deployments else None


@pytest.fixture(scope="session")
def dev_config(configs) -> PipelineConfig:
    return configs[STACK]


@contextmanager
def e2e_deployment(config: PipelineConfig, synth_dir: Path, tmp_path_factory) -> Iterator[Deployment]:
    require("terraform")
    workdir = tmp_path_factory.mktemp("offline-terraform")
    stack_dir = synth_dir / "stacks" / config.stack.name
    with deployed(config, stack_dir, E2E_SETTINGS, workdir=workdir) as deployment:
        yield deployment


def quiet_night(deployment: Deployment) -> Iterator[Deployment]:
    """The deployment with every step succeeding, every API answering, nothing recorded yet."""
    deployment.reset()
    yield deployment
    deployment.reset()


@pytest.fixture(scope="session")
def deployment(synth_dir, dev_config, tmp_path_factory) -> Iterator[Deployment]:
    with e2e_deployment(dev_config, synth_dir, tmp_path_factory) as deployment:
        yield deployment


@pytest.fixture
def night(deployment) -> Iterator[Deployment]:
    yield from quiet_night(deployment)


@dataclass(frozen=True)
class Child:
    """A process of the tests that applies a stack to an emulator of its own (moto keeps its
    resources per process), started when a test first asks for it and waited for when one needs
    what it wrote into `out`: CHILD_RESULT and <stack>.plan.json."""

    process: subprocess.Popen[bytes]
    out: Path

    def finished(self) -> Path:
        self.process.wait(timeout=CHILD_TIMEOUT_SECONDS)
        assert self.process.returncode == 0, (self.out / "stderr.log").read_text()[-4000:]
        return self.out


@contextmanager
def started_child(module: str, out: Path, *arguments: Path) -> Iterator[Child]:
    require("terraform")
    # stderr to a file: a pipe nobody reads until the end could fill and stall the child.
    with (
        (out / "stderr.log").open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", module, str(out), *map(str, arguments)],
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        ) as process,
    ):
        try:
            yield Child(process, out)
        finally:
            process.kill()


@pytest.fixture(scope="session")
def more_steps_child(synth_dir, tmp_path_factory) -> Iterator[Child]:
    """tests/e2e/more_steps_night.py: the Glue and nested state machine steps' nights."""
    out = tmp_path_factory.mktemp("more-steps")
    with started_child("tests.e2e.more_steps_night", out, synth_dir / "stacks" / MORE_STEPS_STACK) as child:
        yield child


@pytest.fixture(scope="session")
def mixed50_child(synth_dir, tmp_path_factory) -> Iterator[Child]:
    """tests/e2e/large_stack.py on fifty mixed steps: the roles as applied."""
    out = tmp_path_factory.mktemp("mixed50")
    with started_child(
        "tests.e2e.large_stack", out, MIXED_50_CONFIG, synth_dir / "stacks" / MIXED_50_STACK
    ) as child:
        yield child
