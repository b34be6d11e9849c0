"""The synthesized Terraform JSON of every configuration: what users deploy."""

from __future__ import annotations

import json
import re

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

from core.failure_path import (
    DESCRIBE_FAILURE_STATE,
    DESCRIBE_TICKET_FAILURE_STATE,
    FAIL_STATE,
    NOTIFY_STATE,
    NOTIFY_TICKET_NOT_OPENED_STATE,
    TICKET_STATE,
)
from core.steps.http_invoke import HttpStep
from policies.statement import policy_document
from tests.conftest import ALL_CONFIGS, PROJECT
from tests.synth.terraform_json import (
    ACCOUNT,
    PARTITION,
    named,
    only,
    policy_of,
    reference,
    resources,
    terraform_refs,
    trust_of,
)

STACK_NAMES = [
    "nightly-pipeline-dev",
    "nightly-pipeline-prod",
    "nightly-pipeline-steps",
    "nightly-pipeline-variant",
]


def test_every_configuration_is_a_stack(synth_dir):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == STACK_NAMES
    assert len(ALL_CONFIGS) == len(STACK_NAMES)


@pytest.fixture(params=STACK_NAMES)
def case(request, stacks, configs):
    return stacks[request.param], configs[request.param]


def definition_of(stack: dict) -> dict:
    return json.loads(only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["definition"])


def follow(states: dict, name: str) -> list[str]:
    """The names visited from a state by Next alone, up to the end."""
    visited = [name]
    while "Next" in states[visited[-1]]:
        visited.append(states[visited[-1]]["Next"])
    return visited


def catch_targets(state: dict) -> list[str]:
    return [catcher["Next"] for catcher in state.get("Catch", [])]


class TestStateMachine:
    def test_definition_is_the_one_the_core_derives(self, case):
        stack, config = case
        assert definition_of(stack) == config.pipeline().definition(terraform_refs(stack, config))

    def test_steps_run_in_configured_order(self, case):
        stack, config = case
        definition = definition_of(stack)
        names = [step.name for step in config.steps]
        assert definition["StartAt"] == names[0]
        assert follow(definition["States"], names[0]) == names
        assert definition["States"][names[-1]]["End"] is True

    def test_every_step_catches_everything_into_the_ticket(self, case):
        stack, config = case
        states = definition_of(stack)["States"]
        for step in config.steps:
            (catcher,) = states[step.name]["Catch"]
            assert catcher["ErrorEquals"] == ["States.ALL"]
            assert follow(states, catcher["Next"]) == [
                catcher["Next"],
                DESCRIBE_FAILURE_STATE,
                TICKET_STATE,
                NOTIFY_STATE,
                FAIL_STATE,
            ]
            assert states[catcher["Next"]]["Parameters"]["step"] == step.name

    def test_a_ticket_that_cannot_be_opened_still_notifies_and_fails(self, case):
        stack, _ = case
        states = definition_of(stack)["States"]
        (catcher,) = states[TICKET_STATE]["Catch"]
        assert catcher["ErrorEquals"] == ["States.ALL"]
        assert follow(states, catcher["Next"]) == [
            DESCRIBE_TICKET_FAILURE_STATE,
            NOTIFY_TICKET_NOT_OPENED_STATE,
            FAIL_STATE,
        ]
        for notify in (NOTIFY_STATE, NOTIFY_TICKET_NOT_OPENED_STATE):
            assert catch_targets(states[notify]) == [FAIL_STATE]
        assert "could NOT be opened" in states[NOTIFY_TICKET_NOT_OPENED_STATE]["Parameters"]["Message.$"]

    def test_ticket_retries_only_transient_errors_a_bounded_number_of_times(self, case):
        stack, config = case
        (retrier,) = definition_of(stack)["States"][TICKET_STATE]["Retry"]
        assert set(retrier["ErrorEquals"]) == {
            "States.Http.Socket",
            *(f"States.Http.StatusCode.{code}" for code in (429, 500, 502, 503, 504)),
        }
        assert retrier["MaxAttempts"] == config.ticket.retry.max_attempts <= 3
        assert retrier["BackoffRate"] > 1

    def test_ticket_is_posted_through_the_ticket_connection(self, case):
        stack, config = case
        parameters = definition_of(stack)["States"][TICKET_STATE]["Parameters"]
        assert parameters["ApiEndpoint"] == config.ticket.request.endpoint
        assert parameters["Method"] == "POST"
        assert parameters["Authentication"]["ConnectionArn"] == reference(
            stack,
            CloudwatchEventConnection.TF_RESOURCE_TYPE,
            f"{config.ticket.request.connection}_connection/Connection",
            "arn",
        )

    def test_ticket_body_carries_the_error_and_its_cause(self, case):
        stack, _ = case
        body = json.dumps(definition_of(stack)["States"][TICKET_STATE]["Parameters"]["RequestBody"])
        assert "$.failure.caught.Error" in body
        assert "$.failure.caught.Cause" in body
        assert "$.failure.execution_url" in body or "$.failure.execution_id" in body

    def test_fail_state_carries_the_original_error(self, case):
        stack, _ = case
        assert definition_of(stack)["States"][FAIL_STATE] == {
            "Type": "Fail",
            "ErrorPath": "$.failure.caught.Error",
            "CausePath": "$.failure.caught.Cause",
        }

    def test_logging_goes_to_its_own_log_group_at_the_configured_level(self, case):
        stack, config = case
        machine = only(stack, SfnStateMachine.TF_RESOURCE_TYPE)
        log_group_arn = reference(stack, CloudwatchLogGroup.TF_RESOURCE_TYPE, "Pipeline/Logs", "arn")
        assert machine["logging_configuration"] == {
            "level": config.state_machine.log_level.value,
            "include_execution_data": False,
            "log_destination": f"{log_group_arn}:*",
        }
        assert machine["tracing_configuration"] == {"enabled": config.state_machine.tracing}
        assert machine["name"] == config.state_machine.name

    def test_state_machine_waits_for_its_policy(self, case):
        stack, _ = case
        address, _ = named(stack, "aws_iam_role_policy", "Pipeline/ExecutionRole/Policy")
        assert only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["depends_on"] == [address]


