"""Text templates with {{placeholders}}, rendered to ASL that fills them at run time.

A ticket body or a notification is written as plain JSON whose strings may hold
placeholders such as "{{error}}". Placeholders known when synthesizing (the
state machine's name) are filled in at once. The others name fields of the
failure record and become JSONPath: a string that is only "{{cause}}" becomes
"Body.$": "$.failure.cause", and mixed text becomes a States.Format call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aws_facts import partitions
from aws_facts.intrinsic_functions import escape_literal
from config_kit.nested import walk
from core.placeholders import PLACEHOLDER, placeholder_names

FAILURE_FIELDS = {
    "step": "the name of the step that failed",
    "error": "the error name, e.g. States.TaskFailed",
    "cause": "the error's cause as Step Functions reported it",
    "execution_id": "the ARN of the failed execution",
    "execution_name": "the execution's name (at most 80 characters)",
    "execution_url": "a link to the execution in the AWS console",
    "started_at": "when the execution started (ISO 8601)",
}
# Where DescribeFailure (core.failure_path) puts each field of the failure record.
FAILURE_PATHS = {
    "step": "$.failure.step",
    "error": "$.failure.caught.Error",
    "cause": "$.failure.caught.Cause",
    "execution_id": "$.failure.execution_id",
    "execution_name": "$.failure.execution_name",
    "execution_url": "$.failure.execution_url",
    "started_at": "$.failure.started_at",
}


def console_execution_url(region: str) -> str:
    """The console link to an execution, without the execution's ARN that ends it; the host
    follows the region's partition (partitions.console_host)."""
    host = partitions.console_host(region)
    return f"https://{host}/states/home?region={region}#/v2/executions/details/"


def render_text(
    text: str, static: Mapping[str, str], dynamic: Mapping[str, str] = FAILURE_PATHS
) -> tuple[bool, str]:
    """Returns (is_dynamic, value): value is a literal, a JSONPath or a States.Format call.

    static maps placeholders to text; dynamic maps them to JSONPaths."""
    literal = ""
    pattern: list[str] = []
    paths: list[str] = []
    for index, part in enumerate(PLACEHOLDER.split(text)):
        if index % 2 == 0:
            literal += part
            pattern.append(escape_literal(part))
        elif part in static:
            literal += static[part]
            pattern.append(escape_literal(static[part]))
        elif part in dynamic:
            paths.append(dynamic[part])
            pattern.append("{}")
        else:
            raise ValueError(f"unknown placeholder {{{{{part}}}}} in {text!r}")
    if not paths:
        return False, literal
    if len(paths) == 1 and "".join(pattern) == "{}":
        return True, paths[0]
    return True, f"States.Format('{''.join(pattern)}', {', '.join(paths)})"


def render_template(template: Any, static: Mapping[str, str]) -> Any:
    """Renders every string of a JSON-like template; see the module docstring."""
    if isinstance(template, Mapping):
        rendered = {}
        for key, value in template.items():
            if key.endswith(".$") or not isinstance(value, str):
                rendered[key] = value if key.endswith(".$") else render_template(value, static)
                continue
            dynamic, text = render_text(value, static)
            rendered[f"{key}.$" if dynamic else key] = text
        return rendered
    if isinstance(template, list):
        return [_render_array_item(item, static) for item in template]
    return template


def _render_array_item(item: Any, static: Mapping[str, str]) -> Any:
    if not isinstance(item, str):
        return render_template(item, static)
    dynamic, text = render_text(item, static)
    if dynamic:
        raise ValueError(f"{item!r}: run-time placeholders cannot stand in an array")
    return text


def template_problems(template: Any, static_names: set[str], where: str) -> Iterator[tuple[str, str, str]]:
    """Yields (field, value, what is allowed) for each placeholder that cannot render."""
    known = static_names | set(FAILURE_FIELDS)
    allowed = ", ".join("{{" + name + "}}" for name in sorted(known))
    # A `.$` key's value is a path or an intrinsic, not a template. An object's values take
    # run-time placeholders even inside an array; an array's own items do not.
    for node in walk(template, where, lambda key: key.endswith(".$")):
        if node.key is not None and placeholder_names(node.key):
            yield (
                node.path,
                node.key,
                "a key cannot hold a placeholder: keys are sent as written; put the placeholder in the value",
            )
        if not isinstance(node.value, str):
            continue
        for name in placeholder_names(node.value):
            if name not in known:
                yield node.path, node.value, f"unknown placeholder {{{{{name}}}}}; allowed: {allowed}"
            elif node.in_array and name in FAILURE_FIELDS:
                yield (
                    node.path,
                    node.value,
                    (
                        f"{{{{{name}}}}} is filled at run time, which ASL allows only in object "
                        "values, not in arrays"
                    ),
                )
