"""`python -m review` on a throwaway git repository whose main.py writes stacks instantly."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from review import cli
from review.cli import main
from review.terraform import Validation

FAKE_MAIN = """\
import json, os, pathlib
out = pathlib.Path(os.environ["CDKTF_OUTDIR"])
for name, document in json.loads(pathlib.Path("stacks.json").read_text()).items():
    (out / "stacks" / name).mkdir(parents=True)
    (out / "stacks" / name / "cdk.tf.json").write_text(json.dumps(document))
"""


def git(repo: Path, *arguments: str) -> str:
    command = ["git", "-c", "user.name=Review", "-c", "user.email=review@example.com", *arguments]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def output(value: str) -> dict:
    return {"output": {"greeting": {"value": value}}}


def commit(repo: Path, stacks: dict, *, with_main: bool = True) -> str:
    (repo / "stacks.json").write_text(json.dumps(stacks))
    if with_main:
        (repo / "main.py").write_text(FAKE_MAIN)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    return repo


def worktrees(repo: Path) -> list[str]:
    return git(repo, "worktree", "list").splitlines()


def test_the_report_compares_the_base_with_the_uncommitted_working_tree(repo, capsys):
    base = commit(repo, {"dev": output("hello"), "old": output("bye")})
    (repo / "stacks.json").write_text(json.dumps({"dev": output("hi"), "new": output("hey")}))

    assert main(["--base", "HEAD", "--no-validate"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"## Plan review: `HEAD ({base[:7]})` → working tree at `{base[:7]}` with uncommitted changes"
    )
    assert "| `new` (added) | 0 | 0 | 0 | 0 |" in lines
    assert "| `old` (removed) | 0 | 0 | 0 | 0 |" in lines
    assert '- `output.greeting.value`: `"hello"` → `"hi"`' in lines
    assert len(worktrees(repo)) == 1


def test_a_base_without_main_py_has_no_stacks(repo, capsys):
    base = commit(repo, {}, with_main=False)
    head = commit(repo, {"dev": output("hello")})

    assert main(["--base", base, "--no-validate"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"## Plan review: `{base}` → working tree at `{head[:7]}`"
    assert lines[2] == "> The base has no `main.py`, so it has no stacks."
    assert "| `dev` (added) | 0 | 0 | 0 | 0 |" in lines


def test_a_failed_synth_is_reported_and_the_worktree_still_removed(repo, capsys):
    commit(repo, {"dev": output("hello")})
    (repo / "main.py").write_text("raise SystemExit('no configuration today')\n")

    assert main(["--base", "HEAD", "--no-validate"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "review: synthesizing the head failed (exit status 1):\nno configuration today" in captured.err
    assert len(worktrees(repo)) == 1


def test_an_unknown_base_is_refused(repo, capsys):
    commit(repo, {"dev": output("hello")})

    assert main(["--base", "no-such-branch"]) == 2

    assert "'no-such-branch' is not a commit of" in capsys.readouterr().err


def test_the_report_can_be_written_to_a_file(repo, capsys, tmp_path):
    commit(repo, {"dev": output("hello")})

    assert main(["--base", "HEAD", "--no-validate", "--output", str(tmp_path / "review.md")]) == 0

    assert capsys.readouterr().out == ""
    assert "## Stack `dev`" in (tmp_path / "review.md").read_text()


def test_every_stack_of_both_sides_is_validated_and_reported(repo, capsys, monkeypatch):
    commit(repo, {"same": output("hello"), "changed": output("hello"), "old": output("bye")})
    (repo / "stacks.json").write_text(json.dumps({"same": output("hello"), "changed": output("hi")}))
    validated = []

    def validate_all(paths):
        validated.extend((path.parent.parent.name, path.name) for path in paths)
        return {
            path: Validation(path.name != "changed" or path.parent.parent.name == "base", "broken")
            for path in paths
        }

    monkeypatch.setattr(cli.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(cli, "validate_all", validate_all)

    assert main(["--base", "HEAD"]) == 0

    assert sorted(validated) == [
        ("base", "changed"),
        ("base", "old"),
        ("base", "same"),
        ("head", "changed"),
        ("head", "same"),
    ]
    out = capsys.readouterr().out
    assert out.count("`terraform validate`: base ✅ valid · head ✅ valid") == 1
    assert "`terraform validate`: base ✅ valid · head ❌ broken" in out
    assert "`terraform validate`: base ✅ valid\n" in out


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_terraform_validate_runs_on_both_sides(repo, capsys):
    commit(repo, {"dev": output("hello")})
    broken = {"output": {"greeting": {"value": "${aws_sns_topic.missing.arn}"}}}
    (repo / "stacks.json").write_text(json.dumps({"dev": broken}))

    assert main(["--base", "HEAD"]) == 0

    assert (
        "`terraform validate`: base ✅ valid · head ❌ Reference to undeclared resource"
        in capsys.readouterr().out.splitlines()
    )


SUBSCRIPTION = {
    "resource": {
        "aws_sns_topic_subscription": {
            "E": {"protocol": "email", "endpoint": "a@example.com", "topic_arn": "t"}
        }
    }
}


def test_the_json_format_prints_every_finding_with_its_id_severity_kind_stack_subject_and_message(
    repo, capsys
):
    commit(repo, {"dev": output("hello"), "old": output("bye")})
    (repo / "stacks.json").write_text(json.dumps({"dev": SUBSCRIPTION}))

    assert main(["--base", "HEAD", "--no-validate", "--format", "json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert report == {
        "findings": [
            {
                "id": "STK001",
                "severity": "high",
                "kind": "orphaned",
                "stack": "old",
                "subject": {},
                "message": report["findings"][0]["message"],
            },
            {
                "id": "SNS001",
                "severity": "medium",
                "kind": "subscription",
                "stack": "dev",
                "subject": {"resource": "aws_sns_topic_subscription.E"},
                "message": (
                    "`a@example.com` receives nothing until it confirms the e-mail SNS sends on apply "
                    "(a new subscription)."
                ),
            },
        ]
    }
    assert "nothing destroys the stack" in report["findings"][0]["message"]


@pytest.mark.parametrize(("fail_on", "status"), [("high", 0), ("medium", 1), ("low", 1), ("info", 1)])
def test_fail_on_exits_1_when_a_finding_is_at_that_severity_or_above(repo, capsys, fail_on, status):
    commit(repo, {"dev": output("hello")})
    (repo / "stacks.json").write_text(json.dumps({"dev": SUBSCRIPTION}))

    assert main(["--base", "HEAD", "--no-validate", "--fail-on", fail_on]) == status

    captured = capsys.readouterr()
    assert "`SNS001` subscription" in captured.out
    gate = f"review: 1 finding(s) at {fail_on} or above (SNS001)\n"
    assert (gate in captured.err) == bool(status)
