"""Synthesizes one Terraform stack per environment file.

    python main.py                     every config/*.toml
    python main.py config/prod.toml    just these files
    PIPELINE_CONFIG=config/prod.toml   the same, for `cdktf synth` (paths separated by ':')
    python main.py --list              the stacks and the files they write, without synthesizing

Configuration is validated before anything is synthesized. Invalid
configuration prints every problem, exits with status 1 and leaves the
previous output in place.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import fast_synth

PROJECT = Path(__file__).resolve().parent
DEFAULT_OUTDIR = "cdktf.out"
# The environment variables that stand in for arguments: `cdktf synth` runs this file with none.
CONFIG_VARIABLE = "PIPELINE_CONFIG"
OUTDIR_VARIABLE = "CDKTF_OUTDIR"
STACK_FILE = "cdk.tf.json"
# A resource block as cdktf writes HCL: at the start of a line, never indented.
HCL_RESOURCE = re.compile(r'^resource "', re.MULTILINE)
# The Node that `make setup` installs from npm (package.json), which jsii supports. The Makefile puts
# it first on PATH; this does the same for `python main.py` and `cdktf synth` run by hand.
PROJECT_NODE_BIN = PROJECT / "node_modules" / "node" / "bin"
# Set by `cdktf synth --hcl` (make hcl): the kernel then writes HCL, with the strings of
# scripts/exact_hcl_strings.js.
HCL_VARIABLE = "SYNTH_HCL_OUTPUT"
EXACT_HCL_STRINGS = PROJECT / "scripts" / "exact_hcl_strings.js"
# How jsii's kernel says it cannot use its package cache (jsii's PackageCacheError), and its size.
JSII_CACHE_PROBLEM = "Cannot use the jsii package cache in "
JSII_CACHE_SIZE = "415 MB"


class _Parser(argparse.ArgumentParser):
    """Bad arguments are bad input like a bad config: a message, status 1, no traceback."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: {message}\n")


def parse_arguments(arguments: Sequence[str]) -> argparse.Namespace:
    parser = _Parser(
        prog="python main.py",
        description="Validates the environment files, then writes one Terraform JSON stack per file.",
        epilog="Invalid configuration prints every problem, exits 1 and leaves the previous output as it was.",
    )
    parser.add_argument(
        "configs",
        nargs="*",
        type=Path,
        metavar="CONFIG",
        help=f"environment files (default: ${CONFIG_VARIABLE}, paths separated by '{os.pathsep}', "
        "else every config/*.toml)",
    )
    parser.add_argument(
        "--outdir",
        type=Path,
        metavar="DIR",
        help=f"the output folder, replaced whole (default: ${OUTDIR_VARIABLE}, else {DEFAULT_OUTDIR}); "
        "a leading ~ is your home folder",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list each stack with its config file and the file it writes; synthesize nothing",
    )
    return parser.parse_args(arguments)


def config_paths(arguments: Sequence[Path]) -> list[Path]:
    if arguments:
        return [path.expanduser() for path in arguments]
    selected = os.environ.get(CONFIG_VARIABLE)
    if selected:
        return [Path(path).expanduser() for path in selected.split(os.pathsep) if path]
    return sorted((PROJECT / "config").glob("*.toml"))


def no_configs() -> str:
    selected = os.environ.get(CONFIG_VARIABLE)
    if selected:
        return (
            f"{CONFIG_VARIABLE}={selected!r} names no file: "
            f"give one or more paths separated by '{os.pathsep}', or unset it for every config/*.toml."
        )
    return "No configuration files found (config/*.toml)."


def output_dir(option: Path | None) -> Path:
    """--outdir, else CDKTF_OUTDIR as `cdktf synth` sets it; empty (an unset CI variable) counts as unset.
    A leading ~ is the home folder, as a shell reads it: '~/out' quoted, or set in a CI variable, would
    otherwise be a folder named ~."""
    return (option or Path(os.environ.get(OUTDIR_VARIABLE) or DEFAULT_OUTDIR)).expanduser()


def use_project_node() -> None:
    """Puts the project's Node first on PATH for jsii's kernel, when it is installed."""
    path = os.environ.get("PATH", "")
    if (PROJECT_NODE_BIN / "node").is_file() and not path.startswith(f"{PROJECT_NODE_BIN}{os.pathsep}"):
        os.environ["PATH"] = f"{PROJECT_NODE_BIN}{os.pathsep}{path}"


