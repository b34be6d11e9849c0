"""Reads and validates environment configuration files (TOML).

load_configs() reports every problem of every file at once in one ConfigError;
nothing is built from a file that has any.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from core import validators
from core.config import (
    Backend,
    LocalBackend,
    LogLevel,
    NotificationSettings,
    PipelineConfig,
    S3Backend,
    ScheduleSettings,
    StackSettings,
    StateMachineSettings,
)
from core.connections import ConnectionSettings, read_connections
from core.errors import ConfigError, Problem
from core.failure_path import (
    FIXED_STATES,
    STATIC_PLACEHOLDERS,
    FailurePath,
    Ticket,
)
from core.steps import ContainerOverride, EcsStep, HttpRequest, HttpStep, LambdaStep, Retry, Step
from core.steps.http_invoke import HTTP_TRANSIENT_ERRORS
from core.steps.lambda_invoke import LAMBDA_TRANSIENT_ERRORS
from core.templates import placeholder_names, template_problems
from core.tickets import connection_problems, read_preset
from core.toml_table import REQUIRED, Problems, Table, one_of
from policies.statement import sid_from_name

STEP_KINDS = ("lambda", "ecs", "http")


def load_configs(paths: Iterable[Path]) -> list[PipelineConfig]:
    configs: list[PipelineConfig] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            configs.append(load_config(path))
        except ConfigError as error:
            problems += error.problems
    stacks: dict[str, str] = {}
    for config in configs:
        first = stacks.setdefault(config.stack.name, config.source)
        if first != config.source:
            problems.append(
                Problem(config.source, "stack.name", f"is already the stack of {first}", config.stack.name)
            )
    if problems:
        raise ConfigError(problems)
    return configs


def load_config(path: Path) -> PipelineConfig:
    source = str(path)
    problems = Problems(source)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError([Problem(source, "(file)", f"cannot be read: {error}")]) from None
    for field, text in _strings(data, "", with_keys=True):
        if "${" in text or "%{" in text:
            problems.add(
                field, "must not contain '${' or '%{': Terraform would read them as template syntax", text
            )
    config = _read_config(Table(data, "", problems), source)
    if problems.found:
        raise ConfigError(problems.found)
    return config


def _read_config(root: Table, source: str) -> PipelineConfig:
    stack = _read_stack(root.table("stack", required=True))
    backend = _read_backend(root.table("backend"))
    state_machine = _read_state_machine(root.table("state_machine"), stack.name)
    schedule = _read_schedule(root.table("schedule"))
    notifications = _read_notifications(root.table("notifications"), state_machine.name)
    connections = read_connections(root.table("connections", required=True), state_machine.name)
    ticket = _read_ticket(root.table("ticket", required=True), connections)
    step_tables = root.tables("steps")
    if not step_tables:
        root.problem(
            "steps", "the pipeline needs at least one [[steps]] table", value=root.data.get("steps", [])
        )
    read_steps = (_read_step(table, connections) for table in step_tables)
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
    )


def _read_stack(table: Table) -> StackSettings:
    stack = StackSettings(
        name=table.string("name", check=validators.stack_name),
        region=table.string("region", check=validators.region),
        account_id=table.string("account_id", None, validators.account_id),
        tags=table.string_table("tags"),
    )
    table.finish()
    return stack


def _read_backend(table: Table) -> Backend:
    kind = table.string("type", "local", one_of(("local", "s3")))
    if kind == "s3":
        backend: Backend = S3Backend(
            bucket=table.string("bucket"),
            key=table.string("key"),
            region=table.string("region", check=validators.region),
            dynamodb_table=table.string("dynamodb_table", None),
            use_lockfile=table.boolean("use_lockfile", True),
            encrypt=table.boolean("encrypt", True),
        )
    else:
        backend = LocalBackend(path=table.string("path", None))
    table.finish()
    return backend


def _read_state_machine(table: Table, stack_name: str) -> StateMachineSettings:
    levels = tuple(level.value for level in LogLevel)
    settings = StateMachineSettings(
        name=table.string("name", stack_name, validators.aws_name),
        log_level=LogLevel(table.string("log_level", "ERROR", one_of(levels)) or "ERROR"),
        log_retention_days=table.integer("log_retention_days", 30, low=1, high=3653),
        include_execution_data=table.boolean("include_execution_data", False),
        tracing=table.boolean("tracing", False),
        test_state_role=table.boolean("test_state_role", False),
    )
    retention_problem = validators.log_retention_days(settings.log_retention_days)
    if retention_problem:
        table.problem("log_retention_days", retention_problem)
    table.finish()
    return settings


def _read_schedule(table: Table) -> ScheduleSettings:
    defaults = ScheduleSettings()
    schedule = ScheduleSettings(
        expression=table.string("expression", defaults.expression, validators.schedule_expression),
        timezone=table.string("timezone", defaults.timezone, validators.timezone),
        enabled=table.boolean("enabled", defaults.enabled),
        input=table.json_table("input", {}),
        group=table.string("group", defaults.group, validators.aws_name),
        retry_attempts=table.integer("retry_attempts", defaults.retry_attempts, low=0, high=185),
        max_event_age_seconds=table.integer(
            "max_event_age_seconds", defaults.max_event_age_seconds, low=60, high=86400
        ),
    )
    table.finish()
    return schedule


def _read_notifications(table: Table, state_machine_name: str) -> NotificationSettings:
    notifications = NotificationSettings(
        topic_name=table.string("topic_name", f"{state_machine_name}-failures", validators.topic_name),
        emails=table.strings("emails", check=validators.email),
        subject=table.string("subject", f"{state_machine_name} failed"[:99], validators.sns_subject),
    )
    duplicates = sorted({email for email in notifications.emails if notifications.emails.count(email) > 1})
    if duplicates:
        table.problem("emails", f"lists {', '.join(duplicates)} more than once")
    table.finish()
    return notifications


def _read_ticket(table: Table, connections: Mapping[str, ConnectionSettings]) -> Ticket:
    preset, defaults = read_preset(table)
    ticket = Ticket(
        request=_read_request(
            table,
            connections,
            default_endpoint=defaults.endpoint,
            default_method=defaults.method,
            default_headers=defaults.headers,
            default_query=defaults.query,
            default_body=defaults.body,
        ),
        preset=preset,
        reporter=table.string("reporter", None),
        retry=_read_retry(table.table("retry"), HTTP_TRANSIENT_ERRORS),
    )
    for problem in connection_problems(preset, connections.get(ticket.request.connection)):
        table.problem("connection", problem)
    table.finish()
    return ticket


def _read_request(
    table: Table,
    connections: Mapping[str, Any],
    *,
    default_endpoint: Any = REQUIRED,
    default_method: str,
    default_headers: Mapping[str, str],
    default_query: Mapping[str, str] | None = None,
    default_body: Any,
) -> HttpRequest:
    connection = table.string("connection")
    if connection and connection not in connections:
        known = ", ".join(sorted(connections)) or "none are configured"
        table.problem("connection", f"must name a configured connection ([connections.<name>]): {known}")
    return HttpRequest(
        endpoint=table.string("endpoint", default_endpoint, validators.https_url),
        method=table.string("method", default_method, validators.http_method),
        connection=connection,
        headers=table.string_table("headers", default_headers, validators.request_header),
        query=table.string_table("query", default_query),
        body=table.json_table("body", default_body),
    )


def _read_retry(table: Table, default_errors: tuple[str, ...]) -> Retry:
    defaults = Retry(errors=default_errors)
    retry = Retry(
        errors=table.strings("errors", default_errors),
        max_attempts=table.integer("max_attempts", defaults.max_attempts, low=0, high=10),
        interval_seconds=table.integer("interval_seconds", defaults.interval_seconds, low=1, high=300),
        backoff_rate=table.number("backoff_rate", defaults.backoff_rate, low=1.0, high=10.0),
    )
    table.finish()
    return retry


def _read_step(table: Table, connections: Mapping[str, ConnectionSettings]) -> Step | None:
    """None when the type is unknown: its other keys cannot be judged then."""
    kind = table.string("type", check=one_of(STEP_KINDS))
    if kind not in STEP_KINDS:
        return None
    common = {
        "name": table.string("name", check=validators.state_name),
        "result_path": table.string("result_path", None, validators.result_path),
        "timeout_seconds": table.integer("timeout_seconds", None, low=1, high=31_536_000),
    }
    step: Step
    if kind == "ecs":
        step = EcsStep(
            **common,
            cluster_arn=table.string("cluster", check=validators.ecs_cluster_arn),
            task_definition_arn=table.string("task_definition", check=validators.ecs_task_definition_arn),
            subnets=table.strings("subnets", check=validators.subnet_id),
            security_groups=table.strings("security_groups", check=validators.security_group_id),
            assign_public_ip=table.boolean("assign_public_ip", False),
            pass_role_arns=table.strings("pass_roles", check=validators.iam_role_arn),
            container_overrides=tuple(_read_override(item) for item in table.tables("container_overrides")),
            retry=_read_retry(table.table("retry"), ()),
        )
        if not step.subnets and not table.data.get("subnets"):
            table.problem("subnets", "at least one subnet id is required", value=[])
    elif kind == "http":
        step = HttpStep(
            **common,
            request=_read_request(
                table, connections, default_method="GET", default_headers={}, default_body=None
            ),
            retry=_read_retry(table.table("retry"), HTTP_TRANSIENT_ERRORS),
        )
    else:
        step = LambdaStep(
            **common,
            function_arn=table.string("function", check=validators.lambda_function_arn),
            payload=table.json_table("payload", None),
            retry=_read_retry(table.table("retry"), LAMBDA_TRANSIENT_ERRORS),
        )
    table.finish()
    return step


def _read_override(table: Table) -> ContainerOverride:
    command = table.strings("command", None)
    override = ContainerOverride(
        name=table.string("name"),
        command=command,
        environment=table.string_table("environment"),
    )
    table.finish()
    return override


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
    if len(record) > validators.MAX_STATE_NAME:
        return (
            f"its failure state {record!r} would be longer than {validators.MAX_STATE_NAME} "
            f"characters; use at most {validators.MAX_STATE_NAME - len(record) + len(name)}"
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
        "reporter" in placeholder_names(text) for _, text in _strings(body, "")
    ):
        root.problems.add(
            "ticket.reporter",
            "is required because ticket.body uses {{reporter}}: the user or bot the ticket is filed as",
        )


def _strings(value: Any, where: str, with_keys: bool = False) -> Iterator[tuple[str, str]]:
    """Every string in a TOML value, with where it is; table keys too if asked."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            field = f"{where}.{key}" if where else key
            if with_keys:
                yield field, key
            yield from _strings(item, field, with_keys)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]", with_keys)
