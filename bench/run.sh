#!/usr/bin/env bash
# EchoKit benchmark: EchoKit vs raw Netty vs Python asyncio, on 127.0.0.1 only. See bench/README.md.
#
#   bench/run.sh                                        everything (ROUNDS=3, DURATION=2: about 12 min)
#   ROUNDS=1 DURATION=2 SERVERS="echokit-epoll netty-epoll" SCENARIOS="startup rr64-1" bench/run.sh
#   SERVERS="echokit-epoll echokit-tls echokit-ws" SCENARIOS="rr64-1 rr64-50 throughput" bench/run.sh   TLS, WebSocket
#
# Settings (environment):
#   SERVERS    servers to compare, in this order (default: all, see ALL_SERVERS)
#   SCENARIOS  scenarios to run (default: all, see ALL_SCENARIOS); "startup" is measured at each launch
#   ROUNDS     interleaved rounds A B C … A B C … (default 5); the table shows medians over them
#   DURATION   measured seconds per scenario (default 5); WARMUP seconds before it (default 1)
#   SERVER_JAVA_OPTS / LOAD_JAVA_OPTS   extra JVM flags for the Java servers / the load generator
#   LOAD_INSTANCES  event loops of the load generator (default: its own, one per visible core)
#   RESULTS_DIR     where latest.json and latest.md go (default bench/results)
#   KEEP_WORK=1     keep the scratch directory (server and load-generator logs, raw JSON)
#   BENCH_LOADGEN   replaces the load-generator command (for testing this script)
# Servers are pinned to CPU 0 and the load generator to CPU 1 with taskset when it is available.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=$ROOT/target/echokit.jar
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-python3}
LIB=$BENCH_DIR/benchlib.py

ALL_SERVERS="echokit-nio echokit-epoll echokit-io_uring echokit-epoll-pipe netty-nio netty-epoll netty-io_uring python-asyncio"
# Not in the default run: EchoKit without its metrics, to measure what the live meters cost; EchoKit's echo inside
# TLS and over WebSocket, compared with itself over plain TCP (echokit-epoll) rather than with Netty.
EXTRA_SERVERS="echokit-epoll-nometrics echokit-tls echokit-ws"
ALL_SCENARIOS="startup throughput rr64-1 rr64-50 stream64k idle10k"
SERVERS=${SERVERS:-$ALL_SERVERS}
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-2}
WARMUP=${WARMUP:-1}
RESULTS_DIR=$(realpath -m "${RESULTS_DIR:-$BENCH_DIR/results}")
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS:-}
LOAD_INSTANCES=${LOAD_INSTANCES:-}
KEEP_WORK=${KEEP_WORK:-0}
STARTUP_TIMEOUT=20      # seconds from launch to the first echo
STOP_TIMEOUT=10         # seconds between SIGTERM and SIGKILL
WANT_NOFILE=65536       # idle10k: 10,000 connections in each process

# Messages go to fd 3, the script's own stderr, even from a trap that fires inside a redirected command.
exec 3>&2
die() { echo "bench: $*" >&3; exit 1; }
log() { echo "bench: $*" >&3; }
# shellcheck source=bench/common.sh
source "$BENCH_DIR/common.sh"

# Load-generator arguments of each scenario (startup has none: it is timed at each server launch).
scenario_args() {
  case "$1" in
    throughput) echo "-c 50 --size 1024 --depth 16" ;;
    rr64-1)     echo "-c 1 --size 64 --depth 1" ;;
    rr64-50)    echo "-c 50 --size 64 --depth 1" ;;
    stream64k)  echo "-c 4 --size 65536 --depth 4" ;;
    idle10k)    echo "-c 10000 --size 64 --depth 1 --rate 10000" ;;
    *)          return 1 ;;
  esac
}

# ------------------------------------------------------------------ checks

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_pos() { is_uint "$1" && [ "$1" -ge 1 ]; }
is_pos "$ROUNDS" || die "ROUNDS must be a whole number ≥ 1 (got '$ROUNDS')"
is_pos "$DURATION" || die "DURATION must be whole seconds ≥ 1 (got '$DURATION')"
is_uint "$WARMUP" || die "WARMUP must be whole seconds ≥ 0 (got '$WARMUP')"
[ -z "$LOAD_INSTANCES" ] || is_uint "$LOAD_INSTANCES" || die "LOAD_INSTANCES must be a whole number"
for s in $SERVERS; do
  [[ " $ALL_SERVERS $EXTRA_SERVERS " == *" $s "* ]] || die "unknown server '$s' (known: $ALL_SERVERS $EXTRA_SERVERS)"
