"""The customer-managed KMS key as data: what each encrypted resource's service asks KMS for, the
grants a role needs to write to (or read) such a resource, and the key policy's statements for the
AWS services that write to them as themselves.

Each service names the resource in the encryption context of its KMS requests, so every grant here
is bound to the resource it is for, never to the whole key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from policies.statement import POLICY_VERSION, Condition, Statement, conditions_json, sid_from_name

# Key tag EventBridge requires before it uses a customer-managed key for a connection's secret:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
EVENTBRIDGE_CONNECTION_TAG = ("EventBridgeApiDestinations", "true")


@dataclass(frozen=True)
class _Use:
    service: str
    """The service's endpoint prefix: kms:ViaService is <service>.<region>.amazonaws.com."""
    context_key: str
    """The encryption context key whose value is the resource's ARN."""
    actions: tuple[str, ...]
    via_service: bool
    """Whether a role's grant also names the service (kms:ViaService): true where the role's own
    request reaches KMS through the service (a publish, a send, a secret read)."""


class Encrypted(Enum):
    """The kinds of resource this stack encrypts with the key, and what each service asks KMS for."""

    # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse
    # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    # ("Enable compatibility between event sources from AWS services and encrypted topics")
    TOPIC = _Use("sns", "aws:sns:topicArn", ("kms:Decrypt", "kms:GenerateDataKey*"), via_service=True)
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    # (senders need kms:GenerateDataKey and kms:Decrypt; the context is aws:sqs:arn)
    QUEUE = _Use("sqs", "aws:sqs:arn", ("kms:Decrypt", "kms:GenerateDataKey"), via_service=True)
    # Scheduler decrypts the schedule's payload with the schedule's execution role:
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
    SCHEDULE = _Use("scheduler", "aws:scheduler:schedule:arn", ("kms:Decrypt",), via_service=False)
    # https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
    STATE_MACHINE = _Use(
        "states", "aws:states:stateMachineArn", ("kms:Decrypt", "kms:GenerateDataKey"), via_service=False
    )
    # A connection's secret, read through Secrets Manager (GetSecretValue needs kms:Decrypt):
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
    SECRET = _Use("secretsmanager", "SecretARN", ("kms:Decrypt",), via_service=True)

    @property
    def context_condition_key(self) -> str:
        return f"kms:EncryptionContext:{self.value.context_key}"


# What a role statement's action writes to or reads from, when that resource is encrypted.
_ENCRYPTED_BY_ACTION = {
    "sns:Publish": Encrypted.TOPIC,
    "sqs:SendMessage": Encrypted.QUEUE,
    "secretsmanager:GetSecretValue": Encrypted.SECRET,
}


def role_key_grant(
    sid: str, kind: Encrypted, key_arn: str, region: str, resource_arns: Sequence[str]
) -> Statement:
    """A role may use the key for these resources of this kind only."""
    conditions = [Condition("StringEquals", kind.context_condition_key, tuple(resource_arns))]
    if kind.value.via_service:
        conditions.insert(0, Condition("StringEquals", "kms:ViaService", (via_service(kind, region),)))
    return Statement(sid=sid, actions=kind.value.actions, resources=(key_arn,), conditions=tuple(conditions))


def via_service(kind: Encrypted, region: str) -> str:
    return f"{kind.value.service}.{region}.amazonaws.com"


def derived_key_grants(statements: Iterable[Statement], key_arn: str, region: str) -> list[Statement]:
    """The key grants a role needs for what its statements already let it write to or read: a publish
    to the encrypted topic, a send to an encrypted queue, a connection secret's read. One grant per
    statement, named after it."""
    grants = []
    for statement in statements:
        kinds = {
            _ENCRYPTED_BY_ACTION[action] for action in statement.actions if action in _ENCRYPTED_BY_ACTION
        }
        for kind in sorted(kinds, key=lambda kind: kind.name):
            grants.append(
                role_key_grant(
                    sid_from_name(statement.sid, "Key"), kind, key_arn, region, statement.resources
                )
            )
    return grants


