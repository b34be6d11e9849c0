"""Pipeline steps: one module per kind, each owning its schema, Task state and IAM.

Every module of this package is imported here, so a kind defined in a new
module is registered (see core.steps.step) without being listed anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

from config_kit.schema import Section, Shape
from config_kit.toml_table import Key, Kind, key

from core.steps.step import NAME, RESULT_PATH, TIMEOUT_SECONDS, Step, registered_kinds
from core.steps.task import Retry

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


__all__ = ["STEPS", "STEP_KINDS", "STEP_TYPE", "Retry", "Step"]
