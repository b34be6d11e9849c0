"""[encryption]: reading the key, the key policy and the roles' kms: grants as data (no cdktf)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.encryption import key_policy_statements
from core.sections.encryption import CREATE
from core.sections.state_machine import LogLevel
from policies.kms import Encrypted, derived_key_grants, role_key_grant
from policies.statement import Statement
from tests.unit.support import (
    ACCOUNT,
    PARTITION,
    REFS,
    REGION,
    STATE_MACHINE_ARN,
    TICKETING_SECRET_ARN,
    TOPIC_ARN,
    edited,
    expect_problem,
    load_text,
    statements_json,
    with_section,
)

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}"
WITH_ACCOUNT = edited('region = "eu-west-1"\n', 'region = "eu-west-1"\naccount_id = "123456789012"\n')


def keyed(key: str, *lines: str, text: str = WITH_ACCOUNT) -> str:
    return with_section("encryption", f'key = "{key}"', *lines, text=text)


@pytest.mark.parametrize(
    "key",
    [
        CREATE,
        KEY_ARN,
        "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef",
    ],
)
def test_a_key_to_create_or_of_the_stacks_region_and_account_is_read(tmp_path, key):
    config = load_text(tmp_path, keyed(key))

    assert config.encryption.key == key
    assert config.encryption.enabled
    assert config.encryption.creates_key == (key == CREATE)
    assert config.encryption.data_key_reuse_seconds == 300


def test_without_the_section_there_is_no_key(tmp_path):
    assert not load_text(tmp_path, WITH_ACCOUNT).encryption.enabled


@pytest.mark.parametrize(
    "key",
    [
        "Create",
        "alias/pipeline",
        "arn:aws:kms:eu-west-1:123456789012:alias/pipeline",
        f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID.upper()}",
        f"arn:aws:sns:eu-west-1:123456789012:key/{KEY_ID}",
        KEY_ID,
    ],
)
def test_anything_but_create_or_a_key_arn_is_refused(tmp_path, key):
    expect_problem(
        tmp_path,
        keyed(key),
        f'encryption.key = "{key}": must be "create" or a KMS key ARN like '
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (a key, not an alias)",
    )


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        (f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}", "region us-east-1, not eu-west-1"),
        (f"arn:aws:kms:eu-west-1:210987654321:key/{KEY_ID}", "account 210987654321, not 123456789012"),
        (f"arn:aws-cn:kms:eu-west-1:123456789012:key/{KEY_ID}", "partition aws-cn, not aws"),
        (
            f"arn:aws-us-gov:kms:us-gov-west-1:210987654321:key/{KEY_ID}",
            (
                "partition aws-us-gov, not aws, region us-gov-west-1, not eu-west-1, account 210987654321, "
                "not 123456789012"
            ),
        ),
    ],
)
def test_a_key_outside_the_stacks_partition_region_or_account_is_refused(tmp_path, key, wrong):
    expect_problem(
        tmp_path,
        keyed(key),
        f'encryption.key = "{key}": is in {wrong}: the key must be in the stack\'s partition, region '
        "(stack.region) and account (stack.account_id)",
    )


@pytest.mark.parametrize("seconds", [59, 901])
def test_the_data_key_reuse_period_is_what_step_functions_accepts(tmp_path, seconds):
    expect_problem(
        tmp_path,
        keyed(CREATE, f"data_key_reuse_seconds = {seconds}"),
        f"encryption.data_key_reuse_seconds = {seconds}: must be between 60 and 900",
    )


def test_a_role_grant_is_bound_to_its_resources_and_the_service_it_goes_through():
    grant = role_key_grant("PublishKey", Encrypted.TOPIC, KEY_ARN, REGION, (TOPIC_ARN,))

    assert grant.to_json() == {
        "Sid": "PublishKey",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": [KEY_ARN],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": "sns.eu-west-1.amazonaws.com",
                "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN,
            }
        },
    }


def test_grants_follow_what_a_role_writes_to_and_nothing_else():
    statements = [
        Statement("Publish", ("sns:Publish",), (TOPIC_ARN,)),
        Statement("Send", ("sqs:SendMessage",), ("arn:aws:sqs:eu-west-1:123456789012:q",)),
        Statement("Read", ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"), ("s",)),
        Statement("Invoke", ("lambda:InvokeFunction",), ("f",)),
    ]

    grants = derived_key_grants(statements, KEY_ARN, REGION)

    assert [(grant.sid, grant.actions) for grant in grants] == [
        ("PublishKey", ("kms:Decrypt", "kms:GenerateDataKey*")),
        ("SendKey", ("kms:Decrypt", "kms:GenerateDataKey")),
        ("ReadKey", ("kms:Decrypt",)),
    ]
    assert [grant.conditions[-1].values for grant in grants] == [
        (TOPIC_ARN,),
        ("arn:aws:sqs:eu-west-1:123456789012:q",),
        ("s",),
    ]


def test_the_execution_role_may_use_the_key_for_its_state_machine_topic_and_secrets(tmp_path):
    config = load_text(tmp_path, keyed(CREATE))
    refs = replace(REFS, key_arn=KEY_ARN)

    kms = [s for s in statements_json(config.pipeline().policy_statements(refs)) if s["Sid"].endswith("Key")]
    own = [s for s in statements_json(config.pipeline().policy_statements(refs)) if "Encrypt" in s["Sid"]]

    assert {s["Sid"]: s["Condition"]["StringEquals"] for s in kms} == {
        "PublishFailureNotificationsKey": {
            "kms:ViaService": "sns.eu-west-1.amazonaws.com",
            "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN,
        },
        "ReadTicketingConnectionSecretKey": {
            "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
            "kms:EncryptionContext:SecretARN": TICKETING_SECRET_ARN,
        },
    }
    assert own == [
        {
            "Sid": "EncryptExecutionData",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [KEY_ARN],
            "Condition": {
                "StringEquals": {"kms:EncryptionContext:aws:states:stateMachineArn": STATE_MACHINE_ARN}
            },
        },
        {
            "Sid": "EncryptLogDelivery",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey"],
            "Resource": [KEY_ARN],
            "Condition": {
                "StringEquals": {"kms:EncryptionContext:SourceArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}
            },
        },
    ]


def test_without_a_key_no_role_gets_a_kms_action(tmp_path):
    config = load_text(tmp_path, WITH_ACCOUNT)

    actions = [a for s in config.pipeline().policy_statements(REFS) for a in s.actions]

    assert not [action for action in actions if action.startswith("kms:")]


def statements_by_sid(config) -> dict[str, dict]:
    return {s["Sid"]: s for s in key_policy_statements(config, PARTITION, REGION, ACCOUNT)}


def test_the_key_policy_admits_each_service_for_its_own_resource_and_sources(tmp_path):
    config = load_text(tmp_path, keyed(CREATE))
    arn = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:{{}}"

    policy = statements_by_sid(config)

    assert list(policy) == [
        "EnableIamPolicies",
        "NightWatchRulesPublish",
        "NightWatchRulesSendDeadLetters",
        "AlarmsPublish",
        "EncryptLogGroup",
        "DecryptForLogDelivery",
        "EventBridgeConnectionSecrets",
    ]
    assert policy["EnableIamPolicies"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    rules = [arn.format("events", f"rule/pipeline-test-{end}") for end in ("stopped", "uncaught")]
    assert policy["NightWatchRulesPublish"] == {
        "Sid": "NightWatchRulesPublish",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "aws:SourceAccount": ACCOUNT,
                "kms:EncryptionContext:aws:sns:topicArn": arn.format("sns", "pipeline-test-failures"),
            },
            "ArnEquals": {"aws:SourceArn": rules},
        },
    }
    assert policy["NightWatchRulesSendDeadLetters"]["Condition"]["StringEquals"] == {
        "aws:SourceAccount": ACCOUNT,
        "kms:EncryptionContext:aws:sqs:arn": arn.format("sqs", "pipeline-test-watch-dead-letters"),
    }
    assert policy["AlarmsPublish"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert (
        arn.format("cloudwatch", "alarm:pipeline-test-missed-night")
        in (policy["AlarmsPublish"]["Condition"]["ArnEquals"]["aws:SourceArn"])
    )
    assert policy["EncryptLogGroup"]["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert policy["EncryptLogGroup"]["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": arn.format(
                "logs", "log-group:/aws/vendedlogs/states/pipeline-test"
            )
        }
    }
    assert policy["EventBridgeConnectionSecrets"]["Condition"]["StringLike"][
        "kms:EncryptionContext:SecretARN"
    ] == (arn.format("secretsmanager", "secret:events!connection/pipeline-test-ticketing/*"))


def test_the_key_policy_admits_no_service_whose_part_is_off(tmp_path):
    text = keyed(CREATE, text=with_section("night_watch", "uncaught_failures = false", text=WITH_ACCOUNT))
    config = load_text(tmp_path, text)
    quiet = replace(
        config,
        state_machine=replace(config.state_machine, log_level=LogLevel.OFF),
        night_watch=replace(config.night_watch, missed_night_window=None, dead_letter_queue=False),
    )

    assert list(statements_by_sid(quiet)) == ["EnableIamPolicies", "EventBridgeConnectionSecrets"]
    assert "NightWatchRulesPublish" not in statements_by_sid(config)
    assert "AlarmsPublish" in statements_by_sid(config), "the missed-night and dead-letter alarms publish"
