"""make review reuses the base's synth: only for the same tree, lock files, Python and Node."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from review.cli import main
from tests.review.test_cli import FAKE_MAIN, git, output

# FAKE_MAIN, which also notes the folder it ran in: "base-tree" (the base) or "project" (the head).
LOGGING_MAIN = FAKE_MAIN + 'open(os.environ["SYNTH_LOG"], "a").write(pathlib.Path.cwd().name + "\\n")\n'
LOCK_FILES = ("Pipfile.lock", "package-lock.json")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "main.py").write_text(LOGGING_MAIN)
    for name in LOCK_FILES:
        (repo / name).write_text("{}")
    commit(repo, {"dev": output("hello")})
    monkeypatch.chdir(repo)
    monkeypatch.setenv("SYNTH_LOG", str(tmp_path / "synth.log"))
    return repo


def commit(repo: Path, stacks: dict) -> None:
    (repo / "stacks.json").write_text(json.dumps(stacks))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "change")


def review(repo: Path, capsys) -> tuple[list[str], str]:
    """The folders synthesized by one review, and the report."""
    log = Path(os.environ["SYNTH_LOG"])
    log.unlink(missing_ok=True)
    assert main(["--base", "HEAD", "--no-validate"]) == 0
    return sorted(log.read_text().split()), capsys.readouterr().out


def test_a_base_synthesized_before_is_not_synthesized_again(project, capsys):
    (project / "stacks.json").write_text(json.dumps({"dev": output("hi")}))

    first, first_report = review(project, capsys)
    second, second_report = review(project, capsys)

    assert first == ["base-tree", "project"]
    assert second == ["project"]
    assert second_report == first_report
    assert '- `output.greeting.value`: `"hello"` → `"hi"`' in second_report.splitlines()


def test_a_commit_with_the_same_tree_reuses_it(project, capsys):
    review(project, capsys)
    commit(project, {"dev": output("hello")})  # no change: the same tree, another commit

    assert review(project, capsys)[0] == ["project"]


def test_another_base_commit_is_synthesized(project, capsys):
    review(project, capsys)
    commit(project, {"dev": output("hi")})

    synthesized, report = review(project, capsys)

    assert synthesized == ["base-tree", "project"]
    assert "No changes." in report


@pytest.mark.parametrize("lock_file", LOCK_FILES)
def test_a_changed_lock_file_synthesizes_the_base_again(project, capsys, lock_file):
    review(project, capsys)
    (project / lock_file).write_text('{"changed": true}')

    assert review(project, capsys)[0] == ["base-tree", "project"]


def test_another_node_synthesizes_the_base_again(project, capsys, tmp_path, monkeypatch):
    review(project, capsys)
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "node").write_text("#!/bin/sh\necho v99.0.0\n")
    (bin_folder / "node").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")

    assert review(project, capsys)[0] == ["base-tree", "project"]


def test_a_base_that_failed_to_synthesize_is_not_kept(project, capsys):
    (project / "main.py").write_text(LOGGING_MAIN + "raise SystemExit('broken base')\n")
    commit(project, {"dev": output("hello")})
    (project / "main.py").write_text(LOGGING_MAIN)
    log = Path(os.environ["SYNTH_LOG"])

    for _ in range(2):
        log.unlink(missing_ok=True)
        assert main(["--base", "HEAD", "--no-validate"]) == 2
        assert "synthesizing the base failed (exit status 1):\nbroken base" in capsys.readouterr().err
        assert "base-tree" in log.read_text().split()
