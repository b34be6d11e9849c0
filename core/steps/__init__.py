"""Pipeline steps: one module per kind, each owning its schema, Task state and IAM.

Every module of this package is imported here, so a kind defined in a new
module is registered (see core.steps.step) without being listed anywhere.
Here too: the [[steps]] section, its reading (each table through the kind its
`type` chooses) and the check of the steps' names against each other and
against the states the pipeline adds around them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from aws_facts import rules as aws_rules
from config_kit.schema import Section, Shape
from config_kit.toml_table import Key, Kind, Problems, Table, choose, key
from core.steps.step import (
    NAME,
    RESULT_PATH,
    TIMEOUT_SECONDS,
    ReadContext,
    Step,
    read_common,
    registered_kinds,
)
from core.steps.task import Retry
from policies.statement import sid_from_name

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

STEP_KINDS = registered_kinds()
"""Each kind's step class by its `type`, in alphabetical order."""

STEP_TYPE: Key[str] = key(
    "type",
    Kind.STRING,
    "The step's kind; the sections below list each kind's keys.",
    choices=tuple(STEP_KINDS),
)
_OWN_TIMEOUTS = ", ".join(
    f"{kind}: {cls.timeout_seconds} s" for kind, cls in STEP_KINDS.items() if cls.timeout_seconds
)
_TIMEOUT = replace(
    TIMEOUT_SECONDS, default_doc=f"{_OWN_TIMEOUTS}; other kinds: none but the service's own limit"
)
STEPS = Section(
    "steps",
    "The pipeline's steps, run in file order. Each one failing opens a ticket and notifies the team.",
    keys=(STEP_TYPE, NAME, RESULT_PATH, _TIMEOUT),
    shape=Shape.ARRAY,
    required=True,
    variants=tuple(kind.section for kind in STEP_KINDS.values()),
)


def read_steps(root: Table, context: ReadContext) -> tuple[Step, ...]:
    """The steps that could be read; a step whose type is unknown is one problem and left out."""
    step_tables = root.tables("steps")
    if not step_tables:
        root.problem(
            "steps", "the pipeline needs at least one [[steps]] table", value=root.data.get("steps", [])
        )
    read = (_read_step(table, context) for table in step_tables)
    return tuple(step for step in read if step is not None)


def _read_step(table: Table, context: ReadContext) -> Step | None:
    """None when the type is unknown: its other keys cannot be judged then."""
    kind = choose(table, STEP_TYPE, STEP_KINDS)
    if kind is None:
        return None
    step = kind.read(table, read_common(table, kind), context)
    table.finish()
    return step


@dataclass(frozen=True)
class AddedStates:
    """The states the pipeline adds around the steps (core.failure_path, core.fire_drill), given
    by the loader, since those modules build on this package."""

    owners: Mapping[str, str]
    """Each added state's name -> who adds it, as a message names it."""
    sids: Mapping[str, str]
    """The IAM Sids derived from added states' names -> who adds them."""
    record_state_name: Callable[[str], str]
    """The name of the state that records a step's failure."""


def check_state_names(problems: Problems, steps: tuple[Step, ...], added: AddedStates) -> None:
    """Step names must stay unique once the added states, and the IAM Sids derived from all of
    them, are added. One message per step at most."""
    taken = dict(added.owners)
    sids = dict(added.sids)
    for index, step in enumerate(steps):
        if not step.name:
            continue
        field = f"steps[{index}].name"
        problem = _state_name_problem(step.name, taken, sids, added.record_state_name)
        if problem:
            problems.add(field, problem, step.name)
        for state in (step.name, added.record_state_name(step.name)):
            taken.setdefault(state, field)
        sids.setdefault(sid_from_name(step.name), field)


def _state_name_problem(
    name: str, taken: Mapping[str, str], sids: Mapping[str, str], record_state_name: Callable[[str], str]
) -> str | None:
    record = record_state_name(name)
    for state in (name, record):
        if state in taken:
            return f"{state!r} is already a state name, used by {taken[state]}"
    if len(record) > aws_rules.MAX_STATE_NAME:
        return (
            f"its failure state {record!r} would be longer than {aws_rules.MAX_STATE_NAME} "
            f"characters; use at most {aws_rules.MAX_STATE_NAME - len(record) + len(name)}"
        )
    sid = sid_from_name(name)
    if sid in sids:
        return f"reads the same as {sids[sid]} once spaces and punctuation are dropped"
    return None


__all__ = [
    "STEPS",
    "STEP_KINDS",
    "STEP_TYPE",
    "AddedStates",
    "Retry",
    "Step",
    "check_state_names",
    "read_steps",
]
