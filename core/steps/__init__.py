"""Pipeline steps: one module per kind, each owning its schema, Task state and IAM.

Every module of this package is imported here, so a kind defined in a new
module is registered (see core.steps.step) without being listed anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from core.steps.step import Step, registered_kinds
from core.steps.task import Retry

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

STEP_KINDS = registered_kinds()
"""Each kind's step class by its `type`, in alphabetical order."""


__all__ = ["STEP_KINDS", "Retry", "Step"]
