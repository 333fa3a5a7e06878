#!/usr/bin/env bash
# EchoKit soak: the long-running reliability checks of issue 4 (section 6), on 127.0.0.1 only.
# Not part of `mvn verify`. See bench/README.md, section "Soak".
#
#   bench/soak.sh                      SOAK_SECONDS=60: about 2 min in all
#   SOAK_SECONDS=20 bench/soak.sh      a shorter soak
#
# It starts one server (`java -jar` on a copy of target/echokit.jar, an empty config file, free ports for
# the echo listener and the metrics server) and runs, printing one `ok` or `FAIL` line per check:
#   1. soak        2,000 connections, random sizes 1 B–64 KiB, depth 2, for SOAK_SECONDS; the load
#                  generator checks every byte in order: passes with exit 0 and zero errors
#   2. metrics     echokit_bytes_echoed_total, summed over listeners, >= the bytes the soak measured
#   3. non-reader  a client pushes up to 1 GiB without reading: the server pauses it, its RSS grows by
#                  less than 64 MiB; then the client reads back everything it sent, every byte in order
#   4. sigterm     SIGTERM 3 s into a 20 s load (-c 50 --depth 4): the server exits 0 within
#                  shutdownTimeout + 5 s and the load generator sees no mismatch (closed-early is expected)
# The last line is `soak: N passed, M failed`; the exit status is 1 when any check failed.
#
# Settings (environment):
#   SOAK_SECONDS   measured seconds of the 2,000-connection soak (default 60)
#   KEEP_WORK=1    keep the scratch directory (server log, load-generator logs and JSON)
# The server is pinned to CPU 0 and the clients to CPU 1 with taskset when it is available.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=$ROOT/target/echokit.jar
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-python3}
LIB=$BENCH_DIR/benchlib.py

SOAK_SECONDS=${SOAK_SECONDS:-60}
KEEP_WORK=${KEEP_WORK:-0}
SOAK_CONNECTIONS=2000
STARTUP_TIMEOUT=30      # seconds from launch to the first echo
STOP_TIMEOUT=20         # seconds between SIGTERM and SIGKILL when cleaning up
SHUTDOWN_TIMEOUT_S=10   # the server's default shutdownTimeout (10000 ms)
RSS_LIMIT_MIB=64
WANT_NOFILE=20000

exec 3>&2
die() { echo "soak: $*" >&3; exit 2; }
log() { echo "soak: $*" >&3; }
# shellcheck source=bench/common.sh
source "$BENCH_DIR/common.sh"

{ [[ $SOAK_SECONDS =~ ^[0-9]+$ ]] && [ "$SOAK_SECONDS" -ge 1 ]; } \
  || die "SOAK_SECONDS must be whole seconds ≥ 1 (got '$SOAK_SECONDS')"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
command -v "$JAVA" >/dev/null || die "$JAVA not found"
command -v timeout >/dev/null || die "timeout (coreutils) not found"
[ -f "$JAR" ] || die "$JAR is missing — run ./run.sh build first"
"$PYTHON" "$LIB" jar-has "$JAR" dev/echokit/cli/BenchCommand.class \
  || die "$JAR has no load generator (dev.echokit.cli.BenchCommand) — run ./run.sh build first"

# 2,000 connections need as many descriptors in the server and in the load generator.
if ! ulimit -n "$WANT_NOFILE" 2>/dev/null; then
  hard=$(ulimit -Hn)
  log "could not raise 'ulimit -n' to $WANT_NOFILE (hard limit $hard); using $hard"
  [ "$hard" = unlimited ] || ulimit -n "$hard" 2>/dev/null || true
fi
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((SOAK_CONNECTIONS + 500)) ]; then
  die "'ulimit -n' is $NOFILE, too low for $SOAK_CONNECTIONS connections"
fi

PIN_SERVER=(); PIN_LOAD=()
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null; then
  PIN_SERVER=(taskset -c 0); PIN_LOAD=(taskset -c 1)
fi

# Only what this script sets configures the server.
for v in $(compgen -e); do [[ $v == ECHOKIT_* ]] && unset "$v"; done

# ------------------------------------------------------------------ scratch space and clean-up

WORK=$(mktemp -d "${TMPDIR:-/tmp}/echokit-soak.XXXXXX")
snapshot_jar "$WORK"
echo '{}' > "$WORK/empty-config.json"
cd "$WORK"
SERVER_PID=""
CHILD_PID=""
PASSED=0
FAILED=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$SERVER_PID"
  if [ "$KEEP_WORK" = 1 ] || [ "$FAILED" -ne 0 ] || [ "$rc" -ne 0 ]; then
    log "scratch files (logs, JSON) kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

