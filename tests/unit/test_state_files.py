"""A local state path is refused wherever the project would delete or overwrite it, and two
stacks never share one, letter case aside."""

from __future__ import annotations

import pytest
from config_kit.errors import ConfigError

from core.loading import load_configs
from core.state_files import ALLOWED, GENERATED_FOLDERS
from tests.unit.support import MINIMAL_CONFIG, write

STATE = '{\n  "version": 4,\n  "terraform_version": "1.11.4",\n  "serial": 3,\n  "lineage": "abc",\n'


def with_path(path: str, text: str = MINIMAL_CONFIG) -> str:
    return text + f'\n[backend]\npath = "{path}"\n'


def prod(text: str) -> str:
    return text.replace('name = "pipeline-test"', 'name = "pipeline-prod"')


def refused(tmp_path, path: str, outdir=None) -> list[str]:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    config = write(tmp_path, with_path(path), "dev.toml")
    with pytest.raises(ConfigError) as caught:
        load_configs([config], project, outdir)
    assert {(problem.file, problem.field) for problem in caught.value.problems} == {
        (str(config), "backend.path")
    }
    return [str(problem).split('": ', 1)[1] for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("cdktf.out/dev.tfstate", "cdktf.out"),
        ("cdktf.out/stacks/dev/terraform.tfstate", "cdktf.out"),
        ("CDKTF.OUT/dev.tfstate", "cdktf.out"),
        ("Cdktf.Hcl/dev.tfstate", "cdktf.hcl"),
        (".make/dev.tfstate", ".make"),
        (".terraform.d/dev.tfstate", ".terraform.d"),
        ("node_modules/dev.tfstate", "node_modules"),
        (".venv/dev.tfstate", ".venv"),
        (".VENV/state/dev.tfstate", ".venv"),
        ("state/../cdktf.out/dev.tfstate", "cdktf.out"),
        ("core/__pycache__/dev.tfstate", "__pycache__"),
        ("cdktf.out", "cdktf.out"),
    ],
)
def test_a_state_inside_a_folder_the_project_deletes_is_refused(tmp_path, path, folder):
    assert refused(tmp_path, path) == [
        f"is inside {folder}/, which the project deletes or replaces (make clean, synth); use {ALLOWED}"
    ]


def test_every_generated_folder_is_named_in_the_message():
    for folder in GENERATED_FOLDERS:
        assert f"{folder}/" in ALLOWED


def test_a_state_reached_through_a_symlink_into_a_generated_folder_is_refused(tmp_path):
    project = tmp_path / "project"
    (project / "cdktf.out").mkdir(parents=True)
    (project / "state").symlink_to(project / "cdktf.out")
    assert refused(tmp_path, "state/dev.tfstate") == [
        f"is inside cdktf.out/, which the project deletes or replaces (make clean, synth); use {ALLOWED}"
    ]


@pytest.mark.parametrize("outdir_name", ["build", "Build"])
def test_a_state_inside_the_configured_output_folder_is_refused(tmp_path, outdir_name):
    outdir = tmp_path / "project" / outdir_name
    problems = refused(tmp_path, "build/dev.tfstate", outdir)
    assert problems == [
        (
            f"is inside the output folder {outdir}, which every synth replaces whole: the state would be "
            f"deleted; use {ALLOWED}"
        )
    ]


def test_a_state_inside_the_output_swaps_staging_folder_is_refused(tmp_path):
    outdir = tmp_path / "project" / "build"
    problems = refused(tmp_path, ".build.new-1234/dev.tfstate", outdir)
    assert problems == [
        (
            f"is inside .build.new-1234, a staging folder of the output folder {outdir}, which every synth "
            f"replaces whole: the state would be deleted; use {ALLOWED}"
        )
    ]


@pytest.mark.parametrize("path", ["main.py", "config/dev.toml", "Pipfile", "README.MD"])
def test_a_state_path_naming_an_existing_project_file_is_refused(tmp_path, path):
    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    for name in ("main.py", "config/dev.toml", "Pipfile", "README.md"):
        (project / name).write_text("print('mine')\n")
    assert refused(tmp_path, path) == [
        (
            "names an existing project file that is not a Terraform state: Terraform would overwrite it; "
            f"use {ALLOWED}"
        )
    ]


@pytest.mark.parametrize("path", ["config", "docs", "Docs/"])
def test_a_state_path_naming_an_existing_folder_is_refused(tmp_path, path):
    (tmp_path / "project" / "config").mkdir(parents=True)
    (tmp_path / "project" / "docs").mkdir()
    assert refused(tmp_path, path) == [f"names an existing folder; use {ALLOWED}"]


def test_an_existing_state_file_an_empty_file_and_a_new_one_are_kept(tmp_path):
    project = tmp_path / "project"
    (project / "state").mkdir(parents=True)
    (project / "state" / "dev.tfstate").write_text(STATE)
    (project / "state" / "empty.tfstate").write_text("")
    for path in ("state/dev.tfstate", "state/empty.tfstate", "state/new.tfstate", "terraform.dev.tfstate"):
        config = write(tmp_path, with_path(path), "dev.toml")
        assert load_configs([config], project, project / "cdktf.out")[0].backend.path == path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("state/dev.tfstate", "state/DEV.tfstate"),
        ("state/dev.tfstate", "State/dev.tfstate"),
        ("shared.tfstate", "state/../SHARED.TFSTATE"),
    ],
)
def test_two_stacks_whose_state_paths_differ_only_in_letter_case_are_refused(tmp_path, first, second):
    project = tmp_path / "project"
    project.mkdir()
    first_file = write(tmp_path, with_path(first), "dev.toml")
    second_file = write(tmp_path, with_path(second, prod(MINIMAL_CONFIG)), "prod.toml")
    for given in (None, project):
        with pytest.raises(ConfigError) as caught:
            load_configs([first_file, second_file], given)
        shown = second.replace("state/../", "")
        assert [str(problem) for problem in caught.value.problems] == [
            f'{second_file}: backend.path = "{shown}": is already the state file of {first_file}'
        ]


def test_two_s3_keys_that_differ_in_case_are_two_objects(tmp_path):
    s3 = '\n[backend]\ntype = "s3"\nbucket = "my-state"\nregion = "eu-west-1"\nkey = "{key}"\n'
    first = write(tmp_path, MINIMAL_CONFIG + s3.format(key="nightly/dev.tfstate"), "dev.toml")
    second = write(tmp_path, prod(MINIMAL_CONFIG) + s3.format(key="nightly/DEV.tfstate"), "prod.toml")
    assert len(load_configs([first, second], tmp_path)) == 2
