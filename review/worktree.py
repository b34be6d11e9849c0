"""Synthesizes a git revision (in a temporary worktree) and the working tree, each with its own
`main.py` run by the current Python, into folders of the caller's choosing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SYNTH_TIMEOUT_SECONDS = 900


class ReviewError(Exception):
    """Raised when a revision cannot be resolved or a side fails to synthesize; the message
    says which and shows the end of the output."""


def git(repo: Path, *arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=repo, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReviewError(f"git {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def resolve(repo: Path, ref: str) -> str:
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ReviewError:
        raise ReviewError(f"{ref!r} is not a commit of {repo}; fetch it first (git fetch origin)") from None


@contextmanager
def worktree(repo: Path, commit: str, path: Path) -> Iterator[Path]:
    """A detached checkout of `commit` at `path`, removed afterwards whatever happens."""
    git(repo, "worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        yield path
    finally:
        try:
            git(repo, "worktree", "remove", "--force", str(path))
        except ReviewError:
            shutil.rmtree(path, ignore_errors=True)
            git(repo, "worktree", "prune")


def start_synth(tree: Path, outdir: Path) -> subprocess.Popen | None:
    """None when the tree has no `main.py` (a revision older than the CDKTF app).

    Every config/*.toml of the tree is synthesized, so PIPELINE_CONFIG is not passed on.
    """
    if not (tree / "main.py").is_file():
        return None
    env = {key: value for key, value in os.environ.items() if key != "PIPELINE_CONFIG"}
    env["CDKTF_OUTDIR"] = str(outdir)
    return subprocess.Popen(
        [sys.executable, "main.py"],
        cwd=tree,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_synth(side: str, process: subprocess.Popen) -> None:
    output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise ReviewError(f"synthesizing the {side} failed (exit status {process.returncode}):\n{tail}")


def load_stacks(outdir: Path) -> dict[str, dict]:
    """The synthesized document of each stack, by stack name."""
    return {
        stack.parent.name: json.loads(stack.read_text())
        for stack in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }
