"""The environment the real terraform binary runs in, for every test of this folder."""

from __future__ import annotations

import os
import shutil

import pytest

from terraform_cli import automation_env


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory) -> dict[str, str]:
    if shutil.which("terraform") is None:
        if os.environ.get("CI"):
            pytest.fail("terraform is not on PATH; CI must run these tests")
        pytest.skip("terraform is not on PATH")
    return automation_env(tmp_path_factory.mktemp("terraform"))
