#!/usr/bin/env bash
# Put each connection's secrets (API key, password, client secret, secret parameters) into its
# EventBridge connection, after `terraform apply`.
#
# Usage: scripts/set-api-keys.sh STACK_FOLDER    (e.g. cdktf.out/stacks/nightly-pipeline-prod)
#
# Terraform creates the connections with placeholders and never reads the real values, so
# that plans in pull requests need no access to any secret (docs/plan-review.md, "Keys and
# pull requests"). Every apply that updates a connection puts the placeholders back (the
# provider sends the whole auth block), so run this after EVERY apply (make deploy does). The
# stack's `connection_updates` output holds one events:UpdateConnection request per connection,
# each secret value left as {"secret_source": ...}: a Secrets Manager secret (and one JSON key
# of it, if set) or an environment variable. This script fills them all in (refusing an empty
# or unreadable value before it sends anything), sends the requests, and waits until each
# connection is AUTHORIZED again (it fails on DEAUTHORIZED, with EventBridge's reason). Needs:
# terraform, the AWS CLI, jq, and credentials that may read those secrets and update and describe
# the connections (the deploy role). No secret reaches a command line or the output: values
# travel in environment variables, pipes and files only this user can read (mktemp), removed
# on exit.
set -euo pipefail
# A failure inside $(...) stops the script too (bash >= 4.4), not just an empty result.
shopt -s inherit_errexit

stack="${1:?usage: $0 STACK_FOLDER}"
# How long a connection may stay AUTHORIZING (EventBridge: API_UpdateConnection, then
# AUTHORIZED or DEAUTHORIZED: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateConnection.html).
wait_seconds="${SET_API_KEYS_WAIT_SECONDS:-120}"
updates="$(terraform -chdir="$stack" output -raw connection_updates)"
request_dir="$(mktemp -d)"
trap 'rm -rf "$request_dir"' EXIT

secret_value() {
  local source="$1" variable secret_id json_key value
  variable="$(jq -r '.environment_variable // empty' <<<"$source")"
  if [[ -n "$variable" ]]; then
    if [[ -z "${!variable:-}" ]]; then
      echo "error: $variable is not set, or empty" >&2
      return 1
    fi
    printf '%s' "${!variable}"
    return
  fi
  secret_id="$(jq -r '.secret_id' <<<"$source")"
  json_key="$(jq -r '.secret_json_key' <<<"$source")"
  if ! value="$(aws secretsmanager get-secret-value --secret-id "$secret_id" --query SecretString --output text)"; then
    echo "error: could not read the secret $secret_id" >&2
    return 1
  fi
  if [[ -n "$json_key" ]]; then
    if ! value="$(JSON_KEY="$json_key" jq -jer '.[env.JSON_KEY] | strings' <<<"$value")"; then
      echo "error: the secret $secret_id has no string under the JSON key $json_key" >&2
      return 1
    fi
  fi
  if [[ -z "$value" || "$value" == "None" ]]; then
    echo "error: the secret $secret_id${json_key:+ (JSON key $json_key)} is empty" >&2
    return 1
  fi
  printf '%s' "$value"
}

# Every request filled in first: an empty or missing value stops the script before any update.
requests="$(jq -c '.[]' <<<"$updates")"
count=0
while IFS= read -r request; do
  [[ -n "$request" ]] || continue
  paths="$(jq -c 'paths(type == "object" and has("secret_source"))' <<<"$request")"
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue
    source="$(jq -c --argjson path "$path" 'getpath($path).secret_source' <<<"$request")"
    SECRET_VALUE="$(secret_value "$source")"
    request="$(SECRET_VALUE="$SECRET_VALUE" jq -c --argjson path "$path" 'setpath($path; env.SECRET_VALUE)' <<<"$request")"
  done <<<"$paths"
  count=$((count + 1))
  printf '%s' "$request" >"$request_dir/$count.json"
done <<<"$requests"

wait_until_authorized() {
  local name="$1" state reason deadline=$((SECONDS + wait_seconds))
  while true; do
    state="$(aws events describe-connection --name "$name" --query ConnectionState --output text)"
    case "$state" in
      AUTHORIZED) return 0 ;;
      DEAUTHORIZED)
        reason="$(aws events describe-connection --name "$name" --query StateReason --output text)"
        [[ "$reason" != None ]] || reason="EventBridge gave no reason"
        echo "error: connection $name is DEAUTHORIZED: $reason" >&2
        return 1
        ;;
    esac
    if ((SECONDS >= deadline)); then
      echo "error: connection $name is still $state after ${wait_seconds} s" >&2
      return 1
    fi
    sleep 2
  done
}

for ((index = 1; index <= count; index++)); do
  file="$request_dir/$index.json"
  name="$(jq -r '.Name' "$file")"
  aws events update-connection --cli-input-json "file://$file" >/dev/null
  wait_until_authorized "$name"
  echo "set the secrets of connection $name (AUTHORIZED)"
done
