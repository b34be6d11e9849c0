"""terraform validate once per content, terraform init once per what it reads: with a fake
terraform that notes each call (and, marked `terraform`, with the real one)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from review.terraform import Validation, validate_all
from terraform_cli import PROVIDER_LOCK

# init links .terraform/provider to $FAKE_PROVIDER, as Terraform links a cached or mirrored
# provider; validate reports the document's "errors", or that the provider is missing.
FAKE_TERRAFORM = """\
import json, os, pathlib, sys
arguments = [argument for argument in sys.argv[1:] if argument != "-no-color"]
with open(os.environ["TERRAFORM_LOG"], "a") as log:
    log.write(" ".join([pathlib.Path.cwd().name, *arguments]) + "\\n")
if arguments[0] == "version":
    print(json.dumps({"terraform_version": "1.11.4", "platform": "linux_amd64"}))
elif arguments[0] == "init":
    pathlib.Path(".terraform").mkdir()
    os.symlink(os.environ["FAKE_PROVIDER"], ".terraform/provider")
elif arguments[0] == "validate":
    if pathlib.Path(".terraform/provider").exists():
        errors = json.loads(pathlib.Path("cdk.tf.json").read_text()).get("errors", [])
    else:
        errors = [{"severity": "error", "summary": "provider missing"}]
    print(json.dumps({"valid": not errors, "diagnostics": errors}))
"""
# Logs each call, then runs the real terraform.
LOGGING_TERRAFORM = """\
import os, pathlib, sys
with open(os.environ["TERRAFORM_LOG"], "a") as log:
    log.write(" ".join([pathlib.Path.cwd().name, *sys.argv[1:2]]) + "\\n")
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
"""
REQUIREMENTS = {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}}
CONFIG_ERROR = {
    "severity": "error",
    "summary": "Reference to undeclared resource",
    "range": {"filename": "cdk.tf.json"},
}


def document(value: str, *, backend_path: str = "../../a.tfstate", errors: list | None = None) -> dict:
    return {
        "terraform": {"backend": {"local": {"path": backend_path}}, **REQUIREMENTS},
        "output": {"greeting": {"value": value}},
        **({"errors": errors} if errors else {}),
    }


def stacks(folder: Path, documents: dict[str, dict], lock: str = "# lock v1\n") -> list[Path]:
    """A fresh synth output: one folder per stack with its document and lock file."""
    paths = []
    for name, content in documents.items():
        path = folder / "stacks" / name
        path.mkdir(parents=True)
        (path / "cdk.tf.json").write_text(json.dumps(content))
        (path / ".terraform.lock.hcl").write_text(lock)
        paths.append(path)
    return paths


class Calls:
    def __init__(self, log: Path) -> None:
        self.log = log

    def take(self) -> list[str]:
        """The calls since the last take, each as "<folder> <command>", without version."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        self.log.unlink(missing_ok=True)
        return sorted(" ".join(line.split()[:2]) for line in lines if line.split()[1] != "version")


def on_path(tmp_path: Path, monkeypatch, script: str) -> Calls:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    terraform = bin_folder / "terraform"
    terraform.write_text(f"#!{sys.executable}\n{script}")
    terraform.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TERRAFORM_LOG", str(tmp_path / "terraform.log"))
    monkeypatch.delenv("TF_PLUGIN_CACHE_DIR", raising=False)
    return Calls(tmp_path / "terraform.log")


@pytest.fixture
def fake(tmp_path, monkeypatch) -> Calls:
    provider = tmp_path / "provider"
    provider.mkdir()
    monkeypatch.setenv("FAKE_PROVIDER", str(provider))
    config = tmp_path / "terraformrc"
    config.write_text("# the provider mirror\n")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(config))
    return on_path(tmp_path, monkeypatch, FAKE_TERRAFORM)


def test_identical_folders_are_validated_once_and_initialised_once(fake, tmp_path):
    folders = stacks(
        tmp_path / "review",
        {"dev": document("hello"), "same": document("hello", backend_path="../../b.tfstate")},
    ) + stacks(tmp_path / "review" / "head", {"broken": document("hi", errors=[CONFIG_ERROR])})

    results = validate_all(folders)

    assert fake.take() == ["broken validate", "same init", "same validate"]
    assert (folders[2] / ".terraform" / "provider").is_symlink()  # init's output, copied
    assert results == {
        folders[0]: Validation(True),
        folders[1]: Validation(True),
        folders[2]: Validation(False, "Reference to undeclared resource"),
    }


