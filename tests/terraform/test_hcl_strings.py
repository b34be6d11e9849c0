"""`make hcl` writes each string as the value the JSON synth writes (scripts/exact_hcl_strings.js),
proven with real Terraform: each string is the value of an output, once in JSON and once as cdktf
renders it in HCL, and `terraform output -json` of both must give back the string itself.

The strings are those of a synthesized stack whose config holds quotes, backslashes, line breaks,
a tab, a carriage return and an emoji, and hand-written ones around heredocs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from terraform_cli import Terraform
from tests.conftest import DEFAULT_CONFIGS, PROJECT, run_main

pytestmark = pytest.mark.terraform

HOOK = PROJECT / "scripts" / "exact_hcl_strings.js"
# The values a user may write, in a schedule input and in a connection's description.
TRICKY_INPUT = (
    'input = { quote = "say \\"hi\\"", backslash = "C:\\\\temp\\\\", lines = "one\\ntwo\\n", '
    'tab = "a\\tb", crlf = "a\\r\\nb", emoji = "🌙 night", mixed = "\\\\\\"", eof = "EOF\\nEOF" }'
)
TRICKY_DESCRIPTION = 'description = "Outseta \\\\ support 🌙 \\"API\\""'
HAND_WRITTEN = [
    "",
    "plain",
    'a "quoted" word',
    "back\\slash and \\n as text",
    "\\",
    '\\"',
    "one\nline break",
    "ends with a line break\n",
    "\n",
    "two\n\nblank\n\n",
    "EOF\nthe marker as a line\n  EOF  \n",
    "a\r\nb\rc",
    "tab\there",
    "bell\u0007 and nul-free control",
    "emoji 🌙 and ünïcödé",
    '{"json": "\\ud83c\\udf19", "n": 1}',
    "cost $5 and 100%",
    "$${literal} and %%{literal}",
]


def rendered(strings: list[str]) -> list[str]:
    """Each string as cdktf's render.js writes a string attribute, with the hook preloaded."""
    script = (
        'const r = require("cdktf/lib/hcl/render.js");'
        'const strings = JSON.parse(require("fs").readFileSync(0, "utf8"));'
        "console.log(JSON.stringify(strings.map((s) => r.renderAttributes("
        '{ v: { value: s, type: "simple", storageClassType: "string" } }).slice("v = ".length))));'
    )
    result = subprocess.run(
        ["node", "--require", str(HOOK), "-e", script],
        cwd=PROJECT,
        input=json.dumps(strings),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def outputs(workdir: Path, env: dict[str, str]) -> dict[str, str]:
    terraform = Terraform(workdir, env)
    terraform.check("init", "-input=false")
    terraform.check("apply", "-input=false", "-auto-approve")
    return terraform.outputs()


@pytest.fixture(scope="module")
def stack_strings(tmp_path_factory) -> list[str]:
    """Every string of the dev stack synthesized from a config with tricky values, but those that
    refer to resources (Terraform cannot evaluate them without the provider)."""
    folder = tmp_path_factory.mktemp("tricky")
    config = folder / "tricky.toml"
    text = DEFAULT_CONFIGS[0].read_text()
    text = text.replace('input = { source = "scheduler", environment = "dev" }', TRICKY_INPUT)
    text = text.replace('description = "Outseta support API"', TRICKY_DESCRIPTION)
    config.write_text(text)
    result = run_main([config], folder / "out", timeout=120)
    assert result.returncode == 0, result.stderr
    stack = json.loads((folder / "out" / "stacks" / "nightly-pipeline-dev" / "cdk.tf.json").read_text())
    strings = sorted(set(_strings(stack["resource"])))
    assert any("🌙" in value or "\\ud83c" in value for value in strings)
    return [value for value in strings if "${" not in value and "%{" not in value]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [string for item in value.values() for string in _strings(item)]
    if isinstance(value, list):
        return [string for item in value for string in _strings(item)]
    return []


@pytest.mark.parametrize("source", ["hand-written", "a synthesized stack"])
def test_each_string_has_the_same_value_in_hcl_as_in_json(source, stack_strings, terraform_env, tmp_path):
    strings = HAND_WRITTEN if source == "hand-written" else stack_strings
    names = [f"s{index}" for index in range(len(strings))]
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "main.tf.json").write_text(
        json.dumps({"output": {name: {"value": value} for name, value in zip(names, strings, strict=True)}})
    )
    (tmp_path / "hcl").mkdir()
    (tmp_path / "hcl" / "main.tf").write_text(
        "".join(
            f'output "{name}" {{\n  value = {expression}\n}}\n'
            for name, expression in zip(names, rendered(strings), strict=True)
        )
    )

    from_json = outputs(tmp_path / "json", terraform_env)
    from_hcl = outputs(tmp_path / "hcl", terraform_env)

    # "$${" and "%%{" are a literal "${" and "%{" in both syntaxes.
    expected = {
        name: value.replace("$${", "${").replace("%%{", "%{")
        for name, value in zip(names, strings, strict=True)
    }
    assert from_json == expected
    assert from_hcl == expected


def test_the_hook_refuses_a_render_js_it_was_not_written_for(tmp_path):
    package = tmp_path / "node_modules" / "cdktf"
    (package / "lib" / "hcl").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "cdktf", "version": "0.21.0"}))
    (package / "lib" / "hcl" / "render.js").write_text("function escapeQuotes(str) { return str; }\n")

    result = subprocess.run(
        ["node", "--require", str(HOOK), "-e", 'require("cdktf/lib/hcl/render.js")'],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode != 0
    assert "HCL output would not hold the JSON output's strings" in result.stderr
