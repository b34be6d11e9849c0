"""IAM statements as data: Sids, merging, documents, conditions, ARNs and trust policies."""

from __future__ import annotations

import json

import pytest

from aws_facts.arns import (
    ecs_tasks_of_cluster,
    event_rule_arn,
    integration_arn,
    state_machine_arn,
    task_definition_revisions,
)
from policies import integrations
from policies.http_endpoint import DOT_SEGMENTS, endpoint_conditions
from policies.statement import (
    IAM_SPECIAL_CHARACTERS,
    Condition,
    Statement,
    merge_statements,
    policy_document,
    sid_from_name,
    terraform_policy_json,
)
from policies.trust import SCHEDULER, STEP_FUNCTIONS, scheduler_trust_policy, service_trust_policy

ACCOUNT = "123456789012"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:failures"


def publish(sid: str = "PublishFailureNotifications", topic: str = TOPIC) -> Statement:
    return Statement(sid=sid, actions=("sns:Publish",), resources=(topic,))


# Statement


@pytest.mark.parametrize("sid", ["InvokeExtractOrdersLambda", "A", "Step2"])
def test_statement_accepts_alphanumeric_sid(sid):
    assert Statement(sid=sid, actions=("sns:Publish",), resources=(TOPIC,)).sid == sid


@pytest.mark.parametrize("sid", ["", "Has Space", "with-dash", "under_score", "Trailing\n", "Ünïcode"])
def test_statement_refuses_sid_that_is_not_alphanumeric(sid):
    with pytest.raises(ValueError, match="must be alphanumeric"):
        Statement(sid=sid, actions=("sns:Publish",), resources=(TOPIC,))


def test_statement_without_conditions_renders_no_condition_block():
    assert publish().to_json() == {
        "Sid": "PublishFailureNotifications",
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [TOPIC],
    }


def test_condition_with_one_value_renders_a_string_and_with_several_a_list():
    statement = Statement(
        sid="PassRoles",
        actions=("iam:PassRole",),
        resources=("*",),
        conditions=(
            Condition("StringEquals", "iam:PassedToService", ("ecs-tasks.amazonaws.com",)),
            Condition("StringEquals", "aws:RequestedRegion", ("eu-west-1", "eu-central-1")),
            Condition("ArnLike", "aws:SourceArn", ("arn:aws:states:*",)),
        ),
    )

    assert statement.to_json()["Condition"] == {
        "StringEquals": {
            "iam:PassedToService": "ecs-tasks.amazonaws.com",
            "aws:RequestedRegion": ["eu-west-1", "eu-central-1"],
        },
        "ArnLike": {"aws:SourceArn": "arn:aws:states:*"},
    }


# merge_statements and policy_document


def test_merge_statements_drops_exact_repeats_and_keeps_first_order():
    first, second = publish(), publish("OtherTopic", "arn:aws:sns:eu-west-1:123456789012:other")

    assert merge_statements([first, second, publish(), second]) == (first, second)


def test_merge_statements_refuses_one_sid_with_different_content():
    other_topic = publish(topic="arn:aws:sns:eu-west-1:123456789012:other")

    with pytest.raises(
        ValueError, match="two different IAM statements share the Sid 'PublishFailureNotifications'"
    ):
        merge_statements([publish(), other_topic])


def test_merge_statements_refuses_one_sid_with_different_conditions():
    plain = publish()
    conditioned = Statement(
        sid=plain.sid,
        actions=plain.actions,
        resources=plain.resources,
        conditions=(Condition("StringEquals", "aws:SourceAccount", (ACCOUNT,)),),
    )

    with pytest.raises(ValueError, match="share the Sid"):
        merge_statements([plain, conditioned])


def test_policy_document_has_version_and_merged_statements():
    assert policy_document([publish(), publish()]) == {
        "Version": "2012-10-17",
        "Statement": [publish().to_json()],
    }


# terraform_policy_json


def endpoint_statement(*values: str) -> Statement:
    return Statement(
        sid="InvokeHttpEndpoint",
        actions=("states:InvokeHTTPEndpoint",),
        resources=("*",),
        conditions=(Condition("StringLike", "states:HTTPEndpoint", values),),
    )


@pytest.mark.parametrize("variable", IAM_SPECIAL_CHARACTERS)
def test_terraform_policy_json_keeps_each_iam_variable_literal_for_terraform(variable):
    document = policy_document([endpoint_statement(f"https://h.example/a{variable}b", f"{variable}*")])

    text = terraform_policy_json(document)

    assert f"https://h.example/a${variable}b" in text
    assert f'"${variable}*"' in text
    assert json.loads(text.replace("$${", "${")) == document


def test_terraform_policy_json_leaves_terraform_references_as_references():
    reference = "${TfToken[TOKEN.12]}"
    document = policy_document([publish(topic=reference), endpoint_statement(f"{reference}/x${{?}}*")])

    text = terraform_policy_json(document)

    assert text.count(reference) == 2
    assert "$$" + reference not in text
    assert f"{reference}/x$${{?}}*" in text


def test_terraform_policy_json_is_indented_json_in_the_document_order():
    document = policy_document([endpoint_statement("https://h.example/${*}")])

    assert (
        terraform_policy_json(document)
        == """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "InvokeHttpEndpoint",
      "Effect": "Allow",
      "Action": [
        "states:InvokeHTTPEndpoint"
      ],
      "Resource": [
        "*"
      ],
      "Condition": {
        "StringLike": {
          "states:HTTPEndpoint": "https://h.example/$${*}"
        }
      }
    }
  ]
}"""
    )


