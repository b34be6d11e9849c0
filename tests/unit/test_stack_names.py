"""Two stacks that would create the same AWS name are refused at synth, not at the second apply."""

from __future__ import annotations

import pytest

from config_kit.errors import ConfigError
from core.loading import load_configs
from core.sections.state_machine import STATE_MACHINE, longest_state_machine_name
from core.stack_names import stack_names
from tests.unit.support import MINIMAL_CONFIG, edited, load_text, write

RULE = (
    "so the second apply would fail. IAM role names are unique in an account whatever their letter case, "
    "the others in an account and region (stack.region), unless both files set different stack.account_id "
    "values; choose another name"
)
ALL_NAMES = (
    "state machine name '{m}', IAM role name '{m}-execution', IAM role name '{m}-scheduler', schedule name "
    "'{m}', SNS topic name '{m}-failures', EventBridge connection name '{m}-ticketing', log group name "
    "'/aws/vendedlogs/states/{m}', EventBridge rule name '{m}-stopped', EventBridge rule name '{m}-uncaught', "
    "SQS queue name '{m}-watch-dead-letters', CloudWatch alarm name '{m}-watch-dead-letters', "
    "CloudWatch alarm name '{m}-timed-out', CloudWatch alarm name '{m}-aborted', "
    "EventBridge API destination name '{m}-ticket', IAM role name '{m}-watcher', SQS queue name "
    "'{m}-dead-letters', CloudWatch alarm name '{m}-schedule-dead-letters', CloudWatch alarm name "
    "'{m}-missed-night'"
)


def stack(name: str, region: str = "eu-west-1", machine: str | None = None, extra: str = "") -> str:
    """A stack in region; its steps' ARNs moved there too, since a step reaches its own region only."""
    text = edited('name = "pipeline-test"', f'name = "{name}"').replace("eu-west-1", region)
    if machine:
        extra = f'[state_machine]\nname = "{machine}"\n\n' + extra
    return edited("[connections.ticketing]", extra + "[connections.ticketing]", text)


def problems(tmp_path, *texts: str) -> list[str]:
    paths = [write(tmp_path, text, f"{index}.toml") for index, text in enumerate(texts)]
    with pytest.raises(ConfigError) as raised:
        load_configs(paths)
    return [str(problem).replace(str(tmp_path) + "/", "") for problem in raised.value.problems]


def test_every_name_the_stack_creates_is_listed(tmp_path):
    names = stack_names(load_text(tmp_path, MINIMAL_CONFIG))
    assert ", ".join(f"{name.what} {name.name!r}" for name in names) == ALL_NAMES.format(m="pipeline-test")


def test_two_stacks_with_one_state_machine_name_in_one_region_are_refused_naming_every_clash(tmp_path):
    assert problems(tmp_path, stack("dev"), stack("prod", machine="dev")) == [
        '1.toml: state_machine.name = "dev": gives the same AWS names as 0.toml: '
        + ALL_NAMES.format(m="dev")
        .replace("SNS topic name 'dev-failures', ", "")
        .replace("EventBridge connection name 'dev-ticketing', ", "")
        + f", {RULE}",
        (
            f'1.toml: notifications.topic_name = "dev-failures": gives the same AWS names as 0.toml: SNS topic '
            f"name 'dev-failures', {RULE}"
        ),
        (
            f'1.toml: connections.ticketing = "ticketing": gives the same AWS names as 0.toml: EventBridge '
            f"connection name 'dev-ticketing', {RULE}"
        ),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (stack("dev", "eu-west-1"), stack("prod", "us-east-1", machine="dev")),
        (stack("dev", "eu-west-1", machine="Nightly"), stack("prod", "us-east-1", machine="nightly")),
        (stack("dev", "eu-west-1", machine="Nightly"), stack("prod", "eu-west-1", machine="NIGHTLY")),
    ],
)
def test_iam_roles_clash_in_any_region_and_whatever_their_case(tmp_path, first, second):
    found = problems(tmp_path, first, second)
    assert len(found) == 1
    assert "IAM role name" in found[0] and found[0].endswith(RULE)
    assert "state machine name" not in found[0] and "log group" not in found[0]


def test_a_case_only_clash_shows_both_spellings(tmp_path):
    [found] = problems(tmp_path, stack("dev", machine="Nightly"), stack("prod", machine="nightly"))
    assert "IAM role name 'nightly-execution' (there 'Nightly-execution')" in found


def test_a_topic_named_like_another_stacks_default_topic_is_refused(tmp_path):
    second = stack("prod", extra='[notifications]\ntopic_name = "dev-failures"\n\n')
    assert problems(tmp_path, stack("dev"), second) == [
        (
            f'1.toml: notifications.topic_name = "dev-failures": gives the same AWS names as 0.toml: SNS topic '
            f"name 'dev-failures', {RULE}"
        )
    ]


