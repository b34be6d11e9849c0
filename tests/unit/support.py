"""Shared data of the unit tests: literal Refs and a minimal valid configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_kit.errors import ConfigError

from core.config import PipelineConfig
from core.loading import load_config
from core.refs import ConnectionRef, Refs
from core.steps import Step

# Written out rather than imported, so that a change to the defaults shows up here.
TRANSIENT_HTTP_ERRORS = (
    "States.Http.Socket",
    "Events.ConnectionResource.AuthInProgress",
    "Events.ConnectionResource.ConcurrentModification",
    "Events.ConnectionResource.InternalError",
    "States.Http.StatusCode.429",
    "States.Http.StatusCode.500",
    "States.Http.StatusCode.502",
    "States.Http.StatusCode.503",
    "States.Http.StatusCode.504",
)
HTTP_RETRY = {
    "ErrorEquals": list(TRANSIENT_HTTP_ERRORS),
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
    "JitterStrategy": "FULL",
}

PARTITION = "aws"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:nightly-pipeline-dev"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:nightly-pipeline-dev-failures"
TICKETING_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:connection/nightly-pipeline-dev-ticketing/1111"
TICKETING_SECRET_ARN = (
    f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    "events!connection/nightly-pipeline-dev-ticketing/1111-AbCdEf"
)
PARTNER_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:connection/nightly-pipeline-dev-partner_api/2222"
PARTNER_SECRET_ARN = (
    f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    "events!connection/nightly-pipeline-dev-partner_api/2222-GhIjKl"
)

REFS = Refs(
    partition=PARTITION,
    region=REGION,
    account=ACCOUNT,
    state_machine_arn=STATE_MACHINE_ARN,
    topic_arn=TOPIC_ARN,
    connections={
        "ticketing": ConnectionRef(arn=TICKETING_ARN, secret_arn=TICKETING_SECRET_ARN),
        "partner_api": ConnectionRef(arn=PARTNER_ARN, secret_arn=PARTNER_SECRET_ARN),
    },
)

# The smallest configuration the loader accepts; tests edit it to make it invalid.
MINIMAL_CONFIG = """\
[stack]
name = "pipeline-test"
region = "eu-west-1"

[connections.ticketing]
secret_name = "pipeline/ticketing-key"

[ticket]
connection = "ticketing"
endpoint = "https://tickets.example.com/api/cases"
reporter = "bot-1"

[[steps]]
name = "ExtractOrders"
type = "lambda"
function = "arn:aws:lambda:eu-west-1:123456789012:function:extract-orders"
"""


def edited(old: str, new: str, text: str = MINIMAL_CONFIG) -> str:
    """text with old replaced by new; fails loudly if old is not there, so that an
    edit that silently does nothing cannot make a negative test pass for nothing."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the config"
    return text.replace(old, new)


def with_section(section: str, *lines: str, text: str = MINIMAL_CONFIG) -> str:
    """text with a new [section] holding lines, placed before [ticket]."""
    return edited(
        "[ticket]\n", f"[{section}]\n" + "".join(f"{line}\n" for line in lines) + "\n[ticket]\n", text
    )


def in_table(header: str, *lines: str, text: str = MINIMAL_CONFIG) -> str:
    """text with lines added at the top of the table that starts with header."""
    return edited(f"{header}\n", f"{header}\n" + "".join(f"{line}\n" for line in lines), text)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(problem) for problem in caught.value.problems]


def expect_problem(tmp_path: Path, text: str, message: str) -> None:
    """message: the problem as printed, without the leading file name."""
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert f"{path}: {message}" in problems, "\n".join(problems)


def write(directory: Path, text: str, name: str = "env.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(directory: Path, text: str, name: str = "env.toml") -> PipelineConfig:
    return load_config(write(directory, text, name))


def statements_json(statements: Any) -> list[dict]:
    return [statement.to_json() for statement in statements]


def expect_task(step: Step, integration: str, parameters: dict, **rest: Any) -> None:
    """rest: the state's other fields in ASL spelling, e.g. ResultPath=None."""
    expected = {
        "Type": "Task",
        "Resource": f"arn:aws:states:::{integration}",
        "Parameters": parameters,
        **rest,
    }
    assert step.to_state(REFS) == expected


def expect_statements(step: Step, expected: list[dict]) -> None:
    assert statements_json(step.policy_statements(REFS)) == expected