def state_machine_key_grants(key_arn: str, state_machine_arn: str, logs_arn: str | None) -> list[Statement]:
    """The execution role encrypts and decrypts the state machine's definition and execution data;
    with logging on, it also asks for the data key CloudWatch Logs delivery encrypts with, bound to
    the account's logs (logs_arn: arn:<partition>:logs:<region>:<account>:*), as AWS CDK grants it.
    https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html"""
    grants = [
        Statement(
            sid="EncryptExecutionData",
            actions=Encrypted.STATE_MACHINE.value.actions,
            resources=(key_arn,),
            conditions=(
                Condition(
                    "StringEquals", Encrypted.STATE_MACHINE.context_condition_key, (state_machine_arn,)
                ),
            ),
        )
    ]
    if logs_arn is not None:
        grants.append(
            Statement(
                sid="EncryptLogDelivery",
                actions=("kms:GenerateDataKey",),
                resources=(key_arn,),
                conditions=(Condition("StringEquals", "kms:EncryptionContext:SourceArn", (logs_arn,)),),
            )
        )
    return grants


@dataclass(frozen=True)
class ServiceKeyUse:
    """A key policy statement: an AWS service, acting as itself for these sources of this account,
    may use the key for these resources only."""

    sid: str
    service: str
    kind: Encrypted
    resource_arns: tuple[str, ...]
    source_arns: tuple[str, ...]

    def to_json(self, account: str) -> dict[str, Any]:
        conditions = (
            Condition("StringEquals", "aws:SourceAccount", (account,)),
            Condition("ArnEquals", "aws:SourceArn", self.source_arns),
            Condition("StringEquals", self.kind.context_condition_key, self.resource_arns),
        )
        return _key_statement(self.sid, {"Service": self.service}, self.kind.value.actions, conditions)


def _key_statement(
    sid: str, principal: dict[str, str], actions: Sequence[str], conditions: Sequence[Condition]
) -> dict[str, Any]:
    """A key policy's Resource is always "*": the key the policy is attached to.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"""
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": list(actions),
        "Resource": "*",
    }
    if conditions:
        statement["Condition"] = conditions_json(conditions)
    return statement


def account_root_statement(partition: str, account: str) -> dict[str, Any]:
    """The default key policy's statement: the account's IAM policies decide who else may use the key,
    so the roles' grants above take effect and the key never becomes unmanageable.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam"""
    return _key_statement(
        "EnableIamPolicies", {"AWS": f"arn:{partition}:iam::{account}:root"}, ("kms:*",), ()
    )


def log_group_statement(region: str, log_group_arn: str) -> dict[str, Any]:
    """CloudWatch Logs encrypts the log group as logs.<region>.amazonaws.com, for this log group only:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"""
    return _key_statement(
        "EncryptLogGroup",
        {"Service": f"logs.{region}.amazonaws.com"},
        ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
        (Condition("ArnEquals", "kms:EncryptionContext:aws:logs:arn", (log_group_arn,)),),
    )


def log_delivery_statement(account: str) -> dict[str, Any]:
    """Step Functions' logs reach an encrypted log group through the log delivery service, which
    decrypts the delivery's data key (AWS CDK's key policy for a state machine with encrypted logs):
    https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html"""
    return _key_statement(
        "DecryptForLogDelivery",
        {"Service": "delivery.logs.amazonaws.com"},
        ("kms:Decrypt",),
        (Condition("StringEquals", "aws:SourceAccount", (account,)),),
    )


def connection_secrets_statement(
    partition: str, region: str, account: str, secret_prefixes: Sequence[str]
) -> dict[str, Any]:
    """EventBridge's documented conditions for a connection's secret: through Secrets Manager, for
    these connections' secrets (events!connection/<name>/...), on a key tagged for it.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html"""
    tag, value = EVENTBRIDGE_CONNECTION_TAG
    return _key_statement(
        "EventBridgeConnectionSecrets",
        {"AWS": f"arn:{partition}:iam::{account}:root"},
        ("kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"),
        (
            Condition("StringLike", "kms:ViaService", (f"secretsmanager.{region}.amazonaws.com",)),
            Condition(
                "StringLike",
                Encrypted.SECRET.context_condition_key,
                tuple(
                    f"arn:{partition}:secretsmanager:{region}:{account}:secret:events!connection/{name}/*"
                    for name in secret_prefixes
                ),
            ),
            Condition("StringEquals", f"kms:ResourceTag/{tag}", (value,)),
        ),
    )


def key_policy(statements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}
