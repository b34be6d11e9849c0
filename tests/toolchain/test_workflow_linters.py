"""make lint-workflows (part of make test) really runs shellcheck on `run:` scripts and zizmor:
each finds what it should in a workflow written to fail it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import PROJECT

HEADER = "name: probe\non: push\npermissions: {}\njobs:\n  probe:\n    runs-on: ubuntu-latest\n    steps:\n"
UNQUOTED_VARIABLE = HEADER + "      - run: echo $HOME\n"
# Valid for actionlint, which does not know the action; zizmor: pinned to a tag, not a commit.
UNPINNED_ACTION = HEADER + "      - uses: example-org/example-action@v1\n"


def lint_workflows(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "lint-workflows", f"WORKFLOWS={folder}"],
        cwd=PROJECT,
        env=dict(os.environ, MAKEFLAGS="", MAKELEVEL=""),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def workflow(tmp_path: Path, text: str) -> Path:
    (tmp_path / "probe.yml").write_text(text)
    return tmp_path


def test_shellcheck_reads_run_scripts(tmp_path):
    result = lint_workflows(workflow(tmp_path, UNQUOTED_VARIABLE))
    assert result.returncode != 0
    assert "SC2086" in result.stdout


def test_zizmor_audits_what_actionlint_accepts(tmp_path):
    result = lint_workflows(workflow(tmp_path, UNPINNED_ACTION))
    assert result.returncode != 0
    assert "error[unpinned-uses]" in result.stdout
