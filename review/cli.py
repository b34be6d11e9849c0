"""python -m review --base REF: what the working tree changes against REF, as Markdown or JSON.

Offline and without credentials. Both sides are synthesized into a temporary folder (the base in
a temporary git worktree, always removed); with terraform on PATH, every stack of both sides is
also run through `terraform validate`. With --fail-on, exits 1 when a finding of that severity or
above is present (the report is written all the same).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from review.findings import Finding, Severity, as_json, at_or_above
from review.markdown import render
from review.report import StackReport, all_findings, compare
from review.terraform import Validation, validate_all
from review.worktree import ReviewError, git, load_stacks, resolve, synthesize_sides

FORMATS = ("markdown", "json")
FAILED_GATE = 1
FAILED_REVIEW = 2


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git ref to compare with, e.g. origin/main")
    parser.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    parser.add_argument("--no-validate", action="store_true", help="skip terraform validate")
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="the report's format")
    parser.add_argument(
        "--fail-on",
        choices=[severity.value for severity in Severity],
        help="exit 1 when a finding of this severity or above is present",
    )
    options = parser.parse_args(arguments)
    try:
        reports, labels, notes = review(
            Path(git(Path.cwd(), "rev-parse", "--show-toplevel")), options.base, options.no_validate
        )
    except (ReviewError, subprocess.TimeoutExpired) as error:
        print(f"review: {error}", file=sys.stderr)
        return FAILED_REVIEW
    text = formatted(reports, labels, notes, options.format)
    if options.output:
        options.output.write_text(text)
    else:
        sys.stdout.write(text)
    return gate(all_findings(reports), options.fail_on)


def formatted(reports: tuple[StackReport, ...], labels: tuple[str, str], notes: list[str], form: str) -> str:
    if form == "json":
        return json.dumps(as_json(all_findings(reports)), indent=2, ensure_ascii=False) + "\n"
    return render(reports, *labels, notes)


def gate(findings: list[Finding], fail_on: str | None) -> int:
    """FAILED_GATE when a finding is at `fail_on` or above; the reason goes to stderr."""
    if fail_on is None:
        return 0
    failing = at_or_above(findings, Severity(fail_on))
    if not failing:
        return 0
    ids = ", ".join(sorted({finding.id for finding in failing}))
    print(f"review: {len(failing)} finding(s) at {fail_on} or above ({ids})", file=sys.stderr)
    return FAILED_GATE


def review(
    repo: Path, base_ref: str, skip_validation: bool
) -> tuple[tuple[StackReport, ...], tuple[str, str], list[str]]:
    """The reports of every stack, the labels of both sides, and notes for the reader."""
    commit = resolve(repo, base_ref)
    with tempfile.TemporaryDirectory(prefix="review-") as scratch:
        folder = Path(scratch)
        notes = synthesize_sides(repo, commit, folder, _base_label(base_ref, commit), _progress)
        base, head = load_stacks(folder / "base"), load_stacks(folder / "head")
        validations: dict[str, tuple[Validation | None, Validation | None]]
        if skip_validation:
            validations = {}
        elif shutil.which("terraform") is None:
            validations = {}
            notes.append("`terraform validate` was skipped: terraform is not on PATH.")
        else:
            validations = _validate(base, head, folder)
    return compare(base, head, validations), (_base_label(base_ref, commit), _head_label(repo)), notes


def _validate(
    base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]], folder: Path
) -> dict[str, tuple[Validation | None, Validation | None]]:
    """Both sides' stacks; validate_all runs a stack that is the same on both sides once."""
    paths = {
        side: {name: folder / side / "stacks" / name for name in stacks}
        for side, stacks in (("base", base), ("head", head))
    }
    folders = [*paths["base"].values(), *paths["head"].values()]
    _progress(f"terraform validate on {len(folders)} stack folder(s)")
    results = validate_all(folders)

    def result(side: str, name: str) -> Validation | None:
        path = paths[side].get(name)
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
