#!/usr/bin/env bash
# CI smoke test of a running TLS listener (conf/all-protocols.json: self-signed on localhost:12443), from the outside:
# EchoKit's client with --insecure, then without (the one-line "not trusted" error), openssl s_client and socat;
# given the certificate file the server logged, the client and openssl trusting only it, by name and by address.
#   .ci/smoke-tls.sh TLS_PORT [HOST [CERT]]
# Prints one ok/FAIL line per check and exits non-zero if any failed. Every command is bounded by a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${1:?usage: .ci/smoke-tls.sh TLS_PORT [HOST [CERT]]}
HOST=${2:-localhost}
CERT=${3:-}
STEP_TIMEOUT=60     # seconds for one check; the client's first run may build the jar's class-data archive
READ_TIMEOUT=15     # seconds to wait for one echoed line
MESSAGE="TLS smoke $$ ünïcødé"

passed=0
failed=0
check() {  # check NAME COMMAND...: runs the command, counts and reports the outcome
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   - $name"; else failed=$((failed + 1)); echo "FAIL - $name"; fi
}

client_insecure() {
  local out
  out=$(timeout "$STEP_TIMEOUT" ./run.sh client --tls --insecure --host "$HOST" --port "$PORT" "$MESSAGE")
  [ "$out" = "Received $MESSAGE" ] || { echo "  got: $out"; return 1; }
}

client_untrusted() {  # without --trust or --insecure: exit 1 and one line saying what to pass
  local rc=0 err
  err=$(timeout "$STEP_TIMEOUT" ./run.sh client --tls --host "$HOST" --port "$PORT" 2>&1 >/dev/null) || rc=$?
  [ "$rc" = 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"pass --trust FILE"*"--insecure"* ]] \
    || { echo "  exit $rc: $err"; return 1; }
}

openssl_echo() {  # an interactive s_client session: one line in, the same line back, then hang up; $@: more options
  local line=""
  coproc SCLIENT { exec timeout "$STEP_TIMEOUT" openssl s_client -connect "$HOST:$PORT" -quiet "$@" 2>/dev/null; }
  printf '%s\n' "$MESSAGE" >&"${SCLIENT[1]}"
  IFS= read -r -t "$READ_TIMEOUT" line <&"${SCLIENT[0]}" || true
  kill "$SCLIENT_PID" 2>/dev/null || true
  wait "$SCLIENT_PID" 2>/dev/null || true
  [ "$line" = "$MESSAGE" ] || { echo "  got: '$line'"; return 1; }
}

socat_echo() {  # end of input is a TLS close_notify: the server echoes, closes, and socat exits by itself
  local out
  out=$(printf '%s\n' "$MESSAGE" | timeout "$STEP_TIMEOUT" socat - "OPENSSL:$HOST:$PORT,verify=0")
  [ "$out" = "$MESSAGE" ] || { echo "  got: '$out'"; return 1; }
}

client_trusting_cert() {  # --trust the self-signed certificate, host name checked: $1 is the name dialled
  local out
  out=$(timeout "$STEP_TIMEOUT" ./run.sh client --tls --trust "$CERT" --host "$1" --port "$PORT" "$MESSAGE")
  [ "$out" = "Received $MESSAGE" ] || { echo "  got: $out"; return 1; }
}

check "run.sh client --tls --insecure gets its echo" client_insecure
check "run.sh client --tls without --trust/--insecure: one line, exit 1" client_untrusted
check "openssl s_client: a line comes back" openssl_echo
check "socat OPENSSL: a line comes back and socat exits at end of input" socat_echo
if [ -n "$CERT" ]; then
  check "run.sh client --tls --trust CERT --host localhost: name verified, echo back" client_trusting_cert localhost
  check "run.sh client --tls --trust CERT --host 127.0.0.1: address verified, echo back" client_trusting_cert 127.0.0.1
  # -verify_return_error: a certificate that does not verify, or does not list 127.0.0.1, ends the session.
  check "openssl s_client -CAfile CERT -verify_ip 127.0.0.1: verified, a line comes back" \
    openssl_echo -verify_return_error -CAfile "$CERT" -verify_ip 127.0.0.1
fi

echo "smoke-tls: $passed passed, $failed failed"
[ "$failed" = 0 ]
