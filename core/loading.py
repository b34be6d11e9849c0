"""Reads and validates environment configuration files (TOML).

load_configs() reports every problem of every file at once in one ConfigError;
nothing is built from a file that has any.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from aws_facts.schedule_window import Recurrence, recurrence
from config_kit import validators
from config_kit.errors import ConfigError, Problem
from config_kit.nested import walk
from config_kit.schema import Section
from config_kit.toml_table import DERIVED, Key, Kind, Problems, Table, key, read_document
from config_kit.toml_values import unrepresentable
from core import fire_drill
from core.arn_reach import reach_problems
from core.config import (
    DEFAULT_TIMEOUT_SECONDS,
    Backend,
    LocalBackend,
    LogLevel,
    NightWatchSettings,
    NotificationSettings,
    PipelineConfig,
    S3Backend,
    ScheduleSettings,
    StackSettings,
    StateMachineSettings,
)
from core.connections import CONNECTIONS, read_connections
from core.defaults import field_default
from core.failure_path import (
    FIXED_STATES,
    FailurePath,
)
from core.night_watch import AlarmWindow, StatusAlarm, WatchedEnd, missed_night_window
from core.role_policies import policy_size_problems
from core.schedule_checks import check_runs, execution_timeout
from core.sections.ticket import TICKET, check_night_watch_body, check_ticket_template, read_ticket
from core.stack_names import longest_state_machine_name, self_start_problems, shared_name_problems
from core.state_files import local_state_problems, state_key
from core.steps import STEPS, AddedStates, check_state_names, read_steps
from core.steps.step import MAX_TIMEOUT_SECONDS, ReadContext
from policies.statement import sid_from_name


def load_configs(
    paths: Iterable[Path],
    project: Path | None = None,
    outdir: Path | None = None,
    now: datetime | None = None,
) -> list[PipelineConfig]:
    """project: the folder local state paths are relative to; with it, their symlinks are
    followed too, both to keep state inside it and out of what it deletes (core.state_files,
    outdir being the output folder) and to tell two stacks' state files apart. now: when a
    schedule's runs are judged from (default: the clock)."""
    configs: list[PipelineConfig] = []
    problems: list[Problem] = []
    read: list[Path] = []
    for path in paths:
        twin = next((earlier for earlier in read if _same_file(earlier, path)), None)
        if twin is not None:
            problems.append(Problem(str(path), "(file)", f"is the same file as {twin}, given twice"))
            continue
        read.append(path)
        try:
            configs.append(load_config(path, now))
        except ConfigError as error:
            problems += error.problems
    problems += _shared_between_stacks(configs, project)
    one_per_stack = {config.stack.name: config for config in reversed(configs)}  # the first of each name
    problems += shared_name_problems(
        [config for config in configs if one_per_stack[config.stack.name] is config]
    )
    if project is not None:
        problems += [
            problem for config in configs for problem in local_state_problems(config, project, outdir)
        ]
    if problems:
        raise ConfigError(problems)
    return configs


def _same_file(first: Path, second: Path) -> bool:
    """By any path: a symlink, ./, an absolute path or a hard link to the same file."""
    try:
        return first.samefile(second)
    except OSError:
        return False


def _shared_between_stacks(configs: list[PipelineConfig], project: Path | None) -> list[Problem]:
    """What two stacks cannot share: a name, a state file, a schedule group each would create."""
    problems = []
    owners: dict[tuple[str, ...], str] = {}
    for config in configs:
        for field, owned, value, what in _owned(config, project):
            first = owners.setdefault(owned, config.source)
            if first != config.source:
                problems.append(Problem(config.source, field, f"is already {what} of {first}", value))
    return problems


def _owned(config: PipelineConfig, project: Path | None) -> Iterator[tuple[str, tuple[str, ...], str, str]]:
    """(field, what is owned, value shown, the owner's role) for each thing a stack owns alone."""
    yield "stack.name", ("stack", config.stack.name), config.stack.name, "the stack"
    backend = config.backend
    if isinstance(backend, S3Backend):
        state = f"s3://{backend.bucket}/{backend.key}"
        yield "backend.key", ("state", state), state, "the state file"
    else:
        path = aws_names.local_state_path(backend.path, config.stack.name)
        resolved = state_key((project / path).resolve() if project else Path(path))
        yield "backend.path", ("state", resolved), path, "the state file"
    group = config.schedule.group
    if group != aws_rules.DEFAULT_SCHEDULE_GROUP:
        owned = ("group", group, config.stack.region, config.stack.account_id or "")
        yield "schedule.group", owned, group, "the schedule group, created in the same account and region,"


