"""Another state machine run to completion as a pipeline step (states:startExecution.sync:2).

https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from aws_facts.arns import event_rule_arn
from config_kit import validators
from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Table, key
from core.asl_paths import dynamic_value_problems
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, retry_section, task_state
from policies.statement import Statement, sid_from_name

# Step Functions creates and manages this rule itself to learn when a child execution ends.
SYNC_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule"
_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):states:(?P<region>[^:]+):(?P<account>[^:]+):stateMachine:(?P<name>[^:]+)"
)
# What a state machine name must not contain, and its length:
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html#StepFunctions-CreateStateMachine-request-name
_NAME = re.compile(r"[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]{1,80}")
_EXAMPLE = "arn:aws:states:eu-west-1:123456789012:stateMachine:load-warehouse"
_in_a_partition = validators.arn(r"states:.+", _EXAMPLE)


def state_machine_arn(value: str) -> str | None:
    allowed = f"must be a state machine ARN like {_EXAMPLE}, without a version or alias"
    match = _ARN.fullmatch(value)
    if not match or _in_a_partition(value):
        return allowed
    if validators.region(match["region"]) or validators.account_id(match["account"]):
        return allowed
    if not _NAME.fullmatch(match["name"]):
        return f'{allowed}; the name is 1-80 characters without spaces, brackets, wildcards or /"#%\\^|~`$&,;'
    return None


STATE_MACHINE: Key[str] = key(
    "state_machine",
    Kind.STRING,
    "The ARN of the state machine to run, without a version or alias.",
    check=state_machine_arn,
)
INPUT: Key[Mapping[str, Any] | None] = key(
    "input",
    Kind.TABLE,
    "The child execution's input; keys ending in `.$` take a JSONPath or an intrinsic.",
    None,
    default_doc="the step's input",
    table_check=dynamic_value_problems,
)


@dataclass(frozen=True, kw_only=True)
class StateMachineStep(Step):
    """The step's result, if kept (result_path), is the child execution's ARN and output."""

    type: ClassVar[str] = "state_machine"
    waits_for_completion: ClassVar[bool] = True
    section: ClassVar[Section] = Section(
        "state_machine",
        "Another state machine run to completion (states:startExecution.sync:2); its result, if kept, "
        "is the child execution's ARN and JSON output.",
        keys=(STATE_MACHINE, INPUT),
        children=(retry_section("none: a failed child execution is not started again"),),
    )

    state_machine_arn: str
    input: Mapping[str, Any] | None = INPUT.default
    """The child execution's input; keys ending in ".$" take a JSONPath or an intrinsic.
    Default: the step's input."""
    retry: Retry = field(default_factory=lambda: Retry(errors=()))
    """Default: a failed child execution is not started again."""

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        return cls(
            **common,
            state_machine_arn=table.read(STATE_MACHINE),
            input=table.read(INPUT),
            retry=cls.read_retry(table),
        )

    def to_state(self, refs: Refs) -> dict[str, Any]:
        parameters: dict[str, Any] = {"StateMachineArn": self.state_machine_arn}
        if self.input is None:
            parameters["Input.$"] = "$"
        else:
            parameters["Input"] = dict(self.input)
        return task_state(
            # ":2" returns the child's output as JSON rather than as a string.
            resource=refs.integration("states:startExecution.sync:2"),
            parameters=parameters,
            retry=self.retry,
            timeout_seconds=self.timeout_seconds,
            result_selector={"ExecutionArn.$": "$.ExecutionArn", "Output.$": "$.Output"},
            result_path=self.result_path,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        """https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html (synchronous)"""
        child = _ARN.fullmatch(self.state_machine_arn)
        if child is None:
            raise ValueError(f"not a state machine ARN: {self.state_machine_arn!r}")
        executions = f"arn:{child['partition']}:states:{child['region']}:{child['account']}:execution:{child['name']}:*"
        return [
            Statement(
                sid=sid_from_name("Start", self.name, "Execution"),
                actions=("states:StartExecution",),
                resources=(self.state_machine_arn,),
            ),
            Statement(
                sid=sid_from_name("Track", self.name, "Execution"),
                actions=("states:DescribeExecution", "states:StopExecution"),
                resources=(executions,),
            ),
            Statement(
                sid="ManageStepFunctionsExecutionCompletionRule",
                actions=("events:PutTargets", "events:PutRule", "events:DescribeRule"),
                resources=(event_rule_arn(refs.partition, refs.region, refs.account, SYNC_RULE),),
            ),
        ]
