"""{{placeholder}} templates rendered to literals, JSONPaths and States.Format calls."""

from __future__ import annotations

import pytest

from aws_facts.intrinsic_functions import escape_literal
from core.templates import (
    FAILURE_FIELDS,
    render_template,
    render_text,
    template_problems,
)

STATIC = {"state_machine": "nightly", "reporter": "bot-1"}


# render_text


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("Nightly run", "Nightly run"),
        # Without a run-time placeholder nothing is an intrinsic, so nothing is escaped.
        ("It's {odd} \\ text", "It's {odd} \\ text"),
        ("{{state_machine}} failed", "nightly failed"),
        ("{{ state_machine }} by {{reporter}}", "nightly by bot-1"),
        ("", ""),
    ],
)
def test_render_text_without_run_time_placeholders_is_a_plain_literal(text, rendered):
    assert render_text(text, STATIC) == (False, rendered)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("{{cause}}", "$.failure.caught.Cause"),
        ("{{error}}", "$.failure.caught.Error"),
        ("{{ step }}", "$.failure.step"),
        ("{{execution_url}}", "$.failure.execution_url"),
    ],
)
def test_render_text_of_a_lone_run_time_placeholder_is_a_plain_json_path(text, path):
    assert render_text(text, STATIC) == (True, path)


def test_render_text_of_mixed_text_is_a_states_format_call_with_paths_in_order():
    assert render_text("Step {{step}} failed: {{error}}", STATIC) == (
        True,
        "States.Format('Step {} failed: {}', $.failure.step, $.failure.caught.Error)",
    )


def test_render_text_escapes_quote_braces_and_backslash_in_literal_parts():
    assert render_text("It's {x} \\ {{cause}}", STATIC) == (
        True,
        "States.Format('It\\'s \\{x\\} \\\\ {}', $.failure.caught.Cause)",
    )


def test_render_text_substitutes_static_placeholders_and_escapes_them_inside_format():
    static = {"state_machine": "it's {odd}"}

    assert render_text("{{state_machine}}: {{error}}", static) == (
        True,
        "States.Format('it\\'s \\{odd\\}: {}', $.failure.caught.Error)",
    )


def test_render_text_with_a_static_placeholder_beside_a_run_time_one_is_a_format_call():
    assert render_text("{{state_machine}}{{error}}", STATIC) == (
        True,
        "States.Format('nightly{}', $.failure.caught.Error)",
    )


def test_render_text_uses_the_given_dynamic_paths():
    assert render_text("Ticket: {{ticket_error}}", {}, {"ticket_error": "$.ticket_error.Error"}) == (
        True,
        "States.Format('Ticket: {}', $.ticket_error.Error)",
    )


def test_render_text_refuses_an_unknown_placeholder():
    with pytest.raises(ValueError, match=r"unknown placeholder \{\{colour\}\}"):
        render_text("The {{colour}} of {{error}}", STATIC)


def test_render_text_without_reporter_refuses_reporter_placeholder():
    with pytest.raises(ValueError, match=r"unknown placeholder \{\{reporter\}\}"):
        render_text("{{reporter}}", {"state_machine": "nightly"})


@pytest.mark.parametrize(
    ("literal", "escaped"),
    [
        ("plain", "plain"),
        ("'", "\\'"),
        ("{}", "\\{\\}"),
        ("\\", "\\\\"),
        ("a'b{c}d\\e", "a\\'b\\{c\\}d\\\\e"),
    ],
)
def test_escape_literal_escapes_each_special_character(literal, escaped):
    assert escape_literal(literal) == escaped


# render_template


def test_render_template_marks_only_dynamic_keys_with_dollar_suffix():
    template = {"Subject": "{{error}} in {{step}}", "Title": "fixed", "Owner": "{{reporter}}"}

    assert render_template(template, STATIC) == {
        "Subject.$": "States.Format('{} in {}', $.failure.caught.Error, $.failure.step)",
        "Title": "fixed",
        "Owner": "bot-1",
    }