def load_config(path: Path, now: datetime | None = None) -> PipelineConfig:
    source = str(path)
    problems = Problems(source)
    try:
        data = read_document(path)
    except ValueError as error:
        raise ConfigError([Problem(source, "(file)", str(error))]) from None
    for node in walk(data):
        for text in (node.key, node.value):
            if isinstance(text, str) and ("${" in text or "%{" in text):
                problems.add(
                    node.path,
                    "must not contain '${' or '%{': Terraform would read them as template syntax",
                    text,
                )
    without_json_form = [
        Problem(source, field, allowed, value) for field, value, allowed in unrepresentable(data)
    ]
    config = _read_config(Table(data, "", problems), source, now)
    if config is not None and not problems.found:
        problems.found += policy_size_problems(config) + self_start_problems(config)
    if config is None or problems.found or without_json_form:
        raise ConfigError(_one_problem_per_field(without_json_form, problems.found))
    return replace(config, warnings=tuple(problems.warnings))


def _one_problem_per_field(first: list[Problem], others: list[Problem]) -> list[Problem]:
    """A date or nan where a typed key expects a string or a number is said once, not twice."""
    said = {problem.field for problem in first}
    return first + [problem for problem in others if problem.field not in said]


def _read_config(root: Table, source: str, now: datetime | None = None) -> PipelineConfig | None:
    """None when a part the configuration cannot go without could not be read (a problem says why)."""
    stack = _read_stack(root.table("stack", required=True))
    if not validators.region(stack.region):
        for field, arn, problem in reach_problems(root.data, stack.region, stack.account_id):
            root.problems.add(field, problem, arn)
    backend = _read_backend(root.table("backend"))
    state_machine = _read_state_machine(root.table("state_machine"), stack.name)
    schedule = _read_schedule(root.table("schedule"))
    state_machine, night_watch = _read_night_watch(root, state_machine, schedule, now)
    notifications = _read_notifications(root.table("notifications"), state_machine.name)
    connections_table = root.table("connections", required=True)
    connections = read_connections(connections_table, state_machine.name)
    # Also those that could not be read: naming one is not a second problem.
    connection_names = frozenset(connections_table.data)
    _check_derived_names(root, state_machine, notifications, night_watch)
    ticket_table = root.table("ticket", required=True)
    ticket = read_ticket(ticket_table, connections, connection_names)
    steps = read_steps(root, ReadContext(connections=connection_names))
    check_state_names(root.problems, steps, _added_states())
    if ticket is not None:
        check_ticket_template(ticket_table, ticket)
        if night_watch.ticket:
            check_night_watch_body(ticket_table, ticket, state_machine.name, stack.region)
    root.finish()
    if ticket is None:
        return None  # said why
    return PipelineConfig(
        source=source,
        stack=stack,
        backend=backend,
        state_machine=state_machine,
        schedule=schedule,
        notifications=notifications,
        connections=connections,
        ticket=ticket,
        steps=steps,
        night_watch=night_watch,
    )


STACK_NAME: Key[str] = key(
    "name",
    Kind.STRING,
    "The Terraform stack, `cdktf.out/stacks/<name>`. Must be unique across files.",
    check=validators.stack_name,
)
STACK_REGION: Key[str] = key("region", Kind.STRING, "The provider's region.", check=validators.region)
ACCOUNT_ID: Key[str | None] = key(
    "account_id",
    Kind.STRING,
    "When set, Terraform refuses to run against another account (`allowed_account_ids`).",
    StackSettings.account_id,
    default_doc="any account",
    check=validators.account_id,
)
TAGS: Key[dict[str, str]] = key(
    "tags",
    Kind.STRING_TABLE,
    f"Tags put on every resource (the provider's `default_tags`), at most {aws_rules.MAX_TAGS}, "
    "each checked against AWS's tag rules.",
    field_default(StackSettings, "tags", dict),
)