class TestExecutionRole:
    def test_policy_is_exactly_what_the_steps_derive(self, case):
        stack, config = case
        expected = policy_document(config.pipeline().policy_statements(terraform_refs(stack, config)))
        assert policy_of(stack, "Pipeline/ExecutionRole/Policy") == expected

    def test_every_statement_has_a_unique_sid(self, case):
        stack, _ = case
        sids = [
            statement["Sid"] for statement in policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
        ]
        assert len(sids) == len(set(sids)) and all(sids)

    def test_wildcards_only_where_aws_requires_them(self, case):
        stack, _ = case
        statements = policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
        wildcard = {s["Sid"] for s in statements if "*" in s["Resource"]}
        assert wildcard <= {"DeliverExecutionLogs", "SendTraces"}
        for statement in statements:
            assert all(not action.endswith(":*") for action in statement["Action"])

    def test_http_endpoints_are_granted_on_this_state_machine_with_method_and_endpoint(self, case):
        stack, config = case
        own_arn = (
            f"arn:{PARTITION}:states:{config.stack.region}:{ACCOUNT}:stateMachine:{config.state_machine.name}"
        )
        statements = policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
        http = [s for s in statements if s["Action"] == ["states:InvokeHTTPEndpoint"]]
        expected_endpoints = {config.ticket.request.endpoint} | {
            step.request.endpoint for step in config.steps if isinstance(step, HttpStep)
        }
        assert {s["Condition"]["StringLike"]["states:HTTPEndpoint"] for s in http} == {
            f"{endpoint}*" for endpoint in expected_endpoints
        }
        for statement in http:
            assert statement["Resource"] == [own_arn]
            assert statement["Condition"]["StringEquals"]["states:HTTPMethod"] in {"GET", "POST"}

    def test_connection_secrets_are_granted_one_by_one(self, case):
        stack, config = case
        statements = policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
        secret_grants = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
        used = {config.ticket.request.connection} | {
            step.request.connection for step in config.steps if isinstance(step, HttpStep)
        }
        assert sorted(r for s in secret_grants for r in s["Resource"]) == sorted(
            reference(
                stack,
                CloudwatchEventConnection.TF_RESOURCE_TYPE,
                f"{key}_connection/Connection",
                "secret_arn",
            )
            for key in used
        )

    def test_role_is_assumed_by_step_functions_of_this_account_only(self, case):
        stack, _ = case
        (statement,) = trust_of(stack, "Pipeline/ExecutionRole/Role")["Statement"]
        assert statement["Principal"] == {"Service": "states.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


class TestConnections:
    def test_api_keys_are_never_literals(self, case):
        stack, config = case
        for key, settings in config.connections.items():
            _, connection = named(
                stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{key}_connection/Connection"
            )
            assert connection["authorization_type"] == "API_KEY"
            api_key = connection["auth_parameters"]["api_key"]
            assert api_key["key"] == settings.header
            if settings.secret.variable:
                assert api_key["value"] == f"${{var.{settings.secret.variable}}}"
                assert stack["variable"][settings.secret.variable]["sensitive"] is True
            else:
                assert re.fullmatch(
                    r"\$\{(jsondecode\()?data\.aws_secretsmanager_secret_version\.\w+\.secret_string"
                    r"(\)\.\w+)?\}",
                    api_key["value"],
                ), api_key["value"]

    def test_secret_is_read_from_the_configured_secret(self, case):
        stack, config = case
        secret_ids = sorted(
            body["secret_id"]
            for body in stack.get("data", {}).get("aws_secretsmanager_secret_version", {}).values()
        )
        assert secret_ids == sorted(
            settings.secret.secret_name
            for settings in config.connections.values()
            if settings.secret.secret_name
        )


class TestSchedule:
    def test_schedule_starts_this_state_machine(self, case):
        stack, config = case
        schedule = only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)
        assert schedule["schedule_expression"] == config.schedule.expression
        assert schedule["schedule_expression_timezone"] == config.schedule.timezone
        assert schedule["flexible_time_window"] == {"mode": "OFF"}
        assert schedule["state"] == ("ENABLED" if config.schedule.enabled else "DISABLED")
        target = schedule["target"]
        assert target["arn"] == reference(
            stack, SfnStateMachine.TF_RESOURCE_TYPE, "Pipeline/StateMachine", "arn"
        )
        assert target["role_arn"] == reference(stack, "aws_iam_role", "NightlySchedule/Role/Role", "arn")
        assert json.loads(target["input"]) == dict(config.schedule.input)
        assert target["retry_policy"] == {
            "maximum_retry_attempts": config.schedule.retry_attempts,
            "maximum_event_age_in_seconds": config.schedule.max_event_age_seconds,
        }

    def test_scheduler_role_may_only_start_this_state_machine(self, case):
        stack, config = case
        own_arn = (
            f"arn:{PARTITION}:states:{config.stack.region}:{ACCOUNT}:stateMachine:{config.state_machine.name}"
        )
        queue = reference(stack, SqsQueue.TF_RESOURCE_TYPE, "NightlySchedule/DeadLetters", "arn")
        assert policy_of(stack, "NightlySchedule/Role/Policy")["Statement"] == [
            {
                "Sid": "StartPipelineExecution",
                "Effect": "Allow",
                "Action": ["states:StartExecution"],
                "Resource": [own_arn],
            },
            {
                "Sid": "SendUnstartedRunsToDeadLetterQueue",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": [queue],
            },
        ]
        (trust,) = trust_of(stack, "NightlySchedule/Role/Role")["Statement"]
        assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
        assert trust["Condition"]["ArnEquals"]["aws:SourceArn"] == (
            f"arn:{PARTITION}:scheduler:{config.stack.region}:{ACCOUNT}:schedule-group/{config.schedule.group}"
        )


