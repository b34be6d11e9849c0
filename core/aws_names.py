"""The names the stack derives from the configuration, defined once: the loader checks them
against aws_facts.rules and the components give them to the resources they create."""

from __future__ import annotations

import posixpath
import re


def execution_role_name(state_machine: str) -> str:
    return f"{state_machine}-execution"


def scheduler_role_name(state_machine: str) -> str:
    return f"{state_machine}-scheduler"


def test_state_role_name(state_machine: str) -> str:
    return f"{state_machine}-test-state"


def log_group_name(state_machine: str) -> str:
    # The /aws/vendedlogs/ prefix keeps CloudWatch's resource policy short.
    return f"/aws/vendedlogs/states/{state_machine}"


def schedule_name(state_machine: str) -> str:
    return state_machine


def connection_name(state_machine: str, connection: str) -> str:
    return f"{state_machine}-{connection}"


def default_topic_name(state_machine: str) -> str:
    return f"{state_machine}-failures"


def night_watch_rule_name(state_machine: str, watched: str) -> str:
    """watched: what the rule watches, "stopped" or "uncaught" (core.night_watch.WatchedEnd)."""
    return f"{state_machine}-{watched}"


def ticket_destination_name(state_machine: str) -> str:
    return f"{state_machine}-ticket"


def ticket_target_role_name(state_machine: str) -> str:
    """The role EventBridge assumes to open the night watch's tickets."""
    return f"{state_machine}-watcher"


def schedule_dead_letter_queue_name(state_machine: str) -> str:
    return f"{state_machine}-dead-letters"


def dead_letter_alarm_name(state_machine: str) -> str:
    return f"{state_machine}-schedule-dead-letters"


def night_watch_dead_letter_queue_name(state_machine: str) -> str:
    """What the night watch's rules could not deliver (one queue for all their targets)."""
    return f"{state_machine}-watch-dead-letters"


def night_watch_dead_letter_alarm_name(state_machine: str) -> str:
    return f"{state_machine}-watch-dead-letters"


def execution_end_alarm_name(state_machine: str, end: str) -> str:
    """end: "timed-out" or "aborted" (core.night_watch.StatusAlarm)."""
    return f"{state_machine}-{end}"


def missed_night_alarm_name(state_machine: str) -> str:
    return f"{state_machine}-missed-night"


def local_state_path(path: str | None, stack: str) -> str:
    """Relative to the project folder, normalized: `state/../x.tfstate` is `x.tfstate`."""
    return posixpath.normpath(path or f"terraform.{stack}.tfstate")


def email_subscription_id(email: str) -> str:
    """The construct id of an address's subscription, so adding or removing one address
    leaves the others alone. Addresses that differ only in punctuation share it."""
    return f"Email_{re.sub(r'[^A-Za-z0-9]+', '_', email)}"
