"""[encryption] applied to the emulator: once with a key the stack creates, once with a key that
already exists (created in the emulator before apply, its policy then set to the statements the
stack prints, as docs/encryption.md tells). Each deployment runs a failed night end to end, shows
every resource encrypted with the key, and has its applied key policy and role policies evaluated
by the policy simulator, statement by statement: each service that writes to an encrypted resource
may use the key for that resource, and nothing else may.

moto 5.2.5 keeps every key attribute but the connection's: its CreateConnection takes no
KmsKeyIdentifier (moto/events/models.py), so that one is checked in the synthesized JSON only
(tests/synth/test_encryption.py). moto enforces no key policy; the simulator judges them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from unittest import mock

import pytest

from aws_facts import names as aws_names
from core.failure_path import TICKET_STATE
from offline.applied_iam import AppliedRole, applied_role
from offline.deployment import Deployment
from offline.failures import make_step_fail
from offline.policy_simulator import IamRequest, simulate
from tests.conftest import EXISTING_KEY_ARN, KEYED_STACKS
from tests.e2e.applied import Applied
from tests.e2e.conftest import e2e_deployment, quiet_night
from tests.e2e.test_failure_path import (
    LAST_STEP,
    TICKET_OPENED,
    assert_failed_with_original_error,
    assert_ticket_request,
    only_message,
)

pytestmark = pytest.mark.own_stack
ALLOWED, DENIED = "Allowed", "ImplicitlyDenied"


def create_existing_key(account: str, region: str) -> None:
    """The user's key, created in the emulator with the id the configuration names."""
    from moto.kms import models

    key_id = EXISTING_KEY_ARN.rsplit("/", 1)[1]
    with mock.patch.object(models, "generate_key_id", return_value=key_id):
        models.kms_backends[account][region].create_key(
            None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "", None
        )


@pytest.fixture(scope="module", params=sorted(KEYED_STACKS))
def keyed(request, keyed_synth_dir, keyed_configs, tmp_path_factory) -> Iterator[Deployment]:
    config = keyed_configs[request.param]
    if KEYED_STACKS[request.param] == "existing":
        create_existing_key(config.stack.account_id, config.stack.region)
    with e2e_deployment(config, keyed_synth_dir, tmp_path_factory) as deployment:
        if KEYED_STACKS[request.param] == "existing":
            deployment.emulator.client("kms").put_key_policy(
                KeyId=EXISTING_KEY_ARN, PolicyName="default", Policy=deployment.outputs["required_key_policy"]
            )
        yield deployment


@pytest.fixture
def night(keyed) -> Iterator[Deployment]:
    yield from quiet_night(keyed)


def key_arn(deployment: Deployment) -> str:
    if deployment.config.encryption.creates_key:
        [key] = deployment.emulator.client("kms").list_keys()["Keys"]
        return key["KeyArn"]
    return EXISTING_KEY_ARN


def test_a_failed_night_opens_a_ticket_and_mails_the_team_through_the_encrypted_topic(night):
    error = make_step_fail(night, LAST_STEP)

    result = night.run()

    assert_failed_with_original_error(result, error)
    [ticket] = night.ticket_server.requests
    assert_ticket_request(night, ticket, LAST_STEP, result)
    assert only_message(night, result, LAST_STEP).message.endswith(TICKET_OPENED)
    assert result.failed_attempts(TICKET_STATE) == 0


