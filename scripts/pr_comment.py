#!/usr/bin/env python3
"""The plan workflow's pull request comment (.github/workflows/plan.yml, job `comment`).

    pr_comment.py compose --plans DIR --review FILE --head-sha SHA --run-url URL > comment.md
        The whole comment: the plan table (DIR/*.row), each plan's text (DIR/*.txt, folded) and
        the review report.
    pr_comment.py post comment.md --findings review.json --artifact-url URL
        Cuts the comment to GitHub's limit, with a line pointing to the artifact that holds it
        whole; updates this workflow's earlier comment (found by its hidden marker) or creates
        one; and labels the pull request with the highest severity of the review's findings.
        Reads GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER and GITHUB_API_URL.

Only the standard library: the job runs it with the runner's python3, nothing installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

# "Body is too long (maximum is 65536 characters)": the API's answer to a longer comment
# (https://docs.github.com/en/rest/issues/comments#create-an-issue-comment). Counted here in
# UTF-8 bytes, never fewer than characters, so the comment stays under the limit in either unit.
COMMENT_LIMIT = 65_536
PLAN_TEXT_LIMIT = 20_000  # characters of each plan's text
MARKER = "<!-- plan-review -->"
# The author of comments made with the workflow's GITHUB_TOKEN; only its comments are updated.
AUTHOR = "github-actions[bot]"
# The review's severities, lowest first (review/findings.py), and the label each gives.
SEVERITIES = ("info", "low", "medium", "high")
LABEL_PREFIX = "review:"
LABEL_COLOURS = {"info": "c5def5", "low": "0e8a16", "medium": "fbca04", "high": "d73a4a"}
PAGE_SIZE = 100  # the most a list endpoint returns per page


def compose(plans: Path, review: str, head_sha: str, run_url: str) -> str:
    rows = [row.read_text().rstrip("\n") for row in sorted(plans.glob("*.row"))]
    parts = [
        MARKER,
        f"## terraform plan for `{head_sha[:7]}`",
        "",
        "| Stack | To add | To change | To replace | To destroy |",
        "|---|---:|---:|---:|---:|",
        *(rows or ["| no plan ran | | | | |"]),
        "",
    ]
    for text in sorted(plans.glob("*.txt")):
        plan = text.read_text()[:PLAN_TEXT_LIMIT]
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", plan)), default=0))
        parts += [
            f"<details><summary>Plan of <code>{text.stem}</code></summary>",
            "",
            f"{fence}text",
            plan.rstrip("\n"),
            fence,
            "</details>",
            "",
        ]
    parts += [review.rstrip("\n"), "", f"[Workflow run]({run_url})", ""]
    return "\n".join(parts)


def fit(comment: str, artifact_url: str, limit: int = COMMENT_LIMIT) -> str:
    """The comment if it fits; else its first whole lines, any code block or <details> left
    open closed, and a line pointing to the artifact."""
    if _size(comment) <= limit:
        return comment
    notice = (
        f"\n… cut to fit a comment ({limit:,} characters at most): "
        f"the whole comment is in the [workflow artifact]({artifact_url}).\n"
    )
    kept: list[str] = []
    size = 0
    closing = ""  # nothing is open before the first line
    for line, closes in _with_closing(comment.splitlines(keepends=True)):
        if size + _size(line) + _size(closes) + _size(notice) > limit:
            break
        kept.append(line)
        size += _size(line)
        closing = closes
    return "".join(kept) + closing + notice


def _with_closing(lines: list[str]) -> Iterator[tuple[str, str]]:
    """Each line with what closes whatever is open once it is kept."""
    fence = ""
    open_details = 0
    for line in lines:
        stripped = line.strip()
        if fence:
            if stripped == fence[0] * len(stripped) and len(stripped) >= len(fence):
                fence = ""
        elif match := re.match(r"(`{3,}|~{3,})", stripped):
            fence = match.group(1)
        elif stripped.startswith("<details"):
            open_details += 1
        elif stripped == "</details>":
            open_details -= 1
        closing = (f"\n{fence}\n" if fence else "") + "</details>\n" * open_details
        yield line, closing


def _size(text: str) -> int:
    return len(text.encode())


def highest_severity(findings: dict) -> str | None:
    """From `make review FORMAT=json`: {"findings": [{"severity": ...}, ...]}; None if empty."""
    severities = {finding["severity"] for finding in findings.get("findings", [])}
    unknown = severities - set(SEVERITIES)
    if unknown:
        raise ValueError(
            f"unknown severity {', '.join(sorted(unknown))}; expected one of {', '.join(SEVERITIES)}"
        )
    return max(severities, key=SEVERITIES.index, default=None)


def label_changes(current: list[str], severity: str | None) -> tuple[list[str], list[str]]:
    """The labels to add and to remove: one review label, that of the highest severity."""
    review_labels = {f"{LABEL_PREFIX}{name}" for name in SEVERITIES}
    wanted = {f"{LABEL_PREFIX}{severity}"} if severity else set()
    return sorted(wanted - set(current)), [label for label in current if label in review_labels - wanted]


def own_comment(comments: list[dict]) -> int | None:
    """The id of this workflow's earlier comment: the first by AUTHOR that starts with MARKER."""
    for comment in comments:
        if comment["user"]["login"] == AUTHOR and comment["body"].startswith(MARKER):
            return int(comment["id"])
    return None


