#!/usr/bin/env bash
# Apple's documented command-line pushes (curl --http2 with a provider token, then with a
# certificate) sent to the mock's HTTP/2 provider API, then read back from its control API.
# Run where @apnskit/mock-server is installed (e.g. this repository's root); needs curl with
# HTTP/2 (nghttp2), openssl and jq.
set -euo pipefail
set -m # the mock gets its own process group, so that one kill stops npx and the server
log=$(mktemp)
npx apns-mock --gateway-port 0 --feedback-port 0 --http2-port 0 --control-port 0 --certs-dir .certs --quiet > "$log" &
mock=$!
trap 'kill -- -$mock 2>/dev/null; rm -f "$log"' EXIT
until grep -q '"event":"ready"' "$log"; do kill -0 $mock; sleep 0.2; done
ready=$(grep '"event":"ready"' "$log")
field() { jq -r ".$1" <<< "$ready"; }
control="http://127.0.0.1:$(field controlPort)"
APNS_HOST_NAME="localhost:$(field http2Port)"
TEAM_ID=$(field teamId)
AUTH_KEY_ID=$(field keyId)
TOKEN_KEY_FILE_NAME=$(field authKey)
TOPIC=$(field topic)
DEVICE_TOKEN=$(printf 'a%.0s' {1..64})

# Apple's steps: a JWT signed with the .p8 key (openssl writes a DER signature).
JWT_ISSUE_TIME=$(date +%s)
JWT_HEADER=$(printf '{ "alg": "ES256", "kid": "%s" }' "${AUTH_KEY_ID}" | openssl base64 -e -A | tr -- '+/' '-_' | tr -d =)
JWT_CLAIMS=$(printf '{ "iss": "%s", "iat": %d }' "${TEAM_ID}" "${JWT_ISSUE_TIME}" | openssl base64 -e -A | tr -- '+/' '-_' | tr -d =)
JWT_HEADER_CLAIMS="${JWT_HEADER}.${JWT_CLAIMS}"
JWT_SIGNED_HEADER_CLAIMS=$(printf "${JWT_HEADER_CLAIMS}" | openssl dgst -binary -sha256 -sign "${TOKEN_KEY_FILE_NAME}" | openssl base64 -e -A | tr -- '+/' '-_' | tr -d =)
AUTHENTICATION_TOKEN="${JWT_HEADER}.${JWT_CLAIMS}.${JWT_SIGNED_HEADER_CLAIMS}"

curl -s --cacert "$(field ca)" --header "apns-topic: $TOPIC" --header "apns-push-type: alert" \
  --header "authorization: bearer $AUTHENTICATION_TOKEN" --data '{"aps":{"alert":"test"}}' \
  --http2 "https://${APNS_HOST_NAME}/3/device/${DEVICE_TOKEN}" -o /dev/null -w 'token push: %{http_code}\n'

# The same with the client certificate, and a bad priority to see a reason come back.
curl -s --cacert "$(field ca)" --cert "$(field clientCert)" --key "$(field clientKey)" \
  --header "apns-topic: $TOPIC" --header "apns-push-type: alert" --header "apns-priority: 7" \
  --data '{"aps":{"alert":"test"}}' --http2 "https://${APNS_HOST_NAME}/3/device/${DEVICE_TOKEN}" -w ' %{http_code}\n'

curl -sf "$control/notifications" | jq -r '.[] | "accepted \(.format) \(.auth) \(.token)"'
