"""What every step kind is: a config `type`, a reader, a Task state and its IAM.

A step kind is a subclass of Step in its own module of this package; defining
the subclass registers its `type`, so the loader, the offline doubles and the
review find it in STEP_KINDS (core.steps) without being told.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypedDict

from aws_facts import rules as aws_rules
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import DERIVED, Key, Kind, Table, key
from core.defaults import field_default
from core.refs import Refs
from core.steps.task import Retry
from policies.statement import Statement

_KINDS: dict[str, type[Step]] = {}


class CommonFields(TypedDict):
    """The keys every [[steps]] table has besides its type, as read."""

    name: str
    result_path: str | None
    timeout_seconds: int | None


@dataclass(frozen=True)
class ReadContext:
    """What a step's keys are checked against beyond the step itself."""

    connections: Collection[str]
    """The names of the configured connections."""


@dataclass(frozen=True, kw_only=True)
class Step(ABC):
    type: ClassVar[str]
    """The step's `type` in configuration files."""
    section: ClassVar[Section]
    """The keys this kind adds to a [[steps]] table (its name is the type), for the docs and the JSON Schema."""
    waits_for_completion: ClassVar[bool] = False
    """Whether the Task waits for the job it starts to end (a ".sync" or ".waitForTaskToken"
    integration) rather than for the API call's answer. Default: it does not.
    https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html"""

    name: str
    result_path: str | None = None
    """Where the step's result goes, e.g. "$.extract". Default: dropped; the
    step's input passes on unchanged, so every step sees the execution input."""
    timeout_seconds: int | None = None
    """Default: no limit but the service's own."""
    retry: Retry

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type in _KINDS:
            raise TypeError(f"step type {cls.type!r} is defined twice: {_KINDS[cls.type]} and {cls}")
        _KINDS[cls.type] = cls

    @classmethod
    @abstractmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        """The step from its [[steps]] table; problems go to the table, which the
        caller finishes. Keys are read in the order the docs list them."""

    @classmethod
    def read_retry(cls, table: Table) -> Retry:
        """The step's [steps.retry] table; keys left out keep this kind's default."""
        return Retry.read(table.table("retry"), field_default(cls, "retry", Retry))

    @abstractmethod
    def to_state(self, refs: Refs) -> dict[str, Any]:
        """The Task state, without Catch and Next (the pipeline adds them)."""

    @abstractmethod
    def policy_statements(self, refs: Refs) -> list[Statement]:
        """Exactly what the execution role needs to run this state."""


NAME: Key[str] = key(
    "name",
    Kind.STRING,
    "The state's name: letters, digits, spaces, `-`, `_`; at most 80 characters with the `<name>Failed` "
    "state derived from it.",
    check=validators.state_name,
)
RESULT_PATH: Key[str | None] = key(
    "result_path",
    Kind.STRING,
    "Where the step's result goes, e.g. `$.extract`. Default: dropped; every step sees the execution input.",
    Step.result_path,
    check=validators.result_path,
)
TIMEOUT_SECONDS: Key[int | None] = key(
    "timeout_seconds",
    Kind.INTEGER,
    "The state's TimeoutSeconds.",
    DERIVED,
    bounds=aws_rules.STATE_TIMEOUT_SECONDS,
)


def read_common(table: Table, kind: type[Step]) -> CommonFields:
    """A key left out takes the kind's own default (a Lambda step's timeout, ...)."""
    return CommonFields(
        name=table.read(NAME),
        result_path=table.read(RESULT_PATH),
        timeout_seconds=table.read(TIMEOUT_SECONDS, kind.timeout_seconds),
    )


def registered_kinds() -> Mapping[str, type[Step]]:
    return dict(sorted(_KINDS.items()))
