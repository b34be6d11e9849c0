"""main.py and the output swap: bad input changes nothing, good input replaces everything."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import stacks.app
from stacks.app import synthesize
from tests.conftest import DEFAULT_CONFIGS, PROJECT, run_main

BAD_CONFIG = """
[stack]
name = "broken"
region = "moon-1"

[connections.ticketing]
secret_name = "ticketing-key"

[ticket]
connection = "ticketing"
endpoint = "http://tickets.example.com/api"
method = "FETCH"

[schedule]
expression = "cron(0 22 * * *)"
timezone = "Mars/Olympus"

[notifications]
emails = ["not-an-address"]

[[steps]]
name = "Extract"
type = "lambda"
function = "extract"
"""


PREVIOUS_MANIFEST = '{"version": "0.21.0", "stacks": {}, "previous": true}'


def previous_output(outdir: Path) -> dict[str, str]:
    outdir.mkdir(parents=True)
    (outdir / "manifest.json").write_text(PREVIOUS_MANIFEST)
    return {"manifest.json": PREVIOUS_MANIFEST}


def contents(outdir: Path) -> dict[str, str]:
    return {str(path.relative_to(outdir)): path.read_text() for path in outdir.rglob("*") if path.is_file()}


def leftovers(outdir: Path) -> list[str]:
    return [path.name for path in outdir.parent.iterdir() if path.name.startswith(f".{outdir.name}.")]


def test_bad_config_exits_1_with_every_problem_and_keeps_previous_output(tmp_path):
    config = tmp_path / "broken.toml"
    config.write_text(BAD_CONFIG)
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    result = run_main([config], outdir, timeout=60)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for expected in (
        f'{config}: stack.region = "moon-1": must be an AWS region code',
        f'{config}: ticket.endpoint = "http://tickets.example.com/api": must be an https:// URL',
        f'{config}: ticket.method = "FETCH": must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD',
        f'{config}: schedule.expression = "cron(0 22 * * *)": must be cron(',
        f'{config}: schedule.timezone = "Mars/Olympus": must be an IANA time zone',
        f'{config}: notifications.emails[0] = "not-an-address": must be an e-mail address',
        f'{config}: steps[0].function = "extract": must be an ARN like',
        f"{config}: ticket.reporter: is required because ticket.body uses {{{{reporter}}}}",
    ):
        assert expected in result.stderr, result.stderr
    assert result.stderr.startswith("Invalid configuration (8 problems):")
    assert contents(outdir) == before
    assert leftovers(outdir) == []


def test_missing_config_file_is_reported_not_raised(tmp_path):
    result = run_main([tmp_path / "absent.toml"], tmp_path / "out", timeout=60)
    assert result.returncode == 1
    assert f"{tmp_path / 'absent.toml'}: (file): cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_synth_replaces_the_previous_output_whole(tmp_path, configs):
    outdir = tmp_path / "cdktf.out"
    previous_output(outdir)
    (outdir / "stacks" / "removed-stack").mkdir(parents=True)

    synthesize([configs["nightly-pipeline-dev"]], outdir, PROJECT)

    assert sorted(path.name for path in (outdir / "stacks").iterdir()) == ["nightly-pipeline-dev"]
    assert '"previous"' not in (outdir / "manifest.json").read_text()
    assert leftovers(outdir) == []


def test_failed_synth_keeps_the_previous_output(tmp_path, configs, monkeypatch):
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    def broken_stack(*_args, **_kwargs):
        raise RuntimeError("synth failed")

    monkeypatch.setattr(stacks.app, "PipelineStack", broken_stack)
    with pytest.raises(RuntimeError, match="synth failed"):
        synthesize([configs["nightly-pipeline-dev"]], outdir, PROJECT)

    assert contents(outdir) == before
    assert leftovers(outdir) == []


def user_files(folder: Path) -> dict[str, str]:
    (folder / "config").mkdir(parents=True)
    (folder / "config" / "dev.toml").write_text((PROJECT / "config" / "dev.toml").read_text())
    (folder / "notes.txt").write_text("the user's own file")
    return contents(folder)


@pytest.mark.parametrize(
    ("outdir", "reason"),
    [
        (".", "it holds"),
        ("config", "it holds"),
        ("notes-folder", "it is not cdktf output (it holds notes.txt)"),
        ("notes.txt", "it is not a folder"),
    ],
)
def test_synth_refuses_to_replace_a_folder_that_is_not_its_output(tmp_path, outdir, reason):
    before = user_files(tmp_path)
    (tmp_path / "notes-folder").mkdir()
    (tmp_path / "notes-folder" / "notes.txt").write_text("mine")
    before["notes-folder/notes.txt"] = "mine"

    result = run_main([tmp_path / "config" / "dev.toml"], outdir, cwd=tmp_path, timeout=60)

    assert result.returncode == 1
    assert f"Refusing to write the output to {(tmp_path / outdir).resolve()}: {reason}" in result.stderr
    assert "Traceback" not in result.stderr
    assert contents(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config", "notes-folder", "notes.txt"]


def test_an_empty_cdktf_outdir_means_the_default_folder(tmp_path):
    before = user_files(tmp_path)

    result = run_main([tmp_path / "config" / "dev.toml"], "", cwd=tmp_path, timeout=120)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cdktf.out" / "stacks" / "nightly-pipeline-dev" / "cdk.tf.json").is_file()
    assert {
        name: text for name, text in contents(tmp_path).items() if not name.startswith("cdktf.out/")
    } == before


def test_a_synth_after_an_interrupted_swap_recovers_and_cleans_up(tmp_path):
    outdir = tmp_path / "cdktf.out"
    previous_output(tmp_path / ".cdktf.out.old-x1y2z3")
    (tmp_path / ".cdktf.out.new-a1b2c3").mkdir()

    result = run_main(DEFAULT_CONFIGS[:1], outdir, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "put back" in result.stderr and "removed 1 folder(s)" in result.stderr
    assert "nightly-pipeline-dev" in (outdir / "manifest.json").read_text()
    assert leftovers(outdir) == []


@pytest.fixture
def small_filesystem(tmp_path):
    """A 40 KiB tmpfs (a synth needs about 80 KiB), mounted read-write or read-only."""
    mounted = []

    def mount(*options: str) -> Path:
        point = tmp_path / f"fs{len(mounted)}"
        point.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", ",".join(("size=40k", *options)), "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def test_a_full_disk_ends_in_a_message_and_keeps_the_previous_output(small_filesystem):
    outdir = small_filesystem() / "cdktf.out"
    before = previous_output(outdir)

    result = run_main(DEFAULT_CONFIGS[:1], outdir, timeout=120)

    assert result.returncode == 1
    assert f"Cannot write the output to {outdir}: " in result.stderr
    assert "ENOSPC" in result.stderr and "Traceback" not in result.stderr
    assert contents(outdir) == before
    assert leftovers(outdir) == []


def test_an_unwritable_folder_ends_in_a_message(small_filesystem):
    outdir = small_filesystem("ro") / "cdktf.out"

    result = run_main(DEFAULT_CONFIGS[:1], outdir, timeout=120)

    assert result.returncode == 1
    assert f"Cannot write the output to {outdir}: " in result.stderr
    assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr


def stack_resources(path: Path) -> int:
    return sum(len(instances) for instances in json.loads(path.read_text())["resource"].values())


def test_help_describes_the_options_and_exits_0(tmp_path):
    result = run_main(["--help"], tmp_path / "out", timeout=60)

    assert result.returncode == 0, result.stderr
    for option in ("CONFIG", "--outdir DIR", "--list", "$PIPELINE_CONFIG", "$CDKTF_OUTDIR"):
        assert option in result.stdout
    assert not (tmp_path / "out").exists()


def test_an_unknown_option_is_bad_input(tmp_path):
    result = run_main(["--bogus"], tmp_path / "out", timeout=60)

    assert result.returncode == 1
    assert "unrecognized arguments: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_names_each_stack_its_config_and_its_file_and_writes_nothing(tmp_path):
    """Paths inside the working folder are shown relative to it."""
    result = run_main(["--list", *DEFAULT_CONFIGS], tmp_path / "out", cwd=tmp_path, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"nightly-pipeline-dev   {DEFAULT_CONFIGS[0]} -> out/stacks/nightly-pipeline-dev/cdk.tf.json",
        f"nightly-pipeline-prod  {DEFAULT_CONFIGS[1]} -> out/stacks/nightly-pipeline-prod/cdk.tf.json",
    ]
    assert not (tmp_path / "out").exists()


def test_a_synth_prints_one_line_per_stack_and_the_total_time_and_nothing_else(tmp_path):
    """Nothing on stderr: no notice, and no end-of-life banner from jsii about the Node it runs on."""
    outdir = tmp_path / "from-option"

    result = run_main(["--outdir", outdir, *DEFAULT_CONFIGS], tmp_path / "from-variable", timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    *stacks, total = result.stdout.splitlines()
    assert stacks == [
        f"{name}: {stack_resources(outdir / 'stacks' / name / 'cdk.tf.json')} resources -> "
        f"{outdir}/stacks/{name}/cdk.tf.json"
        for name in ("nightly-pipeline-dev", "nightly-pipeline-prod")
    ]
    assert re.fullmatch(rf"Synthesized 2 stack\(s\) into {re.escape(str(outdir))} in \d+\.\d s\.", total)
    assert not (tmp_path / "from-variable").exists()
