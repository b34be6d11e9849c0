"""The values of `.$` keys: JSONPaths and intrinsic calls Step Functions accepts, and those it refuses."""

from __future__ import annotations

import pytest

from aws_facts import intrinsic_functions
from core import asl_paths

ALLOWED = asl_paths.ALLOWED


ACCEPTED = [
    "$",
    "$$",
    "$.a",
    "$$.Execution.Id",
    "$.a[0].b",
    "$['a b']",
    "$..x",
    "$..['k']",
    "$.a[*]",
    "$.a[1:3]",
    "$.a[?(@.x == 'y')]",
    "States.Format('a {} b', $.x)",
    "States.Format('it\\'s \\{literal\\} {}', $.x)",
    "States.UUID()",
    "States.Array()",
    "States.Array($.a, 1, -2, 'x', null, true)",
    "States.MathRandom(1, 999)",
    "States.MathRandom(1, 999, 3)",
    "States.JsonMerge($.a, $.b, false)",
    "States.Hash($.d, 'SHA-256')",
    "States.StringToJson($.s)",
    "States.JsonToString($.o)",
    "States.ArrayRange(1, 9, 2)",
    "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), 1)",
]


@pytest.mark.parametrize("value", ACCEPTED)
def test_values_step_functions_accepts_pass(value):
    assert asl_paths.problem(value) is None


REFUSED_PATHS = [
    pytest.param("", None, id="empty"),
    pytest.param("hello", None, id="text"),
    pytest.param(" $.a", None, id="leading-space"),
    pytest.param("$.", "a name must follow the '.' at character 2", id="trailing-dot"),
    pytest.param("$foo", "$f... names a variable, and no state assigns variables here", id="variable"),
    pytest.param("$.a[0", "the '[' at character 4 is never closed", id="open-bracket"),
    pytest.param("$.a]", "']' at character 4 cannot follow '$.a'", id="stray-bracket"),
    pytest.param("$[]", "the brackets at character 2 are empty", id="empty-brackets"),
    pytest.param("$.a b", "' ' at character 4 cannot follow '$.a'", id="space"),
    pytest.param("$['a]", "the quote at character 3 is never closed", id="open-quote"),
]


@pytest.mark.parametrize(("value", "detail"), REFUSED_PATHS)
def test_paths_step_functions_refuses_are_refused_saying_where(value, detail):
    assert asl_paths.problem(value) == (f"{ALLOWED}; here {detail}" if detail else ALLOWED)


REFUSED_CALLS = [
    pytest.param(
        "States.Nope()",
        f"States.Nope is not an intrinsic function; known: {', '.join(intrinsic_functions.INTRINSIC_ARGUMENTS)}",
        id="unknown",
    ),
    pytest.param("States.Format", "States.Format must be followed by '('", id="no-call"),
    pytest.param("States.Format('x'", "a ')' is missing at the end", id="unbalanced"),
    pytest.param(
        "States.Format('open)", "the string that starts at character 15 is never closed", id="quote"
    ),
    pytest.param(
        "States.Format('a\\qb')",
        "the backslash at character 17 escapes nothing: only \\' \\{ \\} and \\\\ are escapes",
        id="open-backslash",
    ),
    pytest.param("States.UUID(1)", "States.UUID takes 0 arguments, not 1", id="too-many"),
    pytest.param("States.MathAdd(1)", "States.MathAdd takes 2 arguments, not 1", id="too-few"),
    pytest.param("States.Format()", "States.Format takes at least 1 arguments, not 0", id="format-empty"),
    pytest.param(
        "States.Format('a {}')",
        "the template of States.Format has 1 {}, and 0 values follow it",
        id="slots",
    ),
    pytest.param(
        "States.Format('a', $.x)",
        "the template of States.Format has 0 {}, and 1 value follows it",
        id="extra",
    ),
    pytest.param(
        "States.MathAdd($.a, 1.5)",
        "argument 2 of States.MathAdd must be an integer or a path, not 1.5",
        id="decimal",
    ),
    pytest.param(
        "States.ArrayGetItem($.a, 'x')",
        "argument 2 of States.ArrayGetItem must be an integer or a path, not x",
        id="index",
    ),
    pytest.param("States.JsonToString('x')", "States.JsonToString takes a path", id="not-a-path"),
    pytest.param(
        "States.Hash($.a, 'SHA-2')",
        "States.Hash's algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
        id="hash",
    ),
    pytest.param(
        "States.JsonMerge($.a, $.b, true)",
        "States.JsonMerge's third argument must be false (only shallow merges exist)",
        id="deep-merge",
    ),
    pytest.param(
        "States.Array(foo)",
        "'foo)' is not an argument: a 'quoted string', a number, true, false, null, a path or an intrinsic",
        id="bare-word",
    ),
    pytest.param("States.UUID() x", "'x' follows the call", id="trailing"),
    pytest.param("States.Format('{}' $.a)", "'$' at character 20 where ',' or ')' was expected", id="comma"),
    pytest.param(
        "States.Array($.a[)", "')' at character 18 closes nothing that is open", id="bad-path-argument"
    ),
    pytest.param(
        "States.Array(" * 11 + ")" * 11, "intrinsic functions nest at most 10 deep", id="eleven-deep"
    ),
]


@pytest.mark.parametrize(("value", "detail"), REFUSED_CALLS)
def test_intrinsics_step_functions_refuses_are_refused_saying_why(value, detail):
    assert asl_paths.problem(value) == f"{ALLOWED}; here {detail}"


def test_ten_nested_intrinsics_are_the_most_accepted():
    assert asl_paths.problem("States.Array(" * 10 + ")" * 10) is None


def test_dynamic_values_are_found_at_any_depth_and_must_be_strings():
    template = {"a.$": "$.ok", "b": [{"c.$": "nope"}], "d": {"e.$": 5}, "f": "$.not-dynamic"}

    found = list(asl_paths.dynamic_value_problems(template, "steps[0].payload"))

    assert found == [
        ("steps[0].payload.b[0].c.$", "nope", ALLOWED),
        (
            "steps[0].payload.d.e.$",
            5,
            f"must be a string: a key ending in .$ {ALLOWED.removeprefix('must be ')}",
        ),
    ]
