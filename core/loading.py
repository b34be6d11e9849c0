"""Reads and validates environment configuration files (TOML).

load_configs() reports every problem of every file at once in one ConfigError;
nothing is built from a file that has any.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from core import aws_names, aws_rules, validators
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
from core.connections import ConnectionSettings, read_connections
from core.defaults import field_default
from core.errors import ConfigError, Problem
from core.failure_path import (
    FIXED_STATES,
    STATIC_PLACEHOLDERS,
    FailurePath,
    Ticket,
)
from core.nested import walk
from core.night_watch import AlarmWindow, WatchedEnd, missed_night_window
from core.role_policies import policy_size_problems
from core.schedule_window import Recurrence, recurrence
from core.steps import STEP_KINDS, Retry, Step
from core.steps.http_invoke import HTTP_TRANSIENT_ERRORS, HttpRequest
from core.steps.step import MAX_TIMEOUT_SECONDS, ReadContext, read_common
from core.templates import placeholder_names, template_problems
from core.tickets import connection_problems, read_preset
from core.toml_table import Problems, Table, one_of, read_document
from policies.statement import sid_from_name


def load_configs(paths: Iterable[Path], project: Path | None = None) -> list[PipelineConfig]:
    """project: the folder local state paths are relative to; with it, their symlinks are
    followed too, both to keep state inside it and to tell two stacks' state files apart."""
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
            configs.append(load_config(path))
        except ConfigError as error:
            problems += error.problems
    problems += _shared_between_stacks(configs, project)
    if project is not None:
        problems += [problem for config in configs if (problem := _state_outside(config, project))]
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


def _state_outside(config: PipelineConfig, project: Path) -> Problem | None:
    """A local state path inside the project by its name can still lead out through a symlink."""
    backend = config.backend
    if isinstance(backend, S3Backend) or backend.path is None:
        return None
    if (project / backend.path).resolve().is_relative_to(project.resolve()):
        return None
    return Problem(
        config.source, "backend.path", "leads out of the project folder through a symlink", backend.path
    )


def _owned(config: PipelineConfig, project: Path | None) -> Iterator[tuple[str, tuple[str, ...], str, str]]:
    """(field, what is owned, value shown, the owner's role) for each thing a stack owns alone."""
    yield "stack.name", ("stack", config.stack.name), config.stack.name, "the stack"
    backend = config.backend
    if isinstance(backend, S3Backend):
        state = f"s3://{backend.bucket}/{backend.key}"
        yield "backend.key", ("state", state), state, "the state file"
    else:
        path = aws_names.local_state_path(backend.path, config.stack.name)
        resolved = str((project / path).resolve()) if project else path
        yield "backend.path", ("state", resolved), path, "the state file"
    group = config.schedule.group
    if group != aws_rules.DEFAULT_SCHEDULE_GROUP:
        owned = ("group", group, config.stack.region, config.stack.account_id or "")
        yield "schedule.group", owned, group, "the schedule group, created in the same account and region,"


def load_config(path: Path) -> PipelineConfig:
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
    config = _read_config(Table(data, "", problems), source)
    if not problems.found:
        problems.found += policy_size_problems(config)
    if problems.found:
        raise ConfigError(problems.found)
    return config


def _read_config(root: Table, source: str) -> PipelineConfig:
    stack = _read_stack(root.table("stack", required=True))
    backend = _read_backend(root.table("backend"))
    state_machine = _read_state_machine(root.table("state_machine"), stack.name)
    schedule = _read_schedule(root.table("schedule"))
    state_machine, night_watch = _read_night_watch(root, state_machine, schedule)
    notifications = _read_notifications(root.table("notifications"), state_machine.name)
    connections = read_connections(root.table("connections", required=True), state_machine.name)
    _check_derived_names(root, state_machine, notifications, night_watch)
    ticket = _read_ticket(root.table("ticket", required=True), connections)
    step_tables = root.tables("steps")
    if not step_tables:
        root.problem(
            "steps", "the pipeline needs at least one [[steps]] table", value=root.data.get("steps", [])
        )
    context = ReadContext(connections=frozenset(connections))
    read_steps = (_read_step(table, context) for table in step_tables)
    steps = tuple(step for step in read_steps if step is not None)
    _check_state_names(root, steps)
    _check_ticket_template(root, ticket)
    root.finish()
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


