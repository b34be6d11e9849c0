"""Resources added, changed, removed and replaced between two synthesized stacks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from config_kit.nested import walk

# The attributes whose change makes Terraform destroy the resource and create a new one (`ForceNew`
# in the schema of hashicorp/aws 5.100.0), among those this project sets, for every resource type
# it creates. A type or attribute not listed is updated in place; `terraform plan` remains the
# authority. Each entry is the `ForceNew: true` of its schema in hashicorp/terraform-provider-aws,
# internal/service/<service>/<file>.go (named beside it). tests/terraform/test_force_new.py checks
# the table against the 5.100.0 binary of the offline mirror: each attribute of a synthesized
# resource changed alone, planned against a state that holds the old value; the plan's
# `replace_paths` must name exactly the attributes listed here.
FORCES_REPLACEMENT: Mapping[str, frozenset[str]] = {
    "aws_cloudwatch_event_api_destination": frozenset({"name"}),  # events/api_destination.go
    "aws_cloudwatch_event_connection": frozenset({"name"}),  # events/connection.go
    "aws_cloudwatch_event_rule": frozenset({"name"}),  # events/rule.go
    "aws_cloudwatch_event_target": frozenset({"rule", "target_id"}),  # events/target.go
    "aws_cloudwatch_log_group": frozenset({"name"}),  # logs/group.go
    "aws_cloudwatch_metric_alarm": frozenset({"alarm_name"}),  # cloudwatch/metric_alarm.go
    "aws_iam_policy": frozenset({"name"}),  # iam/policy.go
    "aws_iam_role": frozenset({"name"}),  # iam/role.go
    "aws_iam_role_policy": frozenset({"name", "role"}),  # iam/role_policy.go
    "aws_iam_role_policy_attachment": frozenset({"policy_arn", "role"}),  # iam/role_policy_attachment.go
    "aws_kms_key": frozenset(),  # kms/key.go: none of description, enable_key_rotation, policy, tags
    "aws_scheduler_schedule": frozenset({"name", "group_name"}),  # scheduler/schedule.go
    "aws_scheduler_schedule_group": frozenset({"name"}),  # scheduler/schedule_group.go
    "aws_sfn_state_machine": frozenset({"name", "type"}),  # sfn/state_machine.go
    "aws_sns_topic": frozenset({"name"}),  # sns/topic.go
    "aws_sns_topic_policy": frozenset({"arn"}),  # sns/topic_policy.go
    "aws_sns_topic_subscription": frozenset(
        {"endpoint", "protocol", "topic_arn"}
    ),  # sns/topic_subscription.go
    "aws_sqs_queue": frozenset({"name"}),  # sqs/queue.go
    "aws_sqs_queue_policy": frozenset({"queue_url"}),  # sqs/queue_policy.go
}

# cdktf's construct metadata, and `depends_on`, which orders operations but never changes the
# remote object.
IGNORED_KEYS = frozenset({"//", "depends_on"})

# Longer values (policies, state machine definitions) are named but not printed.
MAX_SHOWN_VALUE = 60
LONG = "…"

_ABSENT = object()


class Action(Enum):
    """In the order the report lists them: the loudest first."""

    REPLACE = "replace"
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


class Change(Enum):
    """What became of a stack, role, statement or state machine between the base and the head."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"

    @classmethod
    def of(cls, in_base: bool, in_head: bool) -> Change:
        """Of something present on at least one side, and different if on both."""
        return cls.ADDED if not in_base else cls.REMOVED if not in_head else cls.CHANGED


@dataclass(frozen=True)
class AttributeChange:
    """`before` and `after` are JSON renderings: None when absent, LONG when too long to show.

    `refers_to_replaced` names the replaced resource that forces this one's replacement.
    """

    path: str
    before: str | None
    after: str | None
    forces_replacement: bool = False
    refers_to_replaced: str | None = None


@dataclass(frozen=True)
class ResourceChange:
    address: str
    action: Action
    attributes: tuple[AttributeChange, ...] = ()


