"""python -m review --base REF: what the working tree changes against REF, as Markdown.

Offline and without credentials. Both sides are synthesized into a temporary folder (the base in
a temporary git worktree, always removed); with terraform on PATH, every stack of both sides is
also run through `terraform validate`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from review.markdown import render
from review.report import compare
from review.resources import portable
from review.terraform import Validation, validate_all
from review.worktree import ReviewError, git, load_stacks, resolve, synthesize_sides


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git ref to compare with, e.g. origin/main")
    parser.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    parser.add_argument("--no-validate", action="store_true", help="skip terraform validate")
    options = parser.parse_args(arguments)
    try:
        markdown = review(
            Path(git(Path.cwd(), "rev-parse", "--show-toplevel")), options.base, options.no_validate
        )
    except (ReviewError, subprocess.TimeoutExpired) as error:
        print(f"review: {error}", file=sys.stderr)
        return 2
    if options.output:
        options.output.write_text(markdown)
    else:
        sys.stdout.write(markdown)
    return 0


def review(repo: Path, base_ref: str, skip_validation: bool) -> str:
    commit = resolve(repo, base_ref)
    with tempfile.TemporaryDirectory(prefix="review-") as scratch:
        folder = Path(scratch)
        notes = synthesize_sides(repo, commit, folder, _base_label(base_ref, commit), _progress)
        base, head = load_stacks(folder / "base"), load_stacks(folder / "head")
        if skip_validation:
            validations = {}
        elif shutil.which("terraform") is None:
            validations = {}
            notes.append("`terraform validate` was skipped: terraform is not on PATH.")
        else:
            validations = _validate(base, head, folder)
    return render(compare(base, head, validations), _base_label(base_ref, commit), _head_label(repo), notes)


def _validate(
    base: dict[str, dict], head: dict[str, dict], folder: Path
) -> dict[str, tuple[Validation | None, Validation | None]]:
    """A stack that is the same on both sides is validated once: each run loads the provider."""
    paths = {
        side: {name: folder / side / "stacks" / name for name in stacks}
        for side, stacks in (("base", base), ("head", head))
    }
    same = {name for name in base.keys() & head.keys() if portable(base[name]) == portable(head[name])}
    folders = [*(paths["base"][name] for name in sorted(base.keys() - same)), *paths["head"].values()]
    _progress(f"terraform validate on {len(folders)} stack folder(s)")
    results = validate_all(folders)

    def result(side: str, name: str) -> Validation | None:
        path = paths["head" if name in same else side].get(name)
        return results[path] if path else None

    return {name: (result("base", name), result("head", name)) for name in base.keys() | head.keys()}


def _progress(message: str) -> None:
    """Progress goes to stderr: stdout is the report."""
    print(f"review: {message} ...", file=sys.stderr, flush=True)


def _base_label(ref: str, commit: str) -> str:
    return ref if commit.startswith(ref) else f"{ref} ({commit[:7]})"


def _head_label(repo: Path) -> str:
    dirty = bool(git(repo, "status", "--porcelain"))
    return f"working tree at `{git(repo, 'rev-parse', '--short', 'HEAD')}`" + (
        " with uncommitted changes" if dirty else ""
    )
