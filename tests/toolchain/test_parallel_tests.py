"""make test's parallel run (pytest-xdist, --dist loadgroup, tests/conftest.py and
tests/e2e/conftest.py): the tests that share a module, or a deployment, run in one worker."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap

from tests.conftest import PROJECT

# Prints each test's xdist group once every hook has run, as a worker sends it to the scheduler.
GROUPS_PLUGIN = textwrap.dedent("""
    import pytest

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(items):
        for item in items:
            print("group", item.nodeid, [mark.args[0] for mark in item.iter_markers("xdist_group")])
""")


def pytest_run(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_tests_of_a_module_run_in_one_worker():
    modules = ["tests/unit/test_templates.py", "tests/unit/test_step_kinds.py"]

    result = pytest_run("-n", "2", "-v", *modules)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    workers: dict[str, set[str]] = {}
    for worker, nodeid in re.findall(r"^\[(gw\d)\] \[ *\d+%\] PASSED (\S+)", result.stdout, re.MULTILINE):
        workers.setdefault(nodeid.split("::")[0], set()).add(worker)
    assert sorted(workers) == sorted(modules)
    assert all(len(each) == 1 for each in workers.values()), workers


def test_each_deployment_of_the_end_to_end_tests_is_one_group(tmp_path):
    (tmp_path / "show_groups.py").write_text(GROUPS_PLUGIN)

    result = pytest_run("--collect-only", "-q", "-p", "show_groups", "tests/e2e", PYTHONPATH=str(tmp_path))

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    groups = {
        nodeid: ast.literal_eval(names)
        for nodeid, names in re.findall(r"^group (\S+) (\[.*\])$", result.stdout, re.MULTILINE)
    }
    assert groups and all(len(names) == 1 for names in groups.values()), "one group per test"
    group = {nodeid: names[0] for nodeid, names in groups.items()}
    dev = {nodeid for nodeid, name in group.items() if name == "e2e-dev-stack"}
    # Every user of the session's deployment, e.g. the destroy, and checkov's plans beside it.
    assert "tests/e2e/test_terraform_lifecycle.py::test_destroy_removes_everything" in dev
    assert "tests/e2e/test_checkov.py::test_no_check_fails_or_goes_unevaluated_on_the_resolved_plans" in dev
    assert {nodeid.split("::")[0] for nodeid in dev} >= {
        "tests/e2e/test_failure_path.py",
        "tests/e2e/test_more_steps.py",
        "tests/e2e/test_large_pipeline.py",
    }
    # One group per ticket preset's deployment, each with both of its tests.
    presets = [name for nodeid, name in group.items() if nodeid.startswith("tests/e2e/test_ticket_limits.py")]
    assert len(set(presets)) == 7 and len(presets) == 14
    # The own stacks come after the dev stack's destroy, which comes after every other test of it.
    order = list(group)
    destroy = order.index("tests/e2e/test_terraform_lifecycle.py::test_destroy_removes_everything")
    assert max(order.index(nodeid) for nodeid in dev) == destroy
    assert all(order.index(nodeid) > destroy for nodeid in group if "test_ticket_limits.py" in nodeid)
