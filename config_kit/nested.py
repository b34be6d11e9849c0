"""One walk over nested tables and arrays (TOML documents, JSON bodies, Terraform blocks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Node:
    path: str
    """Where the value is, such as `ticket.body.items[0]`."""
    value: Any
    key: str | None
    """The table key that holds the value; None for an array item and for the root."""
    in_array: bool
    """True for an array's own items (not for what a table inside the array holds)."""


def walk(value: Any, path: str = "", skip_key: Callable[[str], bool] = lambda _key: False) -> Iterator[Node]:
    """Every value, outer before inner and in document order, leaving out the entries whose key
    skip_key picks. Iterative, so that deep input cannot exhaust Python's stack."""
    pending = [Node(path, value, None, False)]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node.value, Mapping):
            children = [
                Node(f"{node.path}.{key}" if node.path else key, item, key, False)
                for key, item in node.value.items()
                if not skip_key(key)
            ]
        elif isinstance(node.value, list):
            children = [
                Node(f"{node.path}[{index}]", item, None, True) for index, item in enumerate(node.value)
            ]
        else:
            continue
        pending += reversed(children)
