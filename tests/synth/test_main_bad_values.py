"""main.py on one value of every class tests/unit/test_config_values.py covers: a message naming the
file, the field, the value and what is allowed, exit status 1, no traceback, nothing written."""

from __future__ import annotations

from tests.conftest import run_main
from tests.unit.support import MINIMAL_CONFIG, in_table, with_section, write
from tests.unit.test_config_values import lambda_step


def test_main_reports_one_case_of_every_class_without_a_traceback(tmp_path):
    cases = {
        "date": (
            with_section("schedule", "input = { day = 2024-01-01 }"),
            'schedule.input.day = "2024-01-01": is a TOML date',
        ),
        "nan": (
            in_table("[ticket]", "body = { x = nan }"),
            'ticket.body.x = "nan": is not a number JSON can carry',
        ),
        "empty": (
            MINIMAL_CONFIG.replace('connection = "ticketing"', 'connection = ""'),
            'ticket.connection = "": must name a configured connection',
        ),
        "key": (
            in_table("[ticket]", 'body = { "{{error}}" = "x" }'),
            'ticket.body.{{error}} = "{{error}}": a key cannot hold a placeholder',
        ),
        "path": (
            lambda_step('payload = { "a.$" = "$.a[" }'),
            'steps[0].payload.a.$ = "$.a[": must be a JSONPath',
        ),
        "endpoint": (
            MINIMAL_CONFIG.replace("tickets.example.com", "203.0.113.7"),
            'ticket.endpoint = "https://203.0.113.7/api/cases": must be an https:// URL',
        ),
        "header": (
            in_table("[ticket]", 'headers = { X-Team = "caf\u00e9" }'),
            'ticket.headers.X-Team = "café": must be 1-512 printable ASCII',
        ),
        "credential": (
            in_table("[connections.ticketing]", 'invocation.headers = { X-Api-Key = "s3cr3t" }'),
            'connections.ticketing.invocation.headers.X-Api-Key = "X-Api-Key": names a credential',
        ),
        "arn": (
            MINIMAL_CONFIG.replace("arn:aws:lambda", "arn:aws-cn:lambda"),
            'steps[0].function = "arn:aws-cn:lambda:eu-west-1:123456789012:function:extract-orders": is in partition aws-cn',
        ),
    }
    paths = {name: write(tmp_path, text, f"{name}.toml") for name, (text, _) in cases.items()}

    result = run_main(list(paths.values()), tmp_path / "out", timeout=60)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Invalid configuration ({len(cases)} problems):")
    for name, (_, message) in cases.items():
        assert f"  {paths[name]}: {message}" in result.stderr, result.stderr
    assert "s3cr3t" not in result.stderr
    assert not (tmp_path / "out").exists()
