"""States added, removed and changed, the failure path, and the Mermaid graph."""

from __future__ import annotations

import json

from review.resources import Change
from review.state_machine import StateMachineChange, failure_path, mermaid, state_machine_changes

CATCH_ALL = [{"ErrorEquals": ["States.ALL"], "Next": "Alert"}]
DEFINITION = {
    "StartAt": "Extract",
    "States": {
        "Extract": {"Type": "Task", "Resource": "r", "Catch": CATCH_ALL, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Load"}],
            "Default": "Done",
        },
        "Load": {"Type": "Task", "Resource": "r", "Catch": CATCH_ALL, "End": True},
        "Done": {"Type": "Succeed"},
        "Alert": {"Type": "Task", "Resource": "sns", "Next": "Failed"},
        "Failed": {"Type": "Fail", "Error": "Pipeline.Failed"},
    },
}


def stack(definition: dict, name: str = "pipeline") -> dict:
    machine = {"name": name, "definition": json.dumps(definition)}
    return {"resource": {"aws_sfn_state_machine": {"Machine": machine}}}


def with_states(**states: dict | None) -> dict:
    """DEFINITION with some states replaced, added, or removed (None)."""
    merged = {**DEFINITION["States"], **states}
    return {**DEFINITION, "States": {name: state for name, state in merged.items() if state is not None}}


def test_states_added_removed_and_changed_are_named_with_the_changed_keys():
    head = with_states(
        Load={"Type": "Task", "Resource": "r2", "Catch": CATCH_ALL, "Next": "Report"},
        Report={"Type": "Pass", "End": True},
        Done=None,
        Check={**DEFINITION["States"]["Check"], "Default": "Failed"},
    )
    [change] = state_machine_changes(stack(DEFINITION), stack(head))
    assert (change.address, change.name, change.change) == (
        "aws_sfn_state_machine.Machine",
        "pipeline",
        Change.CHANGED,
    )
    assert change.added == ("Report",)
    assert change.removed == ("Done",)
    assert change.changed == (("Check", ("Default",)), ("Load", ("End", "Next", "Resource")))
    assert change.top_level == ()
    assert change.diagram == mermaid(head, DEFINITION)


def test_changes_beside_the_states_are_named():
    head = {**DEFINITION, "Comment": "now with a comment", "TimeoutSeconds": 3600}
    [change] = state_machine_changes(stack(DEFINITION), stack(head))
    assert change.top_level == ("Comment", "TimeoutSeconds")
    assert change.changed == ()


def test_an_unchanged_definition_is_not_listed():
    assert state_machine_changes(stack(DEFINITION), stack(DEFINITION, name="renamed")) == ()


def test_a_removed_state_machine_has_no_diagram():
    assert state_machine_changes(stack(DEFINITION), {}) == (
        StateMachineChange(
            address="aws_sfn_state_machine.Machine",
            name="pipeline",
            change=Change.REMOVED,
            added=(),
            removed=tuple(DEFINITION["States"]),
            changed=(),
            top_level=(),
            diagram="",
        ),
    )


def test_the_failure_path_is_what_a_catch_reaches_and_every_fail_state():
    assert failure_path(DEFINITION["States"]) == {"Alert", "Failed"}
    lone_fail = {"Start": {"Type": "Pass", "End": True}, "Stop": {"Type": "Fail"}}
    assert failure_path(lone_fail) == {"Stop"}


STYLES = [
    "  classDef failure fill:#ffebe9,stroke:#cf222e,color:#82071e",
    "  classDef added stroke:#1a7f37,stroke-width:3px",
    "  classDef changed stroke:#9a6700,stroke-width:3px",
    "  classDef removed stroke:#8c959f,stroke-dasharray:5 5,color:#8c959f",
]


def test_the_diagram_draws_every_transition_and_styles_the_failure_path():
    assert mermaid(DEFINITION).splitlines() == [
        "flowchart TD",
        '  start(("start"))',
        '  s0["Extract"]',
        '  s1{"Check"}',
        '  s2["Load"]',
        '  s3(["Done"])',
        '  s4["Alert"]',
        '  s5(["Failed"])',
        '  finish(("end"))',
        "  start --> s0",
        "  s0 --> s1",
        "  s0 -.->|States.ALL| s4",
        "  s1 -->|choice| s2",
        "  s1 -->|default| s3",
        "  s2 -.->|States.ALL| s4",
        "  s2 --> finish",
        "  s4 --> s5",
        *STYLES,
        "  class s4,s5 failure",
        "  linkStyle 2,5,7 stroke:#cf222e,stroke-width:2px",
    ]


def test_the_diagram_marks_added_changed_and_removed_states_and_draws_the_removed_dashed():
    before = with_states(
        Extract={**DEFINITION["States"]["Extract"], "Next": "Clean"},
        Clean={"Type": "Task", "Resource": "r", "Catch": CATCH_ALL, "Next": "Check"},
    )
    after = with_states(
        Load={"Type": "Task", "Resource": "r2", "Catch": CATCH_ALL, "Next": "Report"},
        Report={"Type": "Pass", "End": True},
    )
    assert mermaid(after, before).splitlines()[10:] == [
        '  finish(("end"))',
        "  start --> s0",
        "  s0 --> s1",
        "  s0 -.->|States.ALL| s4",
        "  s1 -->|choice| s2",
        "  s1 -->|default| s3",
        "  s2 --> s6",
        "  s2 -.->|States.ALL| s4",
        "  s4 --> s5",
        "  s6 --> finish",
        # The removed state's transitions, dotted and grey; Extract's is drawn as it is now.
        "  s0 -.-> s7",
        "  s7 -.-> s1",
        "  s7 -.->|States.ALL| s4",
        *STYLES,
        "  class s4,s5 failure",
        "  class s6 added",
        "  class s0,s2 changed",
        "  class s7 removed",
        "  linkStyle 2,6,7 stroke:#cf222e,stroke-width:2px",
        "  linkStyle 9,10,11 stroke:#8c959f,stroke-dasharray:3 3",
    ]
    assert mermaid(after, before).splitlines()[:10] == [
        "flowchart TD",
        '  start(("start"))',
        '  s0["Extract"]',
        '  s1{"Check"}',
        '  s2["Load"]',
        '  s3(["Done"])',
        '  s4["Alert"]',
        '  s5(["Failed"])',
        '  s6["Report"]',
        '  s7["Clean"]',
    ]


def test_labels_escape_what_mermaid_would_read_as_syntax():
    definition = {
        "StartAt": 'Say "hi"',
        "States": {
            'Say "hi"': {
                "Type": "Pass",
                "Catch": [{"ErrorEquals": ["A|B"], "Next": 'Say "hi"'}],
                "End": True,
            }
        },
    }
    lines = mermaid(definition).splitlines()
    assert '  s0["Say #quot;hi#quot;"]' in lines
    assert "  s0 -.->|A#124;B| s0" in lines
