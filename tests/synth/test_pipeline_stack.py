"""The synthesized Terraform JSON of every configuration: what users deploy."""

from __future__ import annotations

import json
import re

import pytest
from cdktf_cdktf_provider_aws.cloudwatch_event_connection import CloudwatchEventConnection
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from cdktf_cdktf_provider_aws.sfn_state_machine import SfnStateMachine
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

from components.connection import PLACEHOLDER
from core.failure_path import (
    DESCRIBE_FAILURE_STATE,
    DESCRIBE_TICKET_FAILURE_STATE,
    FAIL_STATE,
    NOTIFY_STATE,
    NOTIFY_TICKET_NOT_OPENED_STATE,
    TICKET_STATE,
)
from core.night_watch import WatchedEnd
from core.role_policies import execution_role_policies, sizing_refs
from core.sections.state_machine import LogLevel
from core.steps.http_invoke import HttpStep
from policies.statement import policy_document
from tests.conftest import ALL_CONFIGS, PROJECT
from tests.synth.terraform_json import (
    ACCOUNT,
    PARTITION,
    jsonencoded,
    named,
    only,
    policy_of,
    reference,
    resources,
    role_policies,
    role_statements,
    terraform_refs,
    trust_of,
)

STACK_NAMES = [
    "nightly-pipeline-dev",
    "nightly-pipeline-mixed50",
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
        assert definition["StartAt"] == "FireDrill"
        assert definition["States"]["FireDrill"]["Default"] == names[0]
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
            *(
                f"Events.ConnectionResource.{name}"
                for name in ("AuthInProgress", "ConcurrentModification", "InternalError")
            ),
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
        """Read from the failure record, or from the fields DescribeFailure cut (JSONata)."""
        stack, _ = case
        states = definition_of(stack)["States"]
        body = json.dumps(states[TICKET_STATE]["Parameters"]["RequestBody"])
        written = json.dumps(states[DESCRIBE_FAILURE_STATE]["Output"].get("ticket_fields", {}))
        assert "$.failure.caught.Error" in body or "$states.input.caught.Error" in written
        assert "$.failure.caught.Cause" in body or "$states.input.caught]).Cause" in written
        assert "$.failure.execution_url" in body + written or "$states.context.Execution.Id" in written

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
        if config.state_machine.log_level is LogLevel.OFF:
            assert machine["logging_configuration"] == {"level": "OFF"}
            assert resources(stack, CloudwatchLogGroup.TF_RESOURCE_TYPE) == {}
            return
        log_group_arn = reference(stack, CloudwatchLogGroup.TF_RESOURCE_TYPE, "Pipeline/Logs", "arn")
        assert machine["logging_configuration"] == {
            "level": config.state_machine.log_level.value,
            "include_execution_data": False,
            "log_destination": f"{log_group_arn}:*",
        }
        assert machine["tracing_configuration"] == {"enabled": config.state_machine.tracing}
        assert machine["name"] == config.state_machine.name

    def test_state_machine_waits_for_its_policies(self, case):
        stack, _ = case
        inline, _ = named(stack, "aws_iam_role_policy", "Pipeline/ExecutionRole/Policy")
        attachments = [
            f"aws_iam_role_policy_attachment.{name}"
            for name, body in resources(stack, "aws_iam_role_policy_attachment").items()
            if "/Pipeline/ExecutionRole/" in body["//"]["metadata"]["path"]
        ]
        assert only(stack, SfnStateMachine.TF_RESOURCE_TYPE)["depends_on"] == [inline, *attachments]


class TestExecutionRole:
    def test_policies_are_exactly_what_the_steps_derive(self, case):
        stack, config = case
        laid_out = execution_role_policies(
            config.pipeline(), terraform_refs(stack, config), sizing_refs(config)
        )
        expected = [
            policy_document(laid_out.inline),
            *(policy_document(policy) for policy in laid_out.managed),
        ]
        assert role_policies(stack, "Pipeline/ExecutionRole") == expected

    def test_every_statement_has_a_unique_sid(self, case):
        stack, _ = case
        sids = [statement["Sid"] for statement in role_statements(stack, "Pipeline/ExecutionRole")]
        assert len(sids) == len(set(sids)) and all(sids)

    def test_wildcards_only_where_aws_requires_them(self, case):
        stack, _ = case
        statements = role_statements(stack, "Pipeline/ExecutionRole")
        wildcard = {s["Sid"] for s in statements if "*" in s["Resource"]}
        # states:InvokeHTTPEndpoint has no resource type (core.steps.http_invoke).
        http = {s["Sid"] for s in statements if s["Action"] == ["states:InvokeHTTPEndpoint"]}
        assert wildcard <= {"DeliverExecutionLogs", "SendTraces", *http}
        for statement in statements:
            assert all(not action.endswith(":*") for action in statement["Action"])

    def test_http_endpoints_are_granted_on_any_resource_with_method_and_endpoint(self, case):
        """No resource type for states:InvokeHTTPEndpoint; the role's trust binds it to this state machine."""
        stack, config = case
        statements = role_statements(stack, "Pipeline/ExecutionRole")
        http = [s for s in statements if s["Action"] == ["states:InvokeHTTPEndpoint"]]
        requests = [config.ticket.request] + [
            step.request for step in config.steps if isinstance(step, HttpStep)
        ]
        expected = set()
        for request in requests:
            endpoint = request.endpoint
            root = (f"{endpoint}/*",) if request.endpoint_is_root else ()
            expected.add((endpoint, f"{endpoint}${{?}}*", *root))
        assert {tuple(s["Condition"]["StringLike"]["states:HTTPEndpoint"]) for s in http} == expected
        for statement in http:
            assert statement["Resource"] == ["*"]
            assert statement["Condition"]["StringEquals"]["states:HTTPMethod"] in {"GET", "POST", "PUT"}

    def test_iam_literal_question_mark_reaches_iam_not_terraform_interpolation(self, case):
        stack, _ = case
        _, body = named(stack, "aws_iam_role_policy", "Pipeline/ExecutionRole/Policy")
        assert "$${?}*" in body["policy"]
        assert re.search(r"(?<!\$)\$\{\?\}", body["policy"]) is None

    def test_connection_secrets_are_granted_one_by_one(self, case):
        stack, config = case
        statements = role_statements(stack, "Pipeline/ExecutionRole")
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

    def test_role_is_assumed_by_step_functions_for_this_state_machine_only(self, case):
        stack, config = case
        (statement,) = trust_of(stack, "Pipeline/ExecutionRole/Role")["Statement"]
        assert statement["Principal"] == {"Service": "states.amazonaws.com"}
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnEquals": {"aws:SourceArn": terraform_refs(stack, config).state_machine_arn},
        }


