"""Input that used to end in a traceback or a hang ends in the usual message: exit 1,
every problem listed, the previous output untouched."""

from __future__ import annotations

import os
import shutil

import pytest

from core.state_files import ALLOWED
from tests.conftest import DEFAULT_CONFIGS, PROJECT, run_main
from tests.synth.test_main import contents, previous_output
from tests.unit.support import MINIMAL_CONFIG


def test_odd_files_end_in_one_message_each(tmp_path):
    config = tmp_path / "dev.toml"
    config.write_text(MINIMAL_CONFIG)
    (tmp_path / "link.toml").symlink_to(config)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.toml"
    deep.write_text(MINIMAL_CONFIG + "\n[schedule]\ninput = { x = " + "[" * 5000 + "]" * 5000 + " }\n")
    digits = tmp_path / "digits.toml"
    digits.write_text(
        MINIMAL_CONFIG.replace("pipeline-test", "pipeline-digits")
        + '\n[schedule]\nexpression = "cron(\u0660 22 * * ? *)"\n'
    )
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    given = [config, tmp_path / "link.toml", tmp_path / "." / "dev.toml", fifo, deep, digits]
    result = run_main(given, outdir, timeout=120)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1:] == [
        f"  {tmp_path / 'link.toml'}: (file): is the same file as {config}, given twice",
        f"  {tmp_path / 'dev.toml'}: (file): is the same file as {config}, given twice",
        f"  {fifo}: (file): cannot be read: it is not a regular file (a FIFO, device or folder?)",
        f"  {deep}: (file): cannot be read: it nests tables and arrays more than 32 levels deep",
        f'  {digits}: schedule.expression = "cron(\u0660 22 * * ? *)": must be cron(minutes hours '
        + "day-of-month month day-of-week year) with '?' in exactly one day field, "
        "rate(N minute|minutes|hour|hours|day|days) or at(yyyy-mm-ddThh:mm:ss), e.g. cron(0 22 * * ? *); "
        "here the minutes field '\u0660' is invalid",
    ]
    assert contents(outdir) == before


@pytest.mark.parametrize("value", [":", "::", ":::"])
def test_a_pipeline_config_that_names_no_file_is_named(tmp_path, value):
    result = run_main([], tmp_path / "out", timeout=60, PIPELINE_CONFIG=value)

    assert result.returncode == 1
    assert f"PIPELINE_CONFIG={value!r} names no file" in result.stderr
    assert "config/*.toml)" not in result.stderr.split("unset it")[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("outdir", ["~/out", "~"])
def test_an_outdir_starting_with_a_tilde_is_in_the_home_folder(tmp_path, outdir):
    """As a shell reads it: '~/out' quoted, or in a CI variable, was a folder named ~."""
    import fast_synth

    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        # The machine's caches, not new ones in the made-up home.
        "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(fast_synth.jsii_package_cache(os.environ)),
        "XDG_CACHE_HOME": str(fast_synth.cache_folder(os.environ).parent),
    }
    result = run_main(DEFAULT_CONFIGS[:1], outdir, timeout=120, cwd=tmp_path, **env)

    if outdir == "~":
        assert result.returncode == 1
        assert f"Refusing to write the output to {home}" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert (home / "out" / "stacks" / "nightly-pipeline-dev" / "cdk.tf.json").is_file()
    assert not (tmp_path / "~").exists()


def one_stack_per_value(tmp_path, key: str, values: dict[str, str]) -> list:
    """One file per name, each its own stack, with `key = value` (key: "[table]\nname")."""
    paths = []
    for index, (name, value) in enumerate(values.items()):
        path = tmp_path / name
        path.write_text(
            MINIMAL_CONFIG.replace("pipeline-test", f"pipeline-{index}") + f'\n{key} = "{value}"\n'
        )
        paths.append(path)
    return paths