class TestAlerts:
    def test_one_email_subscription_per_address(self, case):
        stack, config = case
        topic_arn = reference(stack, SnsTopic.TF_RESOURCE_TYPE, "FailureAlerts/Topic", "arn")
        subscriptions = resources(stack, SnsTopicSubscription.TF_RESOURCE_TYPE).values()
        assert sorted(s["endpoint"] for s in subscriptions) == sorted(config.notifications.emails)
        assert all(s["protocol"] == "email" and s["topic_arn"] == topic_arn for s in subscriptions)
        assert only(stack, SnsTopic.TF_RESOURCE_TYPE)["name"] == config.notifications.topic_name


class TestStackSettings:
    def test_outputs(self, case):
        stack, config = case
        expected = {
            "state_machine_arn": {
                "value": reference(stack, SfnStateMachine.TF_RESOURCE_TYPE, "Pipeline/StateMachine", "arn")
            },
            "topic_arn": {"value": reference(stack, SnsTopic.TF_RESOURCE_TYPE, "FailureAlerts/Topic", "arn")},
            "connection_arn": {
                "value": reference(
                    stack,
                    CloudwatchEventConnection.TF_RESOURCE_TYPE,
                    f"{config.ticket.request.connection}_connection/Connection",
                    "arn",
                )
            },
            "schedule_name": {
                "value": reference(
                    stack, SchedulerSchedule.TF_RESOURCE_TYPE, "NightlySchedule/Schedule", "name"
                )
            },
        }
        if config.state_machine.test_state_role:
            expected["test_state_role_arn"] = {
                "value": reference(stack, "aws_iam_role", "TestStateRole/Role", "arn")
            }
        assert stack["output"] == expected

    def test_provider_region_tags_and_account(self, case):
        stack, config = case
        (provider,) = stack["provider"]["aws"]
        assert provider["region"] == config.stack.region
        assert provider.get("default_tags", [{}])[0].get("tags", {}) == dict(config.stack.tags)
        assert provider.get("allowed_account_ids") == (
            [config.stack.account_id] if config.stack.account_id else None
        )
        assert stack["terraform"]["required_providers"]["aws"]["version"] == "5.100.0"

    def test_local_state_lives_in_the_project_not_in_the_output(self, stacks, synth_dir):
        name = "nightly-pipeline-dev"
        path = stacks[name]["terraform"]["backend"]["local"]["path"]
        assert not path.startswith("/"), "an absolute path would differ on every machine"
        assert (synth_dir / "stacks" / name / path).resolve() == PROJECT / f"terraform.{name}.tfstate"

    def test_s3_backend_from_config(self, stacks):
        backend = stacks["nightly-pipeline-variant"]["terraform"]["backend"]
        assert backend == {
            "s3": {
                "bucket": "acme-terraform-state",
                "key": "nightly-pipeline/variant.tfstate",
                "region": "us-east-1",
                "encrypt": True,
                "use_lockfile": True,
            }
        }


