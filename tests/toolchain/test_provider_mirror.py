"""scripts/terraformrc.sh: the provider mirror is the one named, or the fixed one, never one found
on disk, and only a folder that nobody else can write.

The mirrors are built under the project folder: the temporary folder is writable by everyone,
which is exactly what makes a mirror there unsafe."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT

SCRIPT = PROJECT / "scripts" / "terraformrc.sh"
FIXED_MIRROR = "/opt/tf-plugins"
PLATFORM = Path("registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64")


@pytest.fixture
def safe_dir() -> Iterator[Path]:
    """A folder that only the current user can write, under a path nobody else can write."""
    folder = Path(tempfile.mkdtemp(prefix=".test-mirror-", dir=PROJECT))
    try:
        for path in (folder, *folder.parents):
            mode = path.stat().st_mode
            if path.stat().st_uid not in (0, os.getuid()) or mode & 0o022:
                pytest.skip(f"{path} is writable by others: no safe place for a mirror on this machine")
        yield folder
    finally:
        shutil.rmtree(folder)


def mirror_in(folder: Path) -> Path:
    provider = folder / "mirror" / PLATFORM
    provider.mkdir(parents=True)
    (provider / "terraform-provider-aws_v5.100.0_x5").write_bytes(b"#!/bin/sh\n")
    for path in (provider, *provider.parents):
        if path == folder:
            break
        path.chmod(0o755)
    return folder / "mirror"


def run_script(out: Path, script: Path = SCRIPT, **env: str) -> subprocess.CompletedProcess:
    environ = {name: value for name, value in os.environ.items() if name != "TF_PROVIDER_MIRROR"}
    return subprocess.run(
        [str(script), str(out)],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def mirror_path(config: Path) -> str | None:
    for line in config.read_text().splitlines():
        if line.strip().startswith("path"):
            return line.split("=", 1)[1].strip().strip('"')
    return None


def test_a_safe_named_mirror_is_used(safe_dir):
    mirror = mirror_in(safe_dir)

    result = run_script(safe_dir / "rc", TF_PROVIDER_MIRROR=str(mirror))

    assert result.returncode == 0, result.stderr
    assert mirror_path(safe_dir / "rc") == str(mirror)


def test_a_link_to_a_safe_mirror_is_used(safe_dir):
    mirror = mirror_in(safe_dir)
    (safe_dir / "link").symlink_to(mirror)

    result = run_script(safe_dir / "rc", TF_PROVIDER_MIRROR=str(safe_dir / "link"))

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("writable", "mode"),
    [
        ("mirror", 0o757),  # world-writable
        ("mirror", 0o775),  # group-writable
        ("mirror/registry.terraform.io/hashicorp", 0o777),
        (f"mirror/{PLATFORM}", 0o775),
        (f"mirror/{PLATFORM}/terraform-provider-aws_v5.100.0_x5", 0o777),
        (".", 0o777),  # a folder above the mirror
    ],
)
def test_a_mirror_that_others_can_write_is_refused(safe_dir, writable, mode):
    mirror_in(safe_dir)
    (safe_dir / writable).chmod(mode)

    result = run_script(safe_dir / "rc", TF_PROVIDER_MIRROR=str(safe_dir / "mirror"))

    assert result.returncode == 1
    assert "refusing TF_PROVIDER_MIRROR" in result.stderr
    assert "writable by other users" in result.stderr
    assert not (safe_dir / "rc").exists()


def test_a_mirror_under_a_world_writable_folder_is_refused(tmp_path):
    """pytest's tmp_path lies under /tmp (drwxrwxrwt)."""
    mirror = mirror_in(tmp_path)

    result = run_script(tmp_path / "rc", TF_PROVIDER_MIRROR=str(mirror))

    assert result.returncode == 1
    assert "writable by other users" in result.stderr


