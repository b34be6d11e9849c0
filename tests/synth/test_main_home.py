"""The home folder jsii keeps its package cache in (about 415 MB): empty, missing or read-only."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_CONFIGS, run_main


def test_an_empty_home_synthesizes_fast_and_writes_nothing_in_the_working_folder(tmp_path):
    """Node's kernel and Python then agree on the home folder (the user's, from the password database)."""
    result = run_main(
        DEFAULT_CONFIGS[:1], tmp_path / "out", timeout=120, cwd=tmp_path, HOME="", XDG_CACHE_HOME=""
    )

    assert result.returncode == 0, result.stderr
    assert "fast synth is off" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_a_home_that_does_not_exist_is_named_with_where_the_cache_would_go(tmp_path):
    home = tmp_path / "no-such-home"
    config = tmp_path / "invalid.toml"
    config.write_text('[stack]\nname = "x"\n')

    result = run_main([config], tmp_path / "out", timeout=120, HOME=str(home), XDG_CACHE_HOME="")

    assert result.returncode == 1
    assert f"Note: the home folder {home} does not exist" in result.stderr
    assert f"{home}/.cache/aws/jsii/package-cache" in result.stderr
    assert "Set JSII_RUNTIME_PACKAGE_CACHE_ROOT" in result.stderr
    assert not home.exists()


def test_no_note_when_the_cache_is_placed_explicitly(tmp_path):
    config = tmp_path / "invalid.toml"
    config.write_text('[stack]\nname = "x"\n')
    env = {"HOME": str(tmp_path / "no-such-home"), "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(tmp_path / "cache")}

    result = run_main([config], tmp_path / "out", timeout=120, **env)

    assert "Note: the home folder" not in result.stderr


@pytest.fixture
def read_only_home(tmp_path) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(home)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    yield home
    subprocess.run(["umount", str(home)], check=False)


def test_a_read_only_home_says_which_folder_and_how_to_move_the_cache(tmp_path, read_only_home):
    result = run_main(
        DEFAULT_CONFIGS[:1], tmp_path / "out", timeout=300, HOME=str(read_only_home), XDG_CACHE_HOME=""
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"Cannot use the jsii package cache in {read_only_home}/.cache/aws/jsii/package-cache"
        in result.stderr
    )
    assert "JSII_RUNTIME_PACKAGE_CACHE_ROOT=" in result.stderr
    assert "deleted its caches" not in result.stderr


@pytest.mark.parametrize("value", ["", "relative/home"])
def test_a_home_that_is_not_an_absolute_path_is_the_users_for_the_kernel_too(monkeypatch, value):
    """jsii's kernel (Node's os.homedir) would otherwise keep its package cache in the temporary
    folder, where fast synth does not find the provider's index: every synth took 20 s."""
    import pwd

    import main

    monkeypatch.setenv("HOME", value)
    main.use_real_home()

    assert os.environ["HOME"] == pwd.getpwuid(os.getuid()).pw_dir
