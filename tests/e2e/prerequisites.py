"""Tools the end-to-end tests run: missing ones skip the tests locally and fail them in CI."""

from __future__ import annotations

import os
import shutil

import pytest


def require(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not on PATH; CI must run the end-to-end tests")
        pytest.skip(f"{tool} is not on PATH")