def test_terraform_policy_json_escapes_resource_policies_too():
    document = {"Statement": [{"Resource": ["arn:aws:sqs:*:1:q${?}"], "Principal": {"Service": "x${*}"}}]}

    assert json.loads(terraform_policy_json(document)) == {
        "Statement": [{"Resource": ["arn:aws:sqs:*:1:q$${?}"], "Principal": {"Service": "x$${*}"}}]
    }


# sid_from_name


@pytest.mark.parametrize(
    ("parts", "sid"),
    [
        (("Extract orders", "Lambda"), "ExtractOrdersLambda"),
        (("Invoke", "ExtractOrders", "Lambda"), "InvokeExtractOrdersLambda"),
        (("Use", "partner_api", "Connection"), "UsePartnerApiConnection"),
        (("Run", "load-orders 2", "Task"), "RunLoadOrders2Task"),
        (("  padded  ",), "Padded"),
        (("keepsInnerCapitals",), "KeepsInnerCapitals"),
    ],
)
def test_sid_from_name_joins_capitalised_words_and_drops_punctuation(parts, sid):
    assert sid_from_name(*parts) == sid


@pytest.mark.parametrize("name", ["Load-Orders", "Load Orders", "Load_Orders", "load orders"])
def test_sid_from_name_reads_names_differing_only_by_punctuation_the_same(name):
    assert sid_from_name(name) == "LoadOrders"


# ARNs


@pytest.mark.parametrize(
    ("task_definition", "granted"),
    [
        (
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:3",
        ),
        (
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform:*",
        ),
        (
            "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/transform",
            "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/transform:*",
        ),
    ],
)
def test_task_definition_revisions_pins_a_revision_or_grants_all_of_a_family(task_definition, granted):
    assert task_definition_revisions(task_definition) == granted


@pytest.mark.parametrize(
    "bad",
    [
        "transform",
        "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
        "arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline:3",
        "arn:aws:lambda:eu-west-1:123456789012:function:transform:3",
    ],
)
def test_task_definition_revisions_refuses_what_is_not_a_task_definition(bad):
    with pytest.raises(ValueError, match="not an ECS task definition ARN"):
        task_definition_revisions(bad)


def test_ecs_tasks_of_cluster_covers_every_task_of_that_cluster():
    cluster = "arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/pipeline"

    assert ecs_tasks_of_cluster(cluster) == "arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task/pipeline/*"


@pytest.mark.parametrize(
    "bad",
    [
        "pipeline",
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/transform",
        "arn:aws:ecs:eu-west-1:123456789012:cluster/",
    ],
)
def test_ecs_tasks_of_cluster_refuses_what_is_not_a_cluster(bad):
    with pytest.raises(ValueError, match="not an ECS cluster ARN"):
        ecs_tasks_of_cluster(bad)


def test_arn_builders_put_each_part_in_its_place():
    assert state_machine_arn("aws", "eu-west-1", ACCOUNT, "nightly") == (
        "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"
    )
    assert (
        event_rule_arn("aws", "eu-west-1", ACCOUNT, "rule-1")
        == "arn:aws:events:eu-west-1:123456789012:rule/rule-1"
    )
    assert integration_arn("aws-cn", "lambda:invoke") == "arn:aws-cn:states:::lambda:invoke"


# Integrations without a step


def test_start_execution_is_granted_on_the_one_state_machine_only():
    arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"

    assert [statement.to_json() for statement in integrations.start_execution(arn)] == [
        {
            "Sid": "StartPipelineExecution",
            "Effect": "Allow",
            "Action": ["states:StartExecution"],
            "Resource": [arn],
        }
    ]


# Trust policies


def test_step_functions_trust_is_limited_to_the_own_account():
    assert service_trust_policy(STEP_FUNCTIONS, ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumedByService",
                "Effect": "Allow",
                "Principal": {"Service": "states.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }


def test_scheduler_trust_is_limited_to_the_account_and_the_schedule_group():
    assert scheduler_trust_policy("aws", "eu-west-1", ACCOUNT, "nightly") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumedByService",
                "Effect": "Allow",
                "Principal": {"Service": SCHEDULER},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnEquals": {
                        "aws:SourceArn": "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/nightly"
                    },
                },
            }
        ],
    }
    assert SCHEDULER == "scheduler.amazonaws.com"


# The states:HTTPEndpoint condition


def test_endpoint_condition_grants_the_endpoint_and_its_query_form_only():
    assert endpoint_conditions("https://h.example/api", is_root=False) == (
        Condition(
            "StringLike", "states:HTTPEndpoint", ("https://h.example/api", "https://h.example/api${?}*")
        ),
    )


def test_endpoint_condition_of_a_root_adds_its_sub_paths_but_no_dot_segments():
    like, not_like = endpoint_conditions("https://h.example/api/", is_root=True)

    assert like.values == ("https://h.example/api/", "https://h.example/api/${?}*", "https://h.example/api/*")
    assert not_like == Condition("StringNotLike", "states:HTTPEndpoint", DOT_SEGMENTS)
    assert "*/..*" in DOT_SEGMENTS


def test_endpoint_condition_matches_wildcard_characters_of_the_url_literally():
    (like,) = endpoint_conditions("https://h.example/a*b", is_root=False)

    assert like.values[0] == "https://h.example/a${*}b"