def use_exact_hcl_strings() -> None:
    """When the kernel writes HCL, it preloads the fix of its strings (inherited by jsii's kernel)."""
    if os.environ.get(HCL_VARIABLE) in ("true", "1"):
        preload = f'--require "{EXACT_HCL_STRINGS}"'
        os.environ["NODE_OPTIONS"] = f"{os.environ.get('NODE_OPTIONS', '')} {preload}".strip()


def stack_file(outdir: Path, stack: str) -> Path:
    return outdir / "stacks" / stack / STACK_FILE


def main(arguments: Sequence[str]) -> int:
    started = time.perf_counter()
    options = parse_arguments(arguments)
    paths, outdir = config_paths(options.configs), output_dir(options.outdir)
    if not paths:
        print(no_configs(), file=sys.stderr)
        return 1
    if not options.list:
        use_project_node()
        use_exact_hcl_strings()
        use_real_home()
        notice = home_notice()
        if notice:
            print(notice, file=sys.stderr)
        # Before anything imports cdktf; it starts the jsii kernel, which boots while Python reads the configs.
        fast_synth.notice_if_off(fast_synth.enable())
    from config_kit.errors import ConfigError

    from core.loading import load_configs

    try:
        configs = load_configs(paths, PROJECT, outdir)
    except ConfigError as error:
        print(error.headline, file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for config in configs:
        for warning in config.warnings:
            print(f"Warning: {warning}", file=sys.stderr)
    names = [config.stack.name for config in configs]
    if options.list:
        width = max(map(len, names))
        for config in configs:
            name = config.stack.name
            print(f"{name:<{width}}  {shown(Path(config.source))} -> {shown(stack_file(outdir, name))}")
        return 0
    from stacks.app import synthesize
    from stacks.output_folder import OutputFolderError

    try:
        synthesize(configs, outdir, PROJECT)
    except OutputFolderError as error:
        print(error, file=sys.stderr)
        return 1
    manifest = json.loads((outdir / "manifest.json").read_text())["stacks"]
    for name in names:
        print(summary(name, outdir / manifest[name]["synthesizedStackPath"]))
    print(f"Synthesized {len(names)} stack(s) into {shown(outdir)} in {time.perf_counter() - started:.1f} s.")
    return 0


def summary(stack: str, path: Path) -> str:
    """Stacks are JSON, or HCL under `cdktf synth --hcl` (make hcl)."""
    if path.suffix == ".json":
        resources = sum(map(len, json.loads(path.read_text()).get("resource", {}).values()))
    else:
        resources = len(HCL_RESOURCE.findall(path.read_text()))
    return f"{stack}: {resources} resources -> {shown(path)}"


def shown(path: Path) -> Path:
    """The path relative to the working folder when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def use_real_home() -> None:
    """An empty (or relative) HOME made jsii's kernel keep its package cache in the temporary
    folder, apart from the provider index fast synth looks for: every synth was slow. Such a HOME
    is replaced by the user's home folder from the password database, for the kernel too."""
    if "HOME" in os.environ and not os.path.isabs(os.environ["HOME"]):
        os.environ["HOME"] = str(fast_synth.home(os.environ))


def home_notice() -> str | None:
    """A HOME that does not exist would get jsii's package cache (about 415 MB) created in it."""
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return None
    folder = fast_synth.home(os.environ)
    if folder.is_dir():
        return None
    return (
        f"Note: the home folder {folder} does not exist; jsii creates it for its package cache "
        f"(about {JSII_CACHE_SIZE}), {fast_synth.jsii_package_cache(os.environ)}. "
        "Set JSII_RUNTIME_PACKAGE_CACHE_ROOT to a folder of your choice to keep it elsewhere."
    )


def jsii_cache_problem(error: Exception) -> str | None:
    """jsii's own message when it cannot use its package cache (a read-only home), with the way out."""
    if not str(error).startswith(JSII_CACHE_PROBLEM):
        return None
    return (
        f"{error}\nFor example: JSII_RUNTIME_PACKAGE_CACHE_ROOT=/var/tmp/$USER-jsii-cache make synth "
        f"(the cache takes about {JSII_CACHE_SIZE}; without it, each synth takes about 20 s longer)."
    )


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    except Exception as error:
        problem = jsii_cache_problem(error)
        if problem is not None:
            print(problem, file=sys.stderr)
            fast_synth.exit(1)
        fast_synth.rerun_without_caches(error)
        raise
    fast_synth.exit(status)
