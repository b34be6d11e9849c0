// Makes `cdktf synth --hcl` write each string as the same value that the JSON synth writes.
// Preloaded into the jsii kernel (node --require) by main.py when SYNTH_HCL_OUTPUT is set, which
// `cdktf synth --hcl` (make hcl) sets.
//
// cdktf 0.21.0's node_modules/cdktf/lib/hcl/render.js writes a string between quotes with only
// its quotes escaped, and not even those when it holds "${" or a quote follows a backslash; and a
// string with line breaks as a heredoc, whose value gains a line break and loses each "\r". A
// backslash, a quote after one, a line break, a tab or an emoji (which a JSON-encoded value holds
// as \ud83c\udf19) then means something else to Terraform, or nothing it can read.
//
// Here, in memory, render.js gets: each string between quotes with HCL's escapes
// (https://developer.hashicorp.com/terraform/language/expressions/strings), except inside
// "${...}" and "%{...}", which are Terraform expressions in both the JSON and the HCL and stay as
// they are; and a string with line breaks (and no "\r") as a heredoc, whose content HCL reads
// literally, ending exactly where the string ends (trimsuffix drops the line break that a
// heredoc adds: https://developer.hashicorp.com/terraform/language/functions/trimsuffix).
"use strict";
const fs = require("fs");
const path = require("path");

const CDKTF_VERSION = "0.21.0";
const RENDER = `${path.sep}cdktf${path.sep}lib${path.sep}hcl${path.sep}render.js`;
const ESCAPES = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// The content of a quoted HCL string whose value is str.
function quotedContent(str) {
  let content = "";
  let at = 0;
  while (at < str.length) {
    const next = str.slice(at, at + 3);
    if (next === "$${" || next === "%%{") {
      // Template escapes: a literal "${" or "%{" in both syntaxes.
      content += next;
      at += 3;
    } else if (next.startsWith("${") || next.startsWith("%{")) {
      const end = templateEnd(str, at + 2);
      content += str.slice(at, end);
      at = end;
    } else {
      const character = str[at];
      const code = character.charCodeAt(0);
      content += ESCAPES[character] || (code < 0x20 ? `\\u${code.toString(16).padStart(4, "0")}` : character);
      at += 1;
    }
  }
  return content;
}

// Where the template sequence whose body starts at `from` ends: after its closing brace, with
// braces and quoted strings inside it (which may hold braces) skipped.
function templateEnd(str, from) {
  let depth = 1;
  let at = from;
  while (at < str.length && depth > 0) {
    const character = str[at];
    if (character === '"') {
      at += 1;
      while (at < str.length && str[at] !== '"') {
        at += str[at] === "\\" ? 2 : 1;
      }
    } else if (character === "{") {
      depth += 1;
    } else if (character === "}") {
      depth -= 1;
    }
    at += 1;
  }
  return Math.min(at, str.length);
}

// A string as an HCL expression of the same value.
function renderString(str) {
  if (!str.includes("\n") || str.includes("\r")) {
    return `"${quotedContent(str)}"`;
  }
  let marker = "EOF";
  while (str.split("\n").some((line) => line.trim() === marker)) {
    marker += "_";
  }
  return str.endsWith("\n")
    ? `<<${marker}\n${str}${marker}`
    : `trimsuffix(<<${marker}\n${str}\n${marker}\n, "\\n")`;
}

// What changes in render.js: each piece must be found exactly once, or nothing is changed and
// the synth fails, rather than write HCL that means something else.
const CHANGES = [
  [
    'function escapeQuotes(str) {\n    // Don\'t attempt to escape if we have an expression\n    if (str.match(/\\$\\{/)) {\n        return str;\n    }\n    return str.replace(/(?<!\\\\)"/g, \'\\\\"\');\n}',
    "function escapeQuotes(str) {\n    return __exactHclStrings.quotedContent(str);\n}",
  ],
  [
    "return /(^\\d)|[^A-Za-z0-9_-]/.test(key) ? `\"${key}\"` : key;",
    "return /(^\\d)|[^A-Za-z0-9_-]/.test(key) ? `\"${escapeQuotes(key)}\"` : key;",
  ],
  [
    '    const lines = str.split(/\\r\\n|[\\n\\r]/);\n    if (lines.length === 1)\n        return `"${escapeQuotes(str)}"`;\n    return `<<EOF\\n${lines.join("\\n")}\\nEOF`;',
    "    return __exactHclStrings.renderString(str);",
  ],
  [
    'if (jsonExpression.includes("${")) {\n            return `"${jsonExpression}"`;\n        }',
    'if (jsonExpression.includes("${")) {\n            return `"${escapeQuotes(jsonExpression)}"`;\n        }',
  ],
];

function exactRender(source, file) {
  let changed = source;
  for (const [from, to] of CHANGES) {
    if (changed.split(from).length !== 2) {
      throw new Error(
        `scripts/exact_hcl_strings.js was written for cdktf ${CDKTF_VERSION}'s lib/hcl/render.js; ` +
          `${file} differs, so HCL output would not hold the JSON output's strings`,
      );
    }
    changed = changed.replace(from, () => to);
  }
  return `const __exactHclStrings = require(${JSON.stringify(__filename)});\n${changed}`;
}

function isPinnedCdktf(file) {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(file, "..", "..", "..", "package.json"), "utf8"));
    return manifest.name === "cdktf" && manifest.version === CDKTF_VERSION;
  } catch (error) {
    return false;
  }
}

// Node's module loader reads each module's source with fs.readFileSync(file, "utf8").
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, options) {
  const source = readFileSync.apply(this, arguments);
  if (typeof file === "string" && file.endsWith(RENDER) && typeof source === "string") {
    if (!isPinnedCdktf(file)) {
      throw new Error(`scripts/exact_hcl_strings.js was written for cdktf ${CDKTF_VERSION}, not the one of ${file}`);
    }
    return exactRender(source, file);
  }
  return source;
};

module.exports = { quotedContent, renderString };