class GitHub:
    """The few REST calls the comment needs (https://docs.github.com/en/rest/issues)."""

    def __init__(self, api_url: str, repository: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/repos/{repository}"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> object:
        request = urllib.request.Request(
            f"{self.base}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else None

    def pages(self, path: str) -> list[dict]:
        items: list[dict] = []
        page = 1
        while True:
            batch = self.call("GET", f"{path}?per_page={PAGE_SIZE}&page={page}")
            assert isinstance(batch, list)
            items += batch
            if len(batch) < PAGE_SIZE:
                return items
            page += 1


def post(github: GitHub, number: int, body: str, severity: str | None) -> None:
    # List issue comments; update an issue comment, or create one:
    # https://docs.github.com/en/rest/issues/comments
    existing = own_comment(github.pages(f"/issues/{number}/comments"))
    if existing is None:
        github.call("POST", f"/issues/{number}/comments", {"body": body})
    else:
        github.call("PATCH", f"/issues/comments/{existing}", {"body": body})
    # List, create, add and remove labels: https://docs.github.com/en/rest/issues/labels
    current = [label["name"] for label in github.pages(f"/issues/{number}/labels")]
    add, remove = label_changes(current, severity)
    for label in add:
        _create_label(github, label)
        github.call("POST", f"/issues/{number}/labels", {"labels": [label]})
    for label in remove:
        github.call("DELETE", f"/issues/{number}/labels/{urllib.parse.quote(label, safe='')}")


def _create_label(github: GitHub, label: str) -> None:
    severity = label.removeprefix(LABEL_PREFIX)
    try:
        github.call(
            "POST",
            "/labels",
            {
                "name": label,
                "color": LABEL_COLOURS[severity],
                "description": f"make review: a {severity} finding",
            },
        )
    except urllib.error.HTTPError as error:
        if error.code != 422:  # 422: the label exists already
            raise


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    composing = commands.add_parser("compose")
    composing.add_argument("--plans", type=Path, required=True)
    composing.add_argument("--review", type=Path, required=True)
    composing.add_argument("--head-sha", required=True)
    composing.add_argument("--run-url", required=True)
    posting = commands.add_parser("post")
    posting.add_argument("comment", type=Path)
    posting.add_argument("--findings", type=Path, required=True)
    posting.add_argument("--artifact-url", required=True)
    options = parser.parse_args(arguments)
    if options.command == "compose":
        sys.stdout.write(
            compose(options.plans, options.review.read_text(), options.head_sha, options.run_url)
        )
        return 0
    github = GitHub(
        os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        os.environ["GITHUB_REPOSITORY"],
        os.environ["GITHUB_TOKEN"],
    )
    body = fit(options.comment.read_text(), options.artifact_url)
    severity = highest_severity(json.loads(options.findings.read_text()))
    post(github, int(os.environ["PR_NUMBER"]), body, severity)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
