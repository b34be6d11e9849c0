"""The resource checks checkov registers for each resource type named on the command line.

    .venv-checkov/bin/python tools/checkov/registered_checks.py aws_iam_role aws_sns_topic ...

Prints JSON {resource type: [check id, ...]}. Runs in checkov's own venv: checkov's JSON report
leaves out a check that ended UNKNOWN (checkov.common.output.report.Report.add_record keeps only
PASSED, FAILED and SKIPPED), so tests/e2e/test_checkov.py compares the report with this list to
find every check that never reached a verdict on a resource.
"""

from __future__ import annotations

import json
import sys

from checkov.terraform.checks.resource.registry import resource_registry


def main(resource_types: list[str]) -> None:
    print(
        json.dumps(
            {
                kind: sorted(check.id for check in resource_registry.get_checks(kind))
                for kind in resource_types
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
