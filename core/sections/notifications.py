"""[notifications]: the team's failure notifications (an SNS topic and its e-mail subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Kind, Table
from core.sections import read_section, setting


@dataclass(frozen=True, kw_only=True)
class NotificationSettings:
    topic_name: str
    emails: tuple[str, ...] = ()
    """Default: no e-mail subscription (subscribe the topic some other way)."""
    subject: str


NOTIFICATIONS = Section(
    "notifications",
    "The team's failure notifications.",
    keys=(
        setting(
            NotificationSettings,
            "topic_name",
            Kind.STRING,
            "The SNS topic of the failure notifications.",
            derived=True,
            default_doc="`<state machine>-failures`",
            check=validators.topic_name,
        ),
        setting(
            NotificationSettings,
            "emails",
            Kind.STRINGS,
            "One e-mail subscription each. Addresses that differ only in case or punctuation count as the "
            "same address.",
            check=validators.email,
        ),
        setting(
            NotificationSettings,
            "subject",
            Kind.STRING,
            f"At most {aws_rules.MAX_SNS_SUBJECT} printable ASCII characters.",
            derived=True,
            default_doc="`<state machine> failed`",
            check=validators.sns_subject,
        ),
    ),
)


def read_notifications(table: Table, state_machine_name: str) -> NotificationSettings:
    notifications = read_section(
        table,
        NOTIFICATIONS,
        NotificationSettings,
        derived={
            "topic_name": lambda _: aws_names.default_topic_name(state_machine_name),
            "subject": lambda _: f"{state_machine_name} failed"[: aws_rules.MAX_SNS_SUBJECT],
        },
    )
    _check_same_addresses(table, notifications.emails)
    table.finish()
    return notifications


def _check_same_addresses(table: Table, emails: tuple[str, ...]) -> None:
    """Addresses are the same when they differ only in case (mail domains ignore case, RFC 5321
    section 2.4, and so do the mailboxes of every common provider, so each e-mail would arrive
    twice) or only in punctuation (their subscriptions would share one Terraform id)."""
    repeated = sorted({email for email in emails if emails.count(email) > 1})
    if repeated:
        table.problem("emails", f"lists {', '.join(repeated)} more than once")
    first_by_id: dict[str, str] = {}
    for email in emails:
        first = first_by_id.setdefault(aws_names.email_subscription_id(email).lower(), email)
        if first != email:
            table.problem("emails", f"lists {first} and {email}, which differ only in case or punctuation")
