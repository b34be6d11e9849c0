"""Where a local Terraform state may live: inside the project, and nowhere the project deletes.

A state file is the only record of what a stack deployed; losing it orphans every resource.
`make synth` replaces the output folder whole, `make clean` and `make distclean` remove the
folders of GENERATED_FOLDERS, so a state in any of them would be deleted without a word.
Paths are compared after resolving `..` and symlinks, and without regard to letter case:
the default file systems of macOS (APFS) and Windows (NTFS) ignore it, so `State/dev.tfstate`
and `state/DEV.tfstate` are one file there.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path

from aws_facts import names as aws_names
from config_kit.errors import Problem
from core.config import PipelineConfig
from core.sections.backend import S3Backend

# What the Makefile's clean and distclean targets remove (keep the two lists alike), what the
# tools regenerate, and Python's byte-code folders, which `make clean` removes at any depth.
GENERATED_FOLDERS = (
    "cdktf.out", "cdktf.hcl", ".make", ".terraform.d", ".terraform", ".gen", ".pytest_cache",
    ".mypy_cache", "node_modules", ".venv", ".venv-checkov",
)  # fmt: skip
_GENERATED_ANYWHERE = ("__pycache__",)
# The output swap's staging and retired folders beside the output folder (stacks/output_folder.py).
_SWAP_SIBLINGS = (".{name}.new-*", ".{name}.old-*")
# Terraform writes "version", "terraform_version", "serial" and "lineage" first.
_STATE_MARKERS = (b'"terraform_version"', b'"lineage"')
_STATE_HEAD_BYTES = 4096
ALLOWED = (
    "a new file, or an existing Terraform state, inside the project and outside "
    + ", ".join(f"{folder}/" for folder in GENERATED_FOLDERS)
    + ", __pycache__/ and the output folder, such as state/dev.tfstate"
)


def state_key(path: Path) -> str:
    """Two paths with the same key are one file on a case-insensitive file system."""
    return str(path).casefold()


def local_state_problems(config: PipelineConfig, project: Path, outdir: Path | None) -> list[Problem]:
    """Problems with where config keeps a local state (outdir: the output folder); none for S3."""
    backend = config.backend
    if isinstance(backend, S3Backend):
        return []
    path = aws_names.local_state_path(backend.path, config.stack.name)
    state = (project / path).resolve()
    reasons = _reasons(state, project.resolve(), outdir)
    return [Problem(config.source, "backend.path", reason, path) for reason in reasons]


def _reasons(state: Path, project: Path, outdir: Path | None) -> Iterator[str]:
    if not _is_within(state, project):
        yield f"leads out of the project folder through a symlink (to {state}); use {ALLOWED}"
        return
    parts = [part.casefold() for part in state.relative_to(project).parts]
    generated = {folder.casefold() for folder in GENERATED_FOLDERS}
    folder = parts[0] if parts[0] in generated else None
    folder = folder or next((part for part in parts if part in _GENERATED_ANYWHERE), None)
    if folder:
        yield f"is inside {folder}/, which the project deletes or replaces (make clean, synth); use {ALLOWED}"
    elif outdir is not None and (reason := _in_output_folder(state, outdir.resolve())):
        yield f"{reason}, which every synth replaces whole: the state would be deleted; use {ALLOWED}"
    elif (existing := _existing(project, state.relative_to(project).parts)) is None:
        return
    elif existing.is_dir():
        yield f"names an existing folder; use {ALLOWED}"
    elif not _looks_like_state(existing):
        yield f"names an existing project file that is not a Terraform state: Terraform would overwrite it; use {ALLOWED}"


def _in_output_folder(state: Path, outdir: Path) -> str | None:
    if _is_within(state, outdir):
        return f"is inside the output folder {outdir}"
    for pattern in _SWAP_SIBLINGS:
        sibling = pattern.format(name=outdir.name).casefold()
        for folder in state.parents:
            if state_key(folder.parent) == state_key(outdir.parent) and fnmatch.fnmatchcase(
                folder.name.casefold(), sibling
            ):
                return f"is inside {folder.name}, a staging folder of the output folder {outdir}"
    return None


def _is_within(path: Path, folder: Path) -> bool:
    """Whether path is folder or lies below it, letter case ignored."""
    key, folder_key = state_key(path), state_key(folder)
    return key == folder_key or key.startswith(folder_key.rstrip("/") + "/")


def _existing(project: Path, parts: tuple[str, ...]) -> Path | None:
    """The file or folder at project/parts, each part matched without regard to letter case,
    as macOS and Windows would find it; None if there is none."""
    found = project
    for part in parts:
        exact = found / part
        if exact.exists() or exact.is_symlink():
            found = exact
            continue
        try:
            found = next(entry for entry in found.iterdir() if entry.name.casefold() == part.casefold())
        except (OSError, StopIteration):
            return None
    return found


def _looks_like_state(path: Path) -> bool:
    """An empty file, or one that starts as Terraform writes a state."""
    if not path.is_file():
        return False  # a FIFO or a device: never opened, it could block
    try:
        with path.open("rb") as file:
            head = file.read(_STATE_HEAD_BYTES)
    except OSError:
        return False
    return not head or all(marker in head for marker in _STATE_MARKERS)
