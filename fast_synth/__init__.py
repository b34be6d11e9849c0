"""Synthesizes with only the parts of the AWS provider bindings that the app uses,
and with the jsii kernel started ahead of Python's need for it.

Importing `cdktf_cdktf_provider_aws` imports all ~2,100 of its resource modules,
and the jsii kernel (Node) then requires all of their JavaScript: about 20 s and
1.1 GB for a synth that needs a dozen resource types. enable() changes, in
memory only (nothing installed is edited on disk):

- Python (lazy_provider.py): the package's __init__ runs without its closing
  block of `from . import <module>` lines; each submodule loads on first use.
- The kernel (early_kernel.py) is spawned at once, with the load requests of
  constructs, cdktf and the provider already written to it, so that it boots
  and loads them while Python imports jsii and cdktf; jsii adopts it.
- Node (kernel_hooks.js, preloaded into the kernel): the provider's own
  lib/lazy-index.js, which exports the same names as getters, is served
  instead of lib/index.js; a zip library cdktf only needs for directory assets
  loads on first use; single type definitions are read from the provider's
  32 MB definitions file on disk instead of keeping it whole in memory; the
  digest of each assembly's tarball, which the kernel would compute on every
  run (34 MB for the provider), is remembered; and the kernel's JavaScript is
  compiled with V8's code cache.

exit() then skips the interpreter's teardown once the output is written.

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

import atexit
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn

from fast_synth import early_kernel
from fast_synth.lazy_provider import PACKAGE as PROVIDER_PACKAGE
from fast_synth.lazy_provider import LazyProviderFinder, UnexpectedPackage

# The versions whose import code and JavaScript entry points this was written against.
PINNED_VERSIONS = {
    "cdktf": "0.21.0",
    "cdktf-cdktf-provider-aws": "20.1.0",
    "constructs": "10.8.1",
    "jsii": "1.142.0",
}
# What the bindings load into the kernel, in the order they load it.
ASSEMBLIES = (
    early_kernel.Assembly("constructs", PINNED_VERSIONS["constructs"], "constructs"),
    early_kernel.Assembly("cdktf", PINNED_VERSIONS["cdktf"], "cdktf"),
    early_kernel.Assembly(
        "@cdktf/provider-aws", PINNED_VERSIONS["cdktf-cdktf-provider-aws"], PROVIDER_PACKAGE
    ),
)
PROVIDER_ASSEMBLY = ASSEMBLIES[-1]
PROVIDER_NPM = f"{PROVIDER_ASSEMBLY.name}@{PROVIDER_ASSEMBLY.version}"
SWITCH = "PIPELINE_FAST_SYNTH"
# Set for the second run of rerun_without_caches(), so that it runs once more at most.
CACHES_DISCARDED = "PIPELINE_FAST_SYNTH_CACHES_DISCARDED"
# Written last when jsii has built a package's runtime index.
PROVIDER_INDEX_MANIFEST = ".jsii.runtime.v1.json"
NODE_HOOKS = Path(__file__).resolve().parent / "kernel_hooks.js"

_kernel: early_kernel.EarlyKernel | None = None


def enable(installed: Callable[[str], str | None] | None = None) -> str | None:
    """Turns fast synth on unless it cannot apply. Returns why not, or None.

    Call it before anything imports cdktf. installed maps a distribution name
    to its installed version (None if missing); tests pass their own.
    """
    if os.environ.get(SWITCH, "1") == "0":
        return f"fast synth is off ({SWITCH}=0)"
    reason = incompatibility(installed or installed_version)
    if reason is None and not provider_index_built():
        reason = (
            "fast synth is off for this run: jsii has not indexed the provider's types on this "
            "machine yet (this run does it; `make setup` or `python -m fast_synth.prepare` does it ahead)"
        )
    if reason is None and PROVIDER_PACKAGE in sys.modules:
        reason = f"{PROVIDER_PACKAGE} was imported before fast synth could be enabled"
    if reason is None and "constructs._jsii" in sys.modules:
        reason = "jsii's kernel was started before fast synth could be enabled"
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
    versions = Path(jsii_package_cache(os.environ), PROVIDER_ASSEMBLY.name, PROVIDER_ASSEMBLY.version)
    return any(versions.glob(f"*/{PROVIDER_INDEX_MANIFEST}"))


def jsii_package_cache(environ: Mapping[str, str]) -> Path:
    """Where jsii's kernel keeps its package cache (jsii's defaultCacheRoot, Linux and macOS)."""
    if environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return Path(environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"])
    if sys.platform == "darwin":
        return home(environ) / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    return home(environ) / ".cache" / "aws" / "jsii" / "package-cache"


def home(environ: Mapping[str, str]) -> Path:
    """The home folder as Node finds it (os.homedir): $HOME, or the user's entry in the password
    database when HOME is empty. Python's Path.home() is then "", the working folder."""
    value = environ.get("HOME", "")
    if os.path.isabs(value):
        return Path(value)
    import pwd

    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def notice_if_off(reason: str | None) -> None:
    """One line on stderr when a compatible-looking setup falls back; silent when asked off."""
    if reason is not None and not reason.endswith(f"({SWITCH}=0)"):
        print(f"{reason}; synthesizing the normal (slower) way", file=sys.stderr)


