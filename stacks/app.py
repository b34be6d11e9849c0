"""Synthesizes the stacks into a fresh folder, then swaps it in.

A failed synth leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cdktf import App

from core.config import PipelineConfig
from stacks.pipeline_stack import PipelineStack


def synthesize(configs: Sequence[PipelineConfig], outdir: Path, project: Path) -> None:
    """Local state files are kept in the project folder, named relative to each
    stack's folder in the final outdir."""
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.new-", dir=outdir.parent))
    try:
        app = App(outdir=str(staging), stack_traces=False)
        for config in configs:
            stack_dir = outdir / "stacks" / config.stack.name
            state_dir = Path(os.path.relpath(project.resolve(), stack_dir)).as_posix()
            PipelineStack(app, config, local_state_dir=state_dir)
        app.synth()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, outdir)


def _swap_in(staging: Path, outdir: Path) -> None:
    staging.chmod(0o755)
    if not outdir.exists():
        staging.rename(outdir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
    retired.rmdir()
    outdir.rename(retired)
    staging.rename(outdir)
    shutil.rmtree(retired, ignore_errors=True)
