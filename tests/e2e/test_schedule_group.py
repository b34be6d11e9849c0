"""A schedule in a group of its own applies: the stack creates the group before the schedule.

The emulator, like AWS, refuses CreateSchedule in a group that does not exist. This runs
`make try-failure` on the dev configuration moved to its own group, in a process of its own
(the session's emulator and step doubles stay untouched).
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT
from tests.e2e.prerequisites import require


def test_a_stack_in_its_own_schedule_group_applies_and_runs(tmp_path):
    require("terraform")
    dev = (PROJECT / "config" / "dev.toml").read_text()
    config = tmp_path / "grouped.toml"
    config.write_text(dev.replace("[schedule]\n", '[schedule]\ngroup = "nightly-pipeline-dev"\n', 1))

    result = subprocess.run(
        [sys.executable, "-m", "offline.try_failure", str(config)],
        cwd=PROJECT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.rstrip().endswith("As expected.")