def _read_stack(table: Table) -> StackSettings:
    stack = StackSettings(
        name=table.read(STACK_NAME),
        region=table.read(STACK_REGION),
        account_id=table.read(ACCOUNT_ID),
        tags=table.read(TAGS),
    )
    for tag, value in stack.tags.items():
        if problem := aws_rules.tag_problem(tag, value):
            table.problems.add(f"{table.field('tags')}.{tag}", problem, value)
    if len(stack.tags) > aws_rules.MAX_TAGS:
        table.problem("tags", f"must hold at most {aws_rules.MAX_TAGS} tags (it has {len(stack.tags)})")
    table.finish()
    return stack


BACKEND_TYPE: Key[str] = key(
    "type", Kind.STRING, "Where Terraform keeps its state.", "local", choices=("local", "s3")
)
STATE_PATH: Key[str | None] = key(
    "path",
    Kind.STRING,
    "The state file, relative to the project folder and inside it, outside every folder the project "
    "deletes or replaces (`cdktf.out`, `cdktf.hcl`, `.make`, `.terraform.d`, `node_modules`, `.venv`, the "
    "output folder, ...), and not an existing file other than a state. Two stacks never share a state "
    "file; paths that differ only in letter case are one file (as on macOS and Windows).",
    LocalBackend.path,
    default_doc="`terraform.<stack>.tfstate`",
    check=validators.project_path,
)
BUCKET: Key[str] = key(
    "bucket", Kind.STRING, "The S3 bucket (S3's bucket naming rules).", check=aws_rules.s3_bucket_problem
)
STATE_KEY: Key[str] = key(
    "key",
    Kind.STRING,
    "The state's object key (no leading, trailing or double `/`).",
    check=aws_rules.s3_state_key_problem,
)
BUCKET_REGION: Key[str] = key("region", Kind.STRING, "The bucket's region.", check=validators.region)
DYNAMODB_TABLE: Key[str | None] = key(
    "dynamodb_table",
    Kind.STRING,
    "A DynamoDB lock table (legacy locking).",
    S3Backend.dynamodb_table,
    check=aws_rules.DYNAMODB_TABLE_NAME.problem,
)
USE_LOCKFILE: Key[bool] = key(
    "use_lockfile", Kind.BOOLEAN, "S3-native state locking.", S3Backend.use_lockfile
)
ENCRYPT: Key[bool] = key("encrypt", Kind.BOOLEAN, "Server-side encryption of the state.", S3Backend.encrypt)


def _read_backend(table: Table) -> Backend:
    kind = table.read(BACKEND_TYPE)
    if kind == "s3":
        backend: Backend = S3Backend(
            bucket=table.read(BUCKET),
            key=table.read(STATE_KEY),
            region=table.read(BUCKET_REGION),
            dynamodb_table=table.read(DYNAMODB_TABLE),
            use_lockfile=table.read(USE_LOCKFILE),
            encrypt=table.read(ENCRYPT),
        )
    else:
        backend = LocalBackend(path=table.read(STATE_PATH))
    table.finish()
    return backend


STATE_MACHINE_NAME: Key[str] = key(
    "name",
    Kind.STRING,
    "Also the schedule's name and the prefix of the role, connection, log group and topic names, each "
    f"checked against AWS's rule: at most {longest_state_machine_name()} characters leaves room for "
    f"`<name>-execution` (IAM roles take {aws_rules.IAM_ROLE_NAME.max_length}), "
    f"{longest_state_machine_name(test_state_role=True)} with `test_state_role`; each connection's "
    f"`<name>-<connection>` must fit in {aws_rules.CONNECTION_NAME.max_length} too. Two stacks that would "
    "create the same name are refused: IAM role names are unique in an account whatever their letter "
    "case, the others in an account and region.",
    DERIVED,
    default_doc="`stack.name`",
    check=validators.state_machine_name,
)
LOG_LEVEL: Key[str] = key(
    "log_level",
    Kind.STRING,
    "`OFF` also drops the logging permissions, the log group and the log destination.",
    StateMachineSettings.log_level.value,
    choices=tuple(level.value for level in LogLevel),
)
LOG_RETENTION_DAYS: Key[int] = key(
    "log_retention_days",
    Kind.INTEGER,
    "One of the periods CloudWatch Logs offers: "
    + ", ".join(str(days) for days in sorted(aws_rules.LOG_RETENTION_DAYS))
    + ".",
    StateMachineSettings.log_retention_days,
    low=min(aws_rules.LOG_RETENTION_DAYS),
    high=max(aws_rules.LOG_RETENTION_DAYS),
)
INCLUDE_EXECUTION_DATA: Key[bool] = key(
    "include_execution_data",
    Kind.BOOLEAN,
    "Log inputs and outputs, which may hold data you would rather not keep.",
    StateMachineSettings.include_execution_data,
)
TRACING: Key[bool] = key(
    "tracing", Kind.BOOLEAN, "X-Ray tracing, with its permissions.", StateMachineSettings.tracing
)
TEST_STATE_ROLE: Key[bool] = key(
    "test_state_role",
    Kind.BOOLEAN,
    'Also create a role for the console\'s "Test state"; see '
    "[trying the ticket state](iam.md#trying-the-ticket-state-in-the-console).",
    StateMachineSettings.test_state_role,
)


