"""The two Step Functions actions moto 5.2.5 lacks and the AWS provider calls.

hashicorp/aws 5.100.0 validates a definition (ValidateStateMachineDefinition)
before it creates a state machine and lists its versions
(ListStateMachineVersions) when it reads one back. Without answers, `terraform
apply` stops on a NotImplementedError. The validation is real: it runs moto's
own ASL parser, so a definition the local interpreter cannot run fails at apply
time, with the parser's message, instead of at the first execution.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.responses import StepFunctionResponse


def install() -> None:
    """Idempotent: adds the two actions to moto's Step Functions responses."""
    StepFunctionResponse.validate_state_machine_definition = _validate_state_machine_definition
    StepFunctionResponse.list_state_machine_versions = _list_state_machine_versions


def _validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
    try:
        AmazonStateLanguageParser.parse(self._get_param("definition"))
    except Exception as error:  # noqa: BLE001 - any parse failure, whatever its type, is a FAIL
        diagnostic = {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(error)}
        return ActionResult({"result": "FAIL", "diagnostics": [diagnostic], "truncated": False})
    return ActionResult({"result": "OK", "diagnostics": [], "truncated": False})


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    state_machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    versions = [
        {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date}
        for version in reversed(list(state_machine.versions.values()))
    ]
    return ActionResult({"stateMachineVersions": versions})
