"""main.py on the inputs tests/unit/test_adversarial_inputs.py found, end to end: status 1, every
problem named, no traceback, and nothing touched (the previous output, the user's files)."""

from __future__ import annotations

from tests.conftest import PROJECT, run_main
from tests.synth.test_main import contents, leftovers, previous_output

DEV = (PROJECT / "config" / "dev.toml").read_text(encoding="utf-8")


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_inputs_that_crashed_or_passed_end_in_messages_and_touch_nothing(tmp_path):
    # Crashed the night watch's template with a KeyError; EventBridge refused the query at apply.
    reporter = edited(DEV, 'reporter = "dQGxEz94"', 'reporter = "{{nope}}"')
    reporter = edited(reporter, 'query = { sentAutoResponder = "false" }', 'query = { note = "\\u001b[2J" }')
    # Accepted: its output replaced dev's on macOS and Windows.
    twin = edited(DEV, 'name = "nightly-pipeline-dev"\nregion', 'name = "Nightly-Pipeline-Dev"\nregion')
    twin = edited(twin, '[state_machine]\nname = "nightly-pipeline-dev"', '[state_machine]\nname = "twin"')
    twin += '\n[backend]\npath = "twin.tfstate"\n'
    configs = {tmp_path / "reporter.toml": reporter, tmp_path / "twin.toml": twin}
    for path, text in configs.items():
        path.write_text(text, encoding="utf-8")
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    result = run_main([*configs, PROJECT / "config" / "dev.toml"], outdir, timeout=60)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    reporter_path, twin_path = configs
    dev = PROJECT / "config" / "dev.toml"
    for expected in (
        f'{reporter_path}: ticket.reporter = "{{{{nope}}}}": is filled in as written',
        f'{reporter_path}: ticket.query.note = "\\u001b[2J": must be 1-512 characters without control characters',
        f'{dev}: stack.name = "nightly-pipeline-dev": is already the stack of {twin_path} as "Nightly-Pipeline-Dev"',
    ):
        assert expected in result.stderr, result.stderr
    assert "\x1b" not in result.stderr
    assert contents(outdir) == before
    assert leftovers(outdir) == []
    assert {path: path.read_text(encoding="utf-8") for path in configs} == configs
    assert not (PROJECT / "twin.tfstate").exists()