STATE_MACHINE_TIMEOUT_SECONDS: Key[int] = key(
    "timeout_seconds",
    Kind.INTEGER,
    "An execution still running after this long ends TIMED_OUT, and the night watch reports it. "
    "Shorter than the schedule's shortest gap between runs (clock changes included), so that it ends "
    "before the next run starts.",
    DERIVED,
    default_doc=f"{DEFAULT_TIMEOUT_SECONDS // 3600} hours, or half the schedule's shortest gap if shorter",
    low=1,
    high=MAX_TIMEOUT_SECONDS,
)


def _read_state_machine(table: Table, stack_name: str) -> StateMachineSettings:
    level = table.read(LOG_LEVEL) or LOG_LEVEL.default
    settings = StateMachineSettings(
        name=table.read(STATE_MACHINE_NAME, stack_name),
        log_level=LogLevel(level),
        log_retention_days=table.read(LOG_RETENTION_DAYS),
        include_execution_data=table.read(INCLUDE_EXECUTION_DATA),
        tracing=table.read(TRACING),
        test_state_role=table.read(TEST_STATE_ROLE),
        # 0 until _read_night_watch, which knows the schedule, sets the default.
        timeout_seconds=table.read(STATE_MACHINE_TIMEOUT_SECONDS, 0),
    )
    retention_problem = validators.log_retention_days(settings.log_retention_days)
    if retention_problem:
        table.problem("log_retention_days", retention_problem)
    table.finish()
    return settings


_SCHEDULE = ScheduleSettings()
EXPRESSION: Key[str] = key(
    "expression",
    Kind.STRING,
    "`cron(...)` (6 fields, `?` in one day field), `rate(...)` or `at(...)`. Ranges run from the lower "
    "value to the higher (`22-23,0-2`, not `22-2`). One that never runs again (30 February, a past year or "
    "`at(...)`) is refused; a time the spring clock change skips in `timezone` is warned about, as "
    "Scheduler skips that night's run.",
    _SCHEDULE.expression,
    check=validators.schedule_expression,
)
TIMEZONE: Key[str] = key(
    "timezone", Kind.STRING, "An IANA time zone.", _SCHEDULE.timezone, check=validators.timezone
)
ENABLED: Key[bool] = key(
    "enabled", Kind.BOOLEAN, "Whether the schedule starts executions.", _SCHEDULE.enabled
)
SCHEDULE_INPUT: Key[dict[str, Any]] = key(
    "input", Kind.TABLE, "The execution input, as a table.", dict(_SCHEDULE.input)
)
GROUP: Key[str] = key(
    "group",
    Kind.STRING,
    "The schedule group. Any other than `default` is created by this stack (so two stacks in one "
    "account and region cannot name the same one).",
    _SCHEDULE.group,
    check=validators.schedule_group,
)
RETRY_ATTEMPTS: Key[int] = key(
    "retry_attempts",
    Kind.INTEGER,
    "How often Scheduler retries a failed StartExecution.",
    _SCHEDULE.retry_attempts,
    low=aws_rules.SCHEDULE_RETRY_ATTEMPTS.low,
    high=aws_rules.SCHEDULE_RETRY_ATTEMPTS.high,
)
MAX_EVENT_AGE_SECONDS: Key[int] = key(
    "max_event_age_seconds",
    Kind.INTEGER,
    "How long Scheduler keeps retrying.",
    _SCHEDULE.max_event_age_seconds,
    low=aws_rules.SCHEDULE_MAX_EVENT_AGE_SECONDS.low,
    high=aws_rules.SCHEDULE_MAX_EVENT_AGE_SECONDS.high,
)


