"""`terraform validate` on synthesized stacks, when terraform is on PATH.

What does not change is not done again (review.cache): a folder whose content was validated
before, with the same Terraform, provider lock and settings, gets the result kept then; and
`terraform init` runs once for each set of what it reads, the next folders that need the same
getting a copy of what it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from review.cache import Cache, Kind, digest, file_digest
from review.resources import portable
from terraform_cli import LOCK_FILE_NAME, Terraform, automation_env

STACK_FILE = "cdk.tf.json"
# What init writes into a stack folder, and no more: the backend is not initialised.
INIT_OUTPUT = (".terraform", LOCK_FILE_NAME)


@dataclass(frozen=True)
class Validation:
    valid: bool
    summary: str = ""  # the first error, when not valid


def validate_all(stack_dirs: Sequence[Path]) -> dict[Path, Validation]:
    """Each folder is initialised without its backend (nothing is contacted but the provider
    source that TF_CLI_CONFIG_FILE names), then validated; folders of identical content once.

    The inits run one after another, because a shared plugin cache (TF_PLUGIN_CACHE_DIR) is
    not safe for concurrent use; validations, which load the provider, run two at a time.
    """
    if not stack_dirs:
        return {}
    cache = Cache.default()
    scratch = stack_dirs[0].parent
    env = automation_env(scratch, _plugin_cache(cache))
    tool = tool_key(env, scratch)
    init_keys = {stack_dir: init_key(tool, stack_dir) for stack_dir in stack_dirs}
    keys = {stack_dir: validation_key(init_keys[stack_dir], stack_dir) for stack_dir in stack_dirs}
    results = {
        key: Validation(**record)
        for key in set(keys.values())
        if (record := cache.record(Kind.VALIDATE, key)) is not None
    }
    pending = {key: stack_dir for stack_dir, key in keys.items() if key not in results}
    ready = []
    for key, stack_dir in pending.items():
        failed_init = _initialise(cache, env, init_keys[stack_dir], stack_dir)
        if failed_init:
            results[key] = failed_init
        else:
            ready.append(key)
    with ThreadPoolExecutor(max_workers=2) as pool:
        validated = pool.map(lambda key: _validate(env, pending[key]), ready)
        for key, (validation, about_the_configuration) in zip(ready, validated, strict=True):
            results[key] = validation
            if about_the_configuration:
                cache.keep_record(Kind.VALIDATE, key, asdict(validation))
    return {stack_dir: results[key] for stack_dir, key in keys.items()}


def tool_key(env: Mapping[str, str], scratch: Path) -> str:
    """Terraform's version, its CLI config (where providers come from) and every TF_ setting."""
    version = json.loads(Terraform(scratch, env).check("version", "-json"))
    config = env["TF_CLI_CONFIG_FILE"]
    settings = sorted(f"{name}={value}" for name, value in env.items() if name.startswith("TF_"))
    return digest(
        version["terraform_version"],
        version["platform"],
        file_digest(Path(config)),
        *(setting for setting in settings if setting != f"TF_CLI_CONFIG_FILE={config}"),
    )


def init_key(tool: str, stack_dir: Path) -> str:
    """What `terraform init -backend=false` reads: the providers and modules the stack requires,
    its lock file, and the tool."""
    document = json.loads((stack_dir / STACK_FILE).read_text())
    requirements = {key: value for key, value in document.get("terraform", {}).items() if key != "backend"}
    return digest(
        tool,
        json.dumps([requirements, document.get("module", {})], sort_keys=True),
        file_digest(stack_dir / LOCK_FILE_NAME),
    )


def validation_key(init: str, stack_dir: Path) -> str:
    """What `terraform validate` reads: every file of the folder, and what init installed.

    The local backend's path is left out: it depends on where the stack was synthesized, and
    validate does not read the backend."""
    parts: list[str | bytes] = [init]
    for directory, folders, files in os.walk(stack_dir):
        folders[:] = sorted(name for name in folders if name != INIT_OUTPUT[0])
        for name in sorted(files):
            path = Path(directory, name)
            relative = path.relative_to(stack_dir).as_posix()
            parts.append(relative)
            parts.append(
                json.dumps(portable(json.loads(path.read_text())), sort_keys=True)
                if relative == STACK_FILE
                else path.read_bytes()
            )
    return digest(*parts)


def _plugin_cache(cache: Cache) -> dict[str, str]:
    """Providers are downloaded once, not once per review; a plugin cache already set is kept."""
    if os.environ.get("TF_PLUGIN_CACHE_DIR"):
        return {}
    return {"TF_PLUGIN_CACHE_DIR": str(cache.plugin_cache().resolve())}


def _initialise(cache: Cache, env: dict[str, str], key: str, stack_dir: Path) -> Validation | None:
    """None when the folder is ready to validate."""
    saved = cache.folder(Kind.INIT, key)
    if saved is not None and _links_resolve(saved):
        _copy_init_output(saved, stack_dir)
        return None
    init = Terraform(stack_dir, env).run("init", "-input=false", "-backend=false")
    if init.returncode != 0:
        return Validation(False, "terraform init failed: " + _error_line(init))
    cache.keep_folder(Kind.INIT, key, lambda entry: _copy_init_output(stack_dir, entry))
    return None


def _copy_init_output(source: Path, target: Path) -> None:
    if (source / ".terraform").is_dir():
        shutil.copytree(source / ".terraform", target / ".terraform", symlinks=True)
    if (source / LOCK_FILE_NAME).is_file():
        shutil.copyfile(source / LOCK_FILE_NAME, target / LOCK_FILE_NAME)


def _links_resolve(folder: Path) -> bool:
    """False when a provider that a saved init links to is gone (a plugin cache or a mirror
    emptied since): init runs again instead."""
    for directory, folders, files in os.walk(folder):
        for name in (*folders, *files):
            path = Path(directory, name)
            if path.is_symlink() and not path.exists():
                return False
    return True


def _validate(env: dict[str, str], stack_dir: Path) -> tuple[Validation, bool]:
    """The result, and whether it is about the configuration alone (valid, or every error points
    into it), and so holds for the same content next time. An error without a place, such as
    a provider that did not start, may not recur."""
    result = Terraform(stack_dir, env).run("validate", "-json")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return Validation(False, "terraform validate failed: " + _error_line(result)), False
    errors = [item for item in report.get("diagnostics", []) if item.get("severity") == "error"]
    if report.get("valid") and not errors:
        return Validation(True), True
    first = errors[0] if errors else {}
    address = f" ({first['address']})" if first.get("address") else ""
    about_the_configuration = bool(errors) and all("range" in error for error in errors)
    return Validation(False, f"{first.get('summary', 'invalid')}{address}"), about_the_configuration


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or [f"exit status {result.returncode}"])[0]