def problem_lines(result, count: int) -> list[str]:
    """The problems main.py listed, after checking that it failed as it should."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"Invalid configuration ({count} problems):"
    return lines[1:]


def test_a_state_path_the_project_would_delete_or_overwrite_is_refused_and_nothing_is_touched(tmp_path):
    """The output folder is inside the project here (as `make synth` has it), named as the
    user's CDKTF_OUTDIR gives it."""
    outdir_name = f"build-{tmp_path.name}"
    outdir = PROJECT / outdir_name
    cases = {
        "out.toml": "cdktf.out/dev.tfstate",
        "upper.toml": "CDKTF.OUT/prod.tfstate",
        "hcl.toml": "state/../cdktf.hcl/dev.tfstate",
        "outdir.toml": f"{outdir_name.upper()}/dev.tfstate",
        "file.toml": "main.py",
        "folder.toml": "Docs",
    }
    configs = one_stack_per_value(tmp_path, "[backend]\npath", cases)
    main_before = (PROJECT / "main.py").read_bytes()

    try:
        result = run_main(configs, outdir, timeout=120)
        assert not outdir.exists()
    finally:
        shutil.rmtree(outdir, ignore_errors=True)

    lines = problem_lines(result, 6)
    expected = [
        '"cdktf.out/dev.tfstate": is inside cdktf.out/, which the project deletes or replaces',
        '"CDKTF.OUT/prod.tfstate": is inside cdktf.out/, which the project deletes or replaces',
        '"cdktf.hcl/dev.tfstate": is inside cdktf.hcl/, which the project deletes or replaces',
        (
            f'"{outdir_name.upper()}/dev.tfstate": is inside the output folder {outdir}, which every synth '
            "replaces whole: the state would be deleted"
        ),
        '"main.py": names an existing project file that is not a Terraform state',
        '"Docs": names an existing folder',
    ]
    for line, config, start in zip(lines, configs, expected, strict=True):
        assert line.startswith(f"  {config}: backend.path = {start}"), line
        assert line.endswith(f"use {ALLOWED}"), line
    assert (PROJECT / "main.py").read_bytes() == main_before
    assert not (PROJECT / "cdktf.out" / "dev.tfstate").exists()


def test_two_stacks_whose_state_paths_differ_only_in_letter_case_are_refused(tmp_path):
    first, second = tmp_path / "dev.toml", tmp_path / "prod.toml"
    first.write_text(MINIMAL_CONFIG + '\n[backend]\npath = "state/dev.tfstate"\n')
    second.write_text(
        MINIMAL_CONFIG.replace("pipeline-test", "pipeline-prod") + '\n[backend]\npath = "State/Dev.tfstate"\n'
    )
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    result = run_main([first, second], outdir, timeout=120)

    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "Invalid configuration (1 problem):",
        f'  {second}: backend.path = "State/Dev.tfstate": is already the state file of {first}',
    ]
    assert contents(outdir) == before


def test_schedules_that_wrap_around_or_never_run_end_in_the_usual_message(tmp_path):
    expressions = {
        "hours.toml": "cron(0 22-2 * * ? *)",
        "months.toml": "cron(0 8 * NOV-FEB ? *)",
        "weekdays.toml": "cron(0 8 ? * FRI-MON *)",
        "february.toml": "cron(0 8 30 2 ? *)",
        "past.toml": "cron(0 8 * * ? 2020)",
        "once.toml": "at(2020-01-01T00:00:00)",
    }
    configs = one_stack_per_value(tmp_path, "[schedule]\nexpression", expressions)
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    result = run_main(configs, outdir, timeout=120)

    lines = problem_lines(result, 6)
    endings = [
        "for one that wraps around write 22-23,0-2",
        "for one that wraps around write NOV-DEC,JAN-FEB",
        "for one that wraps around write FRI-SAT,SUN-MON",
        "(30 February, 31 April, a past year or a past at(...) never come)",
        "(30 February, 31 April, a past year or a past at(...) never come)",
        "(30 February, 31 April, a past year or a past at(...) never come)",
    ]
    for line, config, ending in zip(lines, configs, endings, strict=True):
        assert line.startswith(f'  {config}: schedule.expression = "{expressions[config.name]}": '), line
        assert line.endswith(ending), line
    assert contents(outdir) == before


def test_a_run_the_clock_change_skips_is_one_warning_line_and_not_an_error(tmp_path):
    config = tmp_path / "berlin.toml"
    config.write_text(
        MINIMAL_CONFIG + '\n[schedule]\nexpression = "cron(30 2 * * ? *)"\ntimezone = "Europe/Berlin"\n'
    )

    result = run_main(["--list", config], tmp_path / "cdktf.out", timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        (
            f'Warning: {config}: schedule.expression = "cron(30 2 * * ? *)": runs at a time the clock change '
            "skips in Europe/Berlin (02:30 on 2028-03-26): EventBridge Scheduler skips that run, and the "
            'missed-night alarm goes off for that night; a time outside the change, or schedule.timezone = "UTC", '
            "runs every night"
        )
    ]
    assert result.stdout.startswith("pipeline-test")
