"""The night watch as data: event patterns, input transformers, the missed-night alarm window,
and the configuration keys that switch each part."""

from __future__ import annotations

import json

import pytest

from config_kit.errors import ConfigError
from core.night_watch import (
    AlarmWindow,
    InputTransformer,
    StatusAlarm,
    WatchedEnd,
    event_pattern,
    http_parameters,
    input_transformer,
    missed_night_window,
    notification_text,
    template_size_problem,
)
from core.sections.state_machine import DEFAULT_TIMEOUT_SECONDS
from core.tickets import OUTSETA_SUPPORT_CASE
from tests.unit.support import MINIMAL_CONFIG, REFS, REGION, STATE_MACHINE_ARN, edited, in_table, load_text

STATIC = {"state_machine": "nightly-pipeline-dev", "reporter": "dQGxEz94"}
CONSOLE = f"https://{REGION}.console.aws.amazon.com/states/home?region={REGION}#/v2/executions/details/"


def test_the_stopped_rule_matches_this_state_machines_timeouts_and_aborts():
    assert event_pattern(WatchedEnd.STOPPED, STATE_MACHINE_ARN) == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"stateMachineArn": [STATE_MACHINE_ARN], "status": ["TIMED_OUT", "ABORTED"]},
    }


def test_the_uncaught_rule_matches_failures_no_catch_can_handle_and_failures_that_name_no_error():
    assert event_pattern(WatchedEnd.UNCAUGHT, STATE_MACHINE_ARN) == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {
            "stateMachineArn": [STATE_MACHINE_ARN],
            "status": ["FAILED"],
            "$or": [
                {"error": ["States.Runtime", "States.DataLimitExceeded"]},
                {"error": [{"exists": False}]},
            ],
        },
    }


def test_the_ticket_transformer_fills_the_outseta_template_from_a_timed_out_event():
    transformer = input_transformer(WatchedEnd.STOPPED, OUTSETA_SUPPORT_CASE, STATIC, REGION)

    assert transformer.input_paths == {
        "error": "$.detail.status",
        "execution_id": "$.detail.executionArn",
        "execution_name": "$.detail.name",
    }
    assert json.loads(transformer.input_template) == {
        "FromPerson": {"Uid": "dQGxEz94"},
        "Subject": "nightly-pipeline-dev failed: <error> in (whole execution <execution_name>)",
        "Body": (
            "Step (whole execution <execution_name>) of nightly-pipeline-dev failed with <error>.\n\n"
            "Cause: The execution ended <error>: it ran longer than its timeout (TIMED_OUT) or was "
            "stopped (ABORTED). Neither passes through a Catch, so no step reported it.\n\n"
            f"Execution: {CONSOLE}<execution_id>"
        ),
        "Source": 2,
    }


@pytest.mark.parametrize("end", list(WatchedEnd))
def test_the_transformers_read_only_fields_every_status_event_has_and_never_the_free_text_cause(end):
    """A FAILED event may name no error (the uncaught rule matches it then too), so {{error}} is
    the status: a variable whose path an event lacks is not created."""
    template = {
        "subject": "{{error}} in {{step}}",
        "at": "{{started_at}}",
        "link": "{{execution_url}}",
        "why": "{{cause}}",
    }

    transformer = input_transformer(end, template, STATIC, REGION)

    assert transformer.input_paths == {
        "error": "$.detail.status",
        "execution_id": "$.detail.executionArn",
        "execution_name": "$.detail.name",
        "started_at": "$.detail.startDate",
    }
    assert (
        json.loads(transformer.input_template)["subject"] == "<error> in (whole execution <execution_name>)"
    )


def test_the_uncaught_cause_says_the_failure_path_may_have_reported_a_failure_without_error():
    why = json.loads(
        input_transformer(WatchedEnd.UNCAUGHT, {"why": "{{cause}}"}, STATIC, REGION).input_template
    )

    assert why["why"] == (
        "Step Functions ended the execution FAILED with an error no Catch can handle (States.Runtime "
        "or States.DataLimitExceeded), so no step reported it; or its status event named no error, and "
        "the failure path may have reported it already. The execution's history shows the state, the "
        "error and the cause."
    )


