"""One misspelt variant key through main.py: exit 1, one problem line, no traceback, the
previous output untouched."""

from __future__ import annotations

import pytest

from tests.conftest import PROJECT, run_main
from tests.synth.test_main import contents, previous_output

GITHUB = (PROJECT / "examples/tickets/github.toml").read_text()
S3_BACKEND = '\n[backend]\ntype = "s4"\nbucket = "pipeline-state"\nkey = "dev.tfstate"\n'
TYPOS = {
    "preset": (
        GITHUB.replace('preset = "github"', 'preset = "gitlab"'),
        'ticket.preset = "gitlab": must be one of outseta, jira, servicenow, zendesk, github, pagerduty, opsgenie',
    ),
    "auth": (
        GITHUB.replace("[connections.github]\n", '[connections.github]\nauth = "basik"\nusername = "bot"\n'),
        'connections.github.auth = "basik": must be one of api_key, basic, oauth_client_credentials',
    ),
    "type": (
        GITHUB.replace('type = "lambda"', 'type = "lambdaa"'),
        'steps[0].type = "lambdaa": must be one of ecs, glue, http, lambda, state_machine',
    ),
    "backend": (GITHUB + S3_BACKEND, 'backend.type = "s4": must be one of local, s3'),
}


@pytest.mark.parametrize("variant", ["preset", "auth", "type", "backend"])
def test_one_misspelt_variant_key_is_one_problem_line(tmp_path, variant):
    text, problem = TYPOS[variant]
    config = tmp_path / "env.toml"
    config.write_text(text)
    outdir = tmp_path / "cdktf.out"
    before = previous_output(outdir)

    result = run_main([config], outdir, timeout=120)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == ["Invalid configuration (1 problem):", f"  {config}: {problem}"]
    assert contents(outdir) == before
