"""Configurations AWS or Terraform would refuse at apply are refused when they are loaded,
each problem naming the file, the field that caused it, the value and what is allowed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from config_kit.errors import ConfigError
from core.loading import load_configs
from core.state_files import ALLOWED
from tests.unit.support import (
    MINIMAL_CONFIG,
    edited,
    expect_problem,
    in_table,
    load_text,
    problems_of,
    with_section,
    write,
)

STACK = 'name = "pipeline-test"'


# Names derived from the state machine's name


def test_longest_state_machine_name_whose_roles_fit_is_accepted(tmp_path):
    name = "s" * 54  # + "-execution" and "-scheduler": 64 characters each
    config = load_text(tmp_path, with_section("state_machine", f'name = "{name}"'))
    assert config.state_machine.name == name


S55, S54, S65, P60 = "s" * 55, "s" * 54, "s" * 65, "p" * 60


@pytest.mark.parametrize(
    ("text", "field", "name", "derived", "length"),
    [
        pytest.param(
            with_section("state_machine", f'name = "{S55}"'),
            "state_machine.name",
            S55,
            f"IAM role name '{S55}-execution'",
            65,
            id="one-more-than-the-execution-role-takes",
        ),
        pytest.param(
            with_section("state_machine", f'name = "{S54}"', "test_state_role = true"),
            "state_machine.name",
            S54,
            f"IAM role name '{S54}-test-state'",
            65,
            id="the-test-state-role-takes-one-character-more",
        ),
        pytest.param(
            edited(STACK, f'name = "{P60}"'),
            "stack.name",
            P60,
            f"IAM role name '{P60}-scheduler'",
            70,
            id="a-name-taken-from-the-stack-names-the-stack-field",
        ),
        pytest.param(
            with_section("state_machine", f'name = "{S65}"'),
            "state_machine.name",
            S65,
            f"schedule name '{S65}'",
            65,
            id="the-schedule-takes-the-state-machine-name",
        ),
    ],
)
def test_a_derived_name_too_long_is_refused_naming_the_field_and_the_name(
    tmp_path, text, field, name, derived, length
):
    expect_problem(
        tmp_path,
        text,
        f'{field} = "{name}": gives the {derived}, which must be at most 64 characters (it has {length})',
    )


def test_state_machine_name_refuses_what_cloudwatch_logging_refuses(tmp_path):
    expect_problem(
        tmp_path,
        with_section("state_machine", 'name = "nightly.pipeline"'),
        "state_machine.name = \"nightly.pipeline\": must be 1-80 letters, digits, '-' or '_'",
    )


def test_connection_name_at_64_characters_is_accepted_and_at_65_refused(tmp_path):
    key = "k" * 32  # "<state machine>-<key>"
    text = with_section(
        "state_machine", f'name = "{"s" * 31}"', text=MINIMAL_CONFIG.replace("ticketing", key)
    )
    assert load_text(tmp_path, text).connections[key].name == key
    name = "s" * 32
    expect_problem(
        tmp_path,
        with_section("state_machine", f'name = "{name}"', text=MINIMAL_CONFIG.replace("ticketing", key)),
        f'connections.{key} = "{key}": gives the EventBridge connection name '
        f"'{name}-{key}', which must be at most 64 characters (it has 65)",
    )


def test_schedule_group_boundary_is_64(tmp_path):
    group = "g" * 64
    assert (
        load_text(
            tmp_path, in_table("[stack]", text=MINIMAL_CONFIG + f'\n[schedule]\ngroup = "{group}"\n')
        ).schedule.group
        == group
    )
    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + f'\n[schedule]\ngroup = "{group}g"\n',
        f'schedule.group = "{group}g": must be at most 64 characters (it has 65)',
    )


@pytest.mark.parametrize(("key", "value"), [("retry_attempts", 185), ("max_event_age_seconds", 86400)])
def test_schedule_retry_policy_takes_its_maximum(tmp_path, key, value):
    config = load_text(tmp_path, MINIMAL_CONFIG + f"\n[schedule]\n{key} = {value}\n")
    assert getattr(config.schedule, key) == value


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [("retry_attempts", 186, "between 0 and 185"), ("max_event_age_seconds", 86401, "between 60 and 86400")],
)
def test_schedule_retry_policy_refuses_one_more(tmp_path, key, value, allowed):
    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + f"\n[schedule]\n{key} = {value}\n",
        f"schedule.{key} = {value}: must be {allowed}",
    )


# Connections


def test_connection_variable_named_like_a_terraform_reserved_word_is_refused(tmp_path):
    text = edited('secret_name = "pipeline/ticketing-key"', 'variable = "count"')
    expect_problem(
        tmp_path,
        text,
        'connections.ticketing.variable = "count": is reserved by Terraform; choose another name than '
        "count, depends_on, for_each, lifecycle, locals, provider, providers, source, version",
    )


def test_schedule_description_boundary_is_512(tmp_path):
    text = with_section("schedule", f'description = "{"d" * 512}"')
    assert load_text(tmp_path, text).schedule.description == "d" * 512
    expect_problem(
        tmp_path,
        with_section("schedule", f'description = "{"d" * 513}"'),
        f'schedule.description = "{"d" * 116}...: must be at most 512 characters (it has 513)',
    )


def test_connection_description_boundary_is_512(tmp_path):
    text = in_table("[connections.ticketing]", f'description = "{"d" * 512}"')
    assert len(load_text(tmp_path, text).connections["ticketing"].description) == 512
    expect_problem(
        tmp_path,
        in_table("[connections.ticketing]", f'description = "{"d" * 513}"'),
        f'connections.ticketing.description = "{"d" * 116}...: must be at most 512 characters (it has 513)',
    )


# Credentials written into the request


@pytest.mark.parametrize("header", ["X-Api-Key", "X-Auth-Token", "api_key", "X-Client-Secret", "Cookie"])
def test_credential_headers_are_refused_and_pointed_to_connections(tmp_path, header):
    expect_problem(
        tmp_path,
        in_table("[ticket]", f'headers = {{ "{header}" = "s3cr3t" }}'),
        f'ticket.headers.{header} = "{header}": names a credential, whose literal value would stand in plain '
        "text in the Terraform JSON, its state and the plan; send it from a connection instead "
        f"([connections.<name>] header = '{header}')",
    )


@pytest.mark.parametrize("parameter", ["token", "api_key", "access_token", "apiKey", "key", "password"])
def test_credential_query_parameters_are_refused(tmp_path, parameter):
    expect_problem(
        tmp_path,
        in_table("[ticket]", f'query = {{ "{parameter}" = "s3cr3t" }}'),
        f'ticket.query.{parameter} = "{parameter}": names a credential, whose literal value would stand in '
        "plain text in the Terraform JSON, its state and the plan; send it as a header from a connection "
        "([connections.<name>] header = ...)",
    )


def test_ordinary_query_parameters_are_accepted(tmp_path):
    text = in_table("[ticket]", 'query = { sentAutoResponder = "false", monkey = "1", author = "bot" }')
    assert load_text(tmp_path, text).ticket.request.query["sentAutoResponder"] == "false"


# E-mail addresses


@pytest.mark.parametrize(
    "emails",
    [
        '["Team@Example.com", "team@example.com"]',
        '["data.team@example.com", "data_team@example.com"]',
        '["data.team@example.com", "Data-Team@Example.com"]',
    ],
)
def test_addresses_that_differ_only_in_case_or_punctuation_are_refused(tmp_path, emails):
    first, second = json.loads(emails)
    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + f"\n[notifications]\nemails = {emails}\n",
        f"notifications.emails = {emails.replace(', ', ', ')}: lists {first} and {second}, "
        "which differ only in case or punctuation",
    )


# S3 and local state


def s3_backend(bucket: str = "my-state", key: str = "nightly/dev.tfstate", text: str = MINIMAL_CONFIG) -> str:
    return text + f'\n[backend]\ntype = "s3"\nbucket = "{bucket}"\nkey = "{key}"\nregion = "eu-west-1"\n'


@pytest.mark.parametrize(
    ("bucket", "allowed"),
    [
        (
            "",
            "must be 3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit",
        ),
        (
            "My_State",
            "must be 3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit",
        ),
        ("state..bucket", "must not hold '..' or look like an IP address"),
    ],
)
def test_s3_backend_refuses_a_bucket_s3_would_refuse(tmp_path, bucket, allowed):
    expect_problem(tmp_path, s3_backend(bucket=bucket), f'backend.bucket = "{bucket}": {allowed}')


@pytest.mark.parametrize("key", ["", "/dev.tfstate", "nightly/", "nightly//dev.tfstate"])
def test_s3_backend_refuses_a_key_terraform_would_refuse(tmp_path, key):
    expect_problem(
        tmp_path,
        s3_backend(key=key),
        f"backend.key = \"{key}\": must be a non-empty path that neither starts nor ends with '/' and holds no '//'",
    )


@pytest.mark.parametrize(
    "path", ["../terraform.tfstate", "/tmp/terraform.tfstate", "state/../../x.tfstate", ".", ""]
)
def test_local_state_outside_the_project_is_refused(tmp_path, path):
    expect_problem(
        tmp_path,
        MINIMAL_CONFIG + f'\n[backend]\npath = "{path}"\n',
        f'backend.path = "{path}": must be a file path relative to the project folder and inside it, '
        "such as state/dev.tfstate",
    )


def test_local_state_inside_the_project_is_accepted(tmp_path):
    config = load_text(tmp_path, MINIMAL_CONFIG + '\n[backend]\npath = "state/../state/dev.tfstate"\n')
    assert config.backend.path == "state/../state/dev.tfstate"


def prod(text: str) -> str:
    return edited(STACK, 'name = "pipeline-prod"', text)


def test_two_stacks_sharing_a_local_state_file_are_refused(tmp_path):
    first = write(tmp_path, MINIMAL_CONFIG + '\n[backend]\npath = "shared.tfstate"\n', "dev.toml")
    second = write(
        tmp_path, prod(MINIMAL_CONFIG) + '\n[backend]\npath = "state/../shared.tfstate"\n', "prod.toml"
    )
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])
    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: backend.path = "shared.tfstate": is already the state file of {first}'
    ]


def test_a_default_state_path_clashes_with_another_stacks_explicit_one(tmp_path):
    first = write(tmp_path, MINIMAL_CONFIG, "dev.toml")
    second = write(
        tmp_path,
        prod(MINIMAL_CONFIG) + '\n[backend]\npath = "./terraform.pipeline-test.tfstate"\n',
        "prod.toml",
    )
    with pytest.raises(ConfigError, match="is already the state file of"):
        load_configs([first, second])


def test_two_stacks_sharing_an_s3_state_file_are_refused(tmp_path):
    first = write(tmp_path, s3_backend(), "dev.toml")
    second = write(tmp_path, s3_backend(text=prod(MINIMAL_CONFIG)), "prod.toml")
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])
    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: backend.key = "s3://my-state/nightly/dev.tfstate": is already the state file of {first}'
    ]


def test_two_stacks_with_their_own_s3_keys_load(tmp_path):
    first = write(tmp_path, s3_backend(), "dev.toml")
    second = write(tmp_path, s3_backend(key="nightly/prod.tfstate", text=prod(MINIMAL_CONFIG)), "prod.toml")
    assert len(load_configs([first, second])) == 2


# Schedule groups


def with_group(text: str, group: str, account: str | None = None) -> str:
    account_line = f'account_id = "{account}"\n' if account else ""
    return (
        edited('region = "eu-west-1"\n', f'region = "eu-west-1"\n{account_line}', text)
        + f'\n[schedule]\ngroup = "{group}"\n'
    )


def test_two_stacks_creating_one_schedule_group_in_one_account_are_refused(tmp_path):
    first = write(tmp_path, with_group(MINIMAL_CONFIG, "nightly"), "dev.toml")
    second = write(tmp_path, with_group(prod(MINIMAL_CONFIG), "nightly"), "prod.toml")
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second])
    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: schedule.group = "nightly": is already the schedule group, '
        + f"created in the same account and region, of {first}"
    ]


def test_one_schedule_group_name_in_two_accounts_loads(tmp_path):
    first = write(tmp_path, with_group(MINIMAL_CONFIG, "nightly", "111111111111"), "dev.toml")
    second = write(tmp_path, with_group(prod(MINIMAL_CONFIG), "nightly", "222222222222"), "prod.toml")
    assert len(load_configs([first, second])) == 2


def test_the_default_group_is_shared_by_every_stack(tmp_path):
    first = write(tmp_path, with_group(MINIMAL_CONFIG, "default"), "dev.toml")
    second = write(tmp_path, with_group(prod(MINIMAL_CONFIG), "default"), "prod.toml")
    assert len(load_configs([first, second])) == 2


# Bad input ends in a message


@pytest.mark.parametrize(
    ("field", "line", "value"),
    [
        ("schedule.expression", 'expression = "cron(\uff10 22 * * ? *)"', "cron(\uff10 22 * * ? *)"),
        ("schedule.expression", 'expression = "rate(\u0665 minutes)"', "rate(\u0665 minutes)"),
        (
            "schedule.expression",
            'expression = "at(\u0662027-01-01T00:00:00)"',
            "at(\u0662027-01-01T00:00:00)",
        ),
    ],
)
def test_non_ascii_digits_in_schedule_expressions_are_refused(tmp_path, field, line, value):
    path = write(tmp_path, MINIMAL_CONFIG + f"\n[schedule]\n{line}\n")
    problems = problems_of(path)
    assert any(problem.startswith(f'{path}: {field} = "{value}": must be cron(') for problem in problems), (
        problems
    )


def test_non_ascii_digits_in_an_account_id_are_refused(tmp_path):
    account = "\u0661" * 12
    expect_problem(
        tmp_path,
        edited('region = "eu-west-1"\n', f'region = "eu-west-1"\naccount_id = "{account}"\n'),
        f'stack.account_id = "{account}": must be a 12-digit AWS account id',
    )


@pytest.mark.parametrize("depth", [30, 3000])
def test_very_deep_nesting_is_refused(tmp_path, depth):
    text = MINIMAL_CONFIG + "\n[schedule]\ninput = { deep = " + "[" * depth + "]" * depth + " }\n"
    path = write(tmp_path, text)
    assert problems_of(path) == [
        f"{path}: (file): cannot be read: it nests tables and arrays more than 32 levels deep"
    ]


def test_nesting_32_levels_deep_is_read(tmp_path):
    # The document, [schedule], input, then 29 arrays.
    text = MINIMAL_CONFIG + "\n[schedule]\ninput = { deep = " + "[" * 29 + "]" * 29 + " }\n"
    assert load_text(tmp_path, text).schedule.input["deep"]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert problems_of(fifo) == [
        f"{fifo}: (file): cannot be read: it is not a regular file (a FIFO, device or folder?)"
    ]


@pytest.mark.parametrize("path", [Path("/dev/null"), Path("/dev/zero")])
def test_a_device_is_refused(path):
    assert problems_of(path) == [
        f"{path}: (file): cannot be read: it is not a regular file (a FIFO, device or folder?)"
    ]


def test_a_folder_is_refused(tmp_path):
    assert problems_of(tmp_path) == [
        f"{tmp_path}: (file): cannot be read: it is not a regular file (a FIFO, device or folder?)"
    ]


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL_CONFIG.replace("bot-1", "b\u00f6t").encode("latin-1"))
    offset = MINIMAL_CONFIG.index("bot-1") + 1
    assert problems_of(path) == [
        f"{path}: (file): cannot be read: it is not UTF-8 text (invalid start byte at byte {offset})"
    ]


def test_the_same_file_given_twice_by_any_path_is_refused(tmp_path, monkeypatch):
    config = write(tmp_path, MINIMAL_CONFIG, "dev.toml")
    (tmp_path / "link.toml").symlink_to(config)
    monkeypatch.chdir(tmp_path)
    given = [config, Path("./dev.toml"), Path("link.toml"), Path("sub/../dev.toml")]
    (tmp_path / "sub").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_configs(given)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}: (file): is the same file as {config}, given twice" for path in given[1:]
    ]


def test_stack_tags_are_checked_against_aws_tag_rules(tmp_path):
    expect_problem(
        tmp_path,
        in_table("[stack]", 'tags = { "aws:owner" = "data" }'),
        'stack.tags.aws:owner = "data": must not start with aws:, which AWS reserves',
    )


def test_at_most_50_tags(tmp_path):
    tags = ", ".join(f't{index} = "v"' for index in range(50))
    assert len(load_text(tmp_path, in_table("[stack]", f"tags = {{ {tags} }}")).stack.tags) == 50
    path = write(tmp_path, in_table("[stack]", f'tags = {{ {tags}, t50 = "v" }}'))
    assert [problem.rsplit(": ", 1)[1] for problem in problems_of(path)] == [
        "must hold at most 50 tags (it has 51)"
    ]


def test_with_the_project_folder_two_paths_to_one_state_file_through_a_symlink_are_refused(tmp_path):
    project = tmp_path / "project"
    (project / "state").mkdir(parents=True)
    (project / "alias").symlink_to(project / "state")
    first = write(tmp_path, MINIMAL_CONFIG + '\n[backend]\npath = "state/dev.tfstate"\n', "dev.toml")
    second = write(tmp_path, prod(MINIMAL_CONFIG) + '\n[backend]\npath = "alias/dev.tfstate"\n', "prod.toml")
    assert len(load_configs([first, second])) == 2  # without the project, paths compare by name
    with pytest.raises(ConfigError) as caught:
        load_configs([first, second], project)
    assert [str(problem) for problem in caught.value.problems] == [
        f'{second}: backend.path = "alias/dev.tfstate": is already the state file of {first}'
    ]


def test_with_the_project_folder_a_symlink_out_of_it_is_refused(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "elsewhere").symlink_to(tmp_path)
    config = write(tmp_path, MINIMAL_CONFIG + '\n[backend]\npath = "elsewhere/dev.tfstate"\n', "dev.toml")
    with pytest.raises(ConfigError) as caught:
        load_configs([config], project)
    assert [str(problem) for problem in caught.value.problems] == [
        (
            f'{config}: backend.path = "elsewhere/dev.tfstate": leads out of the project folder through a symlink '
            f"(to {tmp_path.resolve() / 'dev.tfstate'}); use {ALLOWED}"
        )
    ]


def test_a_file_of_1_mib_is_read_and_a_larger_one_refused(tmp_path):
    padding = "\n" * (1024 * 1024 - len(MINIMAL_CONFIG.encode()))
    assert load_text(tmp_path, MINIMAL_CONFIG + padding).stack.name == "pipeline-test"
    path = write(tmp_path, MINIMAL_CONFIG + padding + "\n")
    assert problems_of(path) == [f"{path}: (file): cannot be read: it is larger than 1024 KiB"]