def test_every_resource_that_can_use_the_key_is_encrypted_with_it(keyed):
    emulator, outputs, name = keyed.emulator, keyed.outputs, keyed.config.state_machine.name
    key = key_arn(keyed)

    topic = emulator.client("sns").get_topic_attributes(TopicArn=outputs["topic_arn"])["Attributes"]
    assert topic["KmsMasterKeyId"] == key
    sqs = emulator.client("sqs")
    for queue in (
        aws_names.schedule_dead_letter_queue_name(name),
        aws_names.night_watch_dead_letter_queue_name(name),
    ):
        url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert (attributes["KmsMasterKeyId"], attributes["KmsDataKeyReusePeriodSeconds"]) == (key, "300")
    [log_group] = emulator.client("logs").describe_log_groups(
        logGroupNamePrefix=aws_names.log_group_name(name)
    )["logGroups"]
    assert log_group["kmsKeyId"] == key
    machine = emulator.client("stepfunctions").describe_state_machine(
        stateMachineArn=outputs["state_machine_arn"]
    )
    assert machine["encryptionConfiguration"] == {
        "type": "CUSTOMER_MANAGED_KMS_KEY",
        "kmsKeyId": key,
        "kmsDataKeyReusePeriodSeconds": 300,
    }
    schedule = emulator.client("scheduler").get_schedule(Name=outputs["schedule_name"])
    assert schedule["KmsKeyArn"] == key


def test_a_created_key_rotates(keyed):
    if not keyed.config.encryption.creates_key:
        pytest.skip("an existing key's rotation is its owner's")
    kms = keyed.emulator.client("kms")
    assert kms.get_key_rotation_status(KeyId=key_arn(keyed))["KeyRotationEnabled"]


@dataclass(frozen=True)
class Subject:
    """Who asks KMS: a service as itself (judged by the key policy alone) or one of the stack's roles."""

    principal: Callable[[Applied], str]
    identity: Callable[[Applied], list[dict]] = lambda applied: []


def service(name: str) -> Subject:
    return Subject(lambda applied: name)


EXECUTION_ROLE = Subject(
    lambda applied: applied.execution_role.session_arn(),
    lambda applied: applied.execution_role.identity_policies(),
)
SCHEDULER_ROLE = Subject(
    lambda applied: applied.scheduler_role.session_arn(),
    lambda applied: applied.scheduler_role.identity_policies(),
)


def ticket_role(applied: Applied) -> AppliedRole:
    name = aws_names.ticket_target_role_name(name_of(applied))
    return applied_role(
        applied.deployment.emulator.client("iam"), f"arn:aws:iam::{applied.account}:role/{name}"
    )


TICKET_ROLE = Subject(
    lambda applied: ticket_role(applied).session_arn(),
    lambda applied: ticket_role(applied).identity_policies(),
)


def name_of(applied: Applied) -> str:
    return applied.deployment.config.state_machine.name


Context = Callable[[Applied], dict[str, str]]


def topic(applied: Applied) -> str:
    return applied.deployment.outputs["topic_arn"]


def rule(end: str) -> Callable[[Applied], str]:
    return lambda applied: applied.arn("events", f"rule/{name_of(applied)}-{end}")


def queue(name: Callable[[str], str]) -> Callable[[Applied], str]:
    return lambda applied: applied.arn("sqs", name(name_of(applied)))


WATCH_QUEUE = queue(aws_names.night_watch_dead_letter_queue_name)
SCHEDULE_QUEUE = queue(aws_names.schedule_dead_letter_queue_name)


def context(**values: Callable[[Applied], str] | str) -> Context:
    """Keys written with __ for ':' (kms__EncryptionContext__aws__sns__topicArn)."""
    return lambda applied: {
        key.replace("__", ":"): value(applied) if callable(value) else value for key, value in values.items()
    }


def from_source(source: Callable[[Applied], str], **values: Callable[[Applied], str] | str) -> Context:
    return context(aws__SourceAccount=lambda applied: applied.account, aws__SourceArn=source, **values)


def via(service_name: str, **values: Callable[[Applied], str] | str) -> Context:
    return context(kms__ViaService=f"{service_name}.eu-west-1.amazonaws.com", **values)


def to_topic(arn: Callable[[Applied], str]) -> dict[str, Callable[[Applied], str]]:
    return {"kms__EncryptionContext__aws__sns__topicArn": arn}


def to_queue(arn: Callable[[Applied], str]) -> dict[str, Callable[[Applied], str]]:
    return {"kms__EncryptionContext__aws__sqs__arn": arn}


def other(service_name: str, resource: str) -> Callable[[Applied], str]:
    return lambda applied: applied.arn(service_name, resource)


def secret(applied: Applied) -> str:
    return applied.ticket_connection_secret_arn


