"""Synthesizes one Terraform stack per environment file.

    python main.py                     every config/*.toml
    python main.py config/prod.toml    just these files
    PIPELINE_CONFIG=config/prod.toml   the same, for `cdktf deploy` (paths separated by ':')

Configuration is validated before anything is synthesized. Invalid
configuration prints every problem, exits with status 1 and leaves the
previous output in place.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import fast_synth

PROJECT = Path(__file__).resolve().parent
DEFAULT_OUTDIR = "cdktf.out"
# The Node that `make setup` installs from npm (package.json), which jsii supports. The Makefile puts
# it first on PATH; this does the same for `python main.py` and `cdktf synth` run by hand.
PROJECT_NODE_BIN = PROJECT / "node_modules" / "node" / "bin"


def config_paths(arguments: list[str]) -> list[Path]:
    if arguments:
        return [Path(argument) for argument in arguments]
    selected = os.environ.get("PIPELINE_CONFIG")
    if selected:
        return [Path(path) for path in selected.split(os.pathsep) if path]
    return sorted((PROJECT / "config").glob("*.toml"))


def main(arguments: list[str]) -> int:
    paths = config_paths(arguments)
    if not paths:
        print("No configuration files found (config/*.toml).", file=sys.stderr)
        return 1
    use_project_node()
    # Before anything imports cdktf; it starts the jsii kernel, which boots while Python reads the configs.
    fast_synth.notice_if_off(fast_synth.enable())
    from core.errors import ConfigError
    from core.loading import load_configs

    try:
        configs = load_configs(paths, PROJECT)
    except ConfigError as error:
        print(f"Invalid configuration ({len(error.problems)} problems):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    from stacks.app import synthesize
    from stacks.output_folder import OutputFolderError

    try:
        synthesize(configs, output_dir(), PROJECT)
    except OutputFolderError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def use_project_node() -> None:
    """Puts the project's Node first on PATH for jsii's kernel, when it is installed."""
    path = os.environ.get("PATH", "")
    if (PROJECT_NODE_BIN / "node").is_file() and not path.startswith(f"{PROJECT_NODE_BIN}{os.pathsep}"):
        os.environ["PATH"] = f"{PROJECT_NODE_BIN}{os.pathsep}{path}"


def output_dir() -> Path:
    """CDKTF_OUTDIR, as `cdktf synth` sets it; empty (an unset CI variable) counts as unset."""
    return Path(os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    except Exception:
        fast_synth.rerun_without_caches()
        raise
    fast_synth.exit(status)
