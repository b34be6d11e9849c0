"""main.py and the output swap: bad input changes nothing, good input replaces everything."""

from __future__ import annotations

from pathlib import Path

import pytest

import stacks.app
from stacks.app import synthesize
from tests.conftest import PROJECT, run_main

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


def previous_output(outdir: Path) -> dict[str, str]:
    outdir.mkdir(parents=True)
    (outdir / "manifest.json").write_text('{"previous": true}')
    return {"manifest.json": '{"previous": true}'}


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
