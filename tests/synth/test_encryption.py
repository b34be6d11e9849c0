"""The synthesized Terraform JSON with [encryption]: every resource that can use the key does, and
without the section nothing names a key."""

from __future__ import annotations

import json

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

from core.encryption import key_policy_statements
from policies.kms import key_policy
from tests.conftest import EXISTING_KEY_ARN, PROJECT
from tests.synth.terraform_json import ACCOUNT, PARTITION, only, resources, role_statements

CREATED_KEY = "${aws_kms_key.Key.arn}"
KEYS = {"nightly-pipeline-kms": CREATED_KEY, "nightly-pipeline-kms-arn": EXISTING_KEY_ARN}


@pytest.fixture(scope="module")
def keyed_stacks(keyed_synth_dir) -> dict[str, dict]:
    return {
        name: json.loads((keyed_synth_dir / "stacks" / name / "cdk.tf.json").read_text()) for name in KEYS
    }


@pytest.fixture(params=sorted(KEYS))
def keyed(request, keyed_stacks, keyed_configs):
    name = request.param
    return keyed_stacks[name], keyed_configs[name], KEYS[name]


def test_every_resource_that_can_use_the_key_does(keyed):
    stack, config, key = keyed

    assert only(stack, SnsTopic.TF_RESOURCE_TYPE)["kms_master_key_id"] == key
    queues = resources(stack, SqsQueue.TF_RESOURCE_TYPE).values()
    assert len(queues) == 2, "the schedule's and the night watch's dead-letter queues"
    for queue in queues:
        assert queue["kms_master_key_id"] == key
        assert queue["kms_data_key_reuse_period_seconds"] == config.encryption.data_key_reuse_seconds
        assert "sqs_managed_sse_enabled" not in queue, "SSE-SQS and SSE-KMS exclude each other"
    assert only(stack, CloudwatchLogGroup.TF_RESOURCE_TYPE)["kms_key_id"] == key
    assert only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)["kms_key_arn"] == key
    assert only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["encryption_configuration"] == {
        "type": "CUSTOMER_MANAGED_KMS_KEY",
        "kms_key_id": key,
        "kms_data_key_reuse_period_seconds": 300,
    }
    connections = resources(stack, CloudwatchEventConnection.TF_RESOURCE_TYPE).values()
    assert [connection["kms_key_identifier"] for connection in connections] == [key] * len(config.connections)


def test_a_created_key_rotates_carries_the_eventbridge_tag_and_the_policy_the_stack_needs(
    keyed_stacks, keyed_configs
):
    stack, config = keyed_stacks["nightly-pipeline-kms"], keyed_configs["nightly-pipeline-kms"]

    key = only(stack, KmsKey.TF_RESOURCE_TYPE)

    assert key["enable_key_rotation"] is True
    assert key["tags"] == {"EventBridgeApiDestinations": "true"}
    expected = key_policy(key_policy_statements(config, PARTITION, config.stack.region, ACCOUNT))
    assert json.loads(key["policy"]) == expected
    assert json.loads(stack["output"]["required_key_policy"]["value"]) == expected


def test_an_existing_key_is_named_not_created_and_its_policy_is_printed(keyed_stacks, keyed_configs):
    stack, config = keyed_stacks["nightly-pipeline-kms-arn"], keyed_configs["nightly-pipeline-kms-arn"]

    assert KmsKey.TF_RESOURCE_TYPE not in stack["resource"]
    printed = json.loads(stack["output"]["required_key_policy"]["value"])
    assert printed == key_policy(key_policy_statements(config, PARTITION, config.stack.region, ACCOUNT))


def test_each_role_gets_kms_actions_only_on_the_key_and_only_bound_to_a_resource(keyed):
    stack, _, key = keyed
    roles = ["Pipeline/ExecutionRole", "NightlySchedule/Role", "TestStateRole", "NightWatch/TicketRole"]
    kms_statements = {
        role: [s for s in role_statements(stack, role) if any(a.startswith("kms:") for a in s["Action"])]
        for role in roles
    }

    sids = {
        role.split("/")[0]: sorted(s["Sid"] for s in found) for role, found in kms_statements.items() if found
    }
    assert sids == {
        "Pipeline": [
            "EncryptExecutionData",
            "EncryptLogDelivery",
            "PublishFailureNotificationsKey",
            "ReadPartnerApiConnectionSecretKey",
            "ReadTicketingConnectionSecretKey",
        ],
        "NightlySchedule": ["DecryptSchedulePayload", "SendUnstartedRunsToDeadLetterQueueKey"],
        "TestStateRole": [
            "PublishFailureNotificationsKey",
            "ReadPartnerApiConnectionSecretKey",
            "ReadTicketingConnectionSecretKey",
        ],
    }, "the night watch's ticket role needs no key: EventBridge reads the connection's secret itself"
    for statements in kms_statements.values():
        for statement in statements:
            assert statement["Resource"] == [key]
            bound = [
                op for op, keys in statement["Condition"].items() if "kms:EncryptionContext" in str(keys)
            ]
            assert bound == ["StringEquals"], "each grant is bound to its resource's encryption context"


def test_without_encryption_nothing_names_a_key(stacks):
    for stack in stacks.values():
        text = json.dumps(stack)
        assert "kms" not in text.lower(), "no kms attribute, no kms: action, no key"
        assert "required_key_policy" not in stack["output"]


def test_the_docs_show_the_key_policy_the_stack_prints(keyed_configs):
    """docs/encryption.md's example is config/dev.toml's, with an existing key in its account."""
    config = keyed_configs["nightly-pipeline-kms-arn"]
    text = (PROJECT / "docs" / "encryption.md").read_text()
    shown = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])

    assert shown == key_policy(
        key_policy_statements(config, "aws", config.stack.region, config.stack.account_id)
    )