def installed_version(name: str) -> str | None:
    """The version in the name of the distribution's .dist-info folder, found
    on sys.path as importlib.metadata finds it. (importlib.metadata itself takes
    0.07 s to import, time the kernel would otherwise spend booting.)"""
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            if found.lower().startswith(prefix) and found.endswith(".dist-info"):
                return found[len(prefix) : -len(".dist-info")]
    return None


def _install() -> str | None:
    global _kernel
    try:
        finder = LazyProviderFinder.for_installed_package()
        kernel = early_kernel.start(ASSEMBLIES, _with_node_hooks(os.environ))
    except UnexpectedPackage as error:
        return f"fast synth is off: {error}"
    except OSError as error:
        return f"fast synth is off: could not start the jsii kernel ({error})"
    sys.meta_path.insert(0, finder)
    _kernel = kernel
    return None


def cache_folder(environ: Mapping[str, str]) -> Path:
    """The tarball digests and the code cache: worth a few tenths of a second, safe to delete."""
    return Path(environ.get("XDG_CACHE_HOME") or home(environ) / ".cache", "pipeline-fast-synth")


def rerun_without_caches(error: BaseException) -> None:
    """After a run failed with fast synth on, because of the jsii kernel: deletes the caches, says
    so in one line and runs the same command again in this process, once. Returns when that does
    not apply.

    kernel_hooks.js checks what it reads from the caches, but whatever they might
    still break must cost one slower run, never a failure until someone deletes them.
    Only the kernel reads them: an error raised by Python code (a bad config, a bug) is
    not theirs, and leaves them and the other runs that share them alone."""
    if _kernel is None or os.environ.get(CACHES_DISCARDED) or not raised_by_the_kernel(error):
        return
    folder = cache_folder(os.environ)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"fast synth: the run failed; deleted its caches ({folder}) and running once more", file=sys.stderr)
    # What exit handlers do (stop the kernel, delete the temporary folders of it and of jsii),
    # which exec would skip. A dead kernel fails to stop: that is known, and not shown.
    sys.unraisablehook, shown = (lambda _: None), sys.unraisablehook
    try:
        atexit._run_exitfuncs()
    finally:
        sys.unraisablehook = shown
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, sys.orig_argv, {**os.environ, CACHES_DISCARDED: "1"})


def raised_by_the_kernel(error: BaseException) -> bool:
    """Whether the error, or one it came from, was raised where jsii reads the kernel's answers:
    an error the kernel reported, or a kernel that died (its pipe closed, half a message).
    A Python callback's error reaches the kernel and comes back as the kernel's error."""
    readers = {
        early_kernel.package_dir("jsii").resolve() / "_kernel" / "providers" / "process.py",
        Path(early_kernel.__file__).resolve(),
    }
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if readers & _files_of(current):
            return True
        pending += [current.__cause__, current.__context__]
    return False


def _files_of(error: BaseException) -> set[Path]:
    """The source files of the functions the error was raised through."""
    files = set()
    traceback = error.__traceback__
    while traceback is not None:
        files.add(Path(traceback.tb_frame.f_code.co_filename).resolve())
        traceback = traceback.tb_next
    return files


def _with_node_hooks(environ: Mapping[str, str]) -> dict[str, str]:
    """The kernel's environment: kernel_hooks.js preloaded, and what it needs to know."""
    cache = cache_folder(environ)
    return {
        **environ,
        "NODE_OPTIONS": f'{environ.get("NODE_OPTIONS", "")} --require "{NODE_HOOKS}"'.strip(),
        "FAST_SYNTH_PROVIDER": PROVIDER_NPM,
        "FAST_SYNTH_DIGESTS": str(cache / "tarball-digests.json"),
        "FAST_SYNTH_CODE_CACHE": str(cache / "v8-code-cache"),
    }


def exit(status: int) -> NoReturn:
    """Ends the process as sys.exit does, minus the interpreter's teardown when fast synth is on.

    Python spends about 0.2 s freeing the ~1,000 modules and the objects of a
    synth one by one, after the output is written. The exit handlers still run
    (jsii stops its kernel in one), and standard output and error are flushed.
    """
    if _kernel is None:
        sys.exit(status)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