def test_render_template_leaves_dollar_keys_untouched():
    template = {"date.$": "$$.Execution.StartTime", "id.$": "States.Format('{}', $.id)", "raw.$": "{{error}}"}

    assert render_template(template, STATIC) == template


def test_render_template_renders_nested_objects_and_keeps_other_values():
    template = {
        "FromPerson": {"Uid": "{{reporter}}", "Note": {"Why": "{{cause}}"}},
        "Source": 2,
        "Urgent": True,
        "Missing": None,
    }

    assert render_template(template, STATIC) == {
        "FromPerson": {"Uid": "bot-1", "Note": {"Why.$": "$.failure.caught.Cause"}},
        "Source": 2,
        "Urgent": True,
        "Missing": None,
    }


def test_render_template_fills_static_placeholders_inside_arrays():
    template = {"Tags": ["{{state_machine}}", "nightly", 3, ["{{reporter}}"]]}

    assert render_template(template, STATIC) == {"Tags": ["nightly", "nightly", 3, ["bot-1"]]}


def test_render_template_renders_objects_inside_arrays_like_any_object():
    # ASL evaluates ".$" keys however deeply nested, objects in arrays included
    # (e.g. ECS ContainerOverrides Environment [{"Name": ..., "Value.$": ...}]).
    template = {"Notes": [{"Text": "{{cause}}", "Kind": "error"}]}

    assert render_template(template, STATIC) == {
        "Notes": [{"Text.$": "$.failure.caught.Cause", "Kind": "error"}]
    }


@pytest.mark.parametrize(
    "template",
    [{"Tags": ["{{error}}"]}, {"Tags": ["fixed", "Step {{step}}"]}, {"Outer": {"Tags": [["{{cause}}"]]}}],
)
def test_render_template_refuses_run_time_placeholders_standing_in_an_array(template):
    with pytest.raises(ValueError, match="run-time placeholders cannot stand in an array"):
        render_template(template, STATIC)


# template_problems


def test_template_problems_is_empty_for_a_template_that_renders():
    template = {"Subject": "{{state_machine}}: {{error}}", "Tags": ["{{reporter}}"], "raw.$": "{{nonsense}}"}

    assert list(template_problems(template, {"state_machine", "reporter"}, "ticket.body")) == []


def test_template_problems_reports_an_unknown_placeholder_with_field_text_and_allowed_names():
    template = {"Subject": "{{colour}} failed"}

    problems = list(template_problems(template, {"state_machine"}, "ticket.body"))

    allowed = ", ".join("{{" + name + "}}" for name in sorted({"state_machine", *FAILURE_FIELDS}))
    assert problems == [
        (
            "ticket.body.Subject",
            "{{colour}} failed",
            f"unknown placeholder {{{{colour}}}}; allowed: {allowed}",
        )
    ]


def test_template_problems_reports_a_run_time_placeholder_in_an_array():
    template = {"Details": {"Tags": ["ok", "{{state_machine}}", "{{error}}"]}}

    assert list(template_problems(template, {"state_machine"}, "ticket.body")) == [
        (
            "ticket.body.Details.Tags[2]",
            "{{error}}",
            "{{error}} is filled at run time, which ASL allows only in object values, not in arrays",
        )
    ]


@pytest.mark.parametrize(
    "template",
    [
        {"Tags": ["{{error}}"]},
        {"Tags": [["{{cause}}"]]},
        {"Notes": [{"Text": "{{cause}}"}]},
        {"Notes": [{"Tags": ["{{cause}}"]}]},
        {"Subject": "{{state_machine}} {{step}}", "Tags": ["{{state_machine}}"]},
    ],
)
def test_template_problems_agree_with_what_render_template_accepts(template):
    """The loader validates with template_problems and the failure path renders
    with render_template: a template must pass both or neither."""
    problems = list(template_problems(template, set(STATIC), "body"))
    try:
        render_template(template, STATIC)
        renders = True
    except ValueError:
        renders = False

    assert renders == (problems == [])