done
for s in $SCENARIOS; do
  [[ " $ALL_SCENARIOS " == *" $s "* ]] || die "unknown scenario '$s' (known: $ALL_SCENARIOS)"
done
[ -n "${SERVERS// /}" ] || die "SERVERS is empty"
[ -n "${SCENARIOS// /}" ] || die "SCENARIOS is empty"
[[ ${BASH_VERSINFO[0]} -ge 5 ]] || die "needs bash 5 (for \$EPOCHREALTIME)"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (Python 3.11 is used for the helpers)"
# The interpreter itself, not a wrapper such as a pyenv shim (which adds ~0.3 s to every start).
PYTHON=$("$PYTHON" -c 'import sys; print(sys.executable)')
command -v "$JAVA" >/dev/null || die "$JAVA not found"
command -v timeout >/dev/null || die "timeout (coreutils) not found"
if [[ " $SERVERS " == *" echokit-tls "* ]]; then
  command -v openssl >/dev/null || die "openssl not found (echokit-tls needs a certificate made for the run)"
fi

[ -f "$JAR" ] || die "$JAR is missing — run ./run.sh build first"
if [ -z "${BENCH_LOADGEN:-}" ]; then
  "$PYTHON" "$LIB" jar-has "$JAR" dev/echokit/cli/BenchCommand.class \
    || die "$JAR has no load generator (dev.echokit.cli.BenchCommand) — run ./run.sh build first"
