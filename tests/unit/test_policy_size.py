"""Laying a role's statements out within IAM's policy sizes: inline, merged, then managed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from config_kit.errors import ConfigError

from policies.policy_size import (
    INLINE_POLICIES_CHARACTERS,
    MANAGED_POLICY_CHARACTERS,
    Grant,
    PolicyTooLarge,
    characters,
    lay_out,
    merge_grants,
    policy_size,
)
from policies.statement import Condition, Statement, policy_document
from tests.unit.support import MINIMAL_CONFIG, load_text

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:"


def invoke(name: str, *functions: str) -> Grant:
    statement = Statement(
        sid=f"Invoke{name}Lambda",
        actions=("lambda:InvokeFunction",),
        resources=tuple(f"{FUNCTION}{function}" for function in functions or (name.lower(),)),
    )
    return Grant(rendered=statement, resolved=statement)


def call(number: int) -> Grant:
    """A grant no other grant can merge with: its own endpoint condition."""
    statement = Statement(
        sid=f"Call{number}Endpoint",
        actions=("states:InvokeHTTPEndpoint",),
        resources=("arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline",),
        conditions=(
            Condition("StringLike", "states:HTTPEndpoint", (f"https://api.example.com/{number:0200d}",)),
        ),
    )
    return Grant(rendered=statement, resolved=statement)


def sizes(grants_by_policy) -> list[int]:
    return [characters(policy_document(statements)) for statements in grants_by_policy]


def test_iam_counts_characters_without_whitespace():
    assert characters({"Action": ["a b", "c"]}) == len('{"Action":["ab","c"]}')


def test_a_role_that_fits_inline_keeps_one_statement_per_purpose():
    grants = [invoke("Extract"), invoke("Load")]

    laid_out = lay_out(grants)

    assert [statement.sid for statement in laid_out.inline] == ["InvokeExtractLambda", "InvokeLoadLambda"]
    assert laid_out.managed == ()


def test_statements_sharing_actions_and_conditions_are_merged_when_inline_is_too_small():
    grants = [
        invoke(f"Step{number}", f"nightly-pipeline-function-with-a-long-name-{number:03d}")
        for number in range(80)
    ]
    assert policy_size(grants) > INLINE_POLICIES_CHARACTERS

    laid_out = lay_out(grants)

    (merged,) = laid_out.inline
    assert merged.sid == "InvokeStep0LambdaAnd79More"
    assert merged.resources == tuple(resource for grant in grants for resource in grant.rendered.resources)
    assert laid_out.managed == ()


def test_what_does_not_fit_inline_is_spread_over_managed_policies_each_within_its_size():
    grants = [call(number) for number in range(60)]

    laid_out = lay_out(grants)

    assert sizes([laid_out.inline]) == [policy_size(grants[: len(laid_out.inline)])]
    assert sizes([laid_out.inline])[0] <= INLINE_POLICIES_CHARACTERS
    assert laid_out.managed
    assert all(size <= MANAGED_POLICY_CHARACTERS for size in sizes(laid_out.managed))
    spread = [statement.sid for statement in laid_out.inline] + [
        statement.sid for policy in laid_out.managed for statement in policy
    ]
    assert spread == [grant.rendered.sid for grant in grants]


def test_a_statement_too_large_for_one_managed_policy_is_split_by_resource():
    functions = [f"nightly-pipeline-function-with-a-long-name-{number:03d}" for number in range(400)]
    grants = [*(call(number) for number in range(40)), invoke("Many", *functions)]

    laid_out = lay_out(merge_grants(grants))

    parts = [
        statement for policy in laid_out.managed for statement in policy if "InvokeMany" in statement.sid
    ]
    assert len(parts) > 1
    assert [part.sid for part in parts] == [
        f"InvokeManyLambdaPart{number}" for number in range(1, len(parts) + 1)
    ]
    assert [resource for part in parts for resource in part.resources] == [
        FUNCTION + name for name in functions
    ]
    assert all(size <= MANAGED_POLICY_CHARACTERS for size in sizes(laid_out.managed))


def test_more_than_ten_managed_policies_is_refused_with_the_numbers():
    with pytest.raises(
        PolicyTooLarge, match=r"needs \d\d managed policies of 6,144 characters beside 10,240 inline"
    ):
        lay_out([call(number) for number in range(300)])


def test_layout_is_sized_on_the_resolved_arns_but_renders_the_terraform_references():
    def publish(sid: str, topic_length: int) -> Grant:
        rendered = Statement(sid=sid, actions=(f"sns:{sid}",), resources=(f"${{aws_sns_topic.{sid}.arn}}",))
        resolved = replace(rendered, resources=("arn:aws:sns:eu-west-1:1:" + "t" * topic_length,))
        return Grant(rendered=rendered, resolved=resolved)

    big, small = publish("Publish", 9_000), publish("Subscribe", 3_000)

    laid_out = lay_out([big, small])

    assert laid_out.inline == (big.rendered,)
    assert laid_out.managed == ((small.rendered,),)


def test_a_pipeline_beyond_what_iam_allows_is_refused_at_load_with_the_role_and_the_step_count(tmp_path):
    steps = "".join(
        f'\n[[steps]]\nname = "Fetch{number}"\ntype = "http"\nconnection = "ticketing"\n'
        f'endpoint = "https://api.example.com/v1/feeds/{number}/{"x" * 150}"\n'
        for number in range(300)
    )

    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, MINIMAL_CONFIG + steps)

    (problem,) = caught.value.problems
    assert problem.field == "steps"
    assert problem.value == "301 steps"
    assert "the role pipeline-test-execution needs" in problem.allowed
    assert "split the pipeline into several state machines" in problem.allowed
