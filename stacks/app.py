"""Synthesizes the stacks into a fresh folder, then swaps it in.

A failed synth leaves the previous output exactly as it was, and a folder that
is not cdktf output is never replaced (stacks.output_folder). Each stack folder
gets the project's provider lock file, which `terraform init` checks providers against.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from cdktf import App

from core.config import PipelineConfig
from stacks import output_folder
from stacks.output_folder import OutputFolderError
from stacks.pipeline_stack import PipelineStack
from terraform_cli import install_provider_lock

# How Node reports a failed file operation through jsii: "Error: ENOSPC: no space left on device, write".
_NODE_FILE_ERROR = re.compile(r"\bE[A-Z]+: ")


def synthesize(configs: Sequence[PipelineConfig], outdir: Path, project: Path) -> None:
    """Local state files are kept in the project folder, named relative to each
    stack's folder in the final outdir.

    Raises OutputFolderError, leaving every file as it was, when outdir is not
    cdktf output or cannot be written."""
    outdir = outdir.resolve()
    protected = {project.resolve(), Path.cwd(), Path.home(), *(Path(c.source).resolve() for c in configs)}
    problem = output_folder.replace_problem(outdir, protected)
    if problem:
        raise OutputFolderError(f"Refusing to write the output to {outdir}: {problem}.")
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        with output_folder.exclusive(outdir):
            _print_notes(output_folder.recover(outdir))
            _synthesize_and_swap(configs, outdir, project)
    except OSError as error:
        raise _cannot_write(outdir, error) from None


def _synthesize_and_swap(configs: Sequence[PipelineConfig], outdir: Path, project: Path) -> None:
    staging = output_folder.new_staging(outdir)
    try:
        app = App(outdir=str(staging), stack_traces=False)
        for config in configs:
            stack_dir = outdir / "stacks" / config.stack.name
            state_dir = Path(os.path.relpath(project.resolve(), stack_dir)).as_posix()
            PipelineStack(app, config, local_state_dir=state_dir)
        app.synth()
        for config in configs:
            install_provider_lock(staging / "stacks" / config.stack.name)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, RuntimeError) and _NODE_FILE_ERROR.search(str(error)):
            raise _cannot_write(outdir, error) from None
        raise
    try:
        notes = output_folder.swap_in(staging, outdir)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _print_notes(notes)


def _print_notes(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"Note: {note}.", file=sys.stderr)


def _cannot_write(outdir: Path, error: Exception) -> OutputFolderError:
    message = f"Cannot write the output to {outdir}: {error}"
    denied = Path(error.filename) if isinstance(error, PermissionError) and error.filename else None
    if denied is not None and (denied == outdir or outdir in denied.parents):
        # The previous output, written by another user: left as it was.
        message += (
            f"; {outdir} was written by another user (`sudo make synth`?): "
            f"remove it with sudo rm -rf {shlex.quote(str(outdir))}"
        )
    return OutputFolderError(message)