fi
if [ -n "$(find "$ROOT/pom.xml" "$ROOT/src" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  log "warning: sources are newer than $JAR — run ./run.sh build to benchmark the current code"
fi

LOAD_SCENARIOS=()
for s in $SCENARIOS; do [ "$s" = startup ] || LOAD_SCENARIOS+=("$s"); done
WANT_STARTUP=0; [[ " $SCENARIOS " == *" startup "* ]] && WANT_STARTUP=1

# 10,000 connections need as many descriptors in the server and in the load generator.
if ! ulimit -n "$WANT_NOFILE" 2>/dev/null; then
  hard=$(ulimit -Hn)
  log "could not raise 'ulimit -n' to $WANT_NOFILE (hard limit $hard); using $hard"
  [ "$hard" = unlimited ] || ulimit -n "$hard" 2>/dev/null || true
fi
NOFILE=$(ulimit -n)
if [[ " ${LOAD_SCENARIOS[*]} " == *" idle10k "* ]] && [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt 10500 ]; then
  log "'ulimit -n' is $NOFILE, too low for 10,000 connections: idle10k is skipped"
  tmp=(); for s in "${LOAD_SCENARIOS[@]}"; do [ "$s" = idle10k ] || tmp+=("$s"); done
  LOAD_SCENARIOS=("${tmp[@]}")
  SCENARIOS=$(for s in $SCENARIOS; do [ "$s" = idle10k ] || printf '%s ' "$s"; done)
fi

PIN_SERVER=(); PIN_LOAD=(); PINNING="no CPU pinning (taskset not found)"
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null; then
  PIN_SERVER=(taskset -c 0); PIN_LOAD=(taskset -c 1)
  PINNING="server pinned to CPU 0, load generator to CPU 1 (taskset)"
else
  log "taskset missing or CPUs 0/1 not usable: running without pinning"
fi

# The benchmark sets the servers' configuration itself; ECHOKIT_* from the calling shell would blur it.
for v in $(compgen -e); do [[ $v == ECHOKIT_* ]] && unset "$v"; done

# ------------------------------------------------------------------ scratch space and clean-up

WORK=$(mktemp -d "${TMPDIR:-/tmp}/echokit-bench.XXXXXX")
JAR_BUILT=$(date -r "$JAR" '+%Y-%m-%dT%H:%M:%S%z')
snapshot_jar "$WORK"
echo '{}' > "$WORK/empty-config.json"
if [[ " $SERVERS " == *" echokit-tls "* ]]; then
  # One ECDSA P-256 certificate for the run, as a CA-issued one would be; made now rather than with selfSigned, whose
  # RSA key generation would add seconds to every start-up measured.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.pem" 2>/dev/null \
    || die "openssl could not make the benchmark's TLS certificate"
fi
cd "$WORK"    # servers and load generator start here: nothing they write lands in the repository
# Servers and load generator read this empty file instead of conf/config.json: only what we set counts.
export ECHOKIT_CONFIG=$WORK/empty-config.json
SERVER_PID=""
CHILD_PID=""
FAILED=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$SERVER_PID"
  if [ "$KEEP_WORK" = 1 ] || [ "$FAILED" -ne 0 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; }; then
    log "scratch files (logs, raw JSON) kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ------------------------------------------------------------------ servers

NETTY_CLASSES=$WORK/netty-classes
if [[ " $SERVERS " == *" netty-"* ]]; then
  # Compiled once, so that startup measures Netty rather than the source launcher's javac.
  command -v javac >/dev/null || die "javac not found (needed to compile bench/NettyEchoServer.java)"
  javac -nowarn -cp "$JAR" -d "$NETTY_CLASSES" "$BENCH_DIR/NettyEchoServer.java" \
    || die "bench/NettyEchoServer.java does not compile against $JAR"
fi

# server_cmd NAME PORT: sets CMD to the command line of server NAME listening on PORT.
server_cmd() {
  local name=$1 port=$2 transport mode metrics listeners
  case "$name" in
    echokit-tls|echokit-ws)
      # The same server as echokit-epoll, its one listener speaking TLS or HTTP/WebSocket instead of plain TCP.
      if [ "$name" = echokit-tls ]; then
        listeners='[{"protocol": "tls", "tls": {"certPath": "'$WORK/tls.pem'", "keyPath": "'$WORK/tls.key'"}}]'
      else
        listeners='[{"protocol": "http"}]'
      fi
      # shellcheck disable=SC2206  # SERVER_JAVA_OPTS is a list of flags
      CMD=(env ECHOKIT_CONFIG="$ECHOKIT_CONFIG" ECHOKIT_HOST=127.0.0.1 ECHOKIT_PORT="$port" ECHOKIT_INSTANCES=1
           ECHOKIT_LISTENERS="$listeners" ECHOKIT_TRANSPORT=epoll ECHOKIT_ECHO_MODE=direct ECHOKIT_LOG_LEVEL=warn
           ECHOKIT_METRICS_ENABLED=true ECHOKIT_METRICS_PORT=0
           "$JAVA" $SERVER_JAVA_OPTS -jar "$JAR") ;;
    echokit-*)
      transport=${name#echokit-}; mode=direct; metrics=true
      if [ "$transport" = epoll-pipe ]; then transport=epoll; mode=pipe; fi
      if [ "$transport" = epoll-nometrics ]; then transport=epoll; metrics=false; fi
      # shellcheck disable=SC2206  # SERVER_JAVA_OPTS is a list of flags
      CMD=(env ECHOKIT_CONFIG="$ECHOKIT_CONFIG" ECHOKIT_HOST=127.0.0.1 ECHOKIT_PORT="$port" ECHOKIT_INSTANCES=1
           ECHOKIT_TRANSPORT="$transport" ECHOKIT_ECHO_MODE="$mode" ECHOKIT_LOG_LEVEL=warn
           ECHOKIT_METRICS_ENABLED="$metrics" ECHOKIT_METRICS_PORT=0
           "$JAVA" $SERVER_JAVA_OPTS -jar "$JAR") ;;
    netty-*)
      # shellcheck disable=SC2206
      CMD=("$JAVA" $SERVER_JAVA_OPTS -cp "$JAR:$NETTY_CLASSES" NettyEchoServer
           --port "$port" --transport "${name#netty-}" --threads 1) ;;
    python-asyncio)
      CMD=("$PYTHON" "$BENCH_DIR/asyncio_echo.py" "$port") ;;
    *) return 1 ;;
  esac
}

# server_proto NAME: what the startup probe speaks to server NAME (benchlib.py wait-echo).
server_proto() {
  case "$1" in
    echokit-tls) echo tls ;;
    echokit-ws) echo ws ;;
    *) echo tcp ;;
  esac
}

# server_load_args NAME: the load generator's flags to reach server NAME. The TLS certificate is made for the run,
# so it is not checked (--insecure): the handshake and the encryption cost the same either way.
server_load_args() {
  case "$1" in
    echokit-tls) echo "--tls --insecure" ;;
    echokit-ws) echo "--ws" ;;
    *) echo "" ;;
  esac
}

