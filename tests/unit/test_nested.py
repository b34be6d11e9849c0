"""The one walk over nested tables and arrays."""

from __future__ import annotations

from config_kit.nested import Node, walk


def test_walk_visits_outer_before_inner_in_document_order_with_paths():
    document = {"a": {"b": ["x", {"c": 1}]}, "d": []}
    assert list(walk(document)) == [
        Node("", document, None, False),
        Node("a", document["a"], "a", False),
        Node("a.b", ["x", {"c": 1}], "b", False),
        Node("a.b[0]", "x", None, True),
        Node("a.b[1]", {"c": 1}, None, True),
        Node("a.b[1].c", 1, "c", False),
        Node("d", [], "d", False),
    ]


def test_walk_starts_from_the_given_path_and_leaves_out_skipped_keys():
    body = {"Subject": "x", "Body.$": {"deep": "y"}}
    assert [node.path for node in walk(body, "ticket.body", lambda key: key.endswith(".$"))] == [
        "ticket.body",
        "ticket.body.Subject",
    ]


def test_walk_takes_any_depth():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert sum(1 for _ in walk(deep)) == 10_001
