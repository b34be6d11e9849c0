"""What moto 5.2.5's ASL interpreter needs to run this project's definition.

One of its rules is looser than Step Functions: its States.ALL matches every
error, while Step Functions' matches neither States.Runtime nor
States.DataLimitExceeded (concepts-error-handling.html), which end the
execution whatever the Catch says. Here they do too, so the night watch's
rules, not the failure path, report them.

Two of its rules are stricter than Step Functions:
- It refuses every error name that starts with "States." unless it is one of
  its own built-in names, so `ErrorEquals: ["States.Http.StatusCode.429"]`
  does not parse. Step Functions itself raises the `States.Http.*` names from
  HTTP tasks, so they are allowed here too.
- A Fail state with `ErrorPath` builds its error through the same check, so
  re-raising a caught `States.TaskFailed` (an ECS step) or
  `States.Http.StatusCode.403` (an HTTP step) crashed the interpreter. At run
  time Step Functions reports whatever the path holds, and so does this patch.
And three of its habits differ from Step Functions:
- An execution stopped (StopExecution) while a task was running became FAILED
  when that task then failed. In Step Functions it stays ABORTED.
- `$$.Execution.StartTime` is a Python datetime in moto's context object (its
  own type hint says ISO 8601 string), so a body that carries it, such as the
  partner request's `"date.$": "$$.Execution.StartTime"`, cannot be sent as
  JSON. It is turned into the string Step Functions gives,
  `2026-11-25T22:00:00.123Z`.
- Retries really sleep (see offline.retry_clock).

Everything else the definition uses (States.JsonMerge, States.Format,
ErrorPath/CausePath, JitterStrategy) works in moto 5.2.5 unchanged; the
end-to-end tests run it.
"""

from __future__ import annotations

import datetime

from moto.stepfunctions.parser.asl.component.common.error_name import custom_error_name
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.fail import state_fail
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from offline.retry_clock import RetryClock

ALLOWED_STATES_PREFIXES = ("States.Http.",)
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
NOT_MATCHED_BY_STATES_ALL = ("States.Runtime", "States.DataLimitExceeded")

_original_init = custom_error_name.CustomErrorName.__init__
_original_environment = ExecutionWorker._get_evaluation_environment
_original_error_equals = ErrorEqualsDecl._eval_body
_original_set_error = Environment.set_error


class ReportedErrorName(ErrorName):
    """An error name as reported at run time, which Step Functions does not restrict."""


def _custom_error_name_init(self, error_name: str | None) -> None:
    if error_name is not None and error_name.startswith(ALLOWED_STATES_PREFIXES):
        ErrorName.__init__(self, error_name=error_name)
        return
    _original_init(self, error_name)


def _error_equals(self: ErrorEqualsDecl, env) -> None:
    error = env.stack[-1]
    if error.error_name in NOT_MATCHED_BY_STATES_ALL and ErrorEqualsDecl._STATE_ALL_ERROR in self.error_names:
        env.stack.pop()
        env.stack.append(False)
        return
    _original_error_equals(self, env)


def _set_error_unless_stopped(self: Environment, error) -> None:
    if isinstance(self.program_state(), ProgramStopped):
        return
    _original_set_error(self, error)


def iso_timestamp(moment: datetime.datetime) -> str:
    """UTC, milliseconds, Z: the format of Step Functions' context object."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _environment_with_iso_start_time(self: ExecutionWorker):
    environment = _original_environment(self)
    execution = environment.states.context_object.context_object_data["Execution"]
    if isinstance(execution["StartTime"], datetime.datetime):
        execution["StartTime"] = iso_timestamp(execution["StartTime"])
    return environment


def install(retry_clock: RetryClock) -> None:
    """Idempotent; patches moto's classes for the whole process."""
    custom_error_name.CustomErrorName.__init__ = _custom_error_name_init
    ExecutionWorker._get_evaluation_environment = _environment_with_iso_start_time
    ErrorEqualsDecl._eval_body = _error_equals
    Environment.set_error = _set_error_unless_stopped
    state_fail.CustomErrorName = ReportedErrorName
    retrier_decl.time = retry_clock
