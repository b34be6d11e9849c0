"""An AWS Glue job run to completion as a pipeline step (glue:startJobRun.sync).

https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from config_kit.schema import Section
from config_kit.toml_table import Key, Kind, Table, key
from core.asl_paths import dynamic_value_problems
from core.refs import Refs
from core.steps.step import CommonFields, ReadContext, Step
from core.steps.task import Retry, retry_section, task_state
from policies.statement import Statement, sid_from_name

# AWS's rule for JobName: 1-255 characters of the "single-line string" pattern
# [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]: no control characters but tab,
# hence no line breaks.
# https://docs.aws.amazon.com/glue/latest/webapi/API_StartJobRun.html#Glue-StartJobRun-request-JobName
MAX_JOB_NAME = 255


def _single_line_character(character: str) -> bool:
    # Compared directly: a compiled regex of these ranges costs 10 ms at every start.
    return character == "\t" or (
        character >= "\u0020" and not "\ud800" <= character <= "\udfff" and character not in "\ufffe\uffff"
    )


def job_name(value: str) -> str | None:
    if not 1 <= len(value) <= MAX_JOB_NAME or not all(map(_single_line_character, value)):
        return f"must be a Glue job name: 1-{MAX_JOB_NAME} characters on one line"
    if "*" in value or "?" in value:
        # The name is the end of the job's ARN in the IAM grant, where these match any text.
        return "must not contain '*' or '?': the IAM grant would cover other jobs too"
    return None


def job_arn(partition: str, region: str, account: str, job: str) -> str:
    """https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html"""
    return f"arn:{partition}:glue:{region}:{account}:job/{job}"


JOB: Key[str] = key("job", Kind.STRING, "The job's name, in the stack's account and region.", check=job_name)
ARGUMENTS: Key[dict[str, str]] = key(
    "arguments",
    Kind.STRING_TABLE,
    'Replace the job\'s default arguments for this run, e.g. `"--day.$" = "$.day"`.',
    {},
    default_doc="the job's own default arguments",
    table_check=dynamic_value_problems,
)


@dataclass(frozen=True, kw_only=True)
class GlueStep(Step):
    """The step's result, if kept (result_path), is the job run's id and final state."""

    type: ClassVar[str] = "glue"
    waits_for_completion: ClassVar[bool] = True
    section: ClassVar[Section] = Section(
        "glue",
        "A Glue job run to completion (glue:startJobRun.sync); its result, if kept, is the run's id and state.",
        keys=(JOB, ARGUMENTS),
        children=(retry_section("none: a failed job run is not started again"),),
    )

    job: str
    """The job's name, in this stack's account and region."""
    arguments: Mapping[str, str] = field(default_factory=lambda: dict(ARGUMENTS.default))
    """Replace the job's default arguments for this run, e.g. {"--day.$" = "$.day"}.
    Default: the job's own default arguments."""
    retry: Retry = field(default_factory=lambda: Retry(errors=()))
    """Default: a failed job run is not started again."""

    @classmethod
    def read(cls, table: Table, common: CommonFields, context: ReadContext) -> Self:
        return cls(
            **common,
            job=table.read(JOB),
            arguments=table.read(ARGUMENTS),
            retry=cls.read_retry(table),
        )

    def to_state(self, refs: Refs) -> dict[str, Any]:
        parameters: dict[str, Any] = {"JobName": self.job}
        if self.arguments:
            parameters["Arguments"] = dict(self.arguments)
        return task_state(
            resource=refs.integration("glue:startJobRun.sync"),
            parameters=parameters,
            retry=self.retry,
            timeout_seconds=self.timeout_seconds,
            result_selector={"JobRunId.$": "$.Id", "JobRunState.$": "$.JobRunState"},
            result_path=self.result_path,
        )

    def policy_statements(self, refs: Refs) -> list[Statement]:
        """https://docs.aws.amazon.com/step-functions/latest/dg/glue-iam.html

        AWS's template grants these on "*"; Glue accepts a job ARN for them, so
        the grant is on this one job, as AWS CDK's GlueStartJobRun does. GetJobRun(s)
        follow the run and BatchStopJobRun stops it when the execution stops."""
        return [
            Statement(
                sid=sid_from_name("Run", self.name, "Glue Job"),
                actions=("glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"),
                resources=(job_arn(refs.partition, refs.region, refs.account, self.job),),
            )
        ]
