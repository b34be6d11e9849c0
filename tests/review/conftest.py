"""The two sides of tests/review/fixtures, each synthesized once per session; every test its own
make review cache."""

from __future__ import annotations

import json

import pytest

from review.cache import CACHE_DIR_VARIABLE
from tests.conftest import PROJECT

FIXTURES = PROJECT / "tests" / "review" / "fixtures"
STACK = "review-pipeline"


@pytest.fixture(autouse=True)
def review_cache(tmp_path_factory, monkeypatch):
    """Not the project's .review-cache/, which a test's entries would only crowd."""
    folder = tmp_path_factory.mktemp("review-cache")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(folder))
    return folder


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
