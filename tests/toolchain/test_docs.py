"""The README stays short, and every relative link in it and in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT

README = PROJECT / "README.md"
PAGES = [README, *sorted((PROJECT / "docs").glob("*.md"))]
README_LIMIT_BYTES = 15 * 1024
# [text](target) outside code spans; the target up to an optional "title".
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def test_the_readme_is_at_most_15_kb():
    assert len(README.read_bytes()) <= README_LIMIT_BYTES


def test_the_readme_has_a_table_of_contents_of_its_sections():
    text = README.read_text()
    sections = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert sections[0] == "Contents"
    contents = text.split("## Contents", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^- \[(.+?)\]\(#(.+?)\)$", contents, re.MULTILINE) == [
        (section, anchor(section)) for section in sections[1:]
    ]


def anchor(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def relative_links(page: Path) -> list[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", page.read_text()))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(PROJECT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{target}: no heading #{fragment} in {destination.name}")
    assert broken == []


def test_the_link_check_sees_links_and_anchors():
    assert "docs/configuration.md" in relative_links(README)
    assert "quick-start" in anchors(README)
    assert anchor("How IAM is scoped, and why") == "how-iam-is-scoped-and-why"


def test_the_quick_starts_sample_output_is_what_make_synth_prints(tmp_path):
    """The sample in the README, but the seconds, against a synth of the shipped configuration."""
    from tests.conftest import DEFAULT_CONFIGS, run_main

    sample = README.read_text().split("`make synth` with the shipped configuration", 1)[1]
    sample = sample.split("```text\n", 1)[1].split("```", 1)[0]

    result = run_main(DEFAULT_CONFIGS, "cdktf.out", timeout=180, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    seconds = re.compile(r" in \d+\.\d s\.$", re.MULTILINE)
    assert seconds.sub(" in N s.", result.stdout) == seconds.sub(" in N s.", sample)