class TestConnections:
    def test_terraform_never_holds_an_api_key(self, case):
        """A plan needs no key and no access to one: the connection starts with a
        placeholder Terraform ignores, and nothing reads a secret or a variable."""
        stack, config = case
        for key, settings in config.connections.items():
            _, connection = named(
                stack, CloudwatchEventConnection.TF_RESOURCE_TYPE, f"{key}_connection/Connection"
            )
            assert connection["authorization_type"] == "API_KEY"
            assert connection["auth_parameters"]["api_key"] == {"key": settings.header, "value": PLACEHOLDER}
            assert connection["lifecycle"] == {"ignore_changes": ["auth_parameters[0].api_key[0].value"]}
        assert "aws_secretsmanager_secret_version" not in stack.get("data", {})
        assert "variable" not in stack

    def test_the_key_step_learns_where_each_key_is_but_not_the_key(self, case):
        stack, config = case
        updates = jsonencoded(stack["output"]["connection_updates"]["value"])
        expected = []
        for key, settings in config.connections.items():
            if settings.secret.variable:
                source = {"environment_variable": f"TF_VAR_{settings.secret.variable}"}
            else:
                source = {
                    "secret_id": settings.secret.secret_name,
                    "secret_json_key": settings.secret.secret_json_key or "",
                }
            expected.append(
                {
                    "Name": f"{config.state_machine.name}-{key}",
                    "AuthorizationType": "API_KEY",
                    "AuthParameters": {
                        "ApiKeyAuthParameters": {
                            "ApiKeyName": settings.header,
                            "ApiKeyValue": {"secret_source": source},
                        }
                    },
                }
            )
        assert updates == expected


class TestSchedule:
    def test_schedule_starts_this_state_machine(self, case):
        stack, config = case
        schedule = only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)
        assert schedule["schedule_expression"] == config.schedule.expression
        assert schedule["schedule_expression_timezone"] == config.schedule.timezone
        assert schedule["flexible_time_window"] == {"mode": "OFF"}
        assert schedule["state"] == ("ENABLED" if config.schedule.enabled else "DISABLED")
        assert schedule.get("description") == config.schedule.description
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
        expected["connection_updates"] = stack["output"]["connection_updates"]
        expected["night_watch_dead_letter_queues"] = stack["output"]["night_watch_dead_letter_queues"]
        rules = stack["output"]["night_watch_rules"]
        assert jsonencoded(rules["value"]) == (
            {end.value: end.rule_name(config.state_machine.name) for end in WatchedEnd}
            if config.night_watch.uncaught_failures
            else {}
        )
        expected["night_watch_rules"] = {
            **rules,
            "description": "The night watch's rules, by the end they watch",
        }
        # Every alarm, whichever component made it, in construct-path order: the drill drills each.
        alarm_type = CloudwatchMetricAlarm.TF_RESOURCE_TYPE
        alarms = [
            f"{alarm_type}.{name}.alarm_name"
            for name, alarm in sorted(
                stack["resource"].get(alarm_type, {}).items(),
                key=lambda item: item[1]["//"]["metadata"]["path"],
            )
        ]
        expected["alarm_names"] = {
            "value": f"${{jsonencode([{', '.join(alarms)}])}}",
            "description": "Every CloudWatch alarm of the stack",
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
        test_policy = {s["Sid"]: s for s in policy_of(stack, "TestStateRole/Policy")["Statement"]}
        execution_policy = {
            s["Sid"]: s for s in policy_of(stack, "Pipeline/ExecutionRole/Policy")["Statement"]
        }
        http_sids = {
            sid for sid, s in execution_policy.items() if s["Action"] == ["states:InvokeHTTPEndpoint"]
        }
        assert len(http_sids) == 2
        for sid, test_statement in test_policy.items():
            if sid in http_sids:
                assert test_statement["Resource"] == ["*"]
                assert test_statement["Condition"] == execution_policy[sid]["Condition"]
            else:
                assert test_statement == execution_policy[sid]
        assert policy_of(stack, "TestStateRole/Policy") == policy_document(
            config.pipeline().test_state_statements(terraform_refs(stack, config))
        )

    def test_role_is_assumed_by_step_functions_of_this_account(self, stacks):
        (statement,) = trust_of(stacks["nightly-pipeline-dev"], "TestStateRole/Role")["Statement"]
        assert statement["Principal"] == {"Service": "states.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
