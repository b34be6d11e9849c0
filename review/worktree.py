"""Synthesizes a git revision (in a temporary worktree) and the working tree, each with its own
`main.py` run by the current Python, into folders of the caller's choosing. A revision
synthesized before with the same packages is taken from the cache (review.cache) instead."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from review.cache import Cache, Kind, digest, file_digest

SYNTH_TIMEOUT_SECONDS = 900
# Both sides run with the working tree's packages, which make setup installs from these.
ENVIRONMENT_LOCK_FILES = ("Pipfile.lock", "package-lock.json")
SIDES = ("base", "head")


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


def synthesize_sides(
    repo: Path, commit: str, folder: Path, label: str, progress: Callable[[str], None]
) -> list[str]:
    """Synthesizes `commit` into folder/base and the working tree into folder/head, side by side;
    returns the notes for the report. label names the commit in the progress message."""
    outdirs = {side: folder / side for side in SIDES}
    head = start_synth(repo, outdirs["head"])
    try:
        cache = Cache.default()
        key = synth_key(repo, commit)
        cached = cache.folder(Kind.SYNTH, key)
        if cached is not None:
            progress(f"synthesizing the working tree; {label} as synthesized before, from {cache.root}")
            shutil.copytree(cached, outdirs["base"], symlinks=True)
            return _finish({"head": head})
        progress(f"synthesizing {label} and the working tree side by side")
        with worktree(repo, commit, folder / "base-tree") as base_tree:
            base = start_synth(base_tree, outdirs["base"])
            try:
                notes = _finish({"base": base, "head": head})
            finally:
                _stop([base])
        if base is not None:
            cache.keep_folder(
                Kind.SYNTH, key, lambda entry: shutil.copytree(outdirs["base"], entry, dirs_exist_ok=True)
            )
        return notes
    finally:
        _stop([head])


def synth_key(repo: Path, commit: str) -> str:
    """Everything a commit's synthesized output depends on: its tree (not the commit, so that a
    rebase that changes nothing keeps the entry), the packages and the interpreters."""
    return digest(
        git(repo, "rev-parse", f"{commit}^{{tree}}"),
        sys.version,
        _node_version(),
        *(file_digest(repo / name) for name in ENVIRONMENT_LOCK_FILES),
    )


def _node_version() -> str:
    """Of the Node on PATH, which the jsii kernel of both sides runs on."""
    try:
        return subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=False, timeout=60
        ).stdout.strip()
    except FileNotFoundError:
        return "none"


def _finish(processes: dict[str, subprocess.Popen[str] | None]) -> list[str]:
    notes = []
    for side, process in processes.items():
        if process is None:
            notes.append(f"The {side} has no `main.py`, so it has no stacks.")
        else:
            finish_synth(side, process)
    return notes


def _stop(processes: Iterable[subprocess.Popen[str] | None]) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


def start_synth(tree: Path, outdir: Path) -> subprocess.Popen[str] | None:
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


def finish_synth(side: str, process: subprocess.Popen[str]) -> None:
    output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise ReviewError(f"synthesizing the {side} failed (exit status {process.returncode}):\n{tail}")


def load_stacks(outdir: Path) -> dict[str, dict[str, Any]]:
    """The synthesized document of each stack, by stack name."""
    return {
        stack.parent.name: json.loads(stack.read_text())
        for stack in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }
