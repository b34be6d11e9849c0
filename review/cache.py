"""make review's cache: what a review did before, kept under the project so the next review need
not do it again (docs/plan-review.md, "Speed of make review").

Each entry is named by a key that digests every input its content depends on, so an entry is
either right for what is asked or not found: a stale entry is never read, only left to be pruned.
The kinds, and their keys (built where the inputs are known):

- `synth/<key>/`: a base commit's synthesized output (review.worktree.synth_key).
- `init/<key>/`: a stack folder's `.terraform` and lock file after `terraform init`
  (review.terraform.init_key).
- `validate/<key>.json`: a `terraform validate` result (review.terraform).
- `plugins/`: Terraform's plugin cache (TF_PLUGIN_CACHE_DIR), unless one is set already.

An entry is written under a temporary name and renamed into place, so that a reader never sees
half of one, and a kind keeps only its most recently used entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from terraform_cli import PROJECT

# Overrides the folder, e.g. for the tests.
CACHE_DIR_VARIABLE = "REVIEW_CACHE_DIR"
DEFAULT_FOLDER = PROJECT / ".review-cache"
PLUGINS = "plugins"
_TEMPORARY = ".tmp-"


class Kind(Enum):
    """Each kind and how many entries it keeps."""

    SYNTH = ("synth", 8)
    INIT = ("init", 4)
    VALIDATE = ("validate", 256)

    def __init__(self, folder: str, keep: int) -> None:
        self.folder = folder
        self.keep = keep


def digest(*parts: str | bytes) -> str:
    """One key for the parts in order; each is length-prefixed, so no two lists share a key."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes, or of its absence."""
    return digest(path.read_bytes()) if path.is_file() else digest("missing", str(path.name))


@dataclass(frozen=True)
class Cache:
    root: Path

    @classmethod
    def default(cls) -> Cache:
        return cls(Path(os.environ.get(CACHE_DIR_VARIABLE) or DEFAULT_FOLDER))

    def folder(self, kind: Kind, key: str) -> Path | None:
        """The entry's folder, or None: its content is only to be read."""
        return self._used(self.root / kind.folder / key)

    def keep_folder(self, kind: Kind, key: str, fill: Callable[[Path], object]) -> None:
        """fill(folder) writes the entry into a new, empty folder."""
        temporary = self._temporary(kind)
        temporary.mkdir()
        try:
            fill(temporary)
            temporary.rename(self.root / kind.folder / key)
        except OSError:
            # Another review stored the same entry first.
            if not (self.root / kind.folder / key).is_dir():
                raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        self._prune(kind)

    def record(self, kind: Kind, key: str) -> dict[str, Any] | None:
        path = self._used(self.root / kind.folder / f"{key}.json")
        return json.loads(path.read_text()) if path else None

    def keep_record(self, kind: Kind, key: str, value: dict[str, Any]) -> None:
        temporary = self._temporary(kind)
        temporary.write_text(json.dumps(value))
        temporary.replace(self.root / kind.folder / f"{key}.json")
        self._prune(kind)

    def plugin_cache(self) -> Path:
        """Terraform's plugin cache; it must exist before Terraform uses it."""
        folder = self.root / PLUGINS
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _temporary(self, kind: Kind) -> Path:
        (self.root / kind.folder).mkdir(parents=True, exist_ok=True)
        return self.root / kind.folder / f"{_TEMPORARY}{uuid.uuid4().hex}"

    @staticmethod
    def _used(path: Path) -> Path | None:
        """Marks the entry as just used (the pruning keeps the most recently used)."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def _prune(self, kind: Kind) -> None:
        entries = [
            entry for entry in (self.root / kind.folder).iterdir() if not entry.name.startswith(_TEMPORARY)
        ]
        entries.sort(key=_mtime, reverse=True)
        for entry in entries[kind.keep :]:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _mtime(entry: Path) -> float:
    """0 for an entry another review has just pruned."""
    try:
        return entry.stat().st_mtime
    except FileNotFoundError:
        return 0
