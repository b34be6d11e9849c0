"""IAM patterns and conditions compared by what they match."""

from __future__ import annotations

import pytest

from policies.statement import Condition
from review.conditions import KeyGap, loosenings
from review.patterns import covers, example, pattern


@pytest.mark.parametrize(
    ("wider", "narrower", "expected"),
    [
        ("*", "arn:aws:sns:eu-west-1:1:alerts", True),
        ("arn:aws:sns:*:1:*", "arn:aws:sns:eu-west-1:1:a?erts", True),
        ("arn:aws:sns:eu-west-1:1:a?erts", "arn:aws:sns:*:1:*", False),
        ("a*b", "a?b", True),
        ("a?b", "a*b", False),
        ("https://h/api/*", "https://h/api/orders", True),
        ("https://h/api/*", "https://h/api", False),
        # IAM's ${?} and ${*} are the characters themselves, not wildcards.
        ("https://h/x${?}*", "https://h/x?y", False),
        ("https://h/x?y", "https://h/x${?}*", False),
        ("https://h/x${*}", "https://h/x*", False),
        ("https://h/x*", "https://h/x${*}", True),
    ],
)
def test_a_pattern_covers_another_when_it_matches_all_the_other_matches(wider, narrower, expected):
    assert covers(pattern(wider), pattern(narrower)) is expected


def test_actions_are_compared_without_case():
    assert covers(pattern("SNS:*", fold_case=True), pattern("sns:Publish", fold_case=True))
    assert not covers(pattern("SNS:*"), pattern("sns:Publish"))


def test_string_equals_values_have_no_wildcards():
    assert not covers(pattern("a*", wildcards=False), pattern("ab", wildcards=False))
    assert covers(pattern("a*"), pattern("a*", wildcards=False))


def test_the_example_is_the_shortest_text_sought_and_avoids_excluded_characters():
    patterns = [pattern("https://h/*"), pattern("https://h/x")]
    assert example(patterns, lambda hit: hit[0] and not hit[1]) == "https://h/"
    assert example([pattern("a${?}*")], lambda hit: hit[0], excluded=frozenset("?")) is None
    assert example([pattern("a${?}*")], lambda hit: hit[0]) == "a?"


STRING = "StringEquals"


def test_conditions_on_other_operators_are_compared_by_their_values():
    old = (
        Condition("NumericLessThan", "s3:max-keys", ("10",)),
        Condition("Bool", "aws:SecureTransport", ("true",)),
    )
    new = (Condition("NumericLessThan", "s3:max-keys", ("10", "20")),)
    assert loosenings(new, old) == (
        KeyGap("aws:SecureTransport", ("Bool",), unbounded=True, values=("true",)),
        KeyGap("s3:max-keys", ("NumericLessThan",), unbounded=False, values=("20",)),
    )
    assert loosenings(old, new) == ()


def test_a_key_only_the_wider_side_constrains_never_lets_more_through():
    assert loosenings((Condition(STRING, "aws:SourceAccount", ("1",)),), ()) == ()


def test_a_negated_condition_is_a_value_the_key_may_not_hold():
    allowed = Condition("StringLike", "k", ("a*",))
    assert loosenings((allowed,), (allowed, Condition("StringNotLike", "k", ("ab*",)))) == (
        KeyGap("k", ("StringLike",), unbounded=False, values=("a*",), example="ab"),
    )
