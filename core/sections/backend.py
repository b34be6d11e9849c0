"""[backend]: where Terraform keeps its state, chosen by `type` (local or s3)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Table, choose, key
from core.sections import read_section, setting


@dataclass(frozen=True, kw_only=True)
class LocalBackend:
    path: str | None = None
    """Relative to the project folder. Default: terraform.<stack>.tfstate."""


@dataclass(frozen=True, kw_only=True)
class S3Backend:
    bucket: str
    key: str
    region: str
    dynamodb_table: str | None = None
    """Default: none; locking uses an S3 lock file (use_lockfile) instead."""
    use_lockfile: bool = True
    encrypt: bool = True


Backend = LocalBackend | S3Backend

LOCAL = Section(
    "local",
    "A state file in the project folder.",
    keys=(
        setting(
            LocalBackend,
            "path",
            Kind.STRING,
            "The state file, relative to the project folder and inside it, outside every folder the "
            "project deletes or replaces (`cdktf.out`, `cdktf.hcl`, `.make`, `.terraform.d`, `node_modules`, "
            "`.venv`, the output folder, ...), and not an existing file other than a state. Two stacks never "
            "share a state file; paths that differ only in letter case are one file (as on macOS and "
            "Windows).",
            default_doc="`terraform.<stack>.tfstate`",
            check=validators.project_path,
        ),
    ),
)
S3 = Section(
    "s3",
    "An S3 bucket.",
    keys=(
        setting(
            S3Backend,
            "bucket",
            Kind.STRING,
            "The S3 bucket (S3's bucket naming rules).",
            check=aws_rules.s3_bucket_problem,
        ),
        setting(
            S3Backend,
            "key",
            Kind.STRING,
            "The state's object key (no leading, trailing or double `/`).",
            check=aws_rules.s3_state_key_problem,
        ),
        setting(S3Backend, "region", Kind.STRING, "The bucket's region.", check=validators.region),
        setting(
            S3Backend,
            "dynamodb_table",
            Kind.STRING,
            "A DynamoDB lock table (legacy locking).",
            check=aws_rules.DYNAMODB_TABLE_NAME.problem,
        ),
        setting(S3Backend, "use_lockfile", Kind.BOOLEAN, "S3-native state locking."),
        setting(S3Backend, "encrypt", Kind.BOOLEAN, "Server-side encryption of the state."),
    ),
)
_VARIANTS: dict[str, tuple[Section, type[Backend]]] = {
    LOCAL.name: (LOCAL, LocalBackend),
    S3.name: (S3, S3Backend),
}
BACKEND_TYPE: Key[str] = key(
    "type", Kind.STRING, "Where Terraform keeps its state.", LOCAL.name, choices=tuple(_VARIANTS)
)
BACKEND = Section(
    "backend",
    "Where Terraform keeps its state.",
    keys=(BACKEND_TYPE,),
    variants=tuple(section for section, _ in _VARIANTS.values()),
)


def read_backend(table: Table) -> Backend | None:
    """The variant `type` chooses; None when it names none (one problem says so)."""
    chosen = choose(table, BACKEND_TYPE, _VARIANTS)
    if chosen is None:
        return None
    backend = read_section(table, *chosen)
    table.finish()
    return backend
