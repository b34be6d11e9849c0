"""cdktf.json's app (what `cdktf synth`, `diff` and `deploy` run) is main.py with .venv's Python,
started without `pipenv run`."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import PROJECT


def test_cdktf_json_runs_main_py_through_the_launcher():
    app = json.loads((PROJECT / "cdktf.json").read_text())["app"]
    assert app == "scripts/cdktf-app.sh"


def test_the_launcher_runs_main_py_with_the_venv_python():
    # No pipenv on this PATH: only the venv's Python can run it.
    result = subprocess.run(
        [str(PROJECT / "scripts" / "cdktf-app.sh"), "--list"],
        cwd=PROJECT,
        env={**os.environ, "PIPELINE_CONFIG": "config/dev.toml", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["nightly-pipeline-dev", "config/dev.toml"]