def test_angle_brackets_in_the_templates_own_text_cannot_read_as_variables():
    template = {"html": "<p>Execution: <a href='{{execution_url}}'>{{execution_id}}</a></p>"}

    transformer = input_transformer(WatchedEnd.STOPPED, template, STATIC, REGION)

    assert transformer.input_template == (
        '{\n"html":"\\u003cp\\u003eExecution: \\u003ca href=\''
        f"{CONSOLE}<execution_id>'\\u003e<execution_id>\\u003c/a\\u003e\\u003c/p\\u003e\"\n}}"
    )
    assert json.loads(transformer.input_template)["html"].startswith("<p>Execution: <a href=")


def test_a_json_template_is_written_on_several_lines_and_a_text_on_one():
    """`make hcl` keeps a multi-line string exactly (a heredoc) but reads a one-line string's
    backslashes as escapes, so only the text template, which has none, stays on one line."""
    body = input_transformer(WatchedEnd.STOPPED, OUTSETA_SUPPORT_CASE, STATIC, REGION).input_template
    text = input_transformer(
        WatchedEnd.STOPPED, notification_text(WatchedEnd.STOPPED, "x-watch-dead-letters"), STATIC, REGION
    ).input_template

    assert body.count("\n") == 7
    assert "\n" not in text
    assert "\\" not in text


def test_a_json_template_is_rendered_without_indentation_or_spaces_between_tokens():
    body = input_transformer(WatchedEnd.STOPPED, OUTSETA_SUPPORT_CASE, STATIC, REGION).input_template

    assert body.startswith('{\n"FromPerson":{\n"Uid":"dQGxEz94"\n},\n"Subject":')
    assert [line for line in body.splitlines() if line.startswith(" ")] == []


def test_headers_take_fixed_placeholders_and_leave_out_those_only_the_failure_knows():
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": "{{execution_id}}",
        "X-Source": "{{state_machine}}",
    }

    assert http_parameters(headers, STATIC) == {
        "Content-Type": "application/json",
        "X-Source": "nightly-pipeline-dev",
    }


def test_a_plain_text_template_becomes_a_quoted_string_as_eventbridge_requires():
    transformer = input_transformer(
        WatchedEnd.STOPPED, notification_text(WatchedEnd.STOPPED, "x-watch-dead-letters"), STATIC, REGION
    )

    assert transformer == InputTransformer(
        input_paths={
            "error": "$.detail.status",
            "execution_id": "$.detail.executionArn",
            "execution_name": "$.detail.name",
        },
        input_template=json.dumps(
            "The whole execution <execution_name> of nightly-pipeline-dev ended <error>. "
            "Cause: The execution ended <error>: it ran longer than its timeout (TIMED_OUT) or was "
            "stopped (ABORTED). Neither passes through a Catch, so no step reported it. "
            f"Execution: {CONSOLE}<execution_id> "
            "EventBridge will try to open a support ticket for it; if it cannot, the alarm "
            "x-watch-dead-letters follows on this topic."
        ),
    )


def test_the_email_never_says_a_ticket_is_opened():
    for end in WatchedEnd:
        with_ticket = notification_text(end, "x-watch-dead-letters")
        without = notification_text(end, None)
        assert "will try to open a support ticket" in with_ticket
        assert "is opened" not in with_ticket
        assert without.endswith("No support ticket is opened for it (night_watch.ticket = false).")


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-1", "eu-west-1.console.aws.amazon.com"),
        ("us-east-1", "us-east-1.console.aws.amazon.com"),
        ("cn-north-1", "console.amazonaws.cn"),
        ("cn-northwest-1", "console.amazonaws.cn"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("us-gov-east-1", "console.amazonaws-us-gov.com"),
    ],
)
def test_the_console_link_follows_the_regions_partition(region, host):
    transformer = input_transformer(WatchedEnd.STOPPED, {"link": "{{execution_url}}"}, STATIC, region)

    assert json.loads(transformer.input_template)["link"] == (
        f"https://{host}/states/home?region={region}#/v2/executions/details/<execution_id>"
    )


