"""The whole definition: every step caught into the failure path, and the role's policy."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from core.failure_path import FailurePath
from core.loading import load_config
from core.pipeline import Pipeline
from core.role_policies import sizing_refs
from core.sections.ticket import Ticket
from core.steps import Retry
from core.steps.ecs_run_task import EcsStep
from core.steps.http_invoke import HTTP_TRANSIENT_ERRORS, HttpRequest, HttpStep
from core.steps.lambda_invoke import LambdaStep
from core.templates import FAILURE_PATHS
from core.tickets import OUTSETA_SUPPORT_CASE
from tests.unit.support import (
    HTTP_RETRY,
    MINIMAL_CONFIG,
    PARTNER_ARN,
    REFS,
    TICKETING_ARN,
    TOPIC_ARN,
    TRANSIENT_HTTP_ERRORS,
    edited,
    load_text,
    statements_json,
)

DEV_CONFIG = Path(__file__).resolve().parents[2] / "config" / "dev.toml"
MORE_STEPS_CONFIG = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "more_steps.toml"
TICKET_ENDPOINT = "https://tickets.example.com/api/v1/support/cases"
DRILL_STATES = (
    "FireDrillRoute",
    "FireDrillCaught",
    "FireDrillFailed",
    "FireDrillUncaught",
    "FireDrillAborted",
    "FireDrillUnknownRoute",
)
FAILURE_PATH_STATES = (
    "DescribeFailure",
    "OpenSupportTicket",
    "NotifyTeam",
    "DescribeTicketFailure",
    "NotifyTeamTicketNotOpened",
    "PipelineFailed",
)


def failure_path(request: HttpRequest | None = None) -> FailurePath:
    return FailurePath(
        state_machine_name="nightly",
        ticket=Ticket(
            request=request
            or HttpRequest(
                endpoint=TICKET_ENDPOINT,
                method="POST",
                connection="ticketing",
                headers={"Content-Type": "application/json"},
                body=OUTSETA_SUPPORT_CASE,
            ),
            reporter="bot-1",
            retry=Retry(errors=HTTP_TRANSIENT_ERRORS),
        ),
        subject="nightly failed",
    )


def hand_built(*, logging: bool = True, tracing: bool = False) -> Pipeline:
    """Every step kind, two HTTP steps sharing a connection and two ECS steps."""
    return Pipeline(
        name="nightly",
        comment="Nightly pipeline",
        steps=(
            LambdaStep(
                name="ExtractOrders",
                function_arn="arn:aws:lambda:eu-west-1:123456789012:function:extract-orders",
            ),
            HttpStep(
                name="FetchOrders",
                request=HttpRequest(
                    endpoint="https://api.partner.example.com/v1/orders",
                    method="POST",
                    connection="partner_api",
                ),
            ),
            HttpStep(
                name="Fetch returns",
                request=HttpRequest(
                    endpoint="https://api.partner.example.com/v1/returns",
                    method="GET",
                    connection="partner_api",
                ),
            ),
            EcsStep(
                name="TransformOrders",
                cluster_arn="arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
                task_definition_arn="arn:aws:ecs:eu-west-1:123456789012:task-definition/transform-orders",
                subnets=("subnet-0a1b2c3d4e5f60718",),
                pass_role_arns=("arn:aws:iam::123456789012:role/transform-task",),
            ),
            EcsStep(
                name="TransformReturns",
                cluster_arn="arn:aws:ecs:eu-west-1:123456789012:cluster/pipeline",
                task_definition_arn="arn:aws:ecs:eu-west-1:123456789012:task-definition/transform-returns:4",
                subnets=("subnet-0a1b2c3d4e5f60718",),
            ),
        ),
        failure_path=failure_path(),
        logging=logging,
        tracing=tracing,
    )


def dev_pipeline() -> Pipeline:
    return load_config(DEV_CONFIG).pipeline()


@pytest.fixture(params=["dev.toml", "hand-built"])
def pipeline(request) -> Pipeline:
    return dev_pipeline() if request.param == "dev.toml" else hand_built()


@pytest.fixture
def states(pipeline) -> dict[str, dict]:
    return pipeline.definition(REFS)["States"]


def targets(state: dict) -> Iterator[str]:
    """Every state this one may go to next."""
    if "Next" in state:
        yield state["Next"]
    for catcher in state.get("Catch", ()):
        yield catcher["Next"]
    for choice in state.get("Choices", ()):
        yield choice["Next"]
    if "Default" in state:
        yield state["Default"]


# Shape of the graph


def record(step_name: str) -> str:
    return FailurePath.record_state_name(step_name)


@pytest.mark.parametrize(
    ("step_name", "record_name"),
    [("ExtractOrders", "ExtractOrdersFailed"), ("Extract orders", "Extract orders failed")],
)
def test_failure_record_state_is_named_after_its_step(step_name, record_name):
    assert FailurePath.record_state_name(step_name) == record_name


def test_definition_holds_steps_their_records_and_the_failure_path_only(pipeline, states):
    names = [step.name for step in pipeline.steps]

    assert list(states) == [
        "FireDrill",
        *names,
        *(record(name) for name in names),
        *FAILURE_PATH_STATES,
        *DRILL_STATES,
    ]


def test_steps_run_in_order_and_only_the_last_one_ends(pipeline, states):
    names = [step.name for step in pipeline.steps]

    assert pipeline.definition(REFS)["StartAt"] == "FireDrill"
    assert states["FireDrill"]["Default"] == names[0]
    for name, following in pairwise(names):
        assert states[name]["Next"] == following
        assert "End" not in states[name]
    assert states[names[-1]]["End"] is True
    assert "Next" not in states[names[-1]]


def test_every_step_catches_everything_once_into_its_own_failure_record(pipeline, states):
    for step in pipeline.steps:
        assert states[step.name]["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$", "Next": record(step.name)}
        ]
        assert states[record(step.name)] == {
            "Type": "Pass",
            "Parameters": {
                "step": step.name,
                "caught.$": "$",
                "defaults": {"Cause": "No cause was reported."},
            },
            "Next": "DescribeFailure",
        }


def test_failure_path_runs_describe_ticket_notify_and_fails(states):
    assert states["DescribeFailure"]["Next"] == "OpenSupportTicket"
    assert states["OpenSupportTicket"]["Next"] == "NotifyTeam"
    assert states["OpenSupportTicket"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.ticket_error", "Next": "DescribeTicketFailure"}
    ]
    assert states["DescribeTicketFailure"]["Next"] == "NotifyTeamTicketNotOpened"


@pytest.mark.parametrize("notify", ["NotifyTeam", "NotifyTeamTicketNotOpened"])
def test_notifications_end_in_pipeline_failed_even_when_they_fail(states, notify):
    # ResultPath null and a catch beside $.failure keep the failure record for the Fail state.
    assert states[notify]["Next"] == "PipelineFailed"
    assert states[notify]["ResultPath"] is None
    assert states[notify]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.notify_error", "Next": "PipelineFailed"}
    ]


def test_pipeline_failed_reports_the_steps_own_error_and_cause(states):
    assert states["PipelineFailed"] == {
        "Type": "Fail",
        "ErrorPath": "$.failure.caught.Error",
        "CausePath": "$.failure.caught.Cause",
    }


def test_every_next_and_start_at_names_an_existing_state(pipeline, states):
    named = [pipeline.definition(REFS)["StartAt"]]
    named += [target for state in states.values() for target in targets(state)]

    assert set(named) <= set(states)


def test_every_state_is_reachable_from_start_at(pipeline, states):
    reached, waiting = set(), [pipeline.definition(REFS)["StartAt"]]
    while waiting:
        name = waiting.pop()
        if name not in reached:
            reached.add(name)
            waiting += targets(states[name])

    assert reached == set(states)


def test_only_the_last_step_and_two_drills_end_and_only_pipeline_failed_fails(pipeline, states):
    """Besides the failure path, only the drill's uncaught and aborted routes end, and an unknown
    drill route fails: a drill never runs a step."""
    ending = {name for name, state in states.items() if state.get("End")}
    failing = {name for name, state in states.items() if state["Type"] == "Fail"}
    choosing = {name for name, state in states.items() if state["Type"] == "Choice"}
    going_on = {name for name, state in states.items() if "Next" in state}

    assert ending == {pipeline.steps[-1].name, "FireDrillUncaught", "FireDrillAborted"}
    assert failing == {"PipelineFailed", "FireDrillUnknownRoute"}
    assert choosing == {"FireDrill", "FireDrillRoute"}
    assert going_on == set(states) - ending - failing - choosing


def test_describe_failure_produces_every_field_the_templates_read(states):
    record = states["DescribeFailure"]["Output"]["failure"]

    for path in FAILURE_PATHS.values():
        field = path.removeprefix("$.failure.").split(".")[0]
        assert field in record, path


def test_definition_starts_with_the_comment_when_there_is_one():
    definition = hand_built().definition(REFS)

    assert list(definition) == ["Comment", "StartAt", "States"]
    assert definition["Comment"] == "Nightly pipeline"


# The failure path's states in full


CONSOLE = "'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/'"
IS_DRILL = "$states.input.caught.Error = 'Drill.FailurePath'"
CAUSE = "$merge([$states.input.defaults, $states.input.caught]).Cause"


def test_describe_failure_merges_a_default_cause_links_the_execution_and_writes_the_long_fields():
    """JSONata: the Subject can exceed Outseta's 255 characters with a long error, the Body its
    16,000 with a long cause, and a drill marks the Subject (core.ticket_fields)."""
    assert hand_built().definition(REFS)["States"]["DescribeFailure"] == {
        "Type": "Pass",
        "QueryLanguage": "JSONata",
        "Output": {
            "failure": {
                "step": "{% $states.input.step %}",
                "caught": "{% $merge([$states.input.defaults, $states.input.caught]) %}",
                "execution_id": "{% $states.context.Execution.Id %}",
                "execution_name": "{% $states.context.Execution.Name %}",
                "execution_url": f"{{% {CONSOLE} & $states.context.Execution.Id %}}",
                "started_at": "{% $states.context.Execution.StartTime %}",
            },
            "defaults": "{% $states.input.defaults %}",
            "ticket_fields": {
                "Subject": (
                    f"{{% ($text := ({IS_DRILL} ? '[drill] ' : '') & 'nightly failed: ' & "
                    "$states.input.caught.Error & ' in ' & $states.input.step; $marker := '… [cut]'; "
                    "$length($text) <= 255 ? $text : $substring($text, 0, 255 - $length($marker)) & $marker) %}"
                ),
                "Body": (
                    "{% ($text := 'Step ' & $states.input.step & ' of nightly failed with ' & "
                    f"$states.input.caught.Error & '.\\n\\nCause: ' & {CAUSE} & '\\n\\nExecution: ' & "
                    f"{CONSOLE} & $states.context.Execution.Id; $marker := '… [cut: see the execution ' & "
                    f"{CONSOLE} & $states.context.Execution.Id & ']'; $length($text) <= 16000 ? $text : "
                    "$substring($text, 0, 16000 - $length($marker)) & $marker) %}"
                ),
            },
        },
        "Next": "OpenSupportTicket",
    }


def test_ticket_posts_the_rendered_body_with_the_caught_error_and_cause():
    assert hand_built().definition(REFS)["States"]["OpenSupportTicket"] == {
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": TICKET_ENDPOINT,
            "Method": "POST",
            "Authentication": {"ConnectionArn": TICKETING_ARN},
            "Headers": {"Content-Type": "application/json"},
            "RequestBody": {
                "FromPerson": {"Uid": "bot-1"},
                "Subject.$": "$.ticket_fields.Subject",
                "Body.$": "$.ticket_fields.Body",
                "Source": 2,
            },
        },
        "ResultSelector": {"StatusCode.$": "$.StatusCode"},
        "ResultPath": "$.ticket",
        "Retry": [HTTP_RETRY],
        "Catch": [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.ticket_error", "Next": "DescribeTicketFailure"}
        ],
        "Next": "NotifyTeam",
    }


def test_ticket_without_body_sends_none():
    request = HttpRequest(endpoint=TICKET_ENDPOINT, method="POST", connection="ticketing")
    pipeline = Pipeline(name="nightly", steps=hand_built().steps, failure_path=failure_path(request))

    assert "RequestBody" not in pipeline.definition(REFS)["States"]["OpenSupportTicket"]["Parameters"]


def test_ticket_of_the_dev_config_reads_the_caught_error_and_cause(states):
    body = states["OpenSupportTicket"]["Parameters"]["RequestBody"]
    written = states["DescribeFailure"]["Output"]["ticket_fields"]
    paths = [value for key, value in body.items() if key.endswith(".$")]
    expressions = " ".join(written[path.removeprefix("$.ticket_fields.")] for path in paths)

    assert "$states.input.caught.Error" in expressions
    assert f"{CAUSE} &" in expressions


def test_ticket_retries_every_transient_http_error_a_bounded_number_of_times(states):
    (retrier,) = states["OpenSupportTicket"]["Retry"]

    assert set(retrier["ErrorEquals"]) >= set(TRANSIENT_HTTP_ERRORS)
    assert 1 <= retrier["MaxAttempts"] <= 10


def test_notify_team_says_the_ticket_was_opened():
    assert hand_built().definition(REFS)["States"]["NotifyTeam"] == {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": {
            "TopicArn": TOPIC_ARN,
            "Subject": "nightly failed",
            "Message.$": (
                "States.Format('Step {} of nightly failed with {}.\n\nCause: {}\n\nExecution: {}\n\n"
                "A support ticket was opened.', "
                "$.failure.step, $.failure.caught.Error, $.failure.caught.Cause, $.failure.execution_url)"
            ),
        },
        "ResultPath": None,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.notify_error", "Next": "PipelineFailed"}],
        "Next": "PipelineFailed",
    }


def test_notify_after_ticket_failure_says_why_the_ticket_was_not_opened():
    states = hand_built().definition(REFS)["States"]

    assert states["DescribeTicketFailure"] == {
        "Type": "Pass",
        "Parameters": {
            "failure.$": "$.failure",
            "ticket_error.$": "States.JsonMerge($.defaults, $.ticket_error, false)",
        },
        "Next": "NotifyTeamTicketNotOpened",
    }
    assert states["NotifyTeamTicketNotOpened"]["Parameters"]["Message.$"] == (
        "States.Format('Step {} of nightly failed with {}.\n\nCause: {}\n\nExecution: {}\n\n"
        "The support ticket could NOT be opened ({}): {}', "
        "$.failure.step, $.failure.caught.Error, $.failure.caught.Cause, $.failure.execution_url, "
        "$.ticket_error.Error, $.ticket_error.Cause)"
    )


# The execution role's statements


def test_policy_holds_every_statement_of_every_step(pipeline):
    granted = statements_json(pipeline.policy_statements(REFS))

    for step in pipeline.steps:
        for statement in statements_json(step.policy_statements(REFS)):
            assert statement in granted, statement["Sid"]


def test_policy_lets_the_ticket_call_its_endpoint_and_publish_to_the_topic_only():
    granted = {
        statement["Sid"]: statement for statement in statements_json(hand_built().policy_statements(REFS))
    }

    assert granted["PublishFailureNotifications"] == {
        "Sid": "PublishFailureNotifications",
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [TOPIC_ARN],
    }
    # No resource type for this action; the role's trust binds it to this state machine.
    assert granted["CallOpenSupportTicketEndpoint"]["Resource"] == ["*"]
    assert granted["CallOpenSupportTicketEndpoint"]["Condition"] == {
        "StringEquals": {"states:HTTPMethod": "POST"},
        "StringLike": {"states:HTTPEndpoint": [TICKET_ENDPOINT, f"{TICKET_ENDPOINT}${{?}}*"]},
    }
    assert granted["UseTicketingConnection"]["Resource"] == [TICKETING_ARN]


def test_policy_sids_of_the_hand_built_pipeline_in_order():
    sids = [statement.sid for statement in hand_built().policy_statements(REFS)]

    assert sids == [
        "InvokeExtractOrdersLambda",
        "CallFetchOrdersEndpoint",
        "UsePartnerApiConnection",
        "ReadPartnerApiConnectionSecret",
        "CallFetchReturnsEndpoint",
        "RunTransformOrdersTask",
        "TrackTransformOrdersTask",
        "ManageEcsTaskCompletionRule",
        "PassTransformOrdersRolesToEcsTasks",
        "RunTransformReturnsTask",
        "TrackTransformReturnsTask",
        "CallOpenSupportTicketEndpoint",
        "UseTicketingConnection",
        "ReadTicketingConnectionSecret",
        "PublishFailureNotifications",
        "DeliverExecutionLogs",
    ]


def test_policy_has_no_duplicated_sids(pipeline):
    sids = [statement.sid for statement in pipeline.policy_statements(REFS)]

    assert len(sids) == len(set(sids))


def test_connection_shared_by_two_http_states_is_granted_once():
    granted = statements_json(hand_built().policy_statements(REFS))

    uses = [statement for statement in granted if statement["Sid"] == "UsePartnerApiConnection"]
    assert uses == [
        {
            "Sid": "UsePartnerApiConnection",
            "Effect": "Allow",
            "Action": ["events:RetrieveConnectionCredentials"],
            "Resource": [PARTNER_ARN],
        }
    ]


def test_connection_shared_by_a_step_and_the_ticket_is_granted_once():
    step = HttpStep(
        name="ReportStatus",
        request=HttpRequest(
            endpoint="https://tickets.example.com/api/status", method="GET", connection="ticketing"
        ),
    )
    pipeline = Pipeline(name="nightly", steps=(step,), failure_path=failure_path())

    sids = [statement.sid for statement in pipeline.policy_statements(REFS)]
    assert sids.count("UseTicketingConnection") == 1
    assert sids.count("ReadTicketingConnectionSecret") == 1


@pytest.mark.parametrize(
    ("logging", "tracing", "expected"),
    [
        (True, False, {"DeliverExecutionLogs"}),
        (False, True, {"SendTraces"}),
        (True, True, {"DeliverExecutionLogs", "SendTraces"}),
        (False, False, set()),
    ],
)
def test_logs_and_xray_are_granted_only_when_used(logging, tracing, expected):
    sids = {
        statement.sid for statement in hand_built(logging=logging, tracing=tracing).policy_statements(REFS)
    }

    assert sids & {"DeliverExecutionLogs", "SendTraces"} == expected


def test_log_and_xray_statements_use_star_resources_with_their_actions_only():
    granted = {
        statement["Sid"]: statement
        for statement in statements_json(hand_built(logging=True, tracing=True).policy_statements(REFS))
    }

    assert granted["DeliverExecutionLogs"]["Resource"] == ["*"]
    assert all(action.startswith("logs:") for action in granted["DeliverExecutionLogs"]["Action"])
    assert granted["SendTraces"]["Resource"] == ["*"]
    assert all(action.startswith("xray:") for action in granted["SendTraces"]["Action"])


# From config to pipeline


@pytest.mark.parametrize(
    ("settings", "logging", "tracing"),
    [
        ("", True, False),
        ('log_level = "OFF"\n', False, False),
        ('log_level = "FATAL"\ntracing = true\n', True, True),
    ],
)
def test_config_turns_logging_off_only_at_level_off_and_tracing_on_when_asked(
    tmp_path, settings, logging, tracing
):
    text = edited("[ticket]\n", f"[state_machine]\n{settings}\n[ticket]\n") if settings else MINIMAL_CONFIG

    pipeline = load_text(tmp_path, text).pipeline()

    assert (pipeline.logging, pipeline.tracing) == (logging, tracing)


def test_config_pipeline_is_named_after_the_state_machine_and_subject(tmp_path):
    text = edited("[ticket]\n", '[notifications]\nsubject = "Nightly failed"\n\n[ticket]\n')

    pipeline = load_text(tmp_path, text).pipeline()

    assert pipeline.name == "pipeline-test"
    assert pipeline.failure_path.state_machine_name == "pipeline-test"
    assert pipeline.failure_path.subject == "Nightly failed"


def test_test_state_role_may_call_endpoints_from_outside_the_state_machine_under_the_same_conditions():
    pipeline = hand_built()
    normal = {statement.sid: statement.to_json() for statement in pipeline.policy_statements(REFS)}
    test_state = {statement.sid: statement.to_json() for statement in pipeline.test_state_statements(REFS)}

    for sid, statement in test_state.items():
        assert statement == normal[sid], sid
    assert {sid for sid, statement in test_state.items() if statement["Resource"] == ["*"]} == {
        "CallFetchOrdersEndpoint",
        "CallFetchReturnsEndpoint",
        "CallOpenSupportTicketEndpoint",
    }


def test_test_state_role_leaves_out_every_step_that_waits_for_its_job():
    """Glue job runs and child executions (.sync, .sync:2) are no more run by TestState than ECS tasks."""
    config = load_config(MORE_STEPS_CONFIG)
    refs = sizing_refs(config)
    pipeline = config.pipeline()
    test_state = {statement.sid for statement in pipeline.test_state_statements(refs)}

    assert {step.type for step in pipeline.steps} == {"glue", "state_machine"}
    for step in pipeline.steps:
        assert not test_state & {statement.sid for statement in step.policy_statements(refs)}, step.name
    assert test_state == {statement.sid for statement in pipeline.failure_path.policy_statements(refs)}


def test_test_state_role_leaves_out_what_test_state_never_runs():
    """TestState runs no .sync task (the ECS step) and delivers no execution logs."""
    pipeline = hand_built()
    normal = [statement.sid for statement in pipeline.policy_statements(REFS)]
    test_state = [statement.sid for statement in pipeline.test_state_statements(REFS)]

    ecs = {
        statement.sid
        for step in pipeline.steps
        if isinstance(step, EcsStep)
        for statement in step.policy_statements(REFS)
    }

    assert len(ecs) == 6
    assert {sid for sid in normal if sid not in test_state} == ecs | {"DeliverExecutionLogs"}
    assert set(test_state) <= set(normal)
