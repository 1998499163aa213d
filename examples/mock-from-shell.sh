#!/usr/bin/env bash
# The mock server from any language's CI: start it, script a fault over HTTP, send, inspect.
# Run where @apnskit/mock-server and @apnskit/client are installed (e.g. this repository's root).
set -euo pipefail
set -m # the mock gets its own process group, so that one kill stops npx and the server
log=$(mktemp)
npx apns-mock --gateway-port 0 --feedback-port 0 --control-port 0 --certs-dir .certs > "$log" &
mock=$!
trap 'kill -- -$mock 2>/dev/null; rm -f "$log"' EXIT
until grep -q '"event":"ready"' "$log"; do kill -0 $mock; sleep 0.2; done
ready=$(grep '"event":"ready"' "$log")
field() { jq -r ".$1" <<< "$ready"; }
control="http://127.0.0.1:$(field controlPort)"
good=$(printf 'a%.0s' {1..64})
bad=$(printf 'b%.0s' {1..64})

curl -sf -X POST "$control/faults" -H 'content-type: application/json' -d '{"type":"reject-token","token":"'"$bad"'","status":8}' > /dev/null
npx apns-send --gateway "127.0.0.1:$(field gatewayPort)" \
  --cert "$(field clientCert)" --key "$(field clientKey)" --ca "$(field ca)" \
  --token "$good" --token "$bad" --alert 'Hello' --json || echo "apns-send exit code $? (1: something failed)"
curl -sf "$control/notifications" | jq -r '.[] | "accepted \(.token) id \(.id)"'
