"""The provider lock file: synth puts it in every stack folder, and with it `terraform init` refuses
a provider binary whose hash it does not list, whatever mirror offers it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from terraform_cli import LOCK_FILE_NAME, PROVIDER_LOCK, Terraform, TerraformError
from tests.conftest import PROJECT

pytestmark = pytest.mark.terraform

PROVIDER = "registry.terraform.io/hashicorp/aws"
# What the provider bindings (cdktf-cdktf-provider-aws) write as the stacks' required version.
VERSION = "5.100.0"
PLATFORM_DIR = Path(PROVIDER, VERSION, "linux_amd64")
BINARY = f"terraform-provider-aws_v{VERSION}_x5"


def test_every_synthesized_stack_folder_holds_the_project_lock_file(synth_dir, stacks):
    for name, stack in stacks.items():
        assert (synth_dir / "stacks" / name / LOCK_FILE_NAME).read_bytes() == PROVIDER_LOCK.read_bytes()
        assert stack["terraform"]["required_providers"]["aws"]["version"] == VERSION
    assert f'provider "{PROVIDER}" {{\n  version     = "{VERSION}"' in PROVIDER_LOCK.read_text()


def stack_copy(synth_dir: Path, workdir: Path) -> Path:
    """The dev stack without its backend: init then contacts nothing but the provider source."""
    workdir.mkdir()
    document = json.loads((synth_dir / "stacks" / "nightly-pipeline-dev" / "cdk.tf.json").read_text())
    document["terraform"].pop("backend", None)
    (workdir / "cdk.tf.json").write_text(json.dumps(document))
    return workdir


def fake_mirror(root: Path, binary: bytes) -> Path:
    """A mirror laid out as the real one, with another binary at the provider's path."""
    platform = root / PLATFORM_DIR
    platform.mkdir(parents=True)
    (platform / BINARY).write_bytes(binary)
    (platform / BINARY).chmod(0o755)
    return root


def mirror_config(path: Path, mirror: Path) -> Path:
    path.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["{PROVIDER}"]\n  }}\n'
        f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n'
        "}\n"
    )
    return path


@pytest.mark.parametrize(
    "binary", [b"#!/bin/sh\necho 'not the provider'\n", b""], ids=["another program", "an empty file"]
)
def test_init_refuses_a_provider_binary_that_the_lock_file_does_not_list(
    synth_dir, terraform_env, tmp_path, binary
):
    mirror = fake_mirror(tmp_path / "mirror", binary)
    env = {**terraform_env, "TF_CLI_CONFIG_FILE": str(mirror_config(tmp_path / "rc", mirror))}
    terraform = Terraform(stack_copy(synth_dir, tmp_path / "stack"), env)

    with pytest.raises(TerraformError) as refused:
        terraform.init()

    assert "doesn't match any of the checksums previously recorded in the dependency lock file" in " ".join(
        str(refused.value).split()
    )
    assert not (tmp_path / "stack" / ".terraform" / "providers").exists()


def test_init_refuses_a_changed_binary_even_without_readonly(synth_dir, terraform_env, tmp_path):
    """What a user's own `terraform init` in a stack folder does (README, "Deploying")."""
    mirror = fake_mirror(tmp_path / "mirror", b"#!/bin/sh\n")
    env = {**terraform_env, "TF_CLI_CONFIG_FILE": str(mirror_config(tmp_path / "rc", mirror))}
    stack = stack_copy(synth_dir, tmp_path / "stack")
    shutil.copyfile(synth_dir / "stacks" / "nightly-pipeline-dev" / LOCK_FILE_NAME, stack / LOCK_FILE_NAME)

    result = Terraform(stack, env).run("init", "-input=false")

    assert result.returncode == 1
    assert "checksums previously recorded" in " ".join(result.stderr.split())


def test_the_lock_file_lists_the_hash_of_the_mirrored_provider(terraform_env, tmp_path):
    """The provider that `make setup`'s mirror holds is the one the lock file allows."""
    mirror = Path(os.environ.get("TF_PROVIDER_MIRROR") or "/opt/tf-plugins")
    if not (mirror / PLATFORM_DIR / BINARY).is_file():
        pytest.skip(f"no provider mirror at {mirror}")
    (tmp_path / "main.tf.json").write_text(
        json.dumps(
            {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": VERSION}}}}
        )
    )

    Terraform(tmp_path, terraform_env).check(
        "providers", "lock", f"-fs-mirror={mirror}", "-platform=linux_amd64"
    )

    computed = _hashes((tmp_path / LOCK_FILE_NAME).read_text())
    assert computed and computed <= _hashes(PROVIDER_LOCK.read_text())


def _hashes(lock: str) -> set[str]:
    return {line.strip().strip('",') for line in lock.splitlines() if line.strip().startswith('"h1:')}


def test_the_project_lock_file_is_where_terraform_cli_copies_it_from():
    assert PROVIDER_LOCK == PROJECT / ".terraform.lock.hcl"
