"""What applying does to a running system, from hand-written stacks."""

from __future__ import annotations

from review.effects import REPLACEMENTS
from review.lifecycle import invalid
from review.report import compare_stack
from review.terraform import Validation

CONNECTION = {
    "name": "partner",
    "authorization_type": "API_KEY",
    "auth_parameters": {"api_key": {"key": "X-Key"}},
}


def stack(**resources: dict) -> dict:
    """resources: by address, such as aws_sns_topic__T for aws_sns_topic.T."""
    document: dict = {"resource": {}}
    for address, body in resources.items():
        kind, name = address.split("__")
        document["resource"].setdefault(kind, {})[name] = body
    return document


def found(base: dict | None, head: dict | None) -> list[tuple[str, str | None, str]]:
    return [(f.id, f.subject.resource, f.message) for f in compare_stack("dev", base, head).findings]


def test_an_updated_connection_resets_its_secrets_until_the_key_step():
    renamed_header = {**CONNECTION, "auth_parameters": {"api_key": {"key": "X-Other"}}}
    [(rule, subject, message)] = found(
        stack(aws_cloudwatch_event_connection__C=CONNECTION),
        stack(aws_cloudwatch_event_connection__C=renamed_header),
    )
    assert (rule, subject) == ("CON001", "aws_cloudwatch_event_connection.C")
    assert message.startswith("updated: its secrets return to the placeholder on apply")
    assert "`scripts/set-api-keys.sh cdktf.out/stacks/<stack>`" in message


def test_a_replaced_connection_resets_its_secrets_and_is_replaced():
    renamed = {**CONNECTION, "name": "partner-v2"}
    assert [
        (rule, subject)
        for rule, subject, _ in found(
            stack(aws_cloudwatch_event_connection__C=CONNECTION),
            stack(aws_cloudwatch_event_connection__C=renamed),
        )
    ] == [("CON001", "aws_cloudwatch_event_connection.C"), ("RPL003", "aws_cloudwatch_event_connection.C")]


def test_a_new_connection_is_not_a_reset():
    assert found(stack(), stack(aws_cloudwatch_event_connection__C=CONNECTION)) == []


def test_each_replaced_type_says_what_the_replacement_means_and_what_forced_it():
    base = stack(aws_sfn_state_machine__M={"name": "m", "type": "STANDARD", "definition": "{}"})
    head = stack(aws_sfn_state_machine__M={"name": "m", "type": "EXPRESS", "definition": "{}"})
    [(rule, subject, message)] = found(base, head)
    assert (rule, subject) == ("RPL001", "aws_sfn_state_machine.M")
    assert message == f"replaced (`type`). {REPLACEMENTS['aws_sfn_state_machine'].meaning}"


def test_a_type_without_its_own_consequence_is_the_generic_replacement():
    base = stack(aws_sns_topic_policy__P={"arn": "a", "policy": "{}"})
    head = stack(aws_sns_topic_policy__P={"arn": "b", "policy": "{}"})
    assert found(base, head) == [
        ("RPL000", "aws_sns_topic_policy.P", "replaced (`arn`). Terraform deletes it, then creates it again.")
    ]


def test_a_new_or_replaced_e_mail_subscription_must_be_confirmed_but_not_an_sqs_one():
    email = {"protocol": "email", "endpoint": "a@example.com", "topic_arn": "${aws_sns_topic.T.arn}"}
    queue = {
        "protocol": "sqs",
        "endpoint": "arn:aws:sqs:eu-west-1:1:q",
        "topic_arn": "${aws_sns_topic.T.arn}",
    }
    topic = {"name": "alerts"}
    added = found(
        stack(aws_sns_topic__T=topic),
        stack(
            aws_sns_topic__T=topic, aws_sns_topic_subscription__E=email, aws_sns_topic_subscription__Q=queue
        ),
    )
    assert added == [
        (
            "SNS001",
            "aws_sns_topic_subscription.E",
            "`a@example.com` receives nothing until it confirms the e-mail SNS sends on apply (a new subscription).",
        )
    ]
    base = stack(aws_sns_topic__T=topic, aws_sns_topic_subscription__E=email)
    head = stack(aws_sns_topic__T={"name": "alerts-v2"}, aws_sns_topic_subscription__E=email)
    assert [(rule, subject) for rule, subject, _ in found(base, head)] == [
        ("RPL005", "aws_sns_topic.T"),
        ("SNS001", "aws_sns_topic_subscription.E"),
        ("RPL000", "aws_sns_topic_subscription.E"),
    ]


def test_a_removed_stack_is_orphaned_and_nothing_else():
    base = stack(
        aws_sns_topic__T={"name": "alerts"}, aws_iam_role__R={"name": "r", "assume_role_policy": "{}"}
    )
    [(rule, subject, message)] = found(base, None)
    assert (rule, subject) == ("STK001", None)
    assert "nothing destroys the stack" in message
    assert "cdktf.out/stacks/dev && terraform init && terraform destroy" in message


def test_a_side_that_fails_validation_is_a_finding_the_head_s_the_more_severe():
    [head] = invalid("head", Validation(False, "Reference to undeclared resource"))
    [base] = invalid("base", Validation(False, "broken"))
    assert (head.id, head.severity.value, head.message) == (
        "TFV001",
        "high",
        "the head fails `terraform validate`: Reference to undeclared resource",
    )
    assert (base.id, base.severity.value) == ("TFV002", "low")
    assert invalid("head", Validation(True)) == invalid("head", None) == []
