#!/usr/bin/env bash
# Put each connection's secrets (API key, password, client secret, secret parameters) into its
# EventBridge connection, after `terraform apply`.
#
# Usage: scripts/set-api-keys.sh STACK_FOLDER    (e.g. cdktf.out/stacks/nightly-pipeline-prod)
#
# Terraform creates the connections with placeholders and never reads the real values, so
# that plans in pull requests need no access to any secret (docs/plan-review.md, "Keys and
# pull requests"). The stack's `connection_updates` output holds one events:UpdateConnection
# request per connection, each secret value left as {"secret_source": ...}: a Secrets Manager
# secret (and one JSON key of it, if set) or an environment variable. This script fills them
# in and sends the requests. Needs: terraform, the AWS CLI, jq, and credentials that may read
# those secrets and update the connections (the deploy role). No secret reaches a command
# line or the output: values travel in environment variables, pipes and a file only this user
# can read (mktemp), removed on exit.
set -euo pipefail

stack="${1:?usage: $0 STACK_FOLDER}"
updates="$(terraform -chdir="$stack" output -raw connection_updates)"
request_file="$(mktemp)"
trap 'rm -f "$request_file"' EXIT

secret_value() {
  local source="$1" variable secret_id json_key value
  variable="$(jq -r '.environment_variable // empty' <<<"$source")"
  if [[ -n "$variable" ]]; then
    if [[ -z "${!variable:-}" ]]; then
      echo "error: $variable is not set" >&2
      return 1
    fi
    printf '%s' "${!variable}"
    return
  fi
  secret_id="$(jq -r '.secret_id' <<<"$source")"
  json_key="$(jq -r '.secret_json_key' <<<"$source")"
  value="$(aws secretsmanager get-secret-value --secret-id "$secret_id" --query SecretString --output text)"
  if [[ -n "$json_key" ]]; then
    JSON_KEY="$json_key" jq -jer '.[env.JSON_KEY]' <<<"$value"
  else
    printf '%s' "$value"
  fi
}

while IFS= read -r request; do
  while IFS= read -r path; do
    source="$(jq -c --argjson path "$path" 'getpath($path).secret_source' <<<"$request")"
    SECRET_VALUE="$(secret_value "$source")"
    request="$(SECRET_VALUE="$SECRET_VALUE" jq -c --argjson path "$path" 'setpath($path; env.SECRET_VALUE)' <<<"$request")"
  done < <(jq -c 'paths(type == "object" and has("secret_source"))' <<<"$request")
  printf '%s' "$request" >"$request_file"
  aws events update-connection --cli-input-json "file://$request_file" >/dev/null
  echo "set the secrets of connection $(jq -r '.Name' <<<"$request")"
done < <(jq -c '.[]' <<<"$updates")
