"""Resources added, changed, removed and replaced, from hand-written stacks."""

from __future__ import annotations

from review.resources import LONG, Action, AttributeChange, ResourceChange, resource_changes, settings_changes

META = {"//": {"metadata": {"path": "stack/Topic"}}}


def stack(**resources: dict) -> dict:
    """`stack(aws_sns_topic__Topic={...})` is a document with resource aws_sns_topic.Topic."""
    document: dict = {"resource": {}}
    for key, body in resources.items():
        resource_type, name = key.split("__")
        document["resource"].setdefault(resource_type, {})[name] = body
    return document


def test_added_and_removed_resources_are_named_by_address():
    base = stack(aws_sns_topic__Old={"name": "old"})
    head = stack(aws_sns_topic__New={"name": "new"})
    assert resource_changes(base, head) == (
        ResourceChange("aws_sns_topic.New", Action.ADD),
        ResourceChange("aws_sns_topic.Old", Action.REMOVE),
    )


def test_a_change_lists_each_nested_attribute_path_with_both_values():
    base = stack(
        aws_scheduler_schedule__S={"name": "s", "target": {"retry_policy": {"maximum_retry_attempts": 2}}}
    )
    head = stack(
        aws_scheduler_schedule__S={
            "name": "s",
            "target": {"retry_policy": {"maximum_retry_attempts": 0}},
            "state": "DISABLED",
        }
    )
    assert resource_changes(base, head) == (
        ResourceChange(
            "aws_scheduler_schedule.S",
            Action.CHANGE,
            (
                AttributeChange("state", None, '"DISABLED"'),
                AttributeChange("target.retry_policy.maximum_retry_attempts", "2", "0"),
            ),
        ),
    )


def test_list_items_are_paths_with_an_index():
    base = stack(aws_x__A={"subnets": ["a", "b"]})
    head = stack(aws_x__A={"subnets": ["a", "c", "d"]})
    assert resource_changes(base, head)[0].attributes == (
        AttributeChange("subnets[1]", '"b"', '"c"'),
        AttributeChange("subnets[2]", None, '"d"'),
    )


def test_long_values_are_named_but_not_shown():
    base = stack(aws_iam_role_policy__P={"policy": "x" * 80})
    head = stack(aws_iam_role_policy__P={"policy": "y" * 80})
    assert resource_changes(base, head)[0].attributes == (AttributeChange("policy", LONG, LONG),)


def test_metadata_and_depends_on_are_not_changes():
    base = stack(aws_sns_topic__T={**META, "name": "t", "depends_on": ["a.b"]})
    head = stack(aws_sns_topic__T={"//": {"metadata": {"path": "other"}}, "name": "t", "depends_on": []})
    assert resource_changes(base, head) == ()


def test_a_replacing_attribute_makes_the_change_a_replacement():
    base = stack(aws_sfn_state_machine__M={"name": "a", "definition": "{}"})
    head = stack(aws_sfn_state_machine__M={"name": "b", "definition": "{}"})
    assert resource_changes(base, head) == (
        ResourceChange(
            "aws_sfn_state_machine.M",
            Action.REPLACE,
            (AttributeChange("name", '"a"', '"b"', forces_replacement=True),),
        ),
    )


def test_an_attribute_outside_the_table_is_an_update():
    base = stack(aws_sfn_state_machine__M={"name": "a", "role_arn": "r1"})
    head = stack(aws_sfn_state_machine__M={"name": "a", "role_arn": "r2"})
    assert resource_changes(base, head)[0].action is Action.CHANGE


def test_a_replacing_reference_to_a_replaced_resource_is_a_replacement_too():
    subscription = {"topic_arn": "${aws_sns_topic.T.arn}", "protocol": "email", "endpoint": "a@example.com"}
    policy = {"name": "p", "role": "${aws_iam_role.R.id}", "policy": "{}"}
    base = stack(
        aws_sns_topic__T={"name": "a"},
        aws_sns_topic_subscription__S=subscription,
        aws_iam_role__R={"name": "r"},
        aws_iam_role_policy__P=policy,
        aws_sfn_state_machine__M={"name": "m", "definition": "${aws_sns_topic.T.arn}"},
    )
    head = {**base, "resource": {**base["resource"], "aws_sns_topic": {"T": {"name": "b"}}}}
    changes = {change.address: change for change in resource_changes(base, head)}
    assert changes["aws_sns_topic_subscription.S"] == ResourceChange(
        "aws_sns_topic_subscription.S",
        Action.REPLACE,
        (
            AttributeChange(
                "topic_arn", None, None, forces_replacement=True, refers_to_replaced="aws_sns_topic.T"
            ),
        ),
    )
    # The state machine's definition refers to the topic too, but does not force a replacement;
    # the role is not replaced, so neither is its policy.
    assert set(changes) == {"aws_sns_topic.T", "aws_sns_topic_subscription.S"}


def test_replacements_cascade_through_chains():
    base = stack(
        aws_iam_role__R={"name": "a"},
        aws_iam_role_policy__P={"name": "p", "role": "${aws_iam_role.R.id}"},
    )
    head = stack(
        aws_iam_role__R={"name": "b"},
        aws_iam_role_policy__P={"name": "p", "role": "${aws_iam_role.R.id}"},
    )
    assert [(c.address, c.action) for c in resource_changes(base, head)] == [
        ("aws_iam_role.R", Action.REPLACE),
        ("aws_iam_role_policy.P", Action.REPLACE),
    ]


def test_data_sources_are_compared_but_never_replaced():
    base = {"data": {"aws_iam_role": {"R": {"name": "a"}}}}
    head = {"data": {"aws_iam_role": {"R": {"name": "b"}}}}
    assert resource_changes(base, head) == (
        ResourceChange("data.aws_iam_role.R", Action.CHANGE, (AttributeChange("name", '"a"', '"b"'),)),
    )


def test_changes_are_ordered_replace_add_change_remove():
    base = stack(aws_sns_topic__A={"name": "a"}, aws_sns_topic__B={"name": "b"}, aws_x__C={"v": 1})
    head = stack(aws_sns_topic__A={"name": "z"}, aws_x__C={"v": 2}, aws_x__D={"v": 1})
    assert [c.action for c in resource_changes(base, head)] == [
        Action.REPLACE,
        Action.ADD,
        Action.CHANGE,
        Action.REMOVE,
    ]


def test_settings_leave_out_the_local_backend_path_only():
    base = {
        "terraform": {"backend": {"local": {"path": "../../a.tfstate"}}},
        "provider": {"aws": [{"region": "eu-west-1"}]},
    }
    head = {
        "terraform": {"backend": {"local": {"path": "../../../b.tfstate"}}},
        "provider": {"aws": [{"region": "us-east-1"}]},
        "variable": {"key": {"sensitive": True}},
    }
    assert settings_changes(base, head) == (
        AttributeChange("provider.aws[0].region", '"eu-west-1"', '"us-east-1"'),
        AttributeChange("variable.key.sensitive", None, "true"),
    )


def test_a_backend_change_is_a_setting():
    base = {"terraform": {"backend": {"local": {"path": "a"}}}}
    head = {"terraform": {"backend": {"s3": {"bucket": "b"}}}}
    assert [(change.path, change.after) for change in settings_changes(base, head)] == [
        ("terraform.backend.local", None),
        ("terraform.backend.s3.bucket", '"b"'),
    ]
