"""Which folders a synth may replace, and recovery from an interrupted swap (no synth needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from stacks import output_folder
from stacks.output_folder import MARKER, MARKER_TEXT, recover, replace_problem, swap_in

MANIFEST = json.dumps({"version": "0.21.0", "stacks": {"dev": {}}})


def cdktf_output(folder: Path, *, marked: bool = False) -> Path:
    (folder / "stacks" / "dev").mkdir(parents=True)
    (folder / "stacks" / "dev" / "cdk.tf.json").write_text("{}")
    (folder / "manifest.json").write_text(MANIFEST)
    if marked:
        (folder / MARKER).write_text(MARKER_TEXT)
    return folder


@pytest.mark.parametrize(
    "prepare",
    [
        pytest.param(lambda out: None, id="absent"),
        pytest.param(lambda out: out.mkdir(), id="empty"),
        pytest.param(lambda out: cdktf_output(out), id="cdktf-output"),
        pytest.param(lambda out: cdktf_output(out, marked=True), id="marked-output"),
    ],
)
def test_absent_empty_and_earlier_output_may_be_replaced(tmp_path, prepare):
    outdir = tmp_path / "cdktf.out"
    prepare(outdir)
    assert replace_problem(outdir, [tmp_path / "project"]) is None


def test_a_folder_of_the_users_is_refused_and_named(tmp_path):
    outdir = tmp_path / "mine"
    outdir.mkdir()
    (outdir / "notes.txt").write_text("mine")
    (outdir / "manifest.json").write_text(MANIFEST)

    problem = replace_problem(outdir, [])

    assert problem is not None
    assert "not cdktf output (it holds notes.txt)" in problem


@pytest.mark.parametrize(
    "manifest",
    ["not json", "[]", '{"stacks": {}}', '{"version": "0.21.0", "stacks": []}'],
)
def test_a_manifest_that_is_not_cdktf_s_does_not_make_output(tmp_path, manifest):
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text(manifest)
    assert "not cdktf output" in replace_problem(outdir, [])


def test_a_folder_holding_the_project_or_a_config_is_refused(tmp_path):
    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    config = project / "config" / "dev.toml"
    config.write_text("")

    assert "holds" in replace_problem(project, [project])
    assert "holds" in replace_problem(tmp_path, [project])
    assert str(config) in replace_problem(project / "config", [project / "other", config])


def test_a_file_is_refused(tmp_path):
    outdir = tmp_path / "cdktf.out"
    outdir.write_text("")
    assert replace_problem(outdir, []) == "it is not a folder"


def test_output_left_retired_by_a_crash_is_put_back_and_leftovers_removed(tmp_path):
    outdir = tmp_path / "cdktf.out"
    retired = cdktf_output(tmp_path / ".cdktf.out.old-abc123", marked=True)
    (retired / "stacks" / "dev" / "cdk.tf.json").write_text('{"previous": true}')
    half_written = tmp_path / ".cdktf.out.new-def456"
    half_written.mkdir()
    (half_written / MARKER).write_text(MARKER_TEXT)
    empty_staging = tmp_path / ".cdktf.out.new-ghi789"
    empty_staging.mkdir()

    notes = recover(outdir)

    assert (outdir / "stacks" / "dev" / "cdk.tf.json").read_text() == '{"previous": true}'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cdktf.out"]
    assert len(notes) == 2 and "put back" in notes[0] and "removed 2 folder(s)" in notes[1]


def test_recovery_leaves_folders_it_did_not_write(tmp_path):
    outdir = cdktf_output(tmp_path / "cdktf.out")
    stranger = tmp_path / ".cdktf.out.old-mine"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")

    assert recover(outdir) == []
    assert (stranger / "notes.txt").read_text() == "mine"


def test_nothing_to_recover_says_nothing(tmp_path):
    assert recover(cdktf_output(tmp_path / "cdktf.out")) == []


def test_swap_replaces_the_folder_and_leaves_nothing_beside_it(tmp_path):
    outdir = cdktf_output(tmp_path / "cdktf.out")
    staging = output_folder.new_staging(outdir)
    (staging / "manifest.json").write_text('{"new": true}')

    swap_in(staging, outdir)

    assert (outdir / "manifest.json").read_text() == '{"new": true}'
    assert [path.name for path in tmp_path.iterdir()] == ["cdktf.out"]


def test_staging_folders_are_ignored_by_git_whatever_their_name(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    outdir = tmp_path / "custom-out"
    staging = output_folder.new_staging(outdir)
    (staging / "manifest.json").write_text(MANIFEST)

    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
