"""scripts/pr_comment.py, the plan workflow's comment: composed, cut to GitHub's limit with a
pointer to the whole, one comment updated on every push, one label for the highest severity.
The posting runs against a loopback server that answers as the GitHub REST API does."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import PROJECT

SCRIPT = PROJECT / "scripts" / "pr_comment.py"
_spec = importlib.util.spec_from_file_location("pr_comment", SCRIPT)
assert _spec and _spec.loader
pr_comment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pr_comment)

ARTIFACT = "https://github.com/o/r/actions/runs/1/artifacts/2"
REPOSITORY = "octo/pipeline"


def test_the_comment_holds_the_plans_and_the_review(tmp_path):
    (tmp_path / "dev.row").write_text("| `dev` | 1 | 0 | 0 | 0 |\n")
    (tmp_path / "dev.txt").write_text("Plan: 1 to add\n```inside```\n")

    comment = pr_comment.compose(tmp_path, "## Plan review\n", "0123456789abcdef", "https://run")

    assert comment.splitlines() == [
        pr_comment.MARKER,
        "## terraform plan for `0123456`",
        "",
        "| Stack | To add | To change | To replace | To destroy |",
        "|---|---:|---:|---:|---:|",
        "| `dev` | 1 | 0 | 0 | 0 |",
        "",
        "<details><summary>Plan of <code>dev</code></summary>",
        "",
        "````text",  # longer than any run of backticks in the plan
        "Plan: 1 to add",
        "```inside```",
        "````",
        "</details>",
        "",
        "## Plan review",
        "",
        "[Workflow run](https://run)",
    ]


def test_a_long_plan_is_cut_and_no_plan_is_said(tmp_path):
    (tmp_path / "dev.txt").write_text("x" * (pr_comment.PLAN_TEXT_LIMIT + 10))

    lines = pr_comment.compose(tmp_path, "", "0123456", "https://run").splitlines()

    assert "| no plan ran | | | | |" in lines
    assert "x" * pr_comment.PLAN_TEXT_LIMIT in lines
    assert "x" * (pr_comment.PLAN_TEXT_LIMIT + 1) not in "\n".join(lines)


def test_a_comment_that_fits_is_left_whole():
    comment = "a\n" * 10

    assert pr_comment.fit(comment, ARTIFACT, limit=len(comment)) == comment


def test_a_long_comment_is_cut_under_the_limit_with_a_pointer_to_the_whole():
    comment = "".join(f"line {number} ✅\n" for number in range(20_000))

    cut = pr_comment.fit(comment, ARTIFACT)

    assert len(cut.encode()) <= pr_comment.COMMENT_LIMIT
    assert len(cut.encode()) > pr_comment.COMMENT_LIMIT - 100
    assert cut.startswith("line 0 ✅\nline 1 ✅\n")
    assert cut.endswith(f"the whole comment is in the [workflow artifact]({ARTIFACT}).\n")
    kept = cut.splitlines()[:-2]
    assert kept == comment.splitlines()[: len(kept)]  # whole lines only


def test_a_cut_inside_a_code_block_and_details_closes_them():
    comment = (
        "<details><summary>Plan</summary>\n\n```text\n" + "resource\n" * 100 + "```\n</details>\nafter\n"
    )

    cut = pr_comment.fit(comment, ARTIFACT, limit=400)

    lines = cut.splitlines()
    assert len(cut.encode()) <= 400
    assert lines[:4] == ["<details><summary>Plan</summary>", "", "```text", "resource"]
    assert lines[-5:-2] == ["", "```", "</details>"]
    assert "after" not in lines


def test_a_closed_block_is_not_closed_again():
    comment = "```\ncode\n```\n<details>\n</details>\n" + "text\n" * 100

    cut = pr_comment.fit(comment, ARTIFACT, limit=300)

    assert cut.count("```") == 2
    assert cut.count("</details>") == 1


@pytest.mark.parametrize(
    ("severities", "highest"),
    [
        ([], None),
        (["info"], "info"),
        (["low", "info", "medium"], "medium"),
        (["medium", "high", "low"], "high"),
    ],
)
def test_the_highest_severity_of_the_findings(severities, highest):
    findings = {"findings": [{"id": "x", "severity": severity} for severity in severities]}

    assert pr_comment.highest_severity(findings) == highest


def test_an_unknown_severity_is_refused():
    with pytest.raises(
        ValueError, match="unknown severity critical; expected one of info, low, medium, high"
    ):
        pr_comment.highest_severity({"findings": [{"severity": "critical"}]})


class FakeGitHub(BaseHTTPRequestHandler):
    """Issue 7's comments and labels, in the shape the REST API returns them."""

    state: dict

    def log_message(self, *arguments) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(part.split("=") for part in url.query.split("&"))
        items = self._items(url.path)
        size, page = int(query["per_page"]), int(query["page"])
        self._answer(200, items[(page - 1) * size : page * size])

    def do_POST(self) -> None:
        body = self._body()
        path = urlsplit(self.path).path
        self.state["calls"].append(("POST", path))
        if path.endswith("/comments"):
            self.state["comments"].append({"id": 900, "user": {"login": "github-actions[bot]"}, **body})
            self._answer(201, {})
        elif path.endswith("/issues/7/labels"):
            self.state["labels"] += [{"name": name} for name in body["labels"]]
            self._answer(200, self.state["labels"])
        else:  # creates a repository label
            exists = body["name"] in self.state["repository_labels"]
            self.state["repository_labels"].add(body["name"])
            self._answer(422 if exists else 201, {})

    def do_PATCH(self) -> None:
        body = self._body()
        self.state["calls"].append(("PATCH", urlsplit(self.path).path))
        comment_id = int(self.path.rsplit("/", 1)[1])
        next(item for item in self.state["comments"] if item["id"] == comment_id)["body"] = body["body"]
        self._answer(200, {})

    def do_DELETE(self) -> None:
        name = unquote(self.path.rsplit("/", 1)[1])
        self.state["calls"].append(("DELETE", unquote(self.path)))
        self.state["labels"] = [label for label in self.state["labels"] if label["name"] != name]
        self._answer(200, self.state["labels"])

    def _items(self, path: str) -> list:
        assert path.startswith(f"/api/repos/{REPOSITORY}/issues/7/")
        assert self.headers["Authorization"] == "Bearer the-token"
        return self.state["comments"] if path.endswith("/comments") else self.state["labels"]

    def _body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def _answer(self, status: int, value: object) -> None:
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def github() -> Iterator[dict]:
    state: dict = {"comments": [], "labels": [], "repository_labels": set(), "calls": []}
    handler = type("Handler", (FakeGitHub,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/api"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def post(github: dict, tmp_path: Path, body: str, severities: list[str]) -> subprocess.CompletedProcess:
    (tmp_path / "comment.md").write_text(body)
    (tmp_path / "review.json").write_text(
        json.dumps({"findings": [{"severity": name} for name in severities]})
    )
    github["calls"].clear()
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "post",
            "comment.md",
            "--findings",
            "review.json",
            "--artifact-url",
            ARTIFACT,
        ],
        cwd=tmp_path,
        env={
            "GITHUB_API_URL": github["url"],
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_TOKEN": "the-token",
            "PR_NUMBER": "7",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def comment(comment_id: int, login: str, body: str) -> dict:
    return {"id": comment_id, "user": {"login": login}, "body": body}


def test_the_first_push_creates_the_comment_and_its_label(github, tmp_path):
    github["comments"].append(comment(1, "someone", "LGTM"))
    github["labels"].append({"name": "bug"})

    post(github, tmp_path, f"{pr_comment.MARKER}\nfirst\n", ["low", "high"])

    assert github["comments"][1]["body"] == f"{pr_comment.MARKER}\nfirst\n"
    assert [label["name"] for label in github["labels"]] == ["bug", "review:high"]
    assert "review:high" in github["repository_labels"]


def test_a_later_push_updates_its_own_comment_on_any_page(github, tmp_path, monkeypatch):
    marked = f"{pr_comment.MARKER}\nold\n"
    github["comments"] += [comment(number, "someone", "chat") for number in range(1, 101)]
    github["comments"] += [
        comment(101, "someone", marked),  # quoted by a person: not ours
        comment(102, "github-actions[bot]", marked),
    ]
    github["labels"] += [{"name": "review:high"}, {"name": "review:low"}, {"name": "bug"}]
    github["repository_labels"].add("review:medium")

    post(github, tmp_path, f"{pr_comment.MARKER}\nnew\n", ["medium"])

    assert ("PATCH", "/api/repos/octo/pipeline/issues/comments/102") in github["calls"]
    assert not any(call == ("POST", "/api/repos/octo/pipeline/issues/7/comments") for call in github["calls"])
    assert github["comments"][-1]["body"] == f"{pr_comment.MARKER}\nnew\n"
    assert github["comments"][-2]["body"] == marked
    assert sorted(label["name"] for label in github["labels"]) == ["bug", "review:medium"]


def test_no_findings_leave_no_review_label(github, tmp_path):
    github["labels"] += [{"name": "review:info"}, {"name": "bug"}]

    post(github, tmp_path, f"{pr_comment.MARKER}\nquiet\n", [])

    assert [label["name"] for label in github["labels"]] == ["bug"]
    assert ("DELETE", "/api/repos/octo/pipeline/issues/7/labels/review:info") in github["calls"]


def test_the_posted_comment_is_cut_to_the_limit(github, tmp_path):
    long = pr_comment.MARKER + "\n" + "word ✅\n" * 20_000

    post(github, tmp_path, long, [])

    body = github["comments"][0]["body"]
    assert len(body.encode()) <= pr_comment.COMMENT_LIMIT
    assert body.startswith(pr_comment.MARKER)
    assert body.endswith(f"the whole comment is in the [workflow artifact]({ARTIFACT}).\n")


def test_a_label_that_is_there_already_is_left_alone(github, tmp_path):
    github["labels"].append({"name": "review:high"})

    post(github, tmp_path, f"{pr_comment.MARKER}\nagain\n", ["high"])

    assert [label["name"] for label in github["labels"]] == ["review:high"]
    assert [call for call in github["calls"] if "labels" in call[1]] == []
