"""The config sections of core.sections: each documents exactly the keys it reads, a key names a
field of its section's settings, and the schedule is parsed once and kept parsed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

import aws_facts.schedule_expression
from aws_facts.rules import Bounds
from config_kit.schema import Section
from config_kit.toml_table import Kind, Problems, Table
from core.loading import CONFIG, load_config
from core.sections import setting
from core.sections.backend import BACKEND, LOCAL, S3, read_backend
from core.sections.encryption import ENCRYPTION, read_encryption
from core.sections.night_watch import NIGHT_WATCH, read_night_watch
from core.sections.notifications import NOTIFICATIONS, read_notifications
from core.sections.schedule import SCHEDULE, ScheduleSettings, read_schedule
from core.sections.stack import STACK, StackSettings, read_stack
from core.sections.state_machine import DEFAULT_TIMEOUT_SECONDS, STATE_MACHINE, LogLevel, read_state_machine
from tests.unit.support import with_section, write

NOW = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
Reader = Callable[[Table], Any]

# Each section with its reader, given what it needs from the sections read before it; a section
# with variants once per variant, chosen by the data the table starts with.
READERS: list[tuple[Section, Section | None, dict[str, Any], Reader]] = [
    (STACK, None, {}, read_stack),
    (BACKEND, LOCAL, {}, read_backend),
    (BACKEND, S3, {"type": "s3"}, read_backend),
    (SCHEDULE, None, {}, lambda table: read_schedule(table, NOW)),
    (STATE_MACHINE, None, {}, lambda table: read_state_machine(table, "pipeline", ScheduleSettings())),
    (NIGHT_WATCH, None, {}, lambda table: read_night_watch(table, ScheduleSettings())),
    (NOTIFICATIONS, None, {}, lambda table: read_notifications(table, "pipeline")),
    (ENCRYPTION, None, {}, lambda table: read_encryption(table, StackSettings(name="s", region="eu-west-1"))),
]


@pytest.mark.parametrize(
    ("section", "variant", "data", "read"),
    READERS,
    ids=[section.name + (f"-{variant.name}" if variant else "") for section, variant, _, _ in READERS],
)
def test_each_section_documents_exactly_the_keys_it_reads(section, variant, data, read):
    table = Table(data, section.name, Problems("env.toml"))
    read(table)

    documented = [item.name for item in section.keys]
    documented += [item.name for item in variant.keys] if variant else []
    assert sorted(table.keys_read) == sorted(documented)
    assert section in CONFIG.children, "the reference and the JSON Schema are made from CONFIG"


def test_every_section_of_the_tree_has_its_reader_here():
    tested = {section.name for section, *_ in READERS}
    elsewhere = {"connections", "ticket", "steps"}  # core.connections, core.tickets, core.steps
    assert {child.name for child in CONFIG.children} == tested | elsewhere


def test_a_key_names_a_field_of_its_settings():
    with pytest.raises(TypeError, match="StackSettings has no field 'nmae'"):
        setting(StackSettings, "nmae", Kind.STRING, "A typo.")


def test_a_key_takes_its_default_from_its_field():
    [tags] = [item for item in STACK.keys if item.name == "tags"]
    [log_level] = [item for item in STATE_MACHINE.keys if item.name == "log_level"]
    assert tags.default == {}
    assert log_level.default == "ERROR", "an Enum default is documented by its value"


@pytest.mark.parametrize(
    "expression", ["cron(0 22 * * ? *)", "cron(30 1 ? * MON-FRI *)", "cron(0 */4 * * ? *)"]
)
def test_the_schedule_expression_is_parsed_once_and_kept(tmp_path, monkeypatch, expression):
    parsed = []
    cron = aws_facts.schedule_expression._cron
    monkeypatch.setattr(
        aws_facts.schedule_expression, "_cron", lambda body: parsed.append(body) or cron(body)
    )

    config = load_config(write(tmp_path, with_section("schedule", f'expression = "{expression}"')), NOW)

    assert len(parsed) == 1
    assert config.schedule.recurrence is not None
    assert config.schedule.recurrence.shortest_gap_seconds


@pytest.mark.parametrize(
    ("expression", "timeout"),
    [
        ("cron(0 22 * * ? *)", DEFAULT_TIMEOUT_SECONDS),
        ("rate(4 hours)", 2 * 3600),
        ("rate(90 minutes)", 45 * 60),
        ("cron(0 */2 * * ? *)", 3600),
    ],
)
def test_the_timeout_default_is_computed_from_the_schedule(tmp_path, expression, timeout):
    config = load_config(write(tmp_path, with_section("schedule", f'expression = "{expression}"')), NOW)

    assert config.state_machine.timeout_seconds == timeout
    assert config.pipeline().timeout_seconds == timeout


def test_a_written_timeout_is_kept(tmp_path):
    text = with_section("state_machine", "timeout_seconds = 600")
    assert load_config(write(tmp_path, text), NOW).state_machine.timeout_seconds == 600


@dataclass(frozen=True)
class _Example:
    count: int = 1
    name: str | None = None
    level: LogLevel = LogLevel.ERROR
    on: bool = True


def test_a_number_key_without_bounds_fails_at_import():
    with pytest.raises(TypeError, match="count: a whole number key needs its bounds"):
        setting(_Example, "count", Kind.INTEGER, "doc")


@pytest.mark.parametrize(
    ("field", "kind"),
    [("count", Kind.STRING), ("name", Kind.INTEGER), ("level", Kind.BOOLEAN), ("on", Kind.INTEGER)],
)
def test_a_setting_whose_kind_its_field_cannot_hold_fails_at_import(field, kind):
    with pytest.raises(TypeError, match=f"_Example.{field} is .*, which a {kind.name} key cannot fill"):
        setting(_Example, field, kind, "doc")


@pytest.mark.parametrize(
    ("field", "kind"),
    [("count", Kind.INTEGER), ("name", Kind.STRING), ("level", Kind.STRING), ("on", Kind.BOOLEAN)],
)
def test_a_setting_whose_field_holds_its_kind_is_a_key_with_the_fields_default(field, kind):
    made = setting(_Example, field, kind, "doc", bounds=Bounds(0, 9) if kind is Kind.INTEGER else None)
    assert (made.name, made.kind) == (field, kind)
