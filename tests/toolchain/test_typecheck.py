"""make typecheck reads the provider bindings through typings/ (an empty stub for the package's
__init__, so that mypy skips its ~2,100 imports). The bindings our code uses must still be checked:
a misspelt keyword, a wrong type or a missing argument is an error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

ROLE = "from cdktf import App, TerraformStack\nfrom cdktf_cdktf_provider_aws.iam_role import IamRole\n"
ROLE_CALL = 'IamRole(TerraformStack(App(), "s"), "r", {})\n'


def mypy(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """mypy with the project's configuration (strict, typings/) on one file holding code."""
    checked = tmp_path / "uses_a_binding.py"
    checked.write_text(code)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", str(checked)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_correct_call_of_a_binding_passes(tmp_path: Path) -> None:
    result = mypy(ROLE + ROLE_CALL.format('assume_role_policy="{}", name="x"'), tmp_path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('assume_role_policy="{}", nmae="x"', 'Unexpected keyword argument "nmae" for "IamRole"'),
        ('assume_role_policy="{}", name=3', 'Argument "name" to "IamRole" has incompatible type "int"'),
        ('name="x"', 'Missing named argument "assume_role_policy" for "IamRole"'),
    ],
)
def test_a_wrong_call_of_a_binding_is_an_error(arguments: str, expected: str, tmp_path: Path) -> None:
    result = mypy(ROLE + ROLE_CALL.format(arguments), tmp_path)
    assert result.returncode == 1
    assert expected in result.stdout


def test_a_submodule_reached_through_the_package_is_typed_too(tmp_path: Path) -> None:
    result = mypy("from cdktf_cdktf_provider_aws import provider\nprovider.AwsProvider(1)\n", tmp_path)
    assert result.returncode == 1
    assert 'Argument 1 to "AwsProvider" has incompatible type "int"; expected "Construct"' in result.stdout
