"""The provider's Python package, imported without its ~2,100 resource modules.

Its __init__ ends with one `from . import <module>` per resource type. The
package is executed from its own file without that closing block; the
submodules are still ordinary subpackages that load on first import and
register their types with jsii as before.
"""

from __future__ import annotations

import importlib.machinery
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

PACKAGE = "cdktf_cdktf_provider_aws"
# The line the provider's __init__ puts before importing every submodule.
EAGER_IMPORTS_MARKER = "# Loading modules to ensure their types are registered with the jsii runtime library"


class UnexpectedPackage(Exception):
    """The installed package is missing or not shaped as this was written for."""


class LazyProviderFinder:
    """A meta path finder that finds the provider package as usual and hands
    it a loader that executes its __init__ without the eager imports."""

    def __init__(self, origin: str, source: str):
        self._origin = origin
        self._source = source

    @classmethod
    def for_installed_package(cls) -> LazyProviderFinder:
        spec = importlib.machinery.PathFinder.find_spec(PACKAGE)
        if spec is None or spec.origin is None:
            raise UnexpectedPackage(f"{PACKAGE} is not installed")
        head, marker, _ = Path(spec.origin).read_text(encoding="utf-8").partition(EAGER_IMPORTS_MARKER)
        if not marker:
            raise UnexpectedPackage(f"{spec.origin} does not look as expected")
        return cls(spec.origin, head)

    def find_spec(self, name: str, path=None, target=None):
        if name != PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin != self._origin:
            return None
        spec.loader = _LazyPackageLoader(self._origin, self._source)
        return spec


class _LazyPackageLoader:
    def __init__(self, origin: str, source: str):
        self._origin = origin
        self._source = source

    def create_module(self, spec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        # The package's own code, from its own file, minus the eager imports.
        exec(compile(self._source, self._origin, "exec"), module.__dict__)  # noqa: S102


def modules_loaded(modules: Mapping[str, ModuleType] = sys.modules) -> int:
    """How many of the provider's resource modules Python has imported."""
    prefix = f"{PACKAGE}."
    submodules = (name.removeprefix(prefix) for name in modules if name.startswith(prefix))
    # _jsii and publication's _private are the package's own plumbing.
    return sum(1 for name in submodules if "." not in name and not name.startswith("_"))
