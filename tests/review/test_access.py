"""What a role may do, compared by what its statements allow, from hand-written policies."""

from __future__ import annotations

import pytest

from policies.http_endpoint import endpoint_conditions
from policies.statement import conditions_json
from review.access import access_findings
from review.findings import Kind, Severity
from tests.review.test_iam import INVOKE_POST, OTHER_TOPIC, PUBLISH, TOPIC, TRUSTED_BY_STATES, allow, role

MACHINE = INVOKE_POST["Resource"]
PASS_TASK_ROLE = allow(
    "PassRoles",
    ["iam:PassRole"],
    ["arn:aws:iam::111111111111:role/task"],
    {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
)


def said(base: dict, head: dict) -> list[tuple[str, str | None, str]]:
    """(rule id, statement, message) of each finding."""
    return [(f.id, f.subject.statement, f.message) for f in access_findings(base, head)]


def call(endpoint: str, *, is_root: bool = False) -> dict:
    """The HTTP task's statement, with the endpoint conditions this project writes."""
    condition = conditions_json(endpoint_conditions(endpoint, is_root=is_root))
    return allow("CallEndpoint", ["states:InvokeHTTPEndpoint"], ["*"], condition)


def test_a_new_wildcard_resource_is_a_new_star():
    assert said(role(PUBLISH), role(allow("Publish", ["sns:Publish"], ["*"]))) == [
        ("IAM002", "Publish", "`sns:Publish` now also on resource `*`")
    ]


def test_a_new_wildcard_action_is_a_new_star():
    assert said(role(PUBLISH), role(allow("Publish", ["sns:*"], [TOPIC]))) == [
        ("IAM002", "Publish", f"newly allowed `sns:*` on `{TOPIC}`")
    ]


def test_a_new_action_is_named_with_the_resources_it_is_allowed_on():
    head = role(PUBLISH, allow("Read", ["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::b"]))
    assert said(role(PUBLISH), head) == [
        ("IAM003", "Read", "newly allowed `s3:GetObject`, `s3:ListBucket` on `arn:aws:s3:::b`")
    ]


def test_an_allowed_action_on_a_new_resource_or_principal():
    assert said(role(PUBLISH), role(allow("Publish", ["sns:Publish"], [TOPIC, OTHER_TOPIC]))) == [
        ("IAM004", "Publish", f"`sns:Publish` now also on resource `{OTHER_TOPIC}`")
    ]
    lambda_too = {
        **TRUSTED_BY_STATES,
        "Principal": {"Service": ["states.amazonaws.com", "lambda.amazonaws.com"]},
    }
    assert said(role(PUBLISH), role(PUBLISH, trust=(lambda_too,))) == [
        (
            "IAM004",
            "AssumedByService",
            "`sts:AssumeRole` now also on principal `Service lambda.amazonaws.com`",
        )
    ]


def test_a_dropped_condition_key_names_what_it_allowed():
    head = role(
        allow("CallEndpoint", INVOKE_POST["Action"], MACHINE, {"StringEquals": {"states:HTTPMethod": "POST"}})
    )
    assert said(role(INVOKE_POST), head) == [
        (
            "IAM005",
            "CallEndpoint",
            "condition `StringLike states:HTTPEndpoint` dropped (it allowed only `https://a.example/*`)",
        )
    ]


def test_a_condition_value_that_lets_more_through_is_named_once_with_every_such_value():
    condition = {
        "StringEquals": {"states:HTTPMethod": ["POST", "PUT", "DELETE"]},
        "StringLike": {"states:HTTPEndpoint": "https://a.example/*"},
    }
    head = role(allow("CallEndpoint", INVOKE_POST["Action"], MACHINE, condition))
    assert said(role(INVOKE_POST), head) == [
        (
            "IAM006",
            "CallEndpoint",
            "condition `StringEquals states:HTTPMethod` now also allows `PUT`, `DELETE`",
        )
    ]


def test_like_patterns_are_compared_by_what_they_match_not_as_text():
    under = {"StringLike": {"states:HTTPEndpoint": ["https://a.example/v1/*", "https://a.example/x?"]}}
    narrower = role(allow("CallEndpoint", INVOKE_POST["Action"], MACHINE, under))
    wider = role(
        allow(
            "CallEndpoint",
            INVOKE_POST["Action"],
            MACHINE,
            {"StringLike": {"states:HTTPEndpoint": "https://a.example/*"}},
        )
    )
    assert said(wider, narrower) == [
        (
            "IAM012",
            "CallEndpoint",
            (
                "condition `StringLike states:HTTPEndpoint` no longer allows `https://a.example/*` "
                "(for example `https://a.example/`)"
            ),
        )
    ]


def test_moving_an_endpoint_grants_the_new_one_and_removes_the_old():
    assert said(role(call("https://a.example/v1/orders")), role(call("https://a.example/v2/orders"))) == [
        (
            "IAM006",
            "CallEndpoint",
            "condition `StringLike states:HTTPEndpoint` now also allows `https://a.example/v2/orders`",
        ),
        (
            "IAM012",
            "CallEndpoint",
            "condition `StringLike states:HTTPEndpoint` no longer allows `https://a.example/v1/orders`",
        ),
    ]


def test_an_endpoint_narrowed_from_its_root_to_a_path_under_it_only_narrows():
    """The query-string forms (`${?}*`) never decide: an ApiEndpoint has no query string."""
    root, path = role(call("https://a.example/api", is_root=True)), role(call("https://a.example/api/orders"))
    assert said(root, path) == [
        (
            "IAM012",
            "CallEndpoint",
            (
                "condition `StringLike/StringNotLike states:HTTPEndpoint` no longer allows "
                "`https://a.example/api`, `https://a.example/api/*`"
            ),
        )
    ]
    assert [finding[0] for finding in said(path, root)] == ["IAM006"]


def test_a_root_that_loses_its_dot_segment_guard_lets_dot_segments_through():
    root = call("https://a.example/api", is_root=True)
    unguarded = {**root, "Condition": {k: v for k, v in root["Condition"].items() if k != "StringNotLike"}}
    assert said(role(root), role(unguarded)) == [
        (
            "IAM006",
            "CallEndpoint",
            (
                "condition `StringLike states:HTTPEndpoint` now also allows `https://a.example/api/*` "
                "(for example `https://a.example/api/..`)"
            ),
        )
    ]


def test_pass_role_changes_are_their_own_kind_in_both_directions():
    extra = allow(
        "PassRoles", ["iam:PassRole"], [*PASS_TASK_ROLE["Resource"], "arn:aws:iam::111111111111:role/x"]
    )
    extra["Condition"] = PASS_TASK_ROLE["Condition"]
    assert said(role(PASS_TASK_ROLE), role(extra)) == [
        ("IAM007", "PassRoles", "`iam:PassRole` now also on resource `arn:aws:iam::111111111111:role/x`")
    ]
    assert said(role(extra), role(PASS_TASK_ROLE)) == [
        ("IAM008", "PassRoles", "`iam:PassRole` no longer on resource `arn:aws:iam::111111111111:role/x`")
    ]
    [wildcard] = access_findings(role(PUBLISH), role(PUBLISH, allow("Admin", ["iam:*"], ["*"])))
    assert (wildcard.id, wildcard.kind, wildcard.severity) == ("IAM007", Kind.PASSROLE, Severity.HIGH)


def test_a_new_role_is_one_finding_and_its_pass_role_grants_are_named():
    logs = allow("DeliverLogs", ["logs:CreateLogDelivery", "logs:GetLogDelivery"], ["*"])
    assert said({}, role(PUBLISH, logs, PASS_TASK_ROLE)) == [
        (
            "IAM001",
            None,
            'new role, assumable by `Service states.amazonaws.com`, allowed 4 actions; `"*"` in `DeliverLogs`',
        ),
        ("IAM007", "PassRoles", "newly allowed `iam:PassRole` on `arn:aws:iam::111111111111:role/task`"),
    ]


def test_a_removed_role_narrows_and_names_its_pass_role_grants():
    assert said(role(PUBLISH, PASS_TASK_ROLE), {}) == [
        ("IAM009", None, "role removed, with all it was allowed"),
        ("IAM008", "PassRoles", "no longer allowed `iam:PassRole` on `arn:aws:iam::111111111111:role/task`"),
    ]


def test_narrowing_names_actions_resources_and_conditions_removed():
    base = role(allow("Publish", ["sns:Publish", "sns:GetTopicAttributes"], [TOPIC, OTHER_TOPIC]))
    assert said(base, role(PUBLISH)) == [
        ("IAM010", "Publish", f"no longer allowed `sns:GetTopicAttributes` on `{TOPIC}`, `{OTHER_TOPIC}`"),
        ("IAM011", "Publish", f"`sns:Publish` no longer on resource `{OTHER_TOPIC}`"),
    ]
    unconditioned = role(allow("CallEndpoint", INVOKE_POST["Action"], MACHINE))
    assert said(unconditioned, role(INVOKE_POST)) == [
        (
            "IAM012",
            "CallEndpoint",
            "condition `StringLike states:HTTPEndpoint` added: it allows only `https://a.example/*`",
        ),
        ("IAM012", "CallEndpoint", "condition `StringEquals states:HTTPMethod` added: it allows only `POST`"),
    ]


@pytest.mark.parametrize(
    ("base", "head"),
    [
        pytest.param(role(PUBLISH, INVOKE_POST), role(PUBLISH, INVOKE_POST), id="nothing changed"),
        pytest.param(
            role(PUBLISH), role(allow("Notify", ["sns:Publish"], [TOPIC])), id="grant moved to another Sid"
        ),
        pytest.param(
            role(PUBLISH), role(allow("Publish", ["SNS:PUBLISH"], [TOPIC])), id="action case changed"
        ),
        pytest.param(
            role(PUBLISH),
            role(
                PUBLISH, {"Sid": "NoDelete", "Effect": "Deny", "Action": "sns:DeleteTopic", "Resource": "*"}
            ),
            id="deny added",
        ),
    ],
)
def test_no_change_in_access_gives_no_finding(base, head):
    assert said(base, head) == []


def test_a_resource_pattern_within_the_old_one_only_narrows():
    wide = role(allow("Publish", ["sns:Publish"], ["arn:aws:sns:*:111111111111:*"]))
    narrow = role(allow("Publish", ["sns:Publish"], ["arn:aws:sns:eu-west-1:111111111111:a?erts"]))
    assert said(wide, narrow) == [
        ("IAM011", "Publish", "`sns:Publish` no longer on resource `arn:aws:sns:*:111111111111:*`")
    ]
    assert [finding[0] for finding in said(narrow, wide)] == ["IAM004"]


def test_an_unchanged_statement_is_never_reported_beside_a_changed_one():
    head = role(PUBLISH, allow("CallEndpoint", INVOKE_POST["Action"], MACHINE))
    assert {statement for _, statement, _ in said(role(PUBLISH, INVOKE_POST), head)} == {"CallEndpoint"}
