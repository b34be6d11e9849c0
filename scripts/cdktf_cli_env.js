// Preloaded into every Node that npm starts in this project, `npx cdktf ...` included (the
// .npmrc that `make setup` writes sets npm's node-options). It gives the cdktf CLI what the
// Makefile exports to its targets, so that a run outside make behaves as one inside:
// - CHECKPOINT_DISABLE: no telemetry request to checkpoint-api.hashicorp.com, which fails
//   ("Could not send telemetry data") wherever that host cannot be reached;
// - TF_CLI_CONFIG_FILE: the project's Terraform CLI config (the provider mirror of make setup),
//   instead of ~/.terraformrc.
// Neither replaces a value already set.
"use strict";
const fs = require("fs");
const path = require("path");

const cliConfig = path.join(__dirname, "..", ".terraform.d", "terraformrc");
process.env.CHECKPOINT_DISABLE = process.env.CHECKPOINT_DISABLE || "1";
if (!process.env.TF_CLI_CONFIG_FILE && fs.existsSync(cliConfig)) {
  process.env.TF_CLI_CONFIG_FILE = cliConfig;
}