@pytest.mark.parametrize("end", list(WatchedEnd))
def test_a_template_that_fits_eventbridges_limit_passes_and_one_character_more_does_not(end):
    base = len(input_transformer(end, {"text": ""}, STATIC, REGION).input_template)
    fitting = {"text": "x" * (8192 - base)}

    assert len(input_transformer(end, fitting, STATIC, REGION).input_template) == 8192
    assert template_size_problem(end, fitting, STATIC, REGION) is None
    problem = template_size_problem(end, {"text": fitting["text"] + "x"}, STATIC, REGION)
    assert problem == (
        "makes the night watch's ticket an EventBridge input template of 8193 characters (rule "
        f"{end.value}), over EventBridge's limit of 8192 (InputTransformer.InputTemplate); its longest "
        f"text is ticket.body.text ({8193 - base} characters); shorten it, or set night_watch.ticket = false"
    )


def test_status_alarms_are_named_after_the_end_they_watch():
    assert [(alarm.value, alarm.alarm_name("nightly")) for alarm in StatusAlarm] == [
        ("ExecutionsTimedOut", "nightly-timed-out"),
        ("ExecutionsAborted", "nightly-aborted"),
    ]


@pytest.mark.parametrize(
    ("gap", "late", "window"),
    [
        # rate(15 minutes), retried for an hour: 1 h 30 min in 5-minute periods.
        (900, 3600, AlarmWindow(300, 18)),
        # Up to a day in 5-minute periods (CloudWatch's limit for periods under an hour)...
        (85_500 - 900 - 60, 60, AlarmWindow(300, 285)),
        # ...beyond, in hours: a nightly cron in Europe/Berlin (25 h), retried for an hour.
        (90_000, 3600, AlarmWindow(3600, 27)),
        # Friday to Monday.
        (259_200, 3600, AlarmWindow(3600, 74)),
        # Exactly 7 days, CloudWatch's limit.
        (604_800 - 900 - 3600, 3600, AlarmWindow(3600, 168)),
    ],
)
def test_the_alarm_window_covers_the_gap_the_late_start_and_the_metric_delay(gap, late, window):
    assert missed_night_window(gap, late) == window
    assert window.seconds >= gap + late + 900


def test_a_window_longer_than_cloudwatch_evaluates_is_refused_with_what_to_set():
    problem = missed_night_window(31 * 86_400, 3600)

    assert problem == (
        "the missed-night alarm would have to look back 31 d 1 h 15 min (the longest gap between runs, "
        "plus schedule.max_event_age_seconds and 15 minutes for the metric), but a CloudWatch alarm "
        "looks back at most 7 d (Period x EvaluationPeriods <= 604800 s); "
        "set night_watch.missed_night_alarm = false"
    )


def schedule(*lines: str) -> str:
    return edited(
        "[connections.ticketing]", "[schedule]\n" + "\n".join(lines) + "\n\n[connections.ticketing]"
    )


def test_defaults_watch_everything_and_end_a_nightly_run_after_six_hours(tmp_path):
    config = load_text(tmp_path, MINIMAL_CONFIG)

    assert config.state_machine.timeout_seconds == DEFAULT_TIMEOUT_SECONDS == 6 * 3600
    watch = config.night_watch
    assert (watch.uncaught_failures, watch.ticket, watch.dead_letter_queue) == (True, True, True)
    assert watch.dead_letter_retention_days == 14
    # cron(0 22 * * ? *) in UTC, Scheduler retrying for an hour, 15 minutes for the metric: 25 h 15 min.
    assert watch.missed_night_window == AlarmWindow(3600, 26)
    assert config.pipeline().definition(REFS)["TimeoutSeconds"] == 6 * 3600


def test_a_frequent_schedule_gets_half_its_gap_as_default_timeout(tmp_path):
    config = load_text(tmp_path, schedule('expression = "rate(2 hours)"'))

    assert config.state_machine.timeout_seconds == 3600


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (['expression = "at(2099-01-01T00:00:00)"'], None),
        (["enabled = false"], None),
        (['expression = "cron(0 9 L * ? *)"'], None),
    ],
)
def test_no_missed_night_alarm_where_the_schedule_has_no_window(tmp_path, lines, expected):
    assert load_text(tmp_path, schedule(*lines)).night_watch.missed_night_window is expected


