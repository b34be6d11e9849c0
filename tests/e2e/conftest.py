"""The dev stack deployed once per session to the emulator, and a clean night for each test.

Terraform applies once (about 15 s); each scenario then resets the servers,
the step doubles and the SNS inbox instead of redeploying. The test that
destroys the stack runs last, whatever order the files were collected in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.config import PipelineConfig
from offline.deployment import Deployment, OfflineSettings, deployed
from tests.e2e.prerequisites import require

STACK = "nightly-pipeline-dev"
# Offline only: retries wait 1/1000 of their interval (the count and order are unchanged), and a
# silent ticket API counts as down after 0.5 s instead of Step Functions' 60 s.
E2E_SETTINGS = OfflineSettings(retry_scale=0.001, http_timeout_seconds=0.5)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: deploys to the local AWS emulator (tests/e2e)")
    config.addinivalue_line("markers", "destroys_stack: runs after every other test of the dev stack")
    config.addinivalue_line(
        "markers",
        "own_stack: deploys a stack of its own, after the dev stack is destroyed: the emulators of one "
        "process share their resources, and each one resets them all when it stops",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)
    items.sort(
        key=lambda item: (
            item.get_closest_marker("own_stack") is not None,
            item.get_closest_marker("destroys_stack") is not None,
        )
    )


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
