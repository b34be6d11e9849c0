"""make talks on stderr: stdout holds only what a target produces, so it can be redirected."""

from __future__ import annotations

import os
import re
import subprocess

from tests.conftest import PROJECT

MAKEFILES = [PROJECT / "Makefile", *sorted((PROJECT / "mk").glob("*.mk"))]
# A recipe line that make does not echo: silenced (@, -@), or a progress line ($(call say,...)).
QUIET_RECIPE = re.compile(r"\t(-?@|\$\(call say,)")


def test_no_recipe_line_is_echoed():
    echoed = [
        f"{makefile.name}:{number}: {line.strip()}"
        for makefile in MAKEFILES
        for number, line in enumerate(makefile.read_text().splitlines(), 1)
        if line.startswith("\t") and not QUIET_RECIPE.match(line) and not _continues(makefile, number)
    ]
    assert echoed == []


def _continues(makefile, number: int) -> bool:
    """Whether the line continues the previous one (a backslash at its end)."""
    lines = makefile.read_text().splitlines()
    return number > 1 and lines[number - 2].endswith("\\")


def test_make_synth_prints_the_summary_on_stdout_and_progress_only_on_stderr(tmp_path):
    outdir = tmp_path / "cdktf.out"
    result = subprocess.run(
        ["make", "synth"],
        cwd=PROJECT,
        env=dict(os.environ, CDKTF_OUTDIR=str(outdir), MAKEFLAGS="", MAKELEVEL=""),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["nightly-pipeline-dev", "nightly-pipeline-prod"]
    assert lines[-1].startswith(f"Synthesized 2 stack(s) into {outdir} in ")
    assert all(line.startswith("==> ") for line in result.stderr.splitlines()), result.stderr


def test_make_review_writes_only_the_report_on_stdout_and_its_progress_on_stderr():
    result = subprocess.run(
        ["make", "review", "BASE=HEAD"],
        cwd=PROJECT,
        env=dict(os.environ, MAKEFLAGS="", MAKELEVEL=""),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## Plan review: `HEAD (")
    progress = result.stderr.splitlines()
    assert all(line.startswith(("review: ", "==> ")) for line in progress), result.stderr
    # The base synthesized, or taken from make review's cache when a review synthesized it before.
    assert next(line for line in progress if line.startswith("review: ")).startswith(
        ("review: synthesizing HEAD (", "review: synthesizing the working tree; HEAD (")
    )


def test_make_clean_does_not_make_the_next_setup_reinstall_node_modules(tmp_path):
    """make clean removes .make/; with node_modules in place and in step with package-lock.json,
    node-deps stays up to date (make -q: exit 0), as python-deps does with .venv."""
    subprocess.run(["make", "--no-print-directory", "node-deps"], cwd=PROJECT, check=True, timeout=600)

    after_clean = subprocess.run(
        ["make", "-q", "node-deps", f"STAMP_DIR={tmp_path / 'removed-by-make-clean'}"],
        cwd=PROJECT,
        capture_output=True,
        check=False,
        timeout=60,
    )

    assert after_clean.returncode == 0


def test_make_hcl_refuses_an_empty_output_folder():
    """HCL_OUT= wrote "into /" (cdktf's --output ""), and then listed /stacks."""
    result = subprocess.run(
        ["make", "--no-print-directory", "hcl", "HCL_OUT="],
        cwd=PROJECT,
        env={name: value for name, value in os.environ.items() if name not in ("MAKEFLAGS", "MAKELEVEL")},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )

    assert result.returncode != 0
    assert "make hcl: HCL_OUT is empty" in result.stderr
    assert "writing every stack as HCL" not in result.stderr