def _read_stack(table: Table) -> StackSettings:
    stack = StackSettings(
        name=table.string("name", check=validators.stack_name),
        region=table.string("region", check=validators.region),
        account_id=table.string("account_id", StackSettings.account_id, validators.account_id),
        tags=table.string_table("tags", field_default(StackSettings, "tags", dict)),
    )
    for key, value in stack.tags.items():
        if problem := aws_rules.tag_problem(key, value):
            table.problems.add(f"{table.field('tags')}.{key}", problem, value)
    if len(stack.tags) > aws_rules.MAX_TAGS:
        table.problem("tags", f"must hold at most {aws_rules.MAX_TAGS} tags (it has {len(stack.tags)})")
    table.finish()
    return stack


def _read_backend(table: Table) -> Backend:
    kind = table.string("type", "local", one_of(("local", "s3")))
    if kind == "s3":
        backend: Backend = S3Backend(
            bucket=table.string("bucket", check=aws_rules.s3_bucket_problem),
            key=table.string("key", check=aws_rules.s3_state_key_problem),
            region=table.string("region", check=validators.region),
            dynamodb_table=table.string(
                "dynamodb_table", S3Backend.dynamodb_table, aws_rules.DYNAMODB_TABLE_NAME.problem
            ),
            use_lockfile=table.boolean("use_lockfile", S3Backend.use_lockfile),
            encrypt=table.boolean("encrypt", S3Backend.encrypt),
        )
    else:
        backend = LocalBackend(path=table.string("path", LocalBackend.path, validators.project_path))
    table.finish()
    return backend


def _read_state_machine(table: Table, stack_name: str) -> StateMachineSettings:
    levels = tuple(level.value for level in LogLevel)
    defaults = StateMachineSettings  # a dataclass's class attributes are its fields' defaults
    level = table.string("log_level", defaults.log_level.value, one_of(levels)) or defaults.log_level.value
    settings = StateMachineSettings(
        name=table.string("name", stack_name, validators.state_machine_name),
        log_level=LogLevel(level),
        log_retention_days=table.integer(
            "log_retention_days",
            defaults.log_retention_days,
            low=min(aws_rules.LOG_RETENTION_DAYS),
            high=max(aws_rules.LOG_RETENTION_DAYS),
        ),
        include_execution_data=table.boolean("include_execution_data", defaults.include_execution_data),
        tracing=table.boolean("tracing", defaults.tracing),
        test_state_role=table.boolean("test_state_role", defaults.test_state_role),
        # 0 until _read_night_watch, which knows the schedule, sets the default.
        timeout_seconds=table.integer("timeout_seconds", 0, low=1, high=MAX_TIMEOUT_SECONDS),
    )
    retention_problem = validators.log_retention_days(settings.log_retention_days)
    if retention_problem:
        table.problem("log_retention_days", retention_problem)
    table.finish()
    return settings


def _read_schedule(table: Table) -> ScheduleSettings:
    defaults = ScheduleSettings()
    retries, event_age = aws_rules.SCHEDULE_RETRY_ATTEMPTS, aws_rules.SCHEDULE_MAX_EVENT_AGE_SECONDS
    schedule = ScheduleSettings(
        expression=table.string("expression", defaults.expression, validators.schedule_expression),
        timezone=table.string("timezone", defaults.timezone, validators.timezone),
        enabled=table.boolean("enabled", defaults.enabled),
        input=table.json_table("input", dict(defaults.input)),
        group=table.string("group", defaults.group, validators.schedule_group),
        retry_attempts=table.integer(
            "retry_attempts", defaults.retry_attempts, low=retries.low, high=retries.high
        ),
        max_event_age_seconds=table.integer(
            "max_event_age_seconds", defaults.max_event_age_seconds, low=event_age.low, high=event_age.high
        ),
    )
    table.finish()
    return schedule