def _read_schedule(table: Table) -> ScheduleSettings:
    schedule = ScheduleSettings(
        expression=table.read(EXPRESSION),
        timezone=table.read(TIMEZONE),
        enabled=table.read(ENABLED),
        input=table.read(SCHEDULE_INPUT),
        group=table.read(GROUP),
        retry_attempts=table.read(RETRY_ATTEMPTS),
        max_event_age_seconds=table.read(MAX_EVENT_AGE_SECONDS),
    )
    if fire_drill.INPUT_KEY in schedule.input:
        table.problem(
            f"input.{fire_drill.INPUT_KEY}",
            "must not be set: it asks for a fire drill, which only scripts/fire-drill.sh may start; "
            "remove the key",
            schedule.input[fire_drill.INPUT_KEY],
        )
    table.finish()
    return schedule


UNCAUGHT_FAILURES: Key[bool] = key(
    "uncaught_failures",
    Kind.BOOLEAN,
    "EventBridge rules for TIMED_OUT, ABORTED and uncatchable errors, e-mailing the topic.",
    NightWatchSettings.uncaught_failures,
)
WATCH_TICKET: Key[bool] = key(
    "ticket",
    Kind.BOOLEAN,
    "Those rules also open a ticket (an API destination); needs `uncaught_failures`.",
    DERIVED,
    default_doc="`uncaught_failures`",
)
DEAD_LETTER_QUEUE: Key[bool] = key(
    "dead_letter_queue",
    Kind.BOOLEAN,
    "Scheduler's dead-letter queue (runs it could not start) and an alarm on it.",
    NightWatchSettings.dead_letter_queue,
)
DEAD_LETTER_RETENTION_DAYS: Key[int] = key(
    "dead_letter_retention_days",
    Kind.INTEGER,
    "How long a dead letter stays to be looked into, in the schedule's queue and the watch's; only "
    "with `dead_letter_queue` or `uncaught_failures`.",
    aws_rules.SQS_RETENTION_DAYS.high,
    low=aws_rules.SQS_RETENTION_DAYS.low,
    high=aws_rules.SQS_RETENTION_DAYS.high,
)
MISSED_NIGHT_ALARM: Key[bool] = key(
    "missed_night_alarm",
    Kind.BOOLEAN,
    "An alarm when a night passes without an execution starting. Only for an enabled schedule that "
    "recurs; write `false` for any other.",
    True,
)
NIGHT_WATCH = Section(
    "night_watch",
    "What reports the nights the state machine cannot report itself; all on by default. See "
    "[failure-coverage.md](failure-coverage.md#configuration).",
    keys=(UNCAUGHT_FAILURES, WATCH_TICKET, DEAD_LETTER_QUEUE, DEAD_LETTER_RETENTION_DAYS, MISSED_NIGHT_ALARM),
)


def _read_night_watch(
    root: Table, state_machine: StateMachineSettings, schedule: ScheduleSettings, now: datetime | None
) -> tuple[StateMachineSettings, NightWatchSettings]:
    """The execution timeout, judged against the schedule's shortest gap between runs, and the
    night watch, whose missed-night alarm waits for the longest."""
    table = root.table("night_watch")
    gap = recurrence(schedule.expression, schedule.timezone, now) if _schedule_is_valid(schedule) else None
    if gap:
        check_runs(root.problems, schedule, gap)
    timeout = execution_timeout(root.problems, state_machine.timeout_seconds, schedule, gap)
    uncaught = table.read(UNCAUGHT_FAILURES)
    settings = NightWatchSettings(
        uncaught_failures=uncaught,
        ticket=table.read(WATCH_TICKET, uncaught),
        dead_letter_queue=table.read(DEAD_LETTER_QUEUE),
        dead_letter_retention_days=table.read(DEAD_LETTER_RETENTION_DAYS),
        missed_night_window=_missed_night_window(table, schedule, gap),
    )
    if settings.ticket and not uncaught:
        table.problem("ticket", "needs uncaught_failures = true: the tickets come from those rules")
    if not (settings.dead_letter_queue or uncaught) and DEAD_LETTER_RETENTION_DAYS.name in table.data:
        table.problem(
            DEAD_LETTER_RETENTION_DAYS.name,
            "needs dead_letter_queue = true or uncaught_failures = true: it is how long their queues "
            "keep a letter; remove it or turn a queue on",
        )
    table.finish()
    return replace(state_machine, timeout_seconds=timeout), settings