def test_what_a_review_validated_is_not_validated_again(fake, tmp_path):
    documents = {"dev": document("hello"), "broken": document("hi", errors=[CONFIG_ERROR])}
    first = validate_all(stacks(tmp_path / "first", documents))
    fake.take()

    second = validate_all(stacks(tmp_path / "second", documents))

    assert fake.take() == []
    assert list(second.values()) == list(first.values())


def test_a_changed_configuration_is_validated_without_init(fake, tmp_path):
    validate_all(stacks(tmp_path / "first", {"dev": document("hello")}))
    fake.take()

    results = validate_all(stacks(tmp_path / "second", {"dev": document("hi")}))

    assert fake.take() == ["dev validate"]
    assert list(results.values()) == [Validation(True)]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"lock": "# lock v2\n"}, id="lock file"),
        pytest.param(
            {"documents": {"dev": {**document("hello"), "terraform": {"required_providers": {}}}}},
            id="required providers",
        ),
        pytest.param({"config": "# another mirror\n"}, id="CLI config"),
    ],
)
def test_init_runs_again_when_what_it_reads_changes(fake, tmp_path, change):
    validate_all(stacks(tmp_path / "first", {"dev": document("hello")}))
    fake.take()
    if "config" in change:
        Path(os.environ["TF_CLI_CONFIG_FILE"]).write_text(change["config"])

    validate_all(
        stacks(
            tmp_path / "second",
            change.get("documents", {"dev": document("hello")}),
            change.get("lock", "# lock v1\n"),
        )
    )

    assert fake.take() == ["dev init", "dev validate"]


def test_a_saved_init_whose_provider_is_gone_is_not_used(fake, tmp_path):
    validate_all(stacks(tmp_path / "first", {"dev": document("hello")}))
    fake.take()
    provider = Path(os.environ["FAKE_PROVIDER"])
    provider.rmdir()  # emptied since, as a plugin cache or a mirror can be
    provider.mkdir()

    validate_all(stacks(tmp_path / "second", {"dev": document("hi")}))
    assert fake.take() == ["dev validate"]  # the link resolves again: reused
    provider.rmdir()

    results = validate_all(stacks(tmp_path / "third", {"dev": document("hey")}))

    assert fake.take() == ["dev init", "dev validate"]
    assert list(results.values()) == [Validation(False, "provider missing")]


def test_an_error_outside_the_configuration_is_validated_again(fake, tmp_path):
    # Where the error comes from the tool (no range in the configuration), it may not recur.
    documents = {"dev": document("hello", errors=[{"severity": "error", "summary": "plugin crashed"}])}
    validate_all(stacks(tmp_path / "first", documents))
    fake.take()

    results = validate_all(stacks(tmp_path / "second", documents))

    assert fake.take() == ["dev validate"]
    assert list(results.values()) == [Validation(False, "plugin crashed")]


def test_a_failed_init_is_reported_and_not_kept(fake, tmp_path):
    folders = stacks(tmp_path / "first", {"dev": document("hello")})
    (folders[0] / ".terraform").write_text("a file where init wants a folder")

    (result,) = validate_all(folders).values()

    assert result.valid is False
    assert result.summary.startswith("terraform init failed: ")
    fake.take()
    validate_all(stacks(tmp_path / "second", {"dev": document("hello")}))
    assert fake.take() == ["dev init", "dev validate"]


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_real_terraform_validates_each_content_once(tmp_path, monkeypatch):
    calls = on_path(tmp_path, monkeypatch, LOGGING_TERRAFORM.format(real=shutil.which("terraform")))
    broken = {"terraform": REQUIREMENTS, "output": {"arn": {"value": "${aws_sns_topic.missing.arn}"}}}
    documents = {
        "dev": {"terraform": REQUIREMENTS, "output": {"greeting": {"value": "hi"}}},
        "broken": broken,
    }
    lock = PROVIDER_LOCK.read_text()

    first = validate_all(stacks(tmp_path / "first", documents, lock))
    assert calls.take() == ["broken validate", "dev init", "dev validate"]
    second = validate_all(stacks(tmp_path / "second", documents, lock))

    assert calls.take() == []
    assert list(first.values()) == list(second.values())
    assert list(second.values()) == [Validation(True), Validation(False, "Reference to undeclared resource")]
