"""make try-failure through its warm server (offline/warm.py): the second run of the same stack
reuses the deployment, without Terraform, and is reset to a quiet night first: another failing
step gives the report of that step, with one ticket and one message, as a cold run does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT
from tests.e2e.prerequisites import require


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


def test_a_second_run_of_the_same_stack_reuses_the_deployment_reset(tmp_path):
    require("terraform")
    state = tmp_path / "server.json"
    try:
        first = through_server(state)
        second = through_server(state, "--step", "FetchOrders")
    finally:
        through_server(state, "--stop")

    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "terraform init + apply" in first.stderr
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "Reusing the deployment of the last run" in second.stderr
    assert "terraform" not in second.stderr
    assert "Step FetchOrders of nightly-pipeline-dev failed" in second.stdout
    assert "AnalyzeOrders" not in second.stdout
    assert second.stdout.rstrip().endswith("As expected.")
    assert not state.exists()
