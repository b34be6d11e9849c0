"""A Key's value type follows from its Kind and default (config_kit.toml_table.key), so mypy
--strict refuses a key declared as one type and read as another. Runs the project's mypy
configuration on one small file that imports config_kit only (0.2 s a run warm, 1.7 s cold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.toolchain.test_typecheck import mypy

HEADER = "from config_kit.toml_table import Key, Kind, Table, key\n\n"


def test_keys_declared_and_read_as_their_kind_pass(tmp_path: Path) -> None:
    code = """
NAME: Key[str] = key("name", Kind.STRING, "A name.")
RETRIES = key("retries", Kind.INTEGER, "Retries.", 3)
TOPIC = key("topic", Kind.STRING, "A topic.", None)
RATE = key("rate", Kind.NUMBER, "A rate.", 2)
ENABLED = key("enabled", Kind.BOOLEAN, "On.", False)
EMAILS = key("emails", Kind.STRINGS, "Addresses.", ())
TAGS = key("tags", Kind.STRING_TABLE, "Tags.", {})
BODY = key("body", Kind.TABLE, "A body.", None)


def read(table: Table) -> tuple[str, int, str | None, float, bool, int, dict[str, str], bool]:
    body = table.read(BODY)
    return (
        table.read(NAME).upper(),
        table.read(RETRIES) + 1,
        table.read(TOPIC),
        table.read(RATE) * 2,
        not table.read(ENABLED),
        len(table.read(EMAILS)),
        table.read(TAGS),
        body is None or "x" in body,
    )
"""
    result = mypy(HEADER + code, tmp_path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            'NAME: Key[int] = key("name", Kind.STRING, "A name.")\n',
            'Incompatible types in assignment (expression has type "Key[str]", variable has type "Key[int]")',
        ),
        (
            'ENABLED: Key[str] = key("enabled", Kind.BOOLEAN, "On.", False)\n',
            'expression has type "Key[bool]", variable has type "Key[str]"',
        ),
        (
            (
                'COUNT = key("count", Kind.STRING, "A count.")\n\n\n'
                "def twice(table: Table) -> int:\n    return table.read(COUNT) * 2\n"
            ),
            'Incompatible return value type (got "str", expected "int")',
        ),
        (
            (
                'TOPIC = key("topic", Kind.STRING, "A topic.", None)\n\n\n'
                "def topic(table: Table) -> str:\n    return table.read(TOPIC)\n"
            ),
            'Incompatible return value type (got "str | None", expected "str")',
        ),
        ('RETRIES = key("retries", Kind.INTEGER, "Retries.", "3")\n', 'No overload variant of "key" matches'),
        ('EMAILS = key("emails", Kind.STRINGS, "Addresses.", ("a", 1))\n', 'No overload variant of "key"'),
    ],
    ids=["declared-int-is-string", "declared-str-is-bool", "string-read-as-int", "optional-read-as-str",
         "default-of-another-type", "strings-default-holds-a-number"],
)  # fmt: skip
def test_a_key_read_or_declared_as_another_type_is_an_error(code: str, expected: str, tmp_path: Path) -> None:
    result = mypy(HEADER + code, tmp_path)
    assert result.returncode == 1, result.stdout
    assert expected in result.stdout
