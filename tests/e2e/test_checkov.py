"""checkov (pinned, in its own venv .venv-checkov/) over every synthesized stack and over resolved plans.

Two routes, because checkov reads a policy differently in each:
- every stack's cdk.tf.json (--framework terraform_json). There a policy is the JSON string
  Terraform gets, and the checks that hand it to cloudsplaining or parse it as a document end
  UNKNOWN on every policy (POLICY_DOCUMENT_CHECKS).
- plans of stacks applied to the emulator (offline/resolved_plan.py; --framework terraform_plan),
  where checkov parses each policy with every reference resolved: there every check, those
  included, must reach a verdict (but for PLAN_GAPS, which the JSON route judges).

Any failed check fails the test, and so does any check that reaches no verdict on a resource of
a type it covers (checkov's report leaves UNKNOWN out; tools/checkov/registered_checks.py says
what should be there). A policy made bad on purpose makes the policy checks fail, so they are
known to run. Checks that do not apply are skipped in tools/checkov/checkov.yaml, each with a
comment saying why; a skip that no stack needs any more fails too, so the list cannot go stale.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from offline.resolved_plan import PLAN_SUFFIX, write_plan_json
from tests.conftest import PROJECT
from tests.e2e.conftest import MIXED_50_STACK, MORE_STEPS_STACK, STACK

CHECKOV_VENV = PROJECT / ".venv-checkov" / "bin"
CHECKOV = CHECKOV_VENV / "checkov"
CONFIG = PROJECT / "tools" / "checkov" / "checkov.yaml"
REGISTERED_CHECKS = PROJECT / "tools" / "checkov" / "registered_checks.py"
SKIP_LINE = re.compile(r"^\s*- (CKV2?_[A-Z0-9_]+)\s*$")

# Read a policy as a document (cloudsplaining, or a parse of the SNS policy): UNKNOWN on the JSON
# route, evaluated on the resolved plans.
POLICY_DOCUMENT_CHECKS = {
    "CKV_AWS_169",  # SNS topic policy open to any principal
    "CKV_AWS_286",  # privilege escalation
    "CKV_AWS_287",  # credentials exposure
    "CKV_AWS_288",  # data exfiltration
    "CKV_AWS_289",  # permissions management without constraints
    "CKV_AWS_290",  # write access without constraints
    "CKV_AWS_355",  # "*" as the resource of a restrictable action
    "CKV_AWS_385",  # SNS topic policy open to another account
    "CKV_AWS_168",  # SQS queue policy open to any principal (the night watch's dead-letter queue)
}

# checkov's own gap on a plan: the provider reads back `policy = ""` for a queue that has no queue
# policy, and CKV_AWS_168 (SQSQueuePolicyAnyPrincipal) answers UNKNOWN to a policy that is not a
# document. The JSON route, where such a queue has no `policy` at all, judges the same queues.
PLAN_GAPS = {("CKV_AWS_168", "aws_sqs_queue")}
SNS_POLICY_CHECKS = {"CKV_AWS_169", "CKV_AWS_385"}
QUEUE_POLICY_CHECKS = {"CKV_AWS_168"}
RESOURCE_POLICY_CHECKS = SNS_POLICY_CHECKS | QUEUE_POLICY_CHECKS
# Skipped only for lack of a customer-managed key: each must pass, unskipped, on the stacks that have
# [encryption] (the resource type each judges, one of each in either keyed stack).
KEY_CHECKS = {
    "CKV_AWS_26": "aws_sns_topic",
    "CKV_AWS_158": "aws_cloudwatch_log_group",
    "CKV_AWS_297": "aws_scheduler_schedule",
}

Verdict = tuple[str, str, str]
"""(check id, stack, resource name)."""


@pytest.fixture(scope="module")
def stacks_dir(synth_dir) -> Path:
    if not CHECKOV.exists():
        message = f"{CHECKOV} is missing; run `make checkov-setup`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return synth_dir / "stacks"


@pytest.fixture(scope="module")
def plans_dir(deployment, more_steps_child, mixed50_child, tmp_path_factory) -> Path:
    """<stack>.plan.json of the dev stack (the session's deployment) and, beside it, of the stacks
    that bring what dev has not: more_steps a Glue job and a nested state machine, mixed50 managed
    policies (aws_iam_policy) for its overflowing role; each written by the child that applies it
    for its own tests (tests/e2e/conftest.py). prod and variant build their policies from the same
    step kinds as dev; variant reads its secret by ARN, which the offline run cannot create."""
    out = tmp_path_factory.mktemp("resolved-plans")
    write_plan_json(deployment.terraform, out / f"{STACK}{PLAN_SUFFIX}")
    for child, name in ((more_steps_child, MORE_STEPS_STACK), (mixed50_child, MIXED_50_STACK)):
        shutil.copy2(child.finished() / f"{name}{PLAN_SUFFIX}", out)
    return out


def checkov(*arguments: str) -> dict:
    completed = subprocess.run(
        [CHECKOV, *arguments, "--output", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr  # 1: some check failed
    report = json.loads(completed.stdout)
    assert isinstance(report, dict), "one framework, one report"
    assert report["summary"]["parsing_errors"] == 0
    return report


def checkov_on_plans(plans: Iterable[Path], *arguments: str) -> dict:
    return checkov(*arguments, "--framework", "terraform_plan", "--file", *map(str, plans))


def stack_of(file_path: str) -> str:
    """/nightly-pipeline-dev/cdk.tf.json and /nightly-pipeline-dev.plan.json: nightly-pipeline-dev."""
    path = Path(file_path)
    return path.name.removesuffix(PLAN_SUFFIX) if path.name.endswith(PLAN_SUFFIX) else path.parent.name


def verdicts(report: dict, *kinds: str) -> set[Verdict]:
    """checkov names a resource `resource.<name>` on the JSON route, `<type>.<name>` in a plan."""
    return {
        (check["check_id"], stack_of(check["file_path"]), check["resource"].rsplit(".", 1)[-1])
        for kind in kinds
        for check in report["results"][kind]
    }


def synthesized_resources(stacks_dir: Path) -> dict[str, set[tuple[str, str]]]:
    """{resource type: {(stack, name)}} of every cdk.tf.json."""
    resources: dict[str, set[tuple[str, str]]] = {}
    for stack in stacks_dir.iterdir():
        for kind, bodies in json.loads((stack / "cdk.tf.json").read_text())["resource"].items():
            resources.setdefault(kind, set()).update((stack.name, name) for name in bodies)
    return resources


def planned_resources(plans_dir: Path) -> dict[str, set[tuple[str, str]]]:
    resources: dict[str, set[tuple[str, str]]] = {}
    for plan in plans_dir.glob(f"*{PLAN_SUFFIX}"):
        for resource in json.loads(plan.read_text())["planned_values"]["root_module"]["resources"]:
            if resource["mode"] == "managed":
                stack = plan.name.removesuffix(PLAN_SUFFIX)
                resources.setdefault(resource["type"], set()).add((stack, resource["name"]))
    return resources


def registered_checks(resource_types: Iterable[str]) -> dict[str, list[str]]:
    completed = subprocess.run(
        [CHECKOV_VENV / "python", REGISTERED_CHECKS, *sorted(resource_types)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def expected_verdicts(resources: dict[str, set[tuple[str, str]]]) -> set[Verdict]:
    """Every (check, resource) pair checkov should judge: each resource check registered for the
    resource's type, less the skipped ones."""
    skipped = {check for check, _ in skipped_checks()}
    registered = registered_checks(resources)
    return {
        (check, stack, name)
        for kind, located in resources.items()
        for stack, name in located
        for check in registered[kind]
        if check not in skipped
    }


def skipped_checks() -> list[tuple[str, str]]:
    """(check id, the comment lines just above it) for every entry of skip-check."""
    skips, comment = [], []
    for line in CONFIG.read_text().splitlines():
        if line.strip().startswith("#"):
            comment.append(line.strip().lstrip("# "))
        elif match := SKIP_LINE.match(line):
            skips.append((match.group(1), " ".join(comment)))
            comment = []
        else:
            comment = []
    return skips


def test_no_check_fails_on_any_synthesized_stack(stacks_dir, more_steps_child, mixed50_child):
    """Asks for the children of plans_dir, so that they apply their stacks while checkov runs."""
    report = checkov("--config-file", str(CONFIG), "--directory", str(stacks_dir))

    assert verdicts(report, "failed_checks") == set()
    checked_files = {stack_of(check["file_path"]) for check in report["results"]["passed_checks"]}
    assert checked_files == {stack.name for stack in stacks_dir.iterdir()}
    unevaluated = expected_verdicts(synthesized_resources(stacks_dir)) - verdicts(report, "passed_checks")
    # Only the policy-document checks, each on every policy (so PLAN_GAPS are judged here); a check
    # that starts to evaluate here (a newer checkov) or another that stops both show.
    assert {check for check, _, _ in unevaluated} == POLICY_DOCUMENT_CHECKS


def test_no_check_fails_or_goes_unevaluated_on_the_resolved_plans(stacks_dir, plans_dir):
    plans = sorted(plans_dir.glob(f"*{PLAN_SUFFIX}"))
    report = checkov_on_plans(plans, "--config-file", str(CONFIG))

    assert verdicts(report, "failed_checks") == set()
    resources = planned_resources(plans_dir)
    expected = expected_verdicts(resources)
    kind_of = {located: kind for kind, each in resources.items() for located in each}
    unevaluated = expected - verdicts(report, "passed_checks")
    assert {(check, kind_of[stack, name]) for check, stack, name in unevaluated} == PLAN_GAPS
    assert {check for check, _, _ in expected} >= POLICY_DOCUMENT_CHECKS
    # Every kind of resource that carries a policy in some stack is in a plan.
    registered = registered_checks(synthesized_resources(stacks_dir))
    policy_kinds = {kind for kind, checks in registered.items() if POLICY_DOCUMENT_CHECKS & set(checks)}
    assert policy_kinds <= set(resources)
    assert {"aws_iam_role_policy", "aws_iam_policy", "aws_sns_topic_policy"} <= policy_kinds


def test_the_key_skips_are_lifted_on_the_keyed_stacks(keyed_synth_dir, tmp_path):
    """The keyed stacks against the config without the skips that exist for lack of a key: no check
    fails, and each of those checks passes on its resource in both stacks."""
    if not CHECKOV.exists():
        pytest.skip(f"{CHECKOV} is missing; run `make checkov-setup`")
    lines = CONFIG.read_text().splitlines()
    unskipped = [
        line for line in lines if not ((match := SKIP_LINE.match(line)) and match.group(1) in KEY_CHECKS)
    ]
    assert len(lines) - len(unskipped) == len(KEY_CHECKS), "each key check is skipped for the unkeyed stacks"
    config = tmp_path / "checkov-keyed.yaml"
    config.write_text("\n".join(unskipped) + "\n")
    stacks = keyed_synth_dir / "stacks"

    report = checkov("--config-file", str(config), "--directory", str(stacks))

    assert verdicts(report, "failed_checks") == set()
    passed = {(check, stack) for check, stack, _ in verdicts(report, "passed_checks") if check in KEY_CHECKS}
    assert passed == {(check, stack.name) for check in KEY_CHECKS for stack in stacks.iterdir()}


def with_statement(resource: dict, attribute: str, statement: dict) -> None:
    document = json.loads(resource["values"][attribute])
    document["Statement"].append(statement)
    resource["values"][attribute] = json.dumps(document)


def test_a_bad_policy_fails_the_policy_checks(plans_dir, tmp_path):
    plan = json.loads((plans_dir / f"{STACK}{PLAN_SUFFIX}").read_text())
    resources = plan["planned_values"]["root_module"]["resources"]
    by_kind: dict[str, list[dict]] = {}
    for resource in sorted(resources, key=lambda resource: resource["address"]):
        by_kind.setdefault(resource["type"], []).append(resource)
    admin, pass_any_role = by_kind["aws_iam_role_policy"][:2]
    [topic_policy] = by_kind["aws_sns_topic_policy"]
    [queue_policy] = by_kind["aws_sqs_queue_policy"]
    queue_arn = json.loads(queue_policy["values"]["policy"])["Statement"][0]["Resource"]
    trusting_anyone = by_kind["aws_iam_role"][0]
    topic_arn = json.loads(topic_policy["values"]["policy"])["Statement"][0]["Resource"]

    with_statement(admin, "policy", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    with_statement(pass_any_role, "policy", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    with_statement(
        topic_policy,
        "policy",
        {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic_arn},
    )
    with_statement(
        topic_policy,
        "policy",
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
        },
    )
    with_statement(
        queue_policy,
        "policy",
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": queue_arn},
    )
    with_statement(
        trusting_anyone,
        "assume_role_policy",
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    )
    bad = tmp_path / f"{STACK}{PLAN_SUFFIX}"
    bad.write_text(json.dumps(plan))
    checks = [*POLICY_DOCUMENT_CHECKS, "CKV_AWS_60", "CKV_AWS_62", "CKV_AWS_63"]

    report = checkov_on_plans([bad], "--skip-download", "--check", ",".join(sorted(checks)))

    failed = {(check, name) for check, _, name in verdicts(report, "failed_checks")}
    assert failed == {
        *{(check, admin["name"]) for check in POLICY_DOCUMENT_CHECKS - RESOURCE_POLICY_CHECKS},
        ("CKV_AWS_62", admin["name"]),
        ("CKV_AWS_63", admin["name"]),
        ("CKV_AWS_289", pass_any_role["name"]),
        ("CKV_AWS_355", pass_any_role["name"]),
        ("CKV_AWS_169", topic_policy["name"]),
        ("CKV_AWS_385", topic_policy["name"]),
        ("CKV_AWS_168", queue_policy["name"]),
        ("CKV_AWS_60", trusting_anyone["name"]),
    }
    # The same checks still pass the policies left as synthesized.
    assert {
        check for check, _, _ in verdicts(report, "passed_checks")
    } >= POLICY_DOCUMENT_CHECKS - RESOURCE_POLICY_CHECKS


def test_every_skipped_check_is_justified_and_still_needed(stacks_dir):
    skips = skipped_checks()
    assert skips, "the config lists no skipped check: the parser or the file changed"
    unjustified = [check for check, comment in skips if len(comment) < 40]
    assert unjustified == [], "each skipped check needs a comment that says why"

    ids = ",".join(check for check, _ in skips)
    report = checkov(
        "--framework", "terraform_json", "--skip-download", "--check", ids, "--directory", str(stacks_dir)
    )

    still_failing = {check["check_id"] for check in report["results"]["failed_checks"]}
    assert still_failing == {check for check, _ in skips}, "a skip that no stack needs should be removed"
