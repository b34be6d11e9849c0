"""checkov (pinned, in its own venv .venv-checkov/) over every synthesized stack.

Any failed check fails the test. Checks that do not apply are skipped in
tools/checkov/checkov.yaml, each with a comment saying why; a skip that no
stack needs any more fails too, so the list cannot go stale.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT

CHECKOV = PROJECT / ".venv-checkov" / "bin" / "checkov"
CONFIG = PROJECT / "tools" / "checkov" / "checkov.yaml"
SKIP_LINE = re.compile(r"^\s*- (CKV2?_[A-Z0-9_]+)\s*$")


@pytest.fixture(scope="module")
def stacks_dir(synth_dir) -> Path:
    if not CHECKOV.exists():
        message = f"{CHECKOV} is missing; run `make checkov-setup`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return synth_dir / "stacks"


def checkov(*arguments: str) -> list[dict]:
    completed = subprocess.run(
        [CHECKOV, *arguments, "--output", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr  # 1: some check failed
    reports = json.loads(completed.stdout)
    return reports if isinstance(reports, list) else [reports]


def skipped_checks() -> list[tuple[str, str]]:
    """(check id, the comment lines just above it) for every entry of skip-check."""
    skips, comment = [], []
    for line in CONFIG.read_text().splitlines():
        if line.strip().startswith("#"):
            comment.append(line.strip().lstrip("# "))
        elif match := SKIP_LINE.match(line):
            skips.append((match.group(1), " ".join(comment)))
            comment = []
        else:
            comment = []
    return skips


def test_no_check_fails_on_any_synthesized_stack(stacks_dir):
    [report] = checkov("--config-file", str(CONFIG), "--directory", str(stacks_dir))

    failed = [
        (check["check_id"], check["resource"], check["file_path"])
        for check in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert report["summary"]["parsing_errors"] == 0
    checked_files = {Path(check["file_path"]).parent.name for check in report["results"]["passed_checks"]}
    assert checked_files == {stack.name for stack in stacks_dir.iterdir()}


def test_every_skipped_check_is_justified_and_still_needed(stacks_dir):
    skips = skipped_checks()
    assert skips, "the config lists no skipped check: the parser or the file changed"
    unjustified = [check for check, comment in skips if len(comment) < 40]
    assert unjustified == [], "each skipped check needs a comment that says why"

    ids = ",".join(check for check, _ in skips)
    [report] = checkov(
        "--framework", "terraform_json", "--skip-download", "--check", ids, "--directory", str(stacks_dir)
    )

    still_failing = {check["check_id"] for check in report["results"]["failed_checks"]}
    assert still_failing == {check for check, _ in skips}, "a skip that no stack needs should be removed"