ok()   { PASSED=$((PASSED + 1)); echo "ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

json_get() {  # json_get FILE KEY.SUBKEY: prints the value, or nothing
  "$PYTHON" - "$1" "$2" <<'EOF' 2>/dev/null || true
import json, sys
try:
    v = json.load(open(sys.argv[1]))
    for k in sys.argv[2].split("."):
        v = v[k]
    print(v)
except Exception:
    pass
EOF
}

PORT=""; METRICS_PORT=""
start_server() {  # start_server LOGFILE: sets SERVER_PID, PORT, METRICS_PORT; returns 1 if it never echoes
  local logf=$1 attempt rc
  for attempt in 1 2 3; do
    PORT=$("$PYTHON" "$LIB" freeport)
    METRICS_PORT=$("$PYTHON" "$LIB" freeport)
    [ "$PORT" != "$METRICS_PORT" ] || continue
    "${PIN_SERVER[@]}" env ECHOKIT_CONFIG="$WORK/empty-config.json" ECHOKIT_HOST=127.0.0.1 \
      ECHOKIT_PORT="$PORT" ECHOKIT_METRICS_PORT="$METRICS_PORT" ECHOKIT_LOG_LEVEL=warn \
      "$JAVA" -jar "$JAR" > "$logf" 2>&1 &
    SERVER_PID=$!
    rc=0
    run_child "$PYTHON" "$LIB" wait-echo "$PORT" "$(date +%s.%N)" "$STARTUP_TIMEOUT" "$SERVER_PID" \
      > /dev/null || rc=$?
    if [ "$rc" -eq 0 ]; then
      log "server pid $SERVER_PID on 127.0.0.1:$PORT, metrics on 127.0.0.1:$METRICS_PORT"
      return 0
    fi
    stop_pid "$SERVER_PID"; SERVER_PID=""
    if [ "$rc" -eq 3 ] && [ "$attempt" -lt 3 ] && grep -qi 'already in use\|bindexception' "$logf"; then
      log "a port was taken, retrying on others"
      continue
    fi
    break
  done
  log "the server did not start; last lines of its log:"
  tail -n 15 "$logf" | sed 's/^/    /' >&3
  return 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

LOADGEN=("${PIN_LOAD[@]}" "$JAVA" -cp "$JAR" dev.echokit.cli.BenchCommand --host 127.0.0.1)

log "soak ${SOAK_SECONDS}s with $SOAK_CONNECTIONS connections, then metrics, non-reader, sigterm: about $(( (SOAK_SECONDS + 75 + 59) / 60 )) min; ulimit -n $NOFILE; scratch $WORK"
start_server "$WORK/server.log" || { fail "server start (see $WORK/server.log)"; echo "soak: $PASSED passed, $FAILED failed"; exit 1; }

# ------------------------------------------------------------------ 1. soak

SOAK_JSON=$WORK/soak.json
limit=$((SOAK_SECONDS + 1 + 120))
rc=0
run_child timeout -k 5 "$limit" "${LOADGEN[@]}" --port "$PORT" -c "$SOAK_CONNECTIONS" --size 1-65536 --depth 2 \
  --duration "$SOAK_SECONDS" --warmup 1 --quiet --json "$SOAK_JSON" > "$WORK/soak.log" 2>&1 || rc=$?
errors=$(json_get "$SOAK_JSON" errors.total)
soak_bytes=$(json_get "$SOAK_JSON" bytes)
msgs=$(json_get "$SOAK_JSON" messages)
open=$(json_get "$SOAK_JSON" openConnections)
if [ "$rc" -eq 0 ] && [ "$errors" = 0 ]; then
  ok "soak: $SOAK_CONNECTIONS connections, 1-65536 B, depth 2, ${SOAK_SECONDS}s: $msgs messages, $soak_bytes bytes, $open open to the end, 0 errors"
else
  fail "soak: load generator exit $rc, errors ${errors:-?} ($(grep -m1 'errors' "$WORK/soak.log" | sed 's/^ *//'); see $WORK/soak.log)"
fi

# ------------------------------------------------------------------ 2. metrics after the soak

scrape=$WORK/metrics.txt
if curl -fsS --max-time 10 "http://127.0.0.1:$METRICS_PORT/metrics" > "$scrape" 2> "$WORK/curl.err"; then
  echoed=$(awk '/^echokit_bytes_echoed_total[{ ]/ { s += $NF } END { printf "%.0f", s }' "$scrape")
  if [ -n "$soak_bytes" ] && [ "${echoed:-0}" -gt 0 ] && [ "$echoed" -ge "$soak_bytes" ]; then
    ok "metrics: echokit_bytes_echoed_total = $echoed >= $soak_bytes bytes measured by the soak (warm-up adds more)"
  else
    fail "metrics: echokit_bytes_echoed_total = ${echoed:-none}, soak measured ${soak_bytes:-unknown} bytes (see $scrape)"
  fi
else
  fail "metrics: could not scrape http://127.0.0.1:$METRICS_PORT/metrics: $(head -c 300 "$WORK/curl.err")"
fi

# ------------------------------------------------------------------ 3. non-reading client

cat > "$WORK/nonreader.py" <<'EOF'
# Sends up to 1 GiB in 1 MiB chunks without reading, until the socket stays full (the server paused
# us); compares the server's RSS before and after; then reads back all it sent and checks every byte.
import select, socket, sys, time

port, pid, limit_mib = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
TOTAL, CHUNK, PERIOD = 1 << 30, 1 << 20, 251   # pattern: byte i is i % 251 (a prime: no alignment luck)
STALL = 3.0                                     # seconds without progress = the server paused us
pattern = bytes(i % PERIOD for i in range(CHUNK + PERIOD))

def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

before = rss_kib()
peak = before
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.setblocking(False)
sent, last_progress, deadline = 0, time.monotonic(), time.monotonic() + 120
while sent < TOTAL and time.monotonic() < deadline:
    _, w, _ = select.select([], [s], [], 0.5)
    peak = max(peak, rss_kib())
    if not w:
        if time.monotonic() - last_progress > STALL:
            break
        continue
    off = sent % PERIOD
    n = min(CHUNK, TOTAL - sent)
    try:
        k = s.send(memoryview(pattern)[off:off + n])
    except BlockingIOError:
        k = 0
    if k:
        sent += k
        last_progress = time.monotonic()
    elif time.monotonic() - last_progress > STALL:
        break
time.sleep(1.0)
after = rss_kib()
peak = max(peak, after)
growth_mib = (max(after, peak) - before) / 1024
paused = sent < TOTAL
print(f"sent {sent} bytes ({sent / (1 << 20):.1f} MiB) of 1 GiB before the socket stayed full; "
      f"server RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after, peak {peak / 1024:.1f} MiB: "
      f"growth {growth_mib:.1f} MiB")

# Read back everything sent, checking each byte in order.
s.setblocking(True)
s.settimeout(15)
got, buf = 0, bytearray(CHUNK)
bad = None
try:
    while got < sent:
        k = s.recv_into(buf, min(CHUNK, sent - got))
        if k == 0:
            bad = f"server closed after {got} of {sent} bytes"
            break
        off = got % PERIOD
        if buf[:k] != pattern[off:off + k]:
            i = next(j for j in range(k) if buf[j] != pattern[off + j])
            bad = f"byte {got + i} differs: sent {pattern[off + i]:#04x}, received {buf[i]:#04x}"
            break
        got += k
except OSError as e:
    bad = f"{e} after {got} of {sent} bytes"
s.close()
print(f"read back {got} of {sent} bytes" + (f": {bad}" if bad else ", every byte in order"))
ok = paused and growth_mib < limit_mib and bad is None and sent > 0
if not paused:
    print("the server never paused the client: it took the whole 1 GiB")
sys.exit(0 if ok else 1)
EOF
rc=0
run_child timeout -k 5 240 "${PIN_LOAD[@]}" "$PYTHON" "$WORK/nonreader.py" "$PORT" "$SERVER_PID" "$RSS_LIMIT_MIB" \
  > "$WORK/nonreader.log" 2>&1 || rc=$?
summary=$(tr '\n' ' ' < "$WORK/nonreader.log" | sed 's/ *$//')
if [ "$rc" -eq 0 ]; then
  ok "non-reader: $summary"
else
  fail "non-reader (exit $rc): ${summary:0:600}"
fi

# ------------------------------------------------------------------ 4. SIGTERM during load (last: it stops the server)

SIG_JSON=$WORK/sigterm.json
"${LOADGEN[@]}" --port "$PORT" -c 50 --depth 4 --duration 20 --warmup 0 --quiet --json "$SIG_JSON" \
  > "$WORK/sigterm.log" 2>&1 &
CHILD_PID=$!
sleep 3
server_rc=""
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  t0=$SECONDS
  for ((i = 0; i < (SHUTDOWN_TIMEOUT_S + 5) * 20; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  took=$((SECONDS - t0))
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    server_rc="still running after $((SHUTDOWN_TIMEOUT_S + 5))s"
  else
    rc=0; wait "$SERVER_PID" || rc=$?
    server_rc=$rc
    SERVER_PID=""
  fi
else
  server_rc="had already exited before SIGTERM"
fi
# The load generator ends once every connection is closed, or at its 20 s duration: bounded either way.
for ((i = 0; i < 60 * 20; i++)); do
  kill -0 "$CHILD_PID" 2>/dev/null || break
  sleep 0.05
done
lrc=0
if kill -0 "$CHILD_PID" 2>/dev/null; then
  stop_pid "$CHILD_PID"; lrc=timeout
else
  wait "$CHILD_PID" || lrc=$?
fi
CHILD_PID=""
mismatch=$(json_get "$SIG_JSON" errors.mismatch)
if [ -z "$mismatch" ]; then   # no JSON: read the summary line "errors N (mismatch M, ...)"
  mismatch=$(sed -n 's/.*(mismatch \([0-9]*\),.*/\1/p' "$WORK/sigterm.log" | head -n1)
fi
closed=$(json_get "$SIG_JSON" errors.closed)
io=$(json_get "$SIG_JSON" errors.io)
detail="server exit $server_rc after ${took:-?}s (limit $((SHUTDOWN_TIMEOUT_S + 5))s); load generator exit $lrc, mismatch ${mismatch:-?}, closed early ${closed:-?}, io ${io:-?}"
if [ "$server_rc" = 0 ] && [ "$mismatch" = 0 ]; then
  ok "sigterm: $detail"
else
  fail "sigterm: $detail (see $WORK/sigterm.log, $WORK/server.log)"
fi

echo "soak: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
