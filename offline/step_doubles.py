"""The pipeline's steps, made to succeed or fail on demand: one double per step kind.

The state machine runs in moto, but the functions, tasks, jobs and state
machines its steps call do not exist there (or, like an ECS task, never stop).
Each double stands in for one kind of step at the point where Step Functions
receives the outcome, so everything around it (parameters, Retry, Catch,
ResultPath, the error and cause that reach the failure path) is moto's
interpreter running the real definition.

The doubles live in offline/doubles/, one module per step kind (named like the
kind's module in core/steps/); a module that defines a StepDouble subclass
registers it. A step kind without a double is an error, not a silent fallback.
A held target does not answer until it is released: a step that hangs.
Every call is recorded, so a test can check which steps ran, in order.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from core.steps import STEP_KINDS, Step

if TYPE_CHECKING:
    from offline.http_invoke import HttpInvokeSettings
    from offline.recording_server import RecordingServer

ServiceFactory = Callable[[], StateTaskService]
S = TypeVar("S", bound=Step)
MAX_HOLD_SECONDS = 60.0
"""A held call answers after this long at the latest, so no thread outlives a run."""


@dataclass(frozen=True)
class Failure:
    error: str
    """The error the step's service reports (a Lambda errorType, a child execution's error)."""
    message: str


@dataclass(frozen=True)
class StepCall:
    kind: str
    """The step's type, e.g. "lambda"."""
    target: str
    """The function, task definition, job or state machine as the definition names it."""
    parameters: dict[str, Any]


class StepDoubles:
    """Outcomes by target (function ARN, task definition, job name, ...); anything not set succeeds."""

    def __init__(self) -> None:
        self._failures: dict[str, Failure] = {}
        self._calls: list[StepCall] = []
        self._lock = threading.Lock()
        self._held: dict[str, threading.Event] = {}

    def fail(self, target: str, error: str, message: str) -> None:
        with self._lock:
            self._failures[target] = Failure(error, message)

    def hold(self, target: str) -> None:
        """Calls of the target wait until release() (or reset())."""
        with self._lock:
            self._held[target] = threading.Event()

    def release(self) -> None:
        with self._lock:
            for event in self._held.values():
                event.set()
            self._held.clear()

    def reset(self) -> None:
        self.release()
        with self._lock:
            self._failures.clear()
            self._calls.clear()

    @property
    def calls(self) -> list[StepCall]:
        with self._lock:
            return list(self._calls)

    def answer(self, kind: type[Step], target: str, parameters: dict[str, Any]) -> Failure | None:
        """Records a call; returns how it fails, or None when it succeeds."""
        with self._lock:
            self._calls.append(StepCall(kind.type, target, parameters))
            held = self._held.get(target)
        if held is not None:
            held.wait(MAX_HOLD_SECONDS)
        with self._lock:
            return self._failures.get(target)


class Controls(Protocol):
    """What a double sets to make its step fail: the outcomes of the doubles, and the local
    server that stands in for an HTTPS endpoint (offline.deployment.Deployment has both)."""

    @property
    def doubles(self) -> StepDoubles: ...

    def server_for(self, endpoint: str) -> RecordingServer: ...


class StepDouble(ABC, Generic[S]):
    """The offline stand-in of one step kind."""

    step: ClassVar[type[Step]]
    """The step class this double stands in for."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.step in _DOUBLES:
            raise TypeError(f"{cls.step.type} steps have two doubles: {_DOUBLES[cls.step]} and {cls}")
        _DOUBLES[cls.step] = cls

    @abstractmethod
    def services(self, doubles: StepDoubles, http: HttpInvokeSettings) -> Mapping[str, ServiceFactory]:
        """moto's integrations to replace, by service name ("ecs" in ecs:runTask.sync)."""

    @abstractmethod
    def make_fail(self, controls: Controls, step: S) -> str:
        """Makes the step fail on the next run; returns the error the execution should end with."""

    def endpoints(self, step: S) -> list[str]:
        """The HTTPS endpoints the step calls, which offline runs need a server for."""
        return []


_DOUBLES: dict[type[Step], type[StepDouble[Any]]] = {}


def ended(service: StateTaskService, env: Any, result: dict[str, Any], succeeded: bool) -> Callable[[], Any]:
    """The sync resolver of a job that has already ended: its result, or, when it did not succeed,
    States.TaskFailed with the result as cause, as Step Functions reports a failed .sync job."""

    def resolve() -> dict[str, Any]:
        if succeeded:
            return result
        name = StatesErrorName(typ=StatesErrorNameType.StatesTaskFailed)
        raise FailureEventException(
            failure_event=FailureEvent(
                env=env,
                error_name=name,
                event_type=HistoryEventType.TaskFailed,
                event_details=EventDetails(
                    taskFailedEventDetails=TaskFailedEventDetails(
                        error=name.error_name,
                        cause=json.dumps(result),
                        resource=service._get_sfn_resource(),
                        resourceType=service._get_sfn_resource_type(),
                    )
                ),
            )
        )

    return resolve


class NoDouble(LookupError):
    """Raised when a step's kind has no offline double: it cannot run offline."""


def double_for(kind: type[Step]) -> StepDouble[Any]:
    _import_doubles()
    if kind not in _DOUBLES:
        doubled = ", ".join(sorted(step.type for step in _DOUBLES))
        raise NoDouble(f"{kind.type} steps have no offline double (offline/doubles/); doubled: {doubled}")
    return _DOUBLES[kind]()


def all_doubles() -> list[StepDouble[Any]]:
    """One double per registered step kind; fails if any kind has none."""
    return [double_for(kind) for kind in STEP_KINDS.values()]


def _import_doubles() -> None:
    import offline.doubles  # noqa: F401  (importing it registers every double)
