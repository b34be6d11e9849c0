"""Input that used to end in a traceback or a hang ends in the usual message: exit 1,
every problem listed, the previous output untouched."""

from __future__ import annotations

import os

import pytest

from tests.conftest import DEFAULT_CONFIGS, run_main
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
