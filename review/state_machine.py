"""State machine definitions: states added, removed and changed, and the new graph in Mermaid.

Only top-level states are compared and drawn; this project writes no Parallel or Map states.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from review.resources import Change, resources

STATE_MACHINE = "aws_sfn_state_machine"
END = ""
STYLES = {
    "failure": "fill:#ffebe9,stroke:#cf222e,color:#82071e",
    "added": "stroke:#1a7f37,stroke-width:3px",
    "changed": "stroke:#9a6700,stroke-width:3px",
    "removed": "stroke:#8c959f,stroke-dasharray:5 5,color:#8c959f",
}
RED_LINK = "stroke:#cf222e,stroke-width:2px"
GREY_LINK = "stroke:#8c959f,stroke-dasharray:3 3"


@dataclass(frozen=True)
class StateMachineChange:
    address: str
    name: str
    change: Change
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # a state and its changed keys
    top_level: tuple[str, ...]  # changed keys beside States, such as StartAt
    diagram: str  # Mermaid source of the new graph with the changes marked; empty when it is removed


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a state name, or END
    label: str
    caught: bool


def definitions(document: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each state machine's name and parsed definition, by address."""
    return {
        address: (str(body.get("name", address)), json.loads(body["definition"]))
        for address, body in resources(document).items()
        if address.startswith(f"{STATE_MACHINE}.")
    }


def state_machine_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[StateMachineChange, ...]:
    old, new = definitions(base), definitions(head)
    changes = []
    for address in sorted(old.keys() | new.keys()):
        before = old[address][1] if address in old else {}
        after = new[address][1] if address in new else {}
        if before == after:
            continue
        change = Change.of(address in old, address in new)
        old_states, new_states = before.get("States", {}), after.get("States", {})
        changed = tuple(
            (state, _changed_keys(old_states[state], new_states[state]))
            for state in new_states
            if state in old_states and old_states[state] != new_states[state]
        )
        changes.append(
            StateMachineChange(
                address=address,
                name=(new.get(address) or old[address])[0],
                change=change,
                added=tuple(state for state in new_states if state not in old_states),
                removed=tuple(state for state in old_states if state not in new_states),
                changed=changed,
                top_level=_changed_keys(_without_states(before), _without_states(after))
                if change is Change.CHANGED
                else (),
                diagram=mermaid(after, before) if after else "",
            )
        )
    return tuple(changes)


def _without_states(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in definition.items() if key != "States"}


def _changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key)))


def edges(states: Mapping[str, Mapping[str, Any]]) -> list[Edge]:
    found = []
    for name, state in states.items():
        if "Next" in state:
            found.append(Edge(name, state["Next"], "", caught=False))
        found += [Edge(name, choice["Next"], "choice", caught=False) for choice in state.get("Choices", [])]
        if "Default" in state:
            found.append(Edge(name, state["Default"], "default", caught=False))
        found += [
            Edge(name, catch["Next"], ", ".join(catch.get("ErrorEquals", [])), caught=True)
            for catch in state.get("Catch", [])
        ]
        if state.get("End"):
            found.append(Edge(name, END, "", caught=False))
    return found


def failure_path(states: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The states reached once an error has been caught, and every Fail state."""
    graph = edges(states)
    reached = {edge.target for edge in graph if edge.caught}
    reached |= {name for name, state in states.items() if state.get("Type") == "Fail"}
    pending = list(reached)
    while pending:
        source = pending.pop()
        for edge in graph:
            if edge.source == source and edge.target != END and edge.target not in reached:
                reached.add(edge.target)
                pending.append(edge.target)
    return reached


def mermaid(after: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> str:
    """A flowchart of `after`, with what changed since `before`: added states get a thick green
    border, changed ones a thick amber one, and removed states are drawn too, dashed and grey,
    with their transitions. The failure path is red; caught errors are dotted edges labelled with
    their errors."""
    diagram = _Diagram(after, before)
    return "\n".join(
        ["flowchart TD", '  start(("start"))', *diagram.nodes(), *diagram.links(), *diagram.styles()]
    )


class _Diagram:
    def __init__(self, after: Mapping[str, Any], before: Mapping[str, Any] | None) -> None:
        new, old = after.get("States", {}), (before or {}).get("States", {})
        removed = [name for name in old if name not in new] if before is not None else []
        self.start = after.get("StartAt")
        self.states = {**new, **{name: old[name] for name in removed}}
        self.ids = {name: f"s{index}" for index, name in enumerate(self.states)}
        self.failing = failure_path(new) | (failure_path(old) & set(removed))
        self.edges = edges(new)
        self.gone = [e for e in edges(old) if e not in self.edges and {e.source, e.target} & set(removed)]
        self.marked = {
            "failure": self.failing,
            "added": {name for name in new if name not in old} if before is not None else set(),
            "changed": {name for name in new if name in old and old[name] != new[name]},
            "removed": set(removed),
        }

    def nodes(self) -> list[str]:
        lines = [f"  {self.ids[name]}{_shape(name, state)}" for name, state in self.states.items()]
        if any(edge.target == END for edge in (*self.edges, *self.gone)):
            lines.append('  finish(("end"))')
        return lines

    def links(self) -> list[str]:
        links = [f"start --> {self.ids[self.start]}"] if self.start in self.ids else []
        for edge in (*self.edges, *self.gone):
            arrow = "-.->" if edge.caught or edge in self.gone else "-->"
            label = f"|{_text(edge.label)}|" if edge.label else ""
            links.append(f"{self.ids[edge.source]} {arrow}{label} {self.ids.get(edge.target, 'finish')}")
        return [f"  {link}" for link in links]

    def styles(self) -> list[str]:
        lines = [f"  classDef {style} {STYLES[style]}" for style in STYLES]
        for style, names in self.marked.items():
            members = [self.ids[name] for name in self.states if name in names]
            if members:
                lines.append(f"  class {','.join(members)} {style}")
        first = 1 if self.start in self.ids else 0
        red = [i + first for i, e in enumerate(self.edges) if e.caught or e.source in self.failing]
        grey = [i + first + len(self.edges) for i in range(len(self.gone))]
        for numbers, style in ((red, RED_LINK), (grey, GREY_LINK)):
            if numbers:
                lines.append(f"  linkStyle {','.join(map(str, numbers))} {style}")
        return lines


def _shape(name: str, state: Mapping[str, Any]) -> str:
    label = f'"{_text(name)}"'
    kind = state.get("Type")
    if kind in {"Fail", "Succeed"}:
        return f"([{label}])"
    if kind == "Choice":
        return f"{{{label}}}"
    return f"[{label}]"


def _text(text: str) -> str:
    """Mermaid labels may not hold quotes or pipes."""
    return text.replace('"', "#quot;").replace("|", "#124;")
