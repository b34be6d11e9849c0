"""IAM changes per role and what counts as widening, from hand-written policies."""

from __future__ import annotations

import json

import pytest

from review.findings import (
    ConditionDropped,
    ConditionLoosened,
    Finding,
    Kind,
    NewActions,
    NewRole,
    NewTargets,
    NewWildcard,
    Subject,
)
from review.iam import (
    PERMISSIONS,
    TRUST,
    Role,
    StatementChange,
    parse_policy,
    role_changes,
    roles,
    widenings,
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


def findings(base: dict[str, Role], head: dict[str, Role]) -> list[Finding]:
    return list(widenings(base, head))


def on(sid: str) -> Subject:
    return Subject("execution", sid)


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


def test_a_new_wildcard_resource_widens():
    head = role(allow("Publish", ["sns:Publish"], ["*"]))
    assert findings(role(PUBLISH), head) == [
        NewWildcard(subject=on("Publish"), target="*", actions=("sns:Publish",))
    ]


def test_a_new_wildcard_action_widens():
    head = role(allow("Publish", ["sns:*"], [TOPIC]))
    assert findings(role(PUBLISH), head) == [
        NewWildcard(subject=on("Publish"), target=TOPIC, actions=("sns:*",))
    ]


def test_a_new_action_widens_even_in_an_existing_statement():
    head = role(allow("Publish", ["sns:Publish", "sns:DeleteTopic"], [TOPIC]))
    assert findings(role(PUBLISH), head) == [NewActions(subject=on("Publish"), actions=("sns:DeleteTopic",))]


def test_new_actions_of_a_new_statement_are_named_together():
    head = role(PUBLISH, allow("Read", ["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b"]))
    assert findings(role(PUBLISH), head) == [
        NewActions(subject=on("Read"), actions=("s3:GetObject", "s3:ListBucket"))
    ]


def test_a_known_action_on_a_new_resource_widens():
    head = role(allow("Publish", ["sns:Publish"], [TOPIC, OTHER_TOPIC]))
    assert findings(role(PUBLISH), head) == [
        NewTargets(
            subject=on("Publish"), action="sns:Publish", targets=(OTHER_TOPIC,), target_name="resource"
        )
    ]


def test_a_dropped_condition_widens():
    narrowed = {"StringEquals": {"states:HTTPMethod": "POST"}}
    head = role(allow("CallEndpoint", INVOKE_POST["Action"], INVOKE_POST["Resource"], narrowed))
    assert findings(role(INVOKE_POST), head) == [
        ConditionDropped(
            subject=on("CallEndpoint"),
            operator="StringLike",
            key="states:HTTPEndpoint",
            old=("https://a.example/*",),
        )
    ]


def test_a_value_added_to_a_condition_widens():
    condition = {
        "StringEquals": {"states:HTTPMethod": ["POST", "DELETE"]},
        "StringLike": {"states:HTTPEndpoint": "https://a.example/*"},
    }
    head = role(allow("CallEndpoint", INVOKE_POST["Action"], INVOKE_POST["Resource"], condition))
    assert findings(role(INVOKE_POST), head) == [
        ConditionLoosened(
            subject=on("CallEndpoint"),
            operator="StringEquals",
            key="states:HTTPMethod",
            old=("POST",),
            new="DELETE",
        )
    ]


def test_a_new_trusted_principal_widens():
    lambda_too = {
        **TRUSTED_BY_STATES,
        "Principal": {"Service": ["states.amazonaws.com", "lambda.amazonaws.com"]},
    }
    head = role(PUBLISH, trust=(lambda_too,))
    assert findings(role(PUBLISH), head) == [
        NewTargets(
            subject=on("AssumedByService"),
            action="sts:AssumeRole",
            targets=("Service lambda.amazonaws.com",),
            target_name="principal",
        )
    ]


def test_a_new_role_is_one_finding_naming_its_principals_actions_and_wildcards():
    logs = allow("DeliverLogs", ["logs:CreateLogDelivery", "logs:GetLogDelivery"], ["*"])
    assert widenings({}, role(PUBLISH, logs)) == (
        NewRole(
            subject=Subject("execution"),
            principals=("Service states.amazonaws.com",),
            actions=("logs:CreateLogDelivery", "logs:GetLogDelivery", "sns:Publish"),
            wildcard_statements=("DeliverLogs",),
        ),
    )


@pytest.mark.parametrize(
    ("base", "head"),
    [
        pytest.param(role(PUBLISH, INVOKE_POST), role(PUBLISH), id="statement removed"),
        pytest.param(
            role(allow("Publish", ["sns:Publish", "sns:GetTopicAttributes"], [TOPIC])),
            role(PUBLISH),
            id="action removed",
        ),
        pytest.param(
            role(allow("Publish", ["sns:Publish"], [TOPIC, OTHER_TOPIC])),
            role(PUBLISH),
            id="resource removed",
        ),
        pytest.param(
            role(allow("CallEndpoint", INVOKE_POST["Action"], INVOKE_POST["Resource"])),
            role(INVOKE_POST),
            id="condition added",
        ),
        pytest.param(
            role(PUBLISH), role(allow("Notify", ["sns:Publish"], [TOPIC])), id="grant moved to another Sid"
        ),
        pytest.param(role(allow("Publish", ["SNS:*"], ["*"])), role(PUBLISH), id="wildcards narrowed"),
        pytest.param(
            role(PUBLISH),
            role(
                PUBLISH, {"Sid": "NoDelete", "Effect": "Deny", "Action": "sns:DeleteTopic", "Resource": "*"}
            ),
            id="deny added",
        ),
    ],
)
def test_narrowing_and_moving_grants_is_not_widening(base, head):
    assert findings(base, head) == []


def test_each_condition_value_a_statement_newly_allows_is_one_finding():
    condition = {
        "StringEquals": {"states:HTTPMethod": ["POST", "PUT", "DELETE"]},
        "StringLike": {"states:HTTPEndpoint": "https://a.example/*"},
    }
    head = role(allow("CallEndpoint", INVOKE_POST["Action"], INVOKE_POST["Resource"], condition))

    assert [(finding.key, finding.new) for finding in findings(role(INVOKE_POST), head)] == [
        ("states:HTTPMethod", "DELETE"),
        ("states:HTTPMethod", "PUT"),
    ]


def test_findings_can_be_counted_by_kind_and_severity():
    head = role(
        allow("Publish", ["sns:Publish", "sns:DeleteTopic"], [TOPIC, "*"]),
        allow("CallEndpoint", INVOKE_POST["Action"], INVOKE_POST["Resource"]),
    )
    found = findings(role(PUBLISH, INVOKE_POST), head)

    assert {finding.kind for finding in found} == {Kind.BROADENING}
    assert sorted((type(finding).__name__, finding.severity.value) for finding in found) == [
        ("ConditionDropped", "high"),
        ("ConditionDropped", "high"),
        ("NewActions", "medium"),
        ("NewWildcard", "high"),
    ]
