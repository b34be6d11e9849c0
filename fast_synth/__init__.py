"""Synthesizes with only the parts of the AWS provider bindings that the app uses.

Importing `cdktf_cdktf_provider_aws` imports all ~2,100 of its resource modules,
and the jsii kernel (Node) then requires all of their JavaScript: about 15 s and
500 MB for a synth that needs a dozen resource types. enable() changes two
things, in memory only (nothing installed is edited on disk):

- Python: the package's __init__ runs without its closing block of
  `from . import <module>` lines. Submodules are still ordinary subpackages and
  load on first import, registering their types with jsii as before.
- Node: the kernel is started with preloaded hooks (kernel_hooks.js) that
  serve the package's own lib/lazy-index.js, which exports the same names as
  getters, instead of lib/index.js; defer a zip library cdktf only needs for
  directory assets; and read single type definitions from the provider's 32 MB
  definitions file on disk instead of keeping all of it in memory.
- Memory: glibc is told to serve allocations of 16 KiB and more with mmap in
  the Node processes. The kernel hashes the provider's 34 MB package in 16 KiB
  buffers; from the heap, their freed memory stays resident (about 30 MB).

The synthesized output is byte for byte the same (tests/synth/test_fast_synth.py).
It applies only to the exact package versions below; with any other version, or
with PIPELINE_FAST_SYNTH=0, the normal import is used.

It also needs the index of the provider's types that jsii keeps in its package
cache. jsii builds it in a background thread the first time it loads the
provider, which a fast synth ends too soon to finish, so without the index a
fast synth stays at about 4 s. `python -m fast_synth.prepare` (run by
`make setup`) builds it once per machine; until then enable() falls back.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"
PROVIDER_NPM = "@cdktf/provider-aws@20.1.0"
# The versions whose import code and JavaScript entry points this was written against.
PINNED_VERSIONS = {
    "cdktf": "0.21.0",
    "cdktf-cdktf-provider-aws": "20.1.0",
    "constructs": "10.8.1",
    "jsii": "1.142.0",
}
# The line the provider's __init__ puts before importing every submodule.
EAGER_IMPORTS_MARKER = "# Loading modules to ensure their types are registered with the jsii runtime library"
SWITCH = "PIPELINE_FAST_SYNTH"
# Written last when jsii has built a package's runtime index.
PROVIDER_INDEX_MANIFEST = ".jsii.runtime.v1.json"
NODE_HOOKS = Path(__file__).resolve().parent / "kernel_hooks.js"


def enable(installed: Callable[[str], str | None] | None = None) -> str | None:
    """Turns fast synth on unless it cannot apply. Returns why not, or None.

    Call it before anything imports cdktf. installed maps a distribution name
    to its installed version (None if missing); tests pass their own.
    """
    if os.environ.get(SWITCH, "1") == "0":
        return f"fast synth is off ({SWITCH}=0)"
    reason = incompatibility(installed or _installed_version)
    if reason is None and not provider_index_built():
        reason = (
            "fast synth is off for this run: jsii has not indexed the provider's types on this "
            "machine yet (this run does it; `make setup` or `python -m fast_synth.prepare` does it ahead)"
        )
    if reason is None and PROVIDER_PACKAGE in sys.modules:
        reason = f"{PROVIDER_PACKAGE} was imported before fast synth could be enabled"
    if reason is None:
        reason = _install()
    return reason


def incompatibility(installed: Callable[[str], str | None]) -> str | None:
    for name, pinned in PINNED_VERSIONS.items():
        found = installed(name)
        if found != pinned:
            return f"fast synth is off: it was written for {name} {pinned}, found {found or 'none'}"
    return None


def provider_index_built() -> bool:
    """Whether jsii's package cache holds the runtime index of the pinned provider."""
    root = os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT") or Path.home() / ".cache/aws/jsii/package-cache"
    name, _, pinned = PROVIDER_NPM.rpartition("@")
    return any(Path(root, name, pinned).glob(f"*/{PROVIDER_INDEX_MANIFEST}"))


def notice_if_off(reason: str | None) -> None:
    """One line on stderr when a compatible-looking setup falls back; silent when asked off."""
    if reason is not None and not reason.endswith(f"({SWITCH}=0)"):
        print(f"{reason}; synthesizing the normal (slower) way", file=sys.stderr)


def _installed_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _install() -> str | None:
    spec = importlib.machinery.PathFinder.find_spec(PROVIDER_PACKAGE)
    if spec is None or spec.origin is None:
        return f"fast synth is off: {PROVIDER_PACKAGE} is not installed"
    source = Path(spec.origin).read_text(encoding="utf-8")
    head, marker, _ = source.partition(EAGER_IMPORTS_MARKER)
    if not marker:
        return f"fast synth is off: {spec.origin} does not look as expected"
    sys.meta_path.insert(0, _ProviderFinder(spec.origin, head))
    os.environ["FAST_SYNTH_PROVIDER"] = PROVIDER_NPM
    os.environ["NODE_OPTIONS"] = f'{os.environ.get("NODE_OPTIONS", "")} --require "{NODE_HOOKS}"'.strip()
    # Read by glibc when a process starts: this one is running already, the kernel is not.
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(16 * 1024))
    return None


class _ProviderFinder(importlib.abc.MetaPathFinder):
    """Finds the provider package as usual, but executes its __init__ without
    the eager imports."""

    def __init__(self, origin: str, source: str):
        self._origin = origin
        self._source = source

    def find_spec(self, name: str, path=None, target=None):
        if name != PROVIDER_PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin != self._origin:
            return None
        spec.loader = _LazyPackageLoader(self._origin, self._source)
        return spec


class _LazyPackageLoader(importlib.abc.Loader):
    def __init__(self, origin: str, source: str):
        self._origin = origin
        self._source = source

    def create_module(self, spec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        # The package's own code, from its own file, minus the eager imports.
        exec(compile(self._source, self._origin, "exec"), module.__dict__)  # noqa: S102


def provider_modules_loaded(modules: Mapping[str, ModuleType] = sys.modules) -> int:
    """How many of the provider's resource modules Python has imported."""
    prefix = f"{PROVIDER_PACKAGE}."
    submodules = (name.removeprefix(prefix) for name in modules if name.startswith(prefix))
    # _jsii and publication's _private are the package's own plumbing.
    return sum(1 for name in submodules if "." not in name and not name.startswith("_"))
