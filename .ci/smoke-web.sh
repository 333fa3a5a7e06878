#!/usr/bin/env bash
# Web smoke test against a running EchoKit HTTP listener: the browser page in headless Chromium, the Node.js
# WebSocket example and a curl POST /echo. Usage: .ci/smoke-web.sh HTTP_PORT [HOST]
# Needs node (20+), curl and Chromium at /usr/bin/chromium (or $CHROMIUM); every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${1:?usage: .ci/smoke-web.sh HTTP_PORT [HOST]}
HOST=${2:-localhost}
BASE="http://$HOST:$PORT"

if [ ! -d src/test/browser/node_modules ]; then
  # playwright-core only: it never downloads a browser, the test drives the system's Chromium.
  (cd src/test/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== browser page in headless Chromium"
node src/test/browser/page-test.mjs "$BASE/"

echo "== Node.js WebSocket example"
# Node 22+ has a global WebSocket; Node 20 needs the flag.
ws_flag=()
if [ "$(node -e 'process.stdout.write(typeof WebSocket)')" = undefined ]; then ws_flag=(--experimental-websocket); fi
out=$(node "${ws_flag[@]}" src/examples/node/ws_client.mjs "ws://$HOST:$PORT/ws")
echo "$out"
[ "$out" = "Received Hello, server!" ] || { echo "unexpected output from ws_client.mjs"; exit 1; }

echo "== curl POST /echo"
body=$(mktemp)
echoed=$(mktemp)
trap 'rm -f "$body" "$echoed"' EXIT
head -c 100000 /dev/urandom >"$body"
type=$(curl -sS --max-time 10 -o "$echoed" -w '%{http_code} %{content_type}' \
  -H 'Content-Type: application/octet-stream' --data-binary @"$body" "$BASE/echo")
[ "$type" = "200 application/octet-stream" ] || { echo "POST /echo answered: $type"; exit 1; }
cmp -s "$body" "$echoed" || { echo "POST /echo did not return the 100,000 bytes sent"; exit 1; }
echo "100000 random bytes came back unchanged, 200 application/octet-stream"
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/echo")
[ "$status" = 405 ] || { echo "GET /echo answered $status, expected 405"; exit 1; }
echo "GET /echo: 405"
echo "web smoke test passed"