def state_machine(applied: Applied) -> str:
    return applied.state_machine_arn


def schedule(applied: Applied) -> str:
    return applied.schedule["Arn"]


def log_group(applied: Applied) -> str:
    return applied.arn("logs", f"log-group:{aws_names.log_group_name(name_of(applied))}")


# (expected, who, action, context): the writes of each encrypted resource, and their neighbours.
CASES: dict[str, tuple[str, Subject, str, Context]] = {
    # The topic: the night watch's rules and alarms as themselves, the execution role through SNS.
    "rule publishes to the topic": (
        ALLOWED,
        service("events.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(rule("uncaught"), **to_topic(topic)),
    ),
    "rule publishes to another topic": (
        DENIED,
        service("events.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(rule("uncaught"), **to_topic(other("sns", "someone-elses"))),
    ),
    "another rule publishes to the topic": (
        DENIED,
        service("events.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(other("events", "rule/someone-elses"), **to_topic(topic)),
    ),
    "alarm publishes to the topic": (
        ALLOWED,
        service("cloudwatch.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(lambda a: a.arn("cloudwatch", f"alarm:{name_of(a)}-aborted"), **to_topic(topic)),
    ),
    "another alarm publishes to the topic": (
        DENIED,
        service("cloudwatch.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(other("cloudwatch", "alarm:someone-elses"), **to_topic(topic)),
    ),
    "execution role publishes to the topic": (
        ALLOWED,
        EXECUTION_ROLE,
        "kms:GenerateDataKey",
        via("sns", **to_topic(topic)),
    ),
    "execution role publishes to another topic": (
        DENIED,
        EXECUTION_ROLE,
        "kms:GenerateDataKey",
        via("sns", **to_topic(other("sns", "someone-elses"))),
    ),
    "SNS itself, for no one": (
        DENIED,
        service("sns.amazonaws.com"),
        "kms:Decrypt",
        context(**to_topic(topic)),
    ),
    # The dead-letter queues: EventBridge as itself for the watch's, the schedule's role for its own.
    "rule sends to the watch's dead letters": (
        ALLOWED,
        service("events.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(rule("stopped"), **to_queue(WATCH_QUEUE)),
    ),
    "rule sends to the schedule's dead letters": (
        DENIED,
        service("events.amazonaws.com"),
        "kms:GenerateDataKey",
        from_source(rule("stopped"), **to_queue(SCHEDULE_QUEUE)),
    ),
    "schedule role sends to its dead letters": (
        ALLOWED,
        SCHEDULER_ROLE,
        "kms:GenerateDataKey",
        via("sqs", **to_queue(SCHEDULE_QUEUE)),
    ),
    "schedule role sends to the watch's dead letters": (
        DENIED,
        SCHEDULER_ROLE,
        "kms:GenerateDataKey",
        via("sqs", **to_queue(WATCH_QUEUE)),
    ),
    "Scheduler as itself sends dead letters": (
        DENIED,
        service("scheduler.amazonaws.com"),
        "kms:GenerateDataKey",
        context(**to_queue(SCHEDULE_QUEUE)),
    ),
    # The schedule's payload: Scheduler decrypts it with the schedule's role.
    "schedule role decrypts the schedule": (
        ALLOWED,
        SCHEDULER_ROLE,
        "kms:Decrypt",
        context(kms__EncryptionContext__aws__scheduler__schedule__arn=schedule),
    ),
    "schedule role decrypts execution data": (
        DENIED,
        SCHEDULER_ROLE,
        "kms:Decrypt",
        context(kms__EncryptionContext__aws__states__stateMachineArn=state_machine),
    ),
    # The state machine's data: its execution role, for this state machine only.
    "execution role encrypts execution data": (
        ALLOWED,
        EXECUTION_ROLE,
        "kms:GenerateDataKey",
        context(kms__EncryptionContext__aws__states__stateMachineArn=state_machine),
    ),
    "execution role encrypts another state machine's data": (
        DENIED,
        EXECUTION_ROLE,
        "kms:GenerateDataKey",
        context(kms__EncryptionContext__aws__states__stateMachineArn=other("states", "stateMachine:other")),
    ),
    "execution role decrypts the schedule": (
        DENIED,
        EXECUTION_ROLE,
        "kms:Decrypt",
        context(kms__EncryptionContext__aws__scheduler__schedule__arn=schedule),
    ),
    "Step Functions as itself": (
        DENIED,
        service("states.amazonaws.com"),
        "kms:Decrypt",
        context(kms__EncryptionContext__aws__states__stateMachineArn=state_machine),
    ),
    # The connection's secret, read by the HTTP task through Secrets Manager.
    "execution role reads the ticket connection's secret": (
        ALLOWED,
        EXECUTION_ROLE,
        "kms:Decrypt",
        via("secretsmanager", kms__EncryptionContext__SecretARN=secret),
    ),
    "execution role reads another secret": (
        DENIED,
        EXECUTION_ROLE,
        "kms:Decrypt",
        via(
            "secretsmanager", kms__EncryptionContext__SecretARN=other("secretsmanager", "secret:other-AbCdEf")
        ),
    ),
    # The log group: CloudWatch Logs as itself, for this log group only.
    "logs encrypts the log group": (
        ALLOWED,
        service("logs.eu-west-1.amazonaws.com"),
        "kms:GenerateDataKey",
        context(kms__EncryptionContext__aws__logs__arn=log_group),
    ),
    "logs encrypts another log group": (
        DENIED,
        service("logs.eu-west-1.amazonaws.com"),
        "kms:GenerateDataKey",
        context(kms__EncryptionContext__aws__logs__arn=other("logs", "log-group:other")),
    ),
    # The night watch's ticket role writes to nothing encrypted.
    "ticket role reads the ticket connection's secret": (
        DENIED,
        TICKET_ROLE,
        "kms:Decrypt",
        via("secretsmanager", kms__EncryptionContext__SecretARN=secret),
    ),
    "ticket role uses the key": (
        DENIED,
        TICKET_ROLE,
        "kms:Decrypt",
        context(kms__EncryptionContext__aws__sns__topicArn=topic),
    ),
}


def request(case_id: str, applied: Applied, key_policy: dict, key: str) -> IamRequest:
    _, subject, action, values = CASES[case_id]
    return IamRequest(
        id=case_id,
        principal=subject.principal(applied),
        action=action,
        resource=key,
        account=applied.account,
        context=values(applied),
        identity_policies=subject.identity(applied),
        resource_policy=key_policy,
    )


@pytest.fixture(scope="module")
def decisions(keyed) -> dict[str, str]:
    key = key_arn(keyed)
    key_policy = json.loads(
        keyed.emulator.client("kms").get_key_policy(KeyId=key, PolicyName="default")["Policy"]
    )
    applied = Applied(keyed)
    return simulate([request(case_id, applied, key_policy, key) for case_id in CASES])


@pytest.mark.parametrize("case_id", list(CASES))
def test_the_simulator_decides_who_may_use_the_key(decisions, case_id):
    assert decisions[case_id] == CASES[case_id][0]


def test_every_key_policy_statement_is_exercised_by_a_case(keyed):
    """A statement no allowed case reaches would grant what nothing here checks."""
    key_policy = json.loads(
        keyed.emulator.client("kms").get_key_policy(KeyId=key_arn(keyed), PolicyName="default")["Policy"]
    )
    applied = Applied(keyed)
    allowed = [case_id for case_id, (expected, *_) in CASES.items() if expected == ALLOWED]
    unreached = []
    for statement in key_policy["Statement"]:
        if statement["Sid"] in ("EnableIamPolicies", "DecryptForLogDelivery", "EventBridgeConnectionSecrets"):
            continue  # IAM's delegation (the roles' cases), and grants with no service write to test
        alone = {**key_policy, "Statement": [statement]}
        requests = [
            replace(request(case_id, applied, alone, key_arn(keyed)), identity_policies=[])
            for case_id in allowed
        ]
        if ALLOWED not in simulate(requests).values():
            unreached.append(statement["Sid"])
    assert unreached == []
