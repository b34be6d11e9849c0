"""Roles read from a synthesized stack, and their statements' changes by Sid, from hand-written policies."""

from __future__ import annotations

import json

from review.iam import (
    PERMISSIONS,
    TRUST,
    Role,
    StatementChange,
    parse_policy,
    role_changes,
    roles,
)
from review.resources import Change

ROLE = "aws_iam_role.Execution"
TOPIC = "arn:aws:sns:eu-west-1:111111111111:alerts"
OTHER_TOPIC = "arn:aws:sns:eu-west-1:111111111111:other"
TRUSTED_BY_STATES = {
    "Sid": "AssumedByService",
    "Effect": "Allow",
    "Principal": {"Service": "states.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def allow(sid: str, actions: list[str], resources: list[str], condition: dict | None = None) -> dict:
    statement = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    return statement | ({"Condition": condition} if condition else {})


PUBLISH = allow("Publish", ["sns:Publish"], [TOPIC])
INVOKE_POST = allow(
    "CallEndpoint",
    ["states:InvokeHTTPEndpoint"],
    ["arn:aws:states:eu-west-1:111111111111:stateMachine:m"],
    {
        "StringEquals": {"states:HTTPMethod": "POST"},
        "StringLike": {"states:HTTPEndpoint": "https://a.example/*"},
    },
)


def role(*statements: dict, trust: tuple[dict, ...] = (TRUSTED_BY_STATES,)) -> dict[str, Role]:
    return {
        ROLE: Role(
            "execution",
            (
                *parse_policy(json.dumps({"Statement": list(trust)}), TRUST, "trust policy"),
                *parse_policy(json.dumps({"Statement": list(statements)}), PERMISSIONS, "execution"),
            ),
        )
    }


def test_roles_gather_the_trust_policy_and_every_inline_policy_attached_by_reference_or_name():
    document = {
        "resource": {
            "aws_iam_role": {
                "Execution": {"name": "execution", "assume_role_policy": json.dumps({"Statement": []})}
            },
            "aws_iam_role_policy": {
                "ByReference": {
                    "name": "first",
                    "role": "${aws_iam_role.Execution.id}",
                    "policy": json.dumps({"Statement": [PUBLISH]}),
                },
                "ByName": {
                    "name": "second",
                    "role": "execution",
                    "policy": json.dumps({"Statement": [allow("Publish", ["sns:Publish"], [OTHER_TOPIC])]}),
                },
            },
        }
    }
    [(address, found)] = roles(document).items()
    assert address == ROLE
    assert found.name == "execution"
    # The second policy reuses a Sid; it is told apart by its policy's name.
    assert [statement.sid for statement in found.statements] == ["Publish", "Publish (first)"]


def test_roles_gather_the_managed_policies_attached_to_them():
    document = {
        "resource": {
            "aws_iam_role": {
                "Execution": {"name": "execution", "assume_role_policy": json.dumps({"Statement": []})}
            },
            "aws_iam_policy": {
                "Managed1": {"name": "execution-1", "policy": json.dumps({"Statement": [PUBLISH]})},
                "Unattached": {"name": "loose", "policy": json.dumps({"Statement": [INVOKE_POST]})},
            },
            "aws_iam_role_policy_attachment": {
                "Attachment1": {
                    "role": "${aws_iam_role.Execution.name}",
                    "policy_arn": "${aws_iam_policy.Managed1.arn}",
                }
            },
        }
    }
    [(_, found)] = roles(document).items()
    assert [statement.sid for statement in found.statements] == ["Publish"]


def test_statements_without_a_sid_are_named_by_position():
    [statement] = parse_policy(
        json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}}), PERMISSIONS, "p"
    )
    assert statement.sid == "#0 of p"
    assert statement.actions == frozenset({"s3:GetObject"})


def test_statement_changes_list_what_was_added_and_removed():
    widened = allow("Publish", ["sns:Publish", "sns:GetTopicAttributes"], [OTHER_TOPIC])
    [change] = role_changes(role(PUBLISH), role(widened))
    assert change.name == "execution"
    assert change.change is Change.CHANGED
    assert change.statements == (
        StatementChange(
            PERMISSIONS,
            "Publish",
            Change.CHANGED,
            added=(("action", "sns:GetTopicAttributes"), ("resource", OTHER_TOPIC)),
            removed=(("resource", TOPIC),),
        ),
    )


def test_added_and_removed_statements_list_all_their_parts():
    [change] = role_changes(role(PUBLISH), role(INVOKE_POST))
    assert change.statements == (
        StatementChange(
            PERMISSIONS,
            "CallEndpoint",
            Change.ADDED,
            added=(
                ("action", "states:InvokeHTTPEndpoint"),
                ("resource", "arn:aws:states:eu-west-1:111111111111:stateMachine:m"),
                ("condition", "StringEquals states:HTTPMethod = POST"),
                ("condition", "StringLike states:HTTPEndpoint = https://a.example/*"),
            ),
            removed=(),
        ),
        StatementChange(
            PERMISSIONS,
            "Publish",
            Change.REMOVED,
            added=(),
            removed=(("action", "sns:Publish"), ("resource", TOPIC)),
        ),
    )


def test_an_unchanged_role_is_not_listed():
    assert role_changes(role(PUBLISH), role(PUBLISH)) == ()
