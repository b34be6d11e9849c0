"""The typed configuration of one environment, as read from its TOML file.

Every optional field says what leaving it out means. core.loading builds these
objects and validates every field before any of them is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aws_facts.rules import DEFAULT_SCHEDULE_GROUP
from config_kit.errors import Problem
from core.connections import ConnectionSettings
from core.failure_path import FailurePath
from core.night_watch import AlarmWindow
from core.pipeline import Pipeline
from core.sections.ticket import Ticket
from core.steps import Step


class LogLevel(Enum):
    ALL = "ALL"
    ERROR = "ERROR"
    FATAL = "FATAL"
    OFF = "OFF"


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    name: str
    """The Terraform stack: cdktf.out/stacks/<name>."""
    region: str
    account_id: str | None = None
    """Default: any account. When set, Terraform refuses to run against another one."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags put on every resource (the provider's default_tags)."""


@dataclass(frozen=True, kw_only=True)
class LocalBackend:
    path: str | None = None
    """Relative to the project folder. Default: terraform.<stack>.tfstate."""


@dataclass(frozen=True, kw_only=True)
class S3Backend:
    bucket: str
    key: str
    region: str
    dynamodb_table: str | None = None
    """Default: none; locking uses an S3 lock file (use_lockfile) instead."""
    use_lockfile: bool = True
    encrypt: bool = True


Backend = LocalBackend | S3Backend


DEFAULT_TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True, kw_only=True)
class StateMachineSettings:
    name: str
    log_level: LogLevel = LogLevel.ERROR
    log_retention_days: int = 30
    include_execution_data: bool = False
    """Default: logs leave out inputs and outputs, which may hold data you'd rather not keep."""
    tracing: bool = False
    """Default: no X-Ray tracing."""
    test_state_role: bool = False
    """Also create a role for trying single states in the console's "Test state".
    Default: no such role."""
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    """An execution still running after this long ends TIMED_OUT (the night watch reports it).
    Default: 6 hours, or half the schedule's shortest gap between runs if that is shorter."""


@dataclass(frozen=True, kw_only=True)
class ScheduleSettings:
    expression: str = "cron(0 22 * * ? *)"
    """Default: every night at 22:00 in the schedule's time zone."""
    timezone: str = "UTC"
    enabled: bool = True
    input: Mapping[str, Any] = field(default_factory=dict)
    """The execution input. Default: {}."""
    group: str = DEFAULT_SCHEDULE_GROUP
    """Default: the account's default group. The stack creates any other group."""
    retry_attempts: int = 2
    """How often Scheduler retries a failed StartExecution (0-185)."""
    max_event_age_seconds: int = 3600
    """How long Scheduler keeps retrying (60-86400 s)."""

    def input_json(self) -> str:
        return json.dumps(self.input, sort_keys=True)


@dataclass(frozen=True, kw_only=True)
class NotificationSettings:
    topic_name: str
    emails: tuple[str, ...] = ()
    """Default: no e-mail subscription (subscribe the topic some other way)."""
    subject: str


@dataclass(frozen=True, kw_only=True)
class NightWatchSettings:
    """What reports the nights the state machine cannot report itself (core.night_watch)."""

    uncaught_failures: bool = True
    """EventBridge rules for TIMED_OUT, ABORTED and uncatchable errors, e-mailing the topic."""
    ticket: bool = True
    """Those rules also open a ticket (API destination). Default: on, when the rules are."""
    dead_letter_queue: bool = True
    """Scheduler's dead-letter queue (runs it could not start) and an alarm on it."""
    dead_letter_retention_days: int = 14
    """How long a dead letter stays to be looked into (SQS allows 1 minute to 14 days)."""
    missed_night_window: AlarmWindow | None = None
    """The window of the missed-night alarm; None: no such alarm (a schedule that is disabled,
    runs once, or whose gaps cannot be computed, or night_watch.missed_night_alarm = false)."""


@dataclass(frozen=True, kw_only=True)
class PipelineConfig:
    source: str
    """The file this configuration was read from."""
    stack: StackSettings
    backend: Backend
    state_machine: StateMachineSettings
    schedule: ScheduleSettings
    notifications: NotificationSettings
    connections: Mapping[str, ConnectionSettings]
    ticket: Ticket
    steps: tuple[Step, ...]
    night_watch: NightWatchSettings = field(default_factory=NightWatchSettings)
    warnings: tuple[Problem, ...] = ()
    """What was accepted but may not do what the user expects (main.py prints them)."""

    def pipeline(self) -> Pipeline:
        return Pipeline(
            name=self.state_machine.name,
            comment=f"Nightly pipeline of stack {self.stack.name}; every failure opens a ticket",
            steps=self.steps,
            failure_path=FailurePath(
                state_machine_name=self.state_machine.name,
                ticket=self.ticket,
                subject=self.notifications.subject,
            ),
            logging=self.state_machine.log_level is not LogLevel.OFF,
            tracing=self.state_machine.tracing,
            timeout_seconds=self.state_machine.timeout_seconds,
        )