def problems_of(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_text(tmp_path, text)
    return [str(problem).split(": ", 1)[1] for problem in raised.value.problems]


def test_asking_for_the_alarm_of_a_run_once_schedule_is_an_error(tmp_path):
    text = schedule('expression = "at(2099-01-01T00:00:00)"') + "\n[night_watch]\nmissed_night_alarm = true\n"

    assert problems_of(tmp_path, text) == [
        (
            "night_watch.missed_night_alarm = true: cannot watch schedule.expression "
            "'at(2099-01-01T00:00:00)': at(...) runs once: there is no next run to miss; set it to false"
        )
    ]


def test_a_monthly_schedule_needs_the_alarm_turned_off(tmp_path):
    text = schedule('expression = "cron(0 8 1 * ? *)"')

    [problem] = problems_of(tmp_path, text)
    assert problem.startswith('schedule.expression = "cron(0 8 1 * ? *)": the missed-night alarm would have')
    assert problem.endswith("set night_watch.missed_night_alarm = false")
    off = load_text(tmp_path, text + "\n[night_watch]\nmissed_night_alarm = false\n")
    assert off.night_watch.missed_night_window is None


def test_a_timeout_as_long_as_the_gap_between_runs_is_refused(tmp_path):
    text = schedule('expression = "rate(12 hours)"').replace(
        "[connections.ticketing]", "[state_machine]\ntimeout_seconds = 43200\n\n[connections.ticketing]"
    )

    assert problems_of(tmp_path, text) == [
        (
            "state_machine.timeout_seconds = 43200: must be shorter than the schedule's shortest gap between "
            "runs (43200 s for rate(12 hours) in UTC, clock changes included), so that a hung run ends before "
            "the next starts"
        )
    ]


def test_a_ticket_without_the_rules_is_refused(tmp_path):
    text = MINIMAL_CONFIG + "\n[night_watch]\nuncaught_failures = false\nticket = true\n"

    assert problems_of(tmp_path, text) == [
        "night_watch.ticket = true: needs uncaught_failures = true: the tickets come from those rules"
    ]
    off = load_text(tmp_path, MINIMAL_CONFIG + "\n[night_watch]\nuncaught_failures = false\n")
    assert (off.night_watch.uncaught_failures, off.night_watch.ticket) == (False, False)


def test_the_watch_fits_every_state_machine_name_its_roles_fit(tmp_path):
    """The longest name the execution role allows (54 + "-execution") names every part of the
    watch within AWS's limits, so turning the watch on never refuses a name that worked."""
    name = "n" * 54
    config = load_text(
        tmp_path,
        edited('region = "eu-west-1"\n', f'region = "eu-west-1"\n\n[state_machine]\nname = "{name}"\n'),
    )

    assert config.state_machine.name == name
    assert config.night_watch.ticket and config.night_watch.missed_night_window
    assert [len(end.rule_name(name)) for end in WatchedEnd] == [62, 63]


def ticket_body_text(length: int) -> str:
    return in_table("[ticket]", f'body = {{ title = "{{{{error}}}}", details = "{"d" * length}" }}')


def test_a_ticket_body_too_long_for_the_night_watch_is_refused_at_load_naming_its_longest_text(tmp_path):
    problems = problems_of(tmp_path, ticket_body_text(8200))

    [problem] = problems
    assert problem.startswith("ticket.body: makes the night watch's ticket an EventBridge input template of ")
    assert "over EventBridge's limit of 8192 (InputTransformer.InputTemplate)" in problem
    assert problem.endswith(
        "its longest text is ticket.body.details (8200 characters); shorten it, or set night_watch.ticket = false"
    )


def test_every_accepted_ticket_body_fits_the_night_watchs_input_template(tmp_path):
    """The longest body the loader accepts renders within the limit, for both rules."""
    low, high = 1, 8192
    while low < high:  # the longest accepted length of `details`
        middle = (low + high + 1) // 2
        try:
            load_text(tmp_path, ticket_body_text(middle))
            low = middle
        except ConfigError:
            high = middle - 1
    config = load_text(tmp_path, ticket_body_text(low))
    static = config.pipeline().failure_path.static_placeholders()

    sizes = [
        len(input_transformer(end, config.ticket.request.body, static, config.stack.region).input_template)
        for end in WatchedEnd
    ]
    assert max(sizes) == 8192


def test_a_long_body_is_fine_when_the_night_watch_opens_no_ticket(tmp_path):
    text = ticket_body_text(8200) + "\n[night_watch]\nticket = false\n"

    assert load_text(tmp_path, text).night_watch.ticket is False
