"""The typed configuration of one environment, as read from its TOML file.

Each section's settings live with its keys and reading (core.sections, core.connections, ...);
core.loading builds them and validates every field before any of them is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from config_kit.errors import Problem
from core.connections import ConnectionSettings
from core.failure_path import FailurePath
from core.pipeline import Pipeline
from core.sections.backend import Backend
from core.sections.encryption import EncryptionSettings
from core.sections.night_watch import NightWatchSettings
from core.sections.notifications import NotificationSettings
from core.sections.schedule import ScheduleSettings
from core.sections.stack import StackSettings
from core.sections.state_machine import LogLevel, StateMachineSettings
from core.sections.ticket import Ticket
from core.steps import Step


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
    encryption: EncryptionSettings = field(default_factory=EncryptionSettings)
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