def with_account(text: str, account: str) -> str:
    return text.replace('region = "', f'account_id = "{account}"\nregion = "', 1).replace(
        ":123456789012:", f":{account}:"
    )


@pytest.mark.parametrize(
    "second",
    [stack("prod"), with_account(stack("prod", "us-east-1", machine="dev"), "210987654321")],
)
def test_different_names_or_different_accounts_are_kept(tmp_path, second):
    paths = [
        write(tmp_path, with_account(stack("dev"), "123456789012"), "0.toml"),
        write(tmp_path, second, "1.toml"),
    ]
    assert len(load_configs(paths)) == 2


def test_parts_that_are_off_create_no_name(tmp_path):
    off = '[state_machine]\nlog_level = "OFF"\n\n[night_watch]\nuncaught_failures = false\ndead_letter_queue = false\nmissed_night_alarm = false\n\n'
    names = {name.what for name in stack_names(load_text(tmp_path, stack("dev", extra=off)))}
    assert names == {
        "state machine name",
        "IAM role name",
        "schedule name",
        "SNS topic name",
        "EventBridge connection name",
    }


def child_step(arn: str) -> str:
    return f'\n[[steps]]\nname = "RunChild"\ntype = "state_machine"\nstate_machine = "{arn}"\n'


@pytest.mark.parametrize(
    ("text", "arn"),
    [
        (MINIMAL_CONFIG, "arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline-test"),
        (MINIMAL_CONFIG, "arn:aws:states:eu-west-1:999999999999:stateMachine:pipeline-test"),
        (stack("dev", machine="nightly"), "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"),
        (
            with_account(stack("dev"), "123456789012"),
            "arn:aws:states:eu-west-1:123456789012:stateMachine:dev",
        ),
    ],
)
def test_a_step_that_starts_its_own_state_machine_is_refused(tmp_path, text, arn):
    path = write(tmp_path, text + child_step(arn))
    with pytest.raises(ConfigError) as raised:
        load_configs([path])
    machine = arn.rsplit(":", 1)[1]
    assert [str(problem) for problem in raised.value.problems] == [
        (
            f'{path}: steps[1].state_machine = "{arn}": is this stack\'s own state machine ({machine} in '
            "eu-west-1): every run would start another run of itself; name another state machine"
        )
    ]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline-other",
        "arn:aws:states:eu-west-1:123456789012:stateMachine:DEV",
    ],
)
def test_a_step_that_starts_another_state_machine_is_kept(tmp_path, arn):
    text = with_account(stack("dev"), "123456789012") + child_step(arn)
    assert len(load_configs([write(tmp_path, text)])[0].steps) == 2


@pytest.mark.parametrize(
    ("arn", "said"),
    [
        ("arn:aws:states:us-east-1:123456789012:stateMachine:dev", "is in region us-east-1"),
        ("arn:aws:states:eu-west-1:210987654321:stateMachine:dev", "is in account 210987654321"),
    ],
)
def test_a_namesake_in_another_region_or_account_is_not_called_this_stacks_own(tmp_path, arn, said):
    """It is refused, but because a step reaches its own region and account only (core.arn_reach)."""
    text = with_account(stack("dev"), "123456789012") + child_step(arn)
    with pytest.raises(ConfigError) as raised:
        load_configs([write(tmp_path, text)])
    [problem] = raised.value.problems
    assert said in str(problem) and "own state machine" not in str(problem)


def named(length: int, extra: str = "", connection: str = "ticketing") -> str:
    text = edited(
        'region = "eu-west-1"\n', f'region = "eu-west-1"\n\n[state_machine]\nname = "{"n" * length}"\n{extra}'
    )
    return text.replace("ticketing", connection)


@pytest.mark.parametrize("test_state_role", [False, True])
def test_the_documented_longest_name_is_kept_and_one_more_character_refused(tmp_path, test_state_role):
    extra = "test_state_role = true\n" if test_state_role else ""
    longest = longest_state_machine_name(test_state_role)
    assert longest == (53 if test_state_role else 54)
    [name_key] = [item for item in STATE_MACHINE.keys if item.name == "name"]
    assert f"at most {longest_state_machine_name()} characters" in name_key.doc
    assert f"{longest_state_machine_name(test_state_role=True)} with `test_state_role`" in name_key.doc
    assert load_text(tmp_path, named(longest, extra)).state_machine.name == "n" * longest
    with pytest.raises(ConfigError, match="must be at most 64 characters"):
        load_text(tmp_path, named(longest + 1, extra))


def test_a_long_name_leaves_room_only_for_a_short_connection_name(tmp_path):
    """53 characters, "-" and a connection of 10: 64. One of 11 (partner_api) is refused on its own key."""
    assert load_text(tmp_path, named(53, connection="ticketing1"))
    with pytest.raises(ConfigError) as raised:
        load_text(tmp_path, named(53, connection="partner_api"))
    assert [problem.field for problem in raised.value.problems] == ["connections.partner_api"]
