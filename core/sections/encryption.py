"""[encryption]: the customer-managed KMS key that encrypts what the stack keeps (docs/encryption.md)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_facts import partitions
from aws_facts import rules as aws_rules
from aws_facts.arns import ANY_ARN
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core.sections import read_section, setting
from core.sections.stack import StackSettings

CREATE = "create"


@dataclass(frozen=True, kw_only=True)
class EncryptionSettings:
    key: str = ""
    """"create", a KMS key ARN, or "" (default): no customer-managed key, AWS-owned and
    service keys as without this section."""
    data_key_reuse_seconds: int = 300
    """How long Step Functions and SQS reuse a data key before asking KMS for a new one."""

    @property
    def enabled(self) -> bool:
        return bool(self.key)

    @property
    def creates_key(self) -> bool:
        return self.key == CREATE


ENCRYPTION = Section(
    "encryption",
    "A customer-managed KMS key for the topic, the dead-letter queues, the log group, the schedule, "
    "the state machine and the connections; see [encryption](encryption.md).",
    keys=(
        setting(
            EncryptionSettings,
            "key",
            Kind.STRING,
            '`"create"`: one key for this stack, rotated yearly, its key policy generated from what the stack '
            "needs. A key ARN: an existing symmetric key in the stack's partition, region and account; the "
            "stack prints the key-policy statements it needs (output `required_key_policy`).",
            default_doc="no customer-managed key",
            check=validators.kms_key,
        ),
        setting(
            EncryptionSettings,
            "data_key_reuse_seconds",
            Kind.INTEGER,
            "How long the state machine and the queues reuse a data key before asking KMS again: fewer "
            "KMS requests against a shorter window of one key's use.",
            bounds=aws_rules.DATA_KEY_REUSE_SECONDS,
        ),
    ),
)


def read_encryption(table: Table, stack: StackSettings) -> EncryptionSettings:
    settings = read_section(table, ENCRYPTION, EncryptionSettings)
    existing = settings.enabled and not settings.creates_key and not validators.kms_key(settings.key)
    if existing and (problem := key_reach_problem(settings.key, stack)):
        table.problem("key", problem, settings.key)
    table.finish()
    return settings


def key_reach_problem(key_arn: str, stack: StackSettings) -> str | None:
    """Each service encrypts only with a key of its own region, and the key policy this stack
    prints is for a key of its own account."""
    match = ANY_ARN.fullmatch(key_arn)
    if match is None or validators.region(stack.region):
        return None  # said by the key's or the region's own check
    partition = partitions.partition_of_region(stack.region)
    wrong = [
        f"{part} {match[part]}, not {expected}"
        for part, expected in (
            ("partition", partition),
            ("region", stack.region),
            ("account", stack.account_id or match["account"]),
        )
        if match[part] != expected
    ]
    if not wrong:
        return None
    return (
        f"is in {', '.join(wrong)}: the key must be in the stack's partition, region (stack.region) and "
        "account (stack.account_id)"
    )