def test_a_link_into_a_world_writable_folder_is_refused(safe_dir, tmp_path):
    (safe_dir / "link").symlink_to(mirror_in(tmp_path))

    result = run_script(safe_dir / "rc", TF_PROVIDER_MIRROR=str(safe_dir / "link"))

    assert result.returncode == 1
    assert "writable by other users" in result.stderr


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a folder to another user")
def test_a_mirror_owned_by_another_user_is_refused(safe_dir):
    mirror = mirror_in(safe_dir)
    os.chown(mirror / PLATFORM, 4321, -1)

    result = run_script(safe_dir / "rc", TF_PROVIDER_MIRROR=str(mirror))

    assert result.returncode == 1
    assert "belongs to user id 4321" in result.stderr


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("relative/mirror", "not an absolute path"),
        ('/opt/a"b', "cannot quote"),
        ("/opt/a\\b", "cannot quote"),
        ("/opt/${path}", "cannot quote"),
        ("/opt/a\nb", "cannot quote"),
        ("/nonexistent-mirror", "no registry.terraform.io folder"),
    ],
)
def test_a_bad_mirror_path_is_refused(tmp_path, value, problem):
    result = run_script(tmp_path / "rc", TF_PROVIDER_MIRROR=value)

    assert result.returncode == 1
    assert problem in result.stderr


@pytest.fixture
def script_without_fixed_mirror(tmp_path) -> Path:
    """The script as on a machine without /opt/tf-plugins."""
    script = tmp_path / "terraformrc.sh"
    text = SCRIPT.read_text()
    assert f"FIXED_MIRROR={FIXED_MIRROR}\n" in text
    script.write_text(text.replace(f"FIXED_MIRROR={FIXED_MIRROR}\n", f"FIXED_MIRROR={tmp_path}/absent\n"))
    script.chmod(0o755)
    return script


def test_without_a_mirror_the_registry_is_used_and_the_disk_is_never_searched(
    tmp_path, script_without_fixed_mirror
):
    """A `registry.terraform.io` folder lies in the (world-writable) temporary folder, where the old
    script's `find / -maxdepth 4` took it; a `find` first on PATH records any call."""
    mirror_in(tmp_path / "planted")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "find-calls"
    for tool in ("find", "locate"):
        (bin_dir / tool).write_text(f'#!/bin/sh\necho "$0 $*" >> "{calls}"\n')
        (bin_dir / tool).chmod(0o755)

    result = run_script(
        tmp_path / "rc", script_without_fixed_mirror, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    )

    assert result.returncode == 0, result.stderr
    assert mirror_path(tmp_path / "rc") is None
    assert "providers are installed from the registry" in (tmp_path / "rc").read_text()
    assert "no Terraform provider mirror" in result.stderr
    assert not calls.exists()
    commands = [line.split("#")[0] for line in SCRIPT.read_text().splitlines()]
    assert not [command for command in commands if re.search(r"\b(find|locate)\b", command)]


def test_an_unsafe_fixed_mirror_is_skipped_with_a_warning(tmp_path):
    script = tmp_path / "terraformrc.sh"
    script.write_text(
        SCRIPT.read_text().replace(f"FIXED_MIRROR={FIXED_MIRROR}\n", f"FIXED_MIRROR={tmp_path}/mirror\n")
    )
    script.chmod(0o755)
    mirror_in(tmp_path)

    result = run_script(tmp_path / "rc", script)

    assert result.returncode == 0, result.stderr
    assert mirror_path(tmp_path / "rc") is None
    assert f"not using the provider mirror {tmp_path}/mirror" in result.stderr
    assert "writable by other users" in result.stderr


@pytest.mark.skipif(not Path(FIXED_MIRROR, "registry.terraform.io").is_dir(), reason=f"no {FIXED_MIRROR}")
def test_the_fixed_mirror_is_used_when_none_is_named(tmp_path):
    result = run_script(tmp_path / "rc")

    assert result.returncode == 0, result.stderr
    assert mirror_path(tmp_path / "rc") == FIXED_MIRROR
