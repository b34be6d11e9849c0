"""[stack]: the Terraform stack, its region, account and tags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core.sections import read_section, setting


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    name: str
    """The Terraform stack: cdktf.out/stacks/<name>."""
    region: str
    account_id: str | None = None
    """Default: any account. When set, Terraform refuses to run against another one."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags put on every resource (the provider's default_tags)."""


STACK = Section(
    "stack",
    "The Terraform stack.",
    keys=(
        setting(
            StackSettings,
            "name",
            Kind.STRING,
            "The Terraform stack, `cdktf.out/stacks/<name>`. Must be unique across files.",
            check=validators.stack_name,
        ),
        setting(StackSettings, "region", Kind.STRING, "The provider's region.", check=validators.region),
        setting(
            StackSettings,
            "account_id",
            Kind.STRING,
            "When set, Terraform refuses to run against another account (`allowed_account_ids`).",
            default_doc="any account",
            check=validators.account_id,
        ),
        setting(
            StackSettings,
            "tags",
            Kind.STRING_TABLE,
            f"Tags put on every resource (the provider's `default_tags`), at most {aws_rules.MAX_TAGS}, "
            "each checked against AWS's tag rules.",
        ),
    ),
    required=True,
)


def read_stack(table: Table) -> StackSettings:
    stack = read_section(table, STACK, StackSettings)
    for tag, value in stack.tags.items():
        if problem := aws_rules.tag_problem(tag, value):
            table.problems.add(f"{table.field('tags')}.{tag}", problem, value)
    if len(stack.tags) > aws_rules.MAX_TAGS:
        table.problem("tags", f"must hold at most {aws_rules.MAX_TAGS} tags (it has {len(stack.tags)})")
    table.finish()
    return stack
