"""core.asl_paths against asl-path-validator (npm, the grammar behind asl-validator): what ours
accepts, that grammar accepts too, and what that grammar refuses, ours refuses. Ours refuses more
(argument counts, States.Format's {} count, hash algorithms, nesting depth, variables), from AWS's
page on intrinsics; that grammar also refuses decimal numbers, which AWS's page does not."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from core import asl_paths
from tests.conftest import PROJECT
from tests.unit.test_asl_paths import ACCEPTED, REFUSED_CALLS, REFUSED_PATHS

VALIDATOR = PROJECT / "node_modules" / "asl-path-validator"
NODE_BIN = PROJECT / "node_modules" / "node" / "bin"
_SCRIPT = """
const {validatePath} = require(process.argv[1]);
const values = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(values.map((value) => validatePath(value, "payload_template").isValid)));
"""


def grammar_accepts(values: list[str]) -> dict[str, bool]:
    result = subprocess.run(
        ["node", "-e", _SCRIPT, str(VALIDATOR)],
        input=json.dumps(values),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=dict(os.environ, PATH=f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"),
    )
    return dict(zip(values, json.loads(result.stdout), strict=True))


@pytest.mark.skipif(not VALIDATOR.is_dir(), reason="needs node_modules (make setup)")
def test_ours_and_asl_path_validator_agree_on_syntax():
    refused = [param.values[0] for param in (*REFUSED_PATHS, *REFUSED_CALLS)]
    verdicts = grammar_accepts([*ACCEPTED, *refused])

    assert [value for value in ACCEPTED if not verdicts[value]] == []
    assert [value for value in refused if not verdicts[value] and asl_paths.problem(value) is None] == []
    assert {value for value in refused if verdicts[value]} <= {
        "$foo",
        "States.Format('a\\qb')",
        "States.Format()",
        "States.Format('a {}')",
        "States.Format('a', $.x)",
        "States.JsonToString('x')",
        "States.Hash($.a, 'SHA-2')",
        "States.JsonMerge($.a, $.b, true)",
        "States.MathAdd($.a, 1.5)",
        "States.ArrayGetItem($.a, 'x')",
        "States.Array(" * 11 + ")" * 11,
    }
