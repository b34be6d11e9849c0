"""make try-failure through its warm server (offline/warm.py), on the dev configuration moved to a
schedule group of its own.

The first run deploys it: the stack creates the group before the schedule (the emulator, like AWS,
refuses CreateSchedule in a group that does not exist). The second run of the same stack reuses the
deployment, without Terraform, and is reset to a quiet night first: another failing step gives the
report of that step, with one ticket and one message, as a cold run does. The server is a process
of its own: the session's emulator and step doubles stay untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.e2e.prerequisites import require


@dataclass(frozen=True)
class Runs:
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    state: Path
    """The server's state file, which --stop removes."""


def through_server(state: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "offline.warm", *arguments],
        cwd=PROJECT,
        env={**os.environ, "TRY_FAILURE_SERVER_STATE": str(state)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    require("terraform")
    folder = tmp_path_factory.mktemp("warm")
    dev = (PROJECT / "config" / "dev.toml").read_text()
    config = folder / "grouped.toml"
    config.write_text(dev.replace("[schedule]\n", '[schedule]\ngroup = "nightly-pipeline-dev"\n', 1))
    state = folder / "server.json"
    try:
        first = through_server(state, str(config))
        second = through_server(state, str(config), "--step", "FetchOrders")
    finally:
        through_server(state, "--stop")
    return Runs(first, second, state)


def test_a_stack_in_its_own_schedule_group_applies_and_runs(runs):
    first = runs.first
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "terraform init + apply" in first.stderr
    assert first.stdout.rstrip().endswith("As expected.")


def test_a_second_run_of_the_same_stack_reuses_the_deployment_reset(runs):
    second = runs.second
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "Reusing the deployment of the last run" in second.stderr
    assert "terraform" not in second.stderr
    assert "Step FetchOrders of nightly-pipeline-dev failed" in second.stdout
    assert "AnalyzeOrders" not in second.stdout
    assert second.stdout.rstrip().endswith("As expected.")
    assert not runs.state.exists()