def _read_night_watch(
    root: Table, state_machine: StateMachineSettings, schedule: ScheduleSettings
) -> tuple[StateMachineSettings, NightWatchSettings]:
    """The execution timeout and the night watch, both judged against the schedule's longest gap."""
    table = root.table("night_watch")
    gap = recurrence(schedule.expression, schedule.timezone) if _schedule_is_valid(schedule) else None
    longest_gap = gap.longest_gap_seconds if gap else None
    timeout = state_machine.timeout_seconds
    if not timeout:
        timeout = min(DEFAULT_TIMEOUT_SECONDS, longest_gap // 2) if longest_gap else DEFAULT_TIMEOUT_SECONDS
    elif longest_gap and timeout >= longest_gap:
        root.problems.add(
            "state_machine.timeout_seconds",
            f"must be shorter than the schedule's longest gap between runs ({longest_gap} s for "
            f"{schedule.expression} in {schedule.timezone}), so that a hung night ends before the next starts",
            timeout,
        )
    uncaught = table.boolean("uncaught_failures", True)
    settings = NightWatchSettings(
        uncaught_failures=uncaught,
        ticket=table.boolean("ticket", uncaught),
        dead_letter_queue=table.boolean("dead_letter_queue", True),
        dead_letter_retention_days=table.integer(
            "dead_letter_retention_days",
            aws_rules.SQS_RETENTION_DAYS.high,
            low=aws_rules.SQS_RETENTION_DAYS.low,
            high=aws_rules.SQS_RETENTION_DAYS.high,
        ),
        missed_night_window=_missed_night_window(table, schedule, gap),
    )
    if settings.ticket and not uncaught:
        table.problem("ticket", "needs uncaught_failures = true: the tickets come from those rules")
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
    asked = "missed_night_alarm" in table.data
    if not table.boolean("missed_night_alarm", True) or gap is None:
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


def _read_notifications(table: Table, state_machine_name: str) -> NotificationSettings:
    notifications = NotificationSettings(
        topic_name=table.string(
            "topic_name", aws_names.default_topic_name(state_machine_name), validators.topic_name
        ),
        emails=table.strings("emails", NotificationSettings.emails, validators.email),
        subject=table.string(
            "subject", f"{state_machine_name} failed"[: aws_rules.MAX_SNS_SUBJECT], validators.sns_subject
        ),
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


def _read_ticket(table: Table, connections: Mapping[str, ConnectionSettings]) -> Ticket:
    preset, defaults = read_preset(table)
    ticket = Ticket(
        request=HttpRequest.read(
            table,
            connections,
            default_endpoint=defaults.endpoint,
            default_method=defaults.method,
            default_headers=defaults.headers,
            default_query=defaults.query,
            default_body=defaults.body,
        ),
        preset=preset,
        reporter=table.string("reporter", Ticket.reporter),
        retry=Retry.read(table.table("retry"), Retry(errors=HTTP_TRANSIENT_ERRORS)),
    )
    for problem in connection_problems(preset, connections.get(ticket.request.connection)):
        table.problem("connection", problem)
    table.finish()
    return ticket


def _read_step(table: Table, context: ReadContext) -> Step | None:
    """None when the type is unknown: its other keys cannot be judged then."""
    kind = STEP_KINDS.get(table.string("type", check=one_of(tuple(STEP_KINDS))))
    if kind is None:
        return None
    step = kind.read(table, read_common(table, kind), context)
    table.finish()
    return step


def _check_state_names(root: Table, steps: tuple[Step, ...]) -> None:
    """Step names must stay unique once the failure path's states, and the IAM
    Sids derived from all of them, are added. One message per step at most."""
    taken = {name: "the failure path" for name in FIXED_STATES}
    sids = {sid_from_name(name): "the failure path" for name in FIXED_STATES}
    for index, step in enumerate(steps):
        if not step.name:
            continue
        field = f"steps[{index}].name"
        problem = _state_name_problem(step.name, taken, sids)
        if problem:
            root.problems.add(field, problem, step.name)
        for state in (step.name, FailurePath.record_state_name(step.name)):
            taken.setdefault(state, field)
        sids.setdefault(sid_from_name(step.name), field)


def _state_name_problem(name: str, taken: Mapping[str, str], sids: Mapping[str, str]) -> str | None:
    record = FailurePath.record_state_name(name)
    for state in (name, record):
        if state in taken:
            return f"{state!r} is already a state name, used by {taken[state]}"
    if len(record) > aws_rules.MAX_STATE_NAME:
        return (
            f"its failure state {record!r} would be longer than {aws_rules.MAX_STATE_NAME} "
            f"characters; use at most {aws_rules.MAX_STATE_NAME - len(record) + len(name)}"
        )
    sid = sid_from_name(name)
    if sid in sids:
        return f"reads the same as {sids[sid]} once spaces and punctuation are dropped"
    return None


def _check_ticket_template(root: Table, ticket: Ticket) -> None:
    body = ticket.request.body
    for part, template in (("body", body), ("headers", ticket.request.headers)):
        for field, text, allowed in template_problems(template, set(STATIC_PLACEHOLDERS), f"ticket.{part}"):
            root.problems.add(field, allowed, text)
    if ticket.reporter is None and any(
        "reporter" in placeholder_names(node.value) for node in walk(body) if isinstance(node.value, str)
    ):
        root.problems.add(
            "ticket.reporter",
            "is required because ticket.body uses {{reporter}}: the user or bot the ticket is filed as",
        )
