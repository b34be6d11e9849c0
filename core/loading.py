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
from config_kit.toml_table import Problems, Table, read_document
from config_kit.toml_values import unrepresentable
from core import fire_drill
from core.arn_reach import reach_problems
from core.config import PipelineConfig
from core.connections import CONNECTIONS, read_connections
from core.failure_path import (
    FIXED_STATES,
    FailurePath,
)
from core.role_policies import policy_size_problems, sizing_refs
from core.sections.backend import BACKEND, S3Backend, read_backend
from core.sections.encryption import ENCRYPTION, read_encryption
from core.sections.night_watch import NIGHT_WATCH, NightWatchSettings, read_night_watch
from core.sections.night_watch import derived_names as night_watch_names
from core.sections.notifications import NOTIFICATIONS, NotificationSettings, read_notifications
from core.sections.schedule import SCHEDULE, read_schedule
from core.sections.stack import STACK, read_stack
from core.sections.state_machine import STATE_MACHINE, StateMachineSettings, read_state_machine
from core.sections.ticket import TICKET, check_night_watch_body, check_ticket_template, read_ticket
from core.stack_names import self_start_problems, shared_name_problems
from core.state_files import local_state_problems, state_key
from core.steps import STEPS, AddedStates, check_state_names, read_steps
from core.steps.step import ReadContext
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
    owners: dict[tuple[str, ...], tuple[str, str]] = {}
    for config in configs:
        for field, owned, value, what in _owned(config, project):
            first, first_value = owners.setdefault(owned, (config.source, value))
            if first != config.source:
                problem = f"is already {what} of {first}"
                if owned[0] == "stack" and first_value != value:
                    problem += f' as "{first_value}": {_STACK_FOLDERS}'
                problems.append(Problem(config.source, field, problem, value))
    return problems


_STACK_FOLDERS = "stack folders whose names differ only in letter case are one folder on macOS and Windows"


def _owned(config: PipelineConfig, project: Path | None) -> Iterator[tuple[str, tuple[str, ...], str, str]]:
    """(field, what is owned, value shown, the owner's role) for each thing a stack owns alone."""
    yield "stack.name", ("stack", config.stack.name.casefold()), config.stack.name, "the stack"
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
    if config is not None and not problems.found and not without_json_form:
        problems.found += (
            policy_size_problems(config) + _definition_size_problems(config) + self_start_problems(config)
        )
    if config is None or problems.found or without_json_form:
        raise ConfigError(_one_problem_per_field(without_json_form, problems.found))
    return replace(config, warnings=tuple(problems.warnings))


def _definition_size_problems(config: PipelineConfig) -> list[Problem]:
    """Sized with the longest ARNs the references can take (core.role_policies.sizing_refs)."""
    size = len(config.pipeline().definition_text(sizing_refs(config)))
    if size <= aws_rules.MAX_STATE_MACHINE_DEFINITION:
        return []
    allowed = (
        f"make a state machine definition of {size} characters, over Step Functions' limit of "
        f"{aws_rules.MAX_STATE_MACHINE_DEFINITION} (CreateStateMachine); split the pipeline into "
        "several state machines (a state_machine step runs another) or shorten its payloads and bodies"
    )
    return [Problem(config.source, "steps", allowed, f"{len(config.steps)} steps")]


def _one_problem_per_field(first: list[Problem], others: list[Problem]) -> list[Problem]:
    """A date or nan where a typed key expects a string or a number is said once, not twice."""
    said = {problem.field for problem in first}
    return first + [problem for problem in others if problem.field not in said]


def _read_config(root: Table, source: str, now: datetime | None = None) -> PipelineConfig | None:
    """None when a part the configuration cannot go without could not be read (a problem says why)."""
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
    encryption = read_encryption(root.table("encryption"), stack)
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
    if ticket is None or backend is None:
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
        encryption=encryption,
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
        ENCRYPTION,
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