class TestTestStateRole:
    def test_only_where_configured(self, stacks, configs):
        for name, stack in stacks.items():
            wanted = configs[name].state_machine.test_state_role
            assert ("test_state_role_arn" in stack["output"]) is wanted
            paths = [body["//"]["metadata"]["path"] for body in resources(stack, "aws_iam_role").values()]
            assert any(path.endswith("/TestStateRole/Role") for path in paths) is wanted

    def test_http_calls_are_granted_outside_the_state_machine_but_keep_their_conditions(
        self, stacks, configs
    ):
        stack, config = stacks["nightly-pipeline-dev"], configs["nightly-pipeline-dev"]
        test_policy = policy_of(stack, "TestStateRole/Policy")
        execution_policy = policy_of(stack, "Pipeline/ExecutionRole/Policy")
        http_sids = {
            s["Sid"] for s in execution_policy["Statement"] if s["Action"] == ["states:InvokeHTTPEndpoint"]
        }
        assert len(http_sids) == 2
        for test_statement, execution_statement in zip(
            test_policy["Statement"], execution_policy["Statement"], strict=True
        ):
            if test_statement["Sid"] in http_sids:
                assert test_statement["Resource"] == ["*"]
                assert test_statement["Condition"] == execution_statement["Condition"]
            else:
                assert test_statement == execution_statement
        assert test_policy == policy_document(
            config.pipeline().test_state_statements(terraform_refs(stack, config))
        )
