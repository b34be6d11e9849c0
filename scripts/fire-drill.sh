#!/usr/bin/env bash
# The fire drill: drive each failure route of a deployed stack and check what AWS reports.
#
# Usage: scripts/fire-drill.sh STACK_FOLDER [--only caught|uncaught|aborted|alarms]
#        (e.g. cdktf.out/stacks/nightly-pipeline-prod; run after apply and scripts/set-api-keys.sh)
#
# Exits 0 only when every route asked for was verified; otherwise prints one line per failed
# route: what went wrong and what to do. Each drill opens one ticket ([drill], lowest severity)
# and sends e-mails. Needs terraform, Python with boto3 (make setup), and the permissions listed
# in docs/fire-drill.md. AWS_ENDPOINT_URL points it at an emulator (tests/e2e/test_fire_drill.py).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${FIRE_DRILL_PYTHON:-$root/.venv/bin/python}"
if [[ ! -x "$python" ]]; then
  echo "fire drill: $python not found; run make setup (or set FIRE_DRILL_PYTHON to a Python with boto3)" >&2
  exit 2
fi

PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m drill "$@"
