"""The house stays readable (docs/development.md, "Layout"): no module is longer than a reader
can hold, and no two project modules import each other, directly or around a circle. Imports inside
functions count: a circle that only runs at call time still ties the modules together."""

from __future__ import annotations

import graphlib
from pathlib import Path

from tests.conftest import PROJECT
from tests.toolchain.test_pure_core import module_file, module_name, named_imports

MAX_MODULE_LINES = 450
MAX_LOADER_LINES = 400
NOT_PRODUCT = {"tests", "node_modules", "cdktf.out", "cdktf.hcl", ".make"}


def product_modules() -> list[Path]:
    return sorted(
        path
        for path in PROJECT.rglob("*.py")
        if not NOT_PRODUCT & set(path.relative_to(PROJECT).parts)
        and not any(part.startswith(".") for part in path.relative_to(PROJECT).parts)
    )


def project_imports(path: Path) -> set[str]:
    """The project modules the file names in an import (not the parent packages Python also runs)."""
    modules = {
        module_name(target) for name in named_imports(path) if (target := module_file(name)) is not None
    }
    return modules - {module_name(path)}


def test_no_product_module_is_longer_than_450_lines():
    modules = product_modules()
    assert len(modules) > 50
    long = {
        str(path.relative_to(PROJECT)): lines
        for path in modules
        if (lines := len(path.read_text().splitlines())) >= MAX_MODULE_LINES
    }
    assert long == {}


def test_the_loader_is_under_400_lines():
    assert len((PROJECT / "core" / "loading.py").read_text().splitlines()) < MAX_LOADER_LINES


def test_no_import_circle_among_project_modules():
    graph = {module_name(path): project_imports(path) for path in product_modules()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import circle: {' imports '.join(reversed(error.args[1]))}") from None
