#!/usr/bin/env bash
# UDP smoke test against a running EchoKit UDP listener: the Python example, EchoKit's own client (messages,
# standard input, a payload cut into datagrams) and a socat one-liner. Usage: .ci/smoke-udp.sh HOST PORT
# Needs python3 and socat; every wait is bounded (each datagram's echo by a timeout, each command by `timeout`).
# The payload stays within the server's default per-source budget (1000 datagrams/s, 1 MiB/s).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${1:?usage: .ci/smoke-udp.sh HOST PORT}
PORT=${2:?usage: .ci/smoke-udp.sh HOST PORT}
LIMIT=60   # seconds any one command may take

expect_output() {  # expect_output WANTED COMMAND...: the command succeeds and prints exactly WANTED
  local wanted=$1 out; shift
  out=$(timeout "$LIMIT" "$@") || { echo "FAIL: $* exited $?; printed:"; echo "$out"; return 1; }
  echo "$out"
  [ "$out" = "$wanted" ] || { echo "FAIL: expected:"; echo "$wanted"; return 1; }
}

echo "== Python UDP example"
expect_output "Received Hello, server!" python3 src/examples/python/udp_client.py "$HOST" "$PORT"

echo "== run.sh client --udp"
expect_output $'Received Hello, server!\nudp: 1 sent, 1 echoed, 0 lost' ./run.sh client --udp --host "$HOST" --port "$PORT"
expect_output $'one\ntwo words\nudp: 2 sent, 2 echoed, 0 lost' \
  sh -c 'printf "one\ntwo words\n" | ./run.sh client --udp --stdin --host "$1" --port "$2"' sh "$HOST" "$PORT"
out=$(timeout "$LIMIT" ./run.sh client --udp --host "$HOST" --port "$PORT" --payload 100000)
echo "$out"
case "$out" in
  "Received 100000 bytes in 68 datagrams, all verified ("*$'\n'"udp: 68 sent, 68 echoed, 0 lost") ;;
  *) echo "FAIL: unexpected --payload output"; exit 1 ;;
esac

echo "== socat"
# socat sends the line as one datagram and prints what comes back until -t seconds pass without traffic.
expect_output "Hello, server!" sh -c 'echo "Hello, server!" | socat -t 2 - "UDP:$1:$2"' sh "$HOST" "$PORT"

echo "udp smoke: all passed"
