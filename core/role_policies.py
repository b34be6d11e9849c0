"""The policies of the pipeline's roles, laid out to fit IAM's size quotas.

IAM counts a policy's characters with every ARN resolved, but at synth some
parts of the ARNs are Terraform references. They are sized here with the
longest values they can really take (assumptions, each a fixed length):
- partition "aws-us-gov", the longest partition name;
- a 12-digit account id:
  https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
- the region, state machine, topic and connection names as configured;
- a connection ARN ending in "/<36-character UUID>", as EventBridge names
  connections: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html
- its secret "events!connection/<connection>/<UUID>" plus the "-" and six
  random characters Secrets Manager appends to every secret ARN:
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
"""

from __future__ import annotations

from aws_facts import names as aws_names
from aws_facts.arns import regional_arn, state_machine_arn
from config_kit.errors import Problem
from core.config import PipelineConfig
from core.pipeline import Pipeline
from core.refs import ConnectionRef, Refs
from policies.policy_size import PolicyTooLarge, RolePolicies, lay_out, pair_grants

LONGEST_PARTITION = "aws-us-gov"
ACCOUNT = "123456789012"
CONNECTION_UUID = "00000000-0000-4000-8000-000000000000"
SECRET_SUFFIX = "-AbCdEf"


def sizing_refs(config: PipelineConfig) -> Refs:
    """Refs as long as the real ARNs can be."""
    partition, region, account = LONGEST_PARTITION, config.stack.region, ACCOUNT
    name = config.state_machine.name

    def arn(service: str, resource: str) -> str:
        return f"arn:{partition}:{service}:{region}:{account}:{resource}"

    connections = {}
    for key in config.connections:
        aws_name = aws_names.connection_name(name, key)
        connections[key] = ConnectionRef(
            arn=arn("events", f"connection/{aws_name}/{CONNECTION_UUID}"),
            secret_arn=arn(
                "secretsmanager", f"secret:events!connection/{aws_name}/{CONNECTION_UUID}{SECRET_SUFFIX}"
            ),
        )
    # The longest key ARN: a multi-Region key's id, "mrk-" and 32 hex digits.
    key_arn = (
        regional_arn(partition, region, account, "kms", "key/mrk-" + "0" * 32)
        if config.encryption.enabled
        else None
    )
    return Refs(
        key_arn=key_arn,
        partition=partition,
        region=region,
        account=account,
        state_machine_arn=state_machine_arn(partition, region, account, name),
        topic_arn=arn("sns", config.notifications.topic_name),
        connections=connections,
    )


def execution_role_policies(pipeline: Pipeline, refs: Refs, sizing: Refs) -> RolePolicies:
    return lay_out(pair_grants(pipeline.policy_statements(refs), pipeline.policy_statements(sizing)))


def test_state_role_policies(pipeline: Pipeline, refs: Refs, sizing: Refs) -> RolePolicies:
    return lay_out(pair_grants(pipeline.test_state_statements(refs), pipeline.test_state_statements(sizing)))


def policy_size_problems(config: PipelineConfig) -> list[Problem]:
    """What IAM would refuse at apply, found before anything is synthesized."""
    pipeline, sizing = config.pipeline(), sizing_refs(config)
    roles = {aws_names.execution_role_name(config.state_machine.name): execution_role_policies}
    if config.state_machine.test_state_role:
        roles[aws_names.test_state_role_name(config.state_machine.name)] = test_state_role_policies
    problems = []
    for role, policies in roles.items():
        try:
            policies(pipeline, sizing, sizing)
        except PolicyTooLarge as error:
            problems.append(
                Problem(
                    config.source,
                    "steps",
                    f"the role {role} {error}; split the pipeline into several state machines, "
                    "or ask AWS for more managed policies per role",
                    f"{len(config.steps)} steps",
                )
            )
    return problems
