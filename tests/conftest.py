"""Shared fixtures: the configurations under test, synthesized once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import fast_synth

# Before any test module imports the provider bindings: the suite synthesizes
# the way `make synth` does.
fast_synth.notice_if_off(fast_synth.enable())

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIGS = sorted((PROJECT / "config").glob("*.toml"))
VARIANT_CONFIG = PROJECT / "tests" / "fixtures" / "variant.toml"
MORE_STEPS_CONFIG = PROJECT / "tests" / "fixtures" / "more_steps.toml"
MIXED_50_CONFIG = PROJECT / "tests" / "fixtures" / "mixed-50.toml"
ALL_CONFIGS = [*DEFAULT_CONFIGS, VARIANT_CONFIG, MORE_STEPS_CONFIG, MIXED_50_CONFIG]
# One per ticket preset, and the Basic + OAuth stack of the end-to-end tests.
TICKET_EXAMPLES = sorted((PROJECT / "examples" / "tickets").glob("*.toml"))
AUTH_KINDS_CONFIG = PROJECT / "tests" / "fixtures" / "auth-kinds.toml"
# The dev configuration with [encryption]: a key the stack creates, and an existing one.
KEYED_STACKS = {"nightly-pipeline-kms": "create", "nightly-pipeline-kms-arn": "existing"}
EXISTING_KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/0d2c5f4e-1b3a-4c5d-8e6f-7a8b9c0d1e2f"


# Before pytest-xdist's own hook, which reads the groups; after tests/e2e/conftest.py's (pluggy calls
# the hooks of one priority last registered first, and this conftest is registered first).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """For pytest-xdist (make test: --dist loadgroup): the tests of a module run in one worker, so
    that its fixtures are made once, unless tests/e2e/conftest.py grouped a test otherwise."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """In a worker, xdist has put each test's group at the end of its node id, where the scheduler
    reads it: a pytest or xdist whose ids carry no group would split a deployment's tests over
    several processes (pytest 9.2 with xdist 3.8.0 does: xdist's issue 1386)."""
    config = item.config
    grouped = "@" in item.nodeid.rsplit("]", 1)[-1]
    if hasattr(config, "workerinput") and config.getoption("loadgroup", False) and not grouped:
        pytest.fail("pytest-xdist did not group this test (--dist loadgroup): see tests/conftest.py")


def keyed_config_text(stack_name: str) -> str:
    """config/dev.toml as stack_name, with the key KEYED_STACKS names for it."""
    key = "create" if KEYED_STACKS[stack_name] == "create" else EXISTING_KEY_ARN
    dev = (PROJECT / "config" / "dev.toml").read_text()
    # Its own secret too: the offline runs create each secret, and the dev stack's outlives its destroy.
    own = dev.replace("nightly-pipeline-dev", stack_name).replace('"nightly-pipeline/', f'"{stack_name}/')
    return own + f'\n[encryption]\nkey = "{key}"\n'


def run_main(
    arguments: Sequence[Path | str],
    outdir: Path | str,
    *,
    timeout: float,
    cwd: Path | None = None,
    **env: str,
) -> subprocess.CompletedProcess:
    """`python main.py <arguments>` in a fresh process, with CDKTF_OUTDIR=outdir."""
    return subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), *map(str, arguments)],
        cwd=cwd,
        env=dict(os.environ, CDKTF_OUTDIR=str(outdir), **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def _load(paths: Sequence[Path]) -> dict:
    from core.loading import load_configs

    return {config.stack.name: config for config in load_configs(paths)}


def _synthesized(tmp_path_factory, name: str, configs: dict) -> Path:
    from stacks.app import synthesize

    outdir = tmp_path_factory.mktemp(name) / "cdktf.out"
    synthesize(list(configs.values()), outdir, PROJECT)
    return outdir


def _stacks(outdir: Path, names) -> dict[str, dict]:
    return {name: json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text()) for name in names}


@pytest.fixture(scope="session")
def configs():
    return _load(ALL_CONFIGS)


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory, configs) -> Path:
    """Every configuration synthesized into one cdktf.out, as `make synth` does."""
    return _synthesized(tmp_path_factory, "synth", configs)


@pytest.fixture(scope="session")
def ticket_configs():
    return _load([*TICKET_EXAMPLES, AUTH_KINDS_CONFIG])


@pytest.fixture(scope="session")
def ticket_synth_dir(tmp_path_factory, ticket_configs) -> Path:
    """The ticket examples and the auth-kinds stack, synthesized into one cdktf.out."""
    return _synthesized(tmp_path_factory, "ticket-synth", ticket_configs)


@pytest.fixture(scope="session")
def ticket_stacks(ticket_synth_dir, ticket_configs) -> dict[str, dict]:
    return _stacks(ticket_synth_dir, ticket_configs)


@pytest.fixture(scope="session")
def keyed_configs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("keyed")
    paths = []
    for name in KEYED_STACKS:
        paths.append(folder / f"{name}.toml")
        paths[-1].write_text(keyed_config_text(name))
    return _load(paths)


@pytest.fixture(scope="session")
def keyed_synth_dir(tmp_path_factory, keyed_configs) -> Path:
    return _synthesized(tmp_path_factory, "keyed-synth", keyed_configs)


@pytest.fixture(scope="session")
def stacks(synth_dir, configs) -> dict[str, dict]:
    """The parsed cdk.tf.json of each stack, by stack name."""
    return _stacks(synth_dir, configs)