def _schedule_is_valid(schedule: ScheduleSettings) -> bool:
    return not validators.schedule_expression(schedule.expression) and not validators.timezone(
        schedule.timezone
    )


def _missed_night_window(
    table: Table, schedule: ScheduleSettings, gap: Recurrence | None
) -> AlarmWindow | None:
    """On by default when the schedule is enabled and recurs; asked for where it cannot be, an error."""
    asked = MISSED_NIGHT_ALARM.name in table.data
    if not table.read(MISSED_NIGHT_ALARM) or gap is None or gap.never:
        return None
    if gap.longest_gap_seconds is None or not schedule.enabled:
        if asked:
            reason = gap.why_none or "the schedule is disabled (schedule.enabled = false)"
            table.problem(
                "missed_night_alarm",
                f"cannot watch schedule.expression {schedule.expression!r}: {reason}; set it to false",
            )
        return None
    window = missed_night_window(gap.longest_gap_seconds, schedule.max_event_age_seconds)
    if isinstance(window, str):
        table.problems.add("schedule.expression", window, schedule.expression)
        return None
    return window


TOPIC_NAME: Key[str] = key(
    "topic_name",
    Kind.STRING,
    "The SNS topic of the failure notifications.",
    DERIVED,
    default_doc="`<state machine>-failures`",
    check=validators.topic_name,
)
EMAILS: Key[tuple[str, ...]] = key(
    "emails",
    Kind.STRINGS,
    "One e-mail subscription each. Addresses that differ only in case or punctuation count as the same "
    "address.",
    NotificationSettings.emails,
    check=validators.email,
)
SUBJECT: Key[str] = key(
    "subject",
    Kind.STRING,
    f"At most {aws_rules.MAX_SNS_SUBJECT} printable ASCII characters.",
    DERIVED,
    default_doc="`<state machine> failed`",
    check=validators.sns_subject,
)


def _read_notifications(table: Table, state_machine_name: str) -> NotificationSettings:
    notifications = NotificationSettings(
        topic_name=table.read(TOPIC_NAME, aws_names.default_topic_name(state_machine_name)),
        emails=table.read(EMAILS),
        subject=table.read(SUBJECT, f"{state_machine_name} failed"[: aws_rules.MAX_SNS_SUBJECT]),
    )
    _check_same_addresses(table, notifications.emails)
    table.finish()
    return notifications


def _check_same_addresses(table: Table, emails: tuple[str, ...]) -> None:
    """Addresses are the same when they differ only in case (mail domains ignore case, RFC 5321
    section 2.4, and so do the mailboxes of every common provider, so each e-mail would arrive
    twice) or only in punctuation (their subscriptions would share one Terraform id)."""
    repeated = sorted({email for email in emails if emails.count(email) > 1})
    if repeated:
        table.problem("emails", f"lists {', '.join(repeated)} more than once")
    first_by_id: dict[str, str] = {}
    for email in emails:
        first = first_by_id.setdefault(aws_names.email_subscription_id(email).lower(), email)
        if first != email:
            table.problem("emails", f"lists {first} and {email}, which differ only in case or punctuation")


def _check_derived_names(
    root: Table,
    state_machine: StateMachineSettings,
    notifications: NotificationSettings,
    night_watch: NightWatchSettings,
) -> None:
    """The AWS names built from the state machine's name; a problem names the field it came
    from (stack.name when the state machine takes the stack's name)."""
    name = state_machine.name
    if not name:
        return  # already reported
    derived = [
        (aws_rules.IAM_ROLE_NAME, aws_names.execution_role_name(name)),
        (aws_rules.IAM_ROLE_NAME, aws_names.scheduler_role_name(name)),
        (aws_rules.SCHEDULE_NAME, aws_names.schedule_name(name)),
        (aws_rules.LOG_GROUP_NAME, aws_names.log_group_name(name)),
    ]
    if state_machine.test_state_role:
        derived.append((aws_rules.IAM_ROLE_NAME, aws_names.test_state_role_name(name)))
    if not _is_set(root, "notifications", "topic_name"):
        derived.append((aws_rules.SNS_TOPIC_NAME, notifications.topic_name))
    derived += _night_watch_names(name, night_watch)
    field = "state_machine.name" if _is_set(root, "state_machine", "name") else "stack.name"
    for rule, value in derived:
        _check_derived_name(root.problems, field, name, rule, value)


