"""The registry of step kinds: every kind module registers itself, once, under its type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

import core.steps.step
from config_kit.toml_table import Problems, Table
from core.loading import load_config
from core.role_policies import sizing_refs
from core.steps import STEP_KINDS, STEPS, Step
from core.steps.ecs_run_task import EcsStep
from core.steps.http_invoke import HttpStep
from core.steps.lambda_invoke import LambdaStep
from core.steps.step import ReadContext, read_common


@pytest.fixture
def scratch_registry(monkeypatch):
    """Kinds defined in a test register in a copy of the registry, dropped afterwards."""
    monkeypatch.setattr(core.steps.step, "_KINDS", dict(core.steps.step._KINDS))


def test_each_kind_module_is_registered_under_its_type():
    assert STEP_KINDS["lambda"] is LambdaStep
    assert STEP_KINDS["ecs"] is EcsStep
    assert STEP_KINDS["http"] is HttpStep
    assert all(kind.type == name for name, kind in STEP_KINDS.items())
    assert list(STEP_KINDS) == sorted(STEP_KINDS), "error messages list the types in a stable order"


def test_defining_a_step_class_registers_its_type(scratch_registry):
    @dataclass(frozen=True, kw_only=True)
    class AthenaStep(LambdaStep):
        type: ClassVar[str] = "athena"

    assert core.steps.step.registered_kinds()["athena"] is AthenaStep


def test_a_type_defined_twice_is_refused(scratch_registry):
    with pytest.raises(TypeError, match="step type 'lambda' is defined twice"):

        class AnotherLambdaStep(LambdaStep):
            type: ClassVar[str] = "lambda"


def test_a_kind_without_its_state_or_policy_cannot_be_built(scratch_registry):
    @dataclass(frozen=True, kw_only=True)
    class HalfStep(Step):
        type: ClassVar[str] = "half"

    with pytest.raises(TypeError, match="abstract"):
        HalfStep(name="Half", retry=None)


@pytest.mark.parametrize("kind", STEP_KINDS.values(), ids=lambda kind: kind.type)
def test_each_kind_documents_exactly_the_keys_it_reads(kind):
    table = Table({}, "steps[0]", Problems("env.toml"))
    kind.read(table, read_common(table, kind), ReadContext(connections=()))

    common = [item.name for item in STEPS.keys if item.name != "type"]
    documented = [*common, *(item.name for item in kind.section.keys)]
    documented += [child.name for child in kind.section.children]
    assert kind.section.name == kind.type
    assert sorted(table.keys_read) == sorted(documented)


# What the integration's name says about waiting: ".sync", ".sync:2" or ".waitForTaskToken".
# https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
WAITING_RESOURCE = re.compile(r"\.(sync|waitForTaskToken)(:\d+)?$")
EVERY_KIND_CONFIGS = ("config/dev.toml", "tests/fixtures/more_steps.toml")


def test_each_kind_says_whether_it_waits_as_its_task_state_does():
    root = Path(__file__).resolve().parents[2]
    kinds_seen = set()
    for name in EVERY_KIND_CONFIGS:
        config = load_config(root / name)
        refs = sizing_refs(config)
        for step in config.pipeline().steps:
            resource = step.to_state(refs)["Resource"]
            assert step.waits_for_completion == bool(WAITING_RESOURCE.search(resource)), (step.type, resource)
            kinds_seen.add(step.type)

    assert kinds_seen == set(STEP_KINDS), "a kind without an example here is not checked"
    assert {kind for kind, cls in STEP_KINDS.items() if cls.waits_for_completion} == {
        "ecs",
        "glue",
        "state_machine",
    }