# The transport a Netty process runs, from its descriptors: an io_uring ring, or native epoll's timerfd
# (JDK NIO uses epoll too, but no timerfd). Mapped libraries do not tell: Vert.x probes both natives.
fd_transport() {
  local fds
  fds=$(find "/proc/$1/fd" -maxdepth 1 -type l -printf '%l\n' 2>/dev/null) || { echo "?"; return; }
  if [[ $fds == *"[io_uring]"* ]]; then echo io_uring
  elif [[ $fds == *"[timerfd]"* ]]; then echo epoll
  else echo nio
  fi
}

peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }
# Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next reading is the peak of one scenario.
reset_peak_rss() { { echo 5 > "/proc/$1/clear_refs"; } 2>/dev/null || true; }

RUNS=$WORK/runs.jsonl
: > "$RUNS"

record() { "$PYTHON" "$LIB" record "$RUNS" "$@"; }

# run_server_round ROUND NAME: launch, time the first echo, run every load scenario, stop.
run_server_round() {
  local round=$1 name=$2 port t0 startup rc attempt sc args limit out err rss warn="" expect got why error
  local logf=$WORK/server-$name-r$round.log
  for attempt in 1 2 3; do
    port=$("$PYTHON" "$LIB" freeport)
    server_cmd "$name" "$port"
    t0=$EPOCHREALTIME
    "${PIN_SERVER[@]}" "${CMD[@]}" > "$logf" 2>&1 &
    SERVER_PID=$!
    rc=0
    run_child "${PIN_LOAD[@]}" "$PYTHON" "$LIB" wait-echo "$port" "$t0" "$STARTUP_TIMEOUT" "$SERVER_PID" \
      "$(server_proto "$name")" > "$WORK/startup.txt" || rc=$?
    startup=$(cat "$WORK/startup.txt")
    [ "$rc" -eq 0 ] && break
    stop_pid "$SERVER_PID"; SERVER_PID=""
    # wait-echo exits 3 when the server has exited: retry only when that was a port lost to a race.
    if [ "$rc" -eq 3 ] && [ "$attempt" -lt 3 ] && grep -qi 'already in use\|bindexception' "$logf"; then
      log "$name: port $port was taken, retrying on another"
      continue
    fi
    why="did not echo within ${STARTUP_TIMEOUT}s of launch"
    [ "$rc" -eq 3 ] && why="exited before its first echo"
    log "$name (round $round) $why; last lines of its log:"
    tail -n 15 "$logf" | sed 's/^/    /' >&3
    FAILED=1
    for sc in $SCENARIOS; do
      record round="$round" server="$name" scenario="$sc" error="server $why (see $logf)"
    done
    return 0
  done

  # Is the server really on the transport it was asked for?
  case "$name" in
    echokit-nio|netty-nio) expect=nio ;;
    *-io_uring) expect=io_uring ;;
    *-epoll|*-epoll-pipe|*-epoll-nometrics|echokit-tls|echokit-ws) expect=epoll ;;
    *) expect="" ;;
  esac
  if [ -n "$expect" ]; then
    got=$(fd_transport "$SERVER_PID")
    if [ "$got" != "$expect" ]; then
      warn="asked for transport $expect but the process runs $got (checked from its file descriptors)"
      log "warning: $name: $warn"
    fi
  fi
  log "round $round: $name on 127.0.0.1:$port (pid $SERVER_PID) first echo after ${startup} ms"
  if [ "$WANT_STARTUP" = 1 ]; then
    record round="$round" server="$name" scenario=startup startupMillis="$startup" \
      peakRssKiB="$(peak_rss_kib "$SERVER_PID")" port="$port" warning="$warn"
  fi

  for sc in "${LOAD_SCENARIOS[@]}"; do
    out=$WORK/load-$name-$sc-r$round.json
    err=$WORK/load-$name-$sc-r$round.log
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      record round="$round" server="$name" scenario="$sc" error="server exited before this scenario (see $logf)"
      FAILED=1
      continue
    fi
    args="$(scenario_args "$sc") $(server_load_args "$name")"
    [ -z "$LOAD_INSTANCES" ] || args+=" --instances $LOAD_INSTANCES"
    limit=$((WARMUP + DURATION + 90))
    reset_peak_rss "$SERVER_PID"
    rc=0
    # shellcheck disable=SC2086  # args is a word list
    run_child timeout -k 5 "$limit" "${PIN_LOAD[@]}" "${LOADGEN[@]}" --host 127.0.0.1 --port "$port" $args \
      --duration "$DURATION" --warmup "$WARMUP" --json "$out" --quiet > "$err" 2>&1 || rc=$?
    rss=$(peak_rss_kib "$SERVER_PID")
    error=""
    case "$rc" in
      0) ;;
      1) error="load generator reported errors (exit 1)" ;;
      124|137) error="load generator timed out after ${limit}s" ;;
      *) error="load generator failed (exit $rc): $(tail -n 3 "$err" | tr '\n' ' ' | cut -c1-300)" ;;
    esac
    if [ -n "$error" ]; then
      log "$name / $sc: $error"
      [ "$rc" -eq 1 ] || FAILED=1
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      error="${error:+$error; }server died during the scenario"
      FAILED=1
    fi
    record round="$round" server="$name" scenario="$sc" exitCode="$rc" peakRssKiB="$rss" result="$out" \
      error="$error" warning="$warn"
    "$PYTHON" - "$out" "$name" "$sc" <<'EOF' >&2 || true
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
lat = r.get("latencyMicros", {})
print(f"bench:   {sys.argv[2]:<19} {sys.argv[3]:<10} {r.get('msgPerSec', 0):>12,.0f} msg/s "
      f"{r.get('mibPerSec', 0):>9,.1f} MiB/s  p50 {lat.get('p50', 0):>8,.0f} µs  p99 {lat.get('p99', 0):>8,.0f} µs"
      f"  errors {r.get('errors', {}).get('total', 0)}")
