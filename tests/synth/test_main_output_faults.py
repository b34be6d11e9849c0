"""The output swap under faults: previous output that cannot be deleted, a disk with no room left,
and an output folder whose name holds glob characters. A synth either succeeds or keeps the
previous output, and the next one cleans up what this one could not."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from stacks import output_folder
from stacks.output_folder import MARKER, MARKER_TEXT, recover, swap_in
from tests.conftest import DEFAULT_CONFIGS, run_main
from tests.synth.test_main import contents, leftovers, previous_output, small_filesystem  # noqa: F401


def synth(outdir: Path) -> subprocess.CompletedProcess:
    return run_main(DEFAULT_CONFIGS[:1], outdir, timeout=120)


@pytest.fixture
def undeletable() -> Iterator[list[Path]]:
    """Files made immutable (chattr +i): not even root may delete them, as a user may not delete
    what `sudo make synth` wrote. Made deletable again at the end."""
    files: list[Path] = []
    yield files
    for path in files:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def make_undeletable(path: Path, files: list[Path]) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("no chattr here")
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {result.stderr.strip()}")
    files.append(path)


def test_previous_output_that_cannot_be_deleted_is_replaced_and_cleaned_up_once_it_can(tmp_path, undeletable):
    outdir = tmp_path / "cdktf.out"
    assert synth(outdir).returncode == 0
    stuck = outdir / "stacks" / "nightly-pipeline-dev" / "cdk.tf.json"
    make_undeletable(stuck, undeletable)
    (outdir / "stacks" / "nightly-pipeline-dev" / "old-only.txt").write_text("from the previous synth")

    replaced = synth(outdir)

    assert replaced.returncode == 0, replaced.stderr
    assert not (outdir / "stacks" / "nightly-pipeline-dev" / "old-only.txt").exists()
    assert re.search(r"^nightly-pipeline-dev: \d+ resources -> ", replaced.stdout, re.MULTILINE)
    [retired] = leftovers(outdir)
    assert f"could not remove {tmp_path / retired} (Operation not permitted)" in replaced.stderr
    assert f"sudo rm -rf {tmp_path / retired}" in replaced.stderr
    assert "Traceback" not in replaced.stderr

    again = synth(outdir)
    assert again.returncode == 0, again.stderr
    assert f"could not remove {tmp_path / retired}" in again.stderr
    assert leftovers(outdir) == [retired]

    subprocess.run(["chattr", "-i", str(tmp_path / retired / stuck.relative_to(outdir))], check=True)
    cleaned = synth(outdir)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "removed 1 folder(s) left beside cdktf.out" in cleaned.stderr
    assert leftovers(outdir) == []


def test_a_folder_removed_in_part_is_still_known_as_a_leftover(tmp_path, undeletable):
    outdir = tmp_path / "out"
    retired = tmp_path / f"{output_folder.retired_prefix(outdir)}abc"
    (retired / "stacks" / "a").mkdir(parents=True)
    (retired / "stacks" / "b").mkdir(parents=True)
    (retired / "stacks" / "b" / "cdk.tf.json").write_text("{}")
    (retired / "manifest.json").write_text('{"version": "0.21.0", "stacks": {}}')
    (retired / MARKER).write_text(MARKER_TEXT)
    outdir.mkdir()
    make_undeletable(retired / "stacks" / "b" / "cdk.tf.json", undeletable)

    notes = recover(outdir)

    assert notes == [
        (
            f"could not remove {retired} (Operation not permitted), which holds files you may not delete "
            f"(left by `sudo make synth`?); remove it with: sudo rm -rf {retired}"
        )
    ]
    assert (retired / MARKER).read_text() == MARKER_TEXT
    subprocess.run(["chattr", "-i", str(retired / "stacks" / "b" / "cdk.tf.json")], check=True)
    assert recover(outdir) == ["removed 1 folder(s) left beside out by interrupted synths"]
    assert not retired.exists()


@pytest.mark.parametrize("name", ["out*", "out?", "out[1]", "[ab]", "o*t[!x]?"])
def test_leftovers_beside_a_folder_named_with_glob_characters_are_removed_and_only_they(tmp_path, name):
    outdir = tmp_path / name
    outdir.mkdir()
    ours = [
        tmp_path / f"{output_folder.staging_prefix(outdir)}k2j4",
        tmp_path / f"{output_folder.retired_prefix(outdir)}p9q8",
    ]
    for folder in ours:
        folder.mkdir()
        (folder / MARKER).write_text(MARKER_TEXT)
    # What the glob of the name would also have matched.
    others = [
        tmp_path / ".outX.new-1",
        tmp_path / ".a.new-1",
        tmp_path / ".b.old-1",
        tmp_path / ".out1.old-1",
    ]
    for folder in others:
        folder.mkdir()
        (folder / MARKER).write_text(MARKER_TEXT)

    assert recover(outdir) == [f"removed 2 folder(s) left beside {name} by interrupted synths"]
    assert [folder for folder in ours if folder.exists()] == []
    assert [folder for folder in others if folder.exists()] == others


def test_a_synth_into_a_folder_named_with_glob_characters_cleans_up_after_a_crash(tmp_path):
    outdir = tmp_path / "out[1]*"
    retired = tmp_path / f"{output_folder.retired_prefix(outdir)}x1y2"
    previous_output(retired)
    (tmp_path / f"{output_folder.staging_prefix(outdir)}a1b2").mkdir()

    result = synth(outdir)

    assert result.returncode == 0, result.stderr
    assert "put back" in result.stderr and "removed 1 folder(s)" in result.stderr
    assert leftovers(outdir) == []


def test_a_full_disk_leaves_neither_a_staging_folder_nor_a_changed_output(small_filesystem):  # noqa: F811
    outdir = small_filesystem() / "cdktf.out"
    before = previous_output(outdir)
    filler = outdir.parent / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 1024)
        except OSError:
            pass

    result = synth(outdir)

    assert result.returncode == 1
    assert f"Cannot write the output to {outdir}: " in result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert contents(outdir) == before
    assert leftovers(outdir) == []


def test_a_swap_that_fails_half_way_puts_the_previous_output_back(tmp_path, monkeypatch):
    outdir = tmp_path / "out"
    before = previous_output(outdir)
    staging = output_folder.new_staging(outdir)
    rename = Path.rename

    def rename_but_not_staging(self: Path, target):
        if self == staging:
            raise PermissionError(13, "Permission denied", str(target))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", rename_but_not_staging)

    with pytest.raises(PermissionError):
        swap_in(staging, outdir)

    assert contents(outdir) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [staging.name, "out"]


def test_permission_denied_on_the_output_says_how_to_remove_it_and_nothing_else_does(tmp_path):
    from stacks.app import _cannot_write

    outdir = tmp_path / "my out"
    on_output = _cannot_write(outdir, PermissionError(13, "Permission denied", str(outdir / "stacks")))
    on_parent = _cannot_write(outdir, PermissionError(13, "Permission denied", str(tmp_path)))
    on_disk = _cannot_write(outdir, OSError(28, "No space left on device", str(outdir)))

    assert str(on_output).endswith(
        f"written by another user (`sudo make synth`?): remove it with sudo rm -rf '{outdir}'"
    )
    assert "sudo" not in str(on_parent) and "sudo" not in str(on_disk)