def _night_watch_names(name: str, watch: NightWatchSettings) -> list[tuple[aws_rules.NameRule, str]]:
    """Only the parts that are on."""
    derived = []
    if watch.uncaught_failures:
        derived += [(aws_rules.EVENT_RULE_NAME, end.rule_name(name)) for end in WatchedEnd]
        derived += [(aws_rules.ALARM_NAME, alarm.alarm_name(name)) for alarm in StatusAlarm]
        derived += [
            (aws_rules.SQS_QUEUE_NAME, aws_names.night_watch_dead_letter_queue_name(name)),
            (aws_rules.ALARM_NAME, aws_names.night_watch_dead_letter_alarm_name(name)),
        ]
    if watch.ticket:
        derived += [
            (aws_rules.API_DESTINATION_NAME, aws_names.ticket_destination_name(name)),
            (aws_rules.IAM_ROLE_NAME, aws_names.ticket_target_role_name(name)),
        ]
    if watch.dead_letter_queue:
        derived += [
            (aws_rules.SQS_QUEUE_NAME, aws_names.schedule_dead_letter_queue_name(name)),
            (aws_rules.ALARM_NAME, aws_names.dead_letter_alarm_name(name)),
        ]
    if watch.missed_night_window:
        derived.append((aws_rules.ALARM_NAME, aws_names.missed_night_alarm_name(name)))
    return derived


def _is_set(root: Table, section: str, key: str) -> bool:
    table = root.data.get(section)
    return isinstance(table, Mapping) and key in table


def _check_derived_name(
    problems: Problems, field: str, value: str, rule: aws_rules.NameRule, name: str
) -> None:
    problem = rule.derived_problem(name)
    if problem:
        problems.add(field, problem, value)


CONFIG = Section(
    "",
    "Each environment is one TOML file (config/*.toml). Unknown keys are errors, so a typo never "
    "silently falls back to a default.",
    children=(
        Section(
            "stack", "The Terraform stack.", keys=(STACK_NAME, STACK_REGION, ACCOUNT_ID, TAGS), required=True
        ),
        Section(
            "backend",
            "Where Terraform keeps its state.",
            keys=(BACKEND_TYPE,),
            variants=(
                Section("local", "A state file in the project folder.", keys=(STATE_PATH,)),
                Section(
                    "s3",
                    "An S3 bucket.",
                    keys=(BUCKET, STATE_KEY, BUCKET_REGION, DYNAMODB_TABLE, USE_LOCKFILE, ENCRYPT),
                ),
            ),
        ),
        Section(
            "state_machine",
            "The state machine, its logs and tracing.",
            keys=(
                STATE_MACHINE_NAME,
                LOG_LEVEL,
                LOG_RETENTION_DAYS,
                INCLUDE_EXECUTION_DATA,
                TRACING,
                TEST_STATE_ROLE,
                STATE_MACHINE_TIMEOUT_SECONDS,
            ),
        ),
        Section(
            "schedule",
            "The EventBridge Scheduler schedule that starts the pipeline.",
            keys=(
                EXPRESSION,
                TIMEZONE,
                ENABLED,
                SCHEDULE_INPUT,
                GROUP,
                RETRY_ATTEMPTS,
                MAX_EVENT_AGE_SECONDS,
            ),
        ),
        NIGHT_WATCH,
        Section("notifications", "The team's failure notifications.", keys=(TOPIC_NAME, EMAILS, SUBJECT)),
        CONNECTIONS,
        TICKET,
        STEPS,
    ),
)
"""The whole configuration file, as config_kit.schema renders it (docs/configuration.md, the JSON Schema)."""


def _added_states() -> AddedStates:
    return AddedStates(
        owners={name: "the failure path" for name in FIXED_STATES}
        | {name: "the fire drill (core/fire_drill.py)" for name in fire_drill.state_names()},
        sids={sid_from_name(name): "the failure path" for name in FIXED_STATES},
        record_state_name=FailurePath.record_state_name,
    )
