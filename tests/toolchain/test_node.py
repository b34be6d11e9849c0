"""One Node for everything: the one package.json pins, which jsii supports, in make and in CI."""

from __future__ import annotations

import json
import os
import re
import subprocess

import yaml

from main import PROJECT_NODE_BIN
from tests.conftest import PROJECT

# jsii supports these Node majors without an end-of-life banner (jsii 1.142.0, NodeRelease table).
SUPPORTED_MAJORS = {"22", "24"}
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))


def pinned_node() -> str:
    return json.loads((PROJECT / "package.json").read_text())["dependencies"]["node"]


def test_package_json_pins_an_exact_supported_node():
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned_node())
    assert pinned_node().split(".")[0] in SUPPORTED_MAJORS


def test_the_installed_node_is_the_pinned_one():
    installed = subprocess.run(
        [str(PROJECT_NODE_BIN / "node"), "--version"], capture_output=True, text=True, check=True
    )
    assert installed.stdout.strip() == f"v{pinned_node()}"


def test_every_make_target_runs_the_projects_node_first():
    outside = os.pathsep.join(
        entry for entry in os.environ["PATH"].split(os.pathsep) if entry != str(PROJECT_NODE_BIN)
    )
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "which-node: ; @command -v node", "which-node"],
        cwd=PROJECT,
        env=dict(os.environ, PATH=outside, MAKEFLAGS=""),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(PROJECT_NODE_BIN / "node")


def test_the_workflows_set_up_the_same_node():
    for workflow in WORKFLOWS:
        assert yaml.safe_load(workflow.read_text())["env"]["NODE_VERSION"] == pinned_node(), workflow.name