EOF
  done

  stop_pid "$SERVER_PID"
  SERVER_PID=""
}

# ------------------------------------------------------------------ main

if [ -n "${BENCH_LOADGEN:-}" ]; then
  read -ra LOADGEN <<< "$BENCH_LOADGEN"
else
  # shellcheck disable=SC2206  # LOAD_JAVA_OPTS is a list of flags
  LOADGEN=("$JAVA" $LOAD_JAVA_OPTS -cp "$JAR" dev.echokit.cli.BenchCommand)
fi

read -ra server_list <<< "$SERVERS"
# Measured here: ~3 s to start a JVM server, ~2 s per load run besides warm-up and duration (the load
# generator's JVM, connecting, closing), ~3 s more to open and close 10,000 connections.
per_server=$(( 3 + ${#LOAD_SCENARIOS[@]} * (WARMUP + DURATION + 2) ))
[[ " ${LOAD_SCENARIOS[*]} " == *" idle10k "* ]] && per_server=$((per_server + 3))
eta=$(( ROUNDS * ${#server_list[@]} * per_server ))
log "$ROUNDS round(s) × ${#server_list[@]} server(s) × scenarios [$SCENARIOS]: about $(( (eta + 59) / 60 )) min"
log "$PINNING; ulimit -n $NOFILE; scratch $WORK"
read -r load1 _ < /proc/loadavg || load1=0
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  log "warning: load average is $load1 — other work on this machine will show up as noise in the results"
fi

"$PYTHON" "$LIB" machine "$WORK/machine.json" java="$JAVA" jar="$JAR" rounds="$ROUNDS" duration="$DURATION" \
  warmup="$WARMUP" servers="$SERVERS" scenarios="$SCENARIOS" pinning="$PINNING" nofile="$NOFILE" \
  serverJavaOpts="$SERVER_JAVA_OPTS" loadJavaOpts="$LOAD_JAVA_OPTS" jarBuilt="$JAR_BUILT" \
  commit="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"

started=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
  for name in "${server_list[@]}"; do
    run_server_round "$round" "$name"
  done
done

mkdir -p "$RESULTS_DIR"
"$PYTHON" "$LIB" report "$WORK" "$RESULTS_DIR/latest.json" "$RESULTS_DIR/latest.md"
echo
cat "$RESULTS_DIR/latest.md"
echo
log "took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s; wrote $RESULTS_DIR/latest.md and latest.json"
[ "$FAILED" -eq 0 ] || { log "some runs failed: see the notes under the table"; exit 1; }