def resources(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every resource and data source of a synthesized stack by its Terraform address."""
    found: dict[str, dict[str, Any]] = {}
    for prefix, block in (("", document.get("resource", {})), ("data.", document.get("data", {}))):
        for resource_type, named in block.items():
            for name, body in named.items():
                found[f"{prefix}{resource_type}.{name}"] = {
                    key: value for key, value in body.items() if key not in IGNORED_KEYS
                }
    return found


def forcing_attributes(address: str) -> frozenset[str]:
    """Data sources are read, never replaced."""
    if address.startswith("data."):
        return frozenset()
    return FORCES_REPLACEMENT.get(address.split(".")[0], frozenset())


def leaves(value: object, path: str = "") -> dict[str, object]:
    """Flattens nested blocks to attribute paths such as `target.retry_policy.maximum_retry_attempts`."""
    return {node.path: node.value for node in walk(value, path) if not _is_nested(node.value)}


def _is_nested(value: object) -> bool:
    """A non-empty block or list; an empty one is a value of its own."""
    return isinstance(value, (dict, list)) and bool(value)


def _shown(value: object) -> str | None:
    if value is _ABSENT:
        return None
    rendered = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return rendered if len(rendered) <= MAX_SHOWN_VALUE else LONG


def _top_attribute(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def attribute_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], forcing: frozenset[str] = frozenset()
) -> tuple[AttributeChange, ...]:
    old, new = leaves(dict(before)), leaves(dict(after))
    return tuple(
        AttributeChange(
            path=path,
            before=_shown(old.get(path, _ABSENT)),
            after=_shown(new.get(path, _ABSENT)),
            forces_replacement=_top_attribute(path) in forcing,
        )
        for path in sorted(old.keys() | new.keys())
        if old.get(path, _ABSENT) != new.get(path, _ABSENT)
    )


def resource_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[ResourceChange, ...]:
    """The difference between two synthesized stacks, replacements first."""
    old, new = resources(base), resources(head)
    changes: dict[str, ResourceChange] = {}
    for address in new.keys() - old.keys():
        changes[address] = ResourceChange(address, Action.ADD)
    for address in old.keys() - new.keys():
        changes[address] = ResourceChange(address, Action.REMOVE)
    for address in old.keys() & new.keys():
        attributes = attribute_changes(old[address], new[address], forcing_attributes(address))
        if attributes:
            replaced = any(attribute.forces_replacement for attribute in attributes)
            changes[address] = ResourceChange(
                address, Action.REPLACE if replaced else Action.CHANGE, attributes
            )
    _follow_replacements(changes, new)
    order = list(Action)
    return tuple(sorted(changes.values(), key=lambda change: (order.index(change.action), change.address)))


def _follow_replacements(changes: dict[str, ResourceChange], head: Mapping[str, dict[str, Any]]) -> None:
    """A replaced resource gets a new id, so a replacing attribute that refers to it forces a
    replacement too, although its text is unchanged (a subscription's `topic_arn`)."""
    pending = True
    while pending:
        pending = False
        replaced = sorted(address for address, change in changes.items() if change.action is Action.REPLACE)
        for address, body in head.items():
            current = changes.get(address)
            if current is not None and current.action is not Action.CHANGE:
                continue
            cascaded = _reference_to_replaced(address, body, replaced)
            if cascaded is not None:
                previous = current.attributes if current else ()
                changes[address] = ResourceChange(address, Action.REPLACE, (*previous, cascaded))
                pending = True


def _reference_to_replaced(
    address: str, body: Mapping[str, Any], replaced: list[str]
) -> AttributeChange | None:
    for attribute in sorted(forcing_attributes(address)):
        value = str(body.get(attribute, ""))
        for target in replaced:
            if f"${{{target}." in value:
                return AttributeChange(
                    attribute, None, None, forces_replacement=True, refers_to_replaced=target
                )
    return None


def settings_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[AttributeChange, ...]:
    """Changes outside resources: provider, backend, variables, outputs."""
    return attribute_changes(_settings(base), _settings(head))


def _settings(document: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in portable(document).items() if key not in {"resource", "data", "//"}}


def portable(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without a local backend's path, which depends on where it was synthesized."""
    terraform = dict(document.get("terraform", {}))
    backend = dict(terraform.get("backend", {}))
    if "local" not in backend:
        return dict(document)
    backend["local"] = {key: value for key, value in backend["local"].items() if key != "path"}
    return {**document, "terraform": {**terraform, "backend": backend}}
