"""The two sides of tests/review/fixtures, each synthesized once per session."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PROJECT

FIXTURES = PROJECT / "tests" / "review" / "fixtures"
STACK = "review-pipeline"


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> dict[str, dict]:
    """The cdk.tf.json of base.toml and of head.toml, by side."""
    from core.loading import load_configs
    from stacks.app import synthesize

    documents = {}
    for side in ("base", "head"):
        outdir = tmp_path_factory.mktemp(f"review-{side}") / "cdktf.out"
        synthesize(load_configs([FIXTURES / f"{side}.toml"]), outdir, PROJECT)
        documents[side] = json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())
    return documents
