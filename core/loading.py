"""Reads and validates environment configuration files (TOML).

load_configs() reports every problem of every file at once in one ConfigError;
nothing is built from a file that has any.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from aws_facts import names as aws_names
from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.errors import ConfigError, Problem
from config_kit.nested import walk
from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Problems, Table, key, read_document
from config_kit.toml_values import unrepresentable

from core import fire_drill
from core.arn_reach import reach_problems
from core.config import PipelineConfig
from core.connections import CONNECTIONS, ConnectionSettings, read_connections
from core.failure_path import (
    FIXED_STATES,
    STATIC_PLACEHOLDERS,
    FailurePath,
    Ticket,
)
from core.night_watch import WatchedEnd, template_size_problem
from core.role_policies import policy_size_problems
from core.sections.backend import BACKEND, S3Backend, read_backend
from core.sections.night_watch import NIGHT_WATCH, NightWatchSettings, read_night_watch
from core.sections.night_watch import derived_names as night_watch_names
from core.sections.notifications import NOTIFICATIONS, NotificationSettings, read_notifications
from core.sections.schedule import SCHEDULE, read_schedule
from core.sections.stack import STACK, read_stack
from core.sections.state_machine import STATE_MACHINE, StateMachineSettings, read_state_machine
from core.stack_names import self_start_problems, shared_name_problems
from core.state_files import local_state_problems, state_key
from core.steps import STEP_KINDS, STEP_TYPE, STEPS, Retry, Step
from core.steps.http_invoke import HTTP_RETRIED, HTTP_TRANSIENT_ERRORS, HttpRequest
from core.steps.step import ReadContext, read_common
from core.steps.task import retry_section
from core.templates import placeholder_names, template_problems
from core.tickets import PRESET, PRESET_VARIANTS, TICKET_REQUEST, connection_problems, read_preset
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
    if not problems.found:
        problems.found += policy_size_problems(config) + self_start_problems(config)
    if problems.found or without_json_form:
        raise ConfigError(_one_problem_per_field(without_json_form, problems.found))
    return replace(config, warnings=tuple(problems.warnings))


def _one_problem_per_field(first: list[Problem], others: list[Problem]) -> list[Problem]:
    """A date or nan where a typed key expects a string or a number is said once, not twice."""
    said = {problem.field for problem in first}
    return first + [problem for problem in others if problem.field not in said]


def _read_config(root: Table, source: str, now: datetime | None = None) -> PipelineConfig:
    stack = read_stack(root.table("stack", required=True))
    if not validators.region(stack.region):
        for field, arn, problem in reach_problems(root.data, stack.region, stack.account_id):
            root.problems.add(field, problem, arn)
    backend = read_backend(root.table("backend"))
    state_machine_table = root.table("state_machine")  # opened in the order "allowed here: ..." lists
    schedule = read_schedule(root.table("schedule"), now)
    state_machine = read_state_machine(state_machine_table, stack.name, schedule)
    night_watch = read_night_watch(root.table("night_watch"), schedule)
    notifications = read_notifications(root.table("notifications"), state_machine.name)
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
    _check_night_watch_template(root, ticket, night_watch, state_machine.name, stack.region)
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
    derived += night_watch_names(name, night_watch)
    field = "state_machine.name" if _is_set(root, "state_machine", "name") else "stack.name"
    for rule, value in derived:
        _check_derived_name(root.problems, field, name, rule, value)


def _is_set(root: Table, section: str, key: str) -> bool:
    table = root.data.get(section)
    return isinstance(table, Mapping) and key in table


def _check_derived_name(
    problems: Problems, field: str, value: str, rule: aws_rules.NameRule, name: str
) -> None:
    problem = rule.derived_problem(name)
    if problem:
        problems.add(field, problem, value)


REPORTER: Key[str | None] = key(
    "reporter",
    Kind.STRING,
    "Fills `{{reporter}}`. Outseta: the `FromPerson.Uid` the ticket is filed as.",
    Ticket.reporter,
)
TICKET_RETRY = Retry(errors=HTTP_TRANSIENT_ERRORS)


def _read_ticket(table: Table, connections: Mapping[str, ConnectionSettings]) -> Ticket:
    preset, request_keys = read_preset(table)
    ticket = Ticket(
        request=HttpRequest.read(table, connections, request_keys),
        preset=preset,
        reporter=table.read(REPORTER),
        retry=Retry.read(table.table("retry"), TICKET_RETRY),
    )
    for problem in connection_problems(preset, connections.get(ticket.request.connection)):
        table.problem("connection", problem)
    table.finish()
    return ticket


def _read_step(table: Table, context: ReadContext) -> Step | None:
    """None when the type is unknown: its other keys cannot be judged then."""
    kind = STEP_KINDS.get(table.read(STEP_TYPE))
    if kind is None:
        return None
    step = kind.read(table, read_common(table, kind), context)
    table.finish()
    return step


CONFIG = Section(
    "",
    "Each environment is one TOML file (config/*.toml). Unknown keys are errors, so a typo never "
    "silently falls back to a default.",
    children=(
        STACK,
        BACKEND,
        STATE_MACHINE,
        SCHEDULE,
        NIGHT_WATCH,
        NOTIFICATIONS,
        CONNECTIONS,
        Section(
            "ticket",
            "The ticket every failure opens (an http:invoke task), written by a preset or by hand.",
            keys=(PRESET, *(item for item in TICKET_REQUEST.all() if item.name != "endpoint"), REPORTER),
            children=(retry_section(HTTP_RETRIED),),
            required=True,
            variants=PRESET_VARIANTS,
            discriminator=PRESET.name,
        ),
        STEPS,
    ),
)
"""The whole configuration file, as config_kit.schema renders it (docs/configuration.md, the JSON Schema)."""


def _check_state_names(root: Table, steps: tuple[Step, ...]) -> None:
    """Step names must stay unique once the failure path's states, and the IAM
    Sids derived from all of them, are added. One message per step at most."""
    taken = {name: "the failure path" for name in FIXED_STATES}
    taken |= {name: "the fire drill (core/fire_drill.py)" for name in fire_drill.state_names()}
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


def _check_night_watch_template(
    root: Table, ticket: Ticket, night_watch: NightWatchSettings, state_machine_name: str, region: str
) -> None:
    """The body the night watch's ticket target sends must fit EventBridge's input template."""
    body = ticket.request.body
    if not night_watch.ticket or body is None or not state_machine_name:
        return
    if next(unrepresentable(body), None):
        return  # reported as a value without a JSON form
    static = FailurePath(
        state_machine_name=state_machine_name, ticket=ticket, subject=""
    ).static_placeholders()
    if any(template_problems(body, set(static), "ticket.body")):
        return  # reported by _check_ticket_template
    problems = [
        problem for end in WatchedEnd if (problem := template_size_problem(end, body, static, region))
    ]
    if problems:
        root.problems.add("ticket.body", max(problems, key=len))


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
