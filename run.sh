#!/usr/bin/env bash
# EchoKit launcher: builds the fat jar when it is missing or older than the sources, then runs it.
#   ./run.sh [server] [launcher options]   start the echo server (default; reads conf/config.json)
#   ./run.sh client [options] [message…]   send messages and verify their echoes (--help for options)
#   ./run.sh bench [options]              load-test an echo server (--help for options)
#   ./run.sh vertx run <verticle> [opts]   the Vert.x 4 style `vertx` command (legacy launcher)
#   ./run.sh test                          run the test suite (the CI test command)
#   ./run.sh build                         build target/echokit.jar now
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/echokit.jar
JAVA=${JAVA:-java}
# Extra JVM flags, e.g. JAVA_OPTS_ECHOKIT="-Dechokit.port=7000 -Xmx256m".
JAVA_OPTS_ECHOKIT=${JAVA_OPTS_ECHOKIT:-}
CDS_FLAGS=()

build() {
  echo "run.sh: building $JAR (mvn package)…" >&2
  # Maven 3.8 prints colour codes even when quiet; strip them so only real messages show.
  mvn -B -q -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
}

stale() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find pom.xml src -newer "$JAR" -print -quit)" ]
}

# Class-data sharing: a first run records the classes the server loads into an archive that later
# starts map instead of parsing again (start-up to first echo measured 1.2 s -> 0.8 s). ECHOKIT_CDS=0
# turns it off. Training starts the server on a free port, echoes one byte, and stops it.
cds_archive() {
  local archive=${RUN_JAR%.jar}.jsa log=${RUN_JAR%.jar}.cds.log port
  if [ "${ECHOKIT_CDS:-1}" = 0 ]; then return; fi
  if [ ! -f "$archive" ] && [ ! -f "$log" ]; then
    echo "run.sh: recording the class-data archive for faster start-up (once per build)…" >&2
    ECHOKIT_PORT=0 ECHOKIT_METRICS_PORT=0 ECHOKIT_INSTANCES=1 "$JAVA" -XX:ArchiveClassesAtExit="$archive" -jar "$RUN_JAR" >"$log" 2>&1 &
    local pid=$!
    for _ in $(seq 150); do
      port=$(sed -n 's/.*listening on tcp:\/\/[^ ]*:\([0-9]*\) .*/\1/p' "$log")
      [ -n "$port" ] && break
      sleep 0.1
    done
    if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
      printf x >&3 && timeout 5 head -c 1 <&3 >/dev/null
      exec 3<&-
    fi
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ -f "$archive" ]; then CDS_FLAGS=(-XX:SharedArchiveFile="$archive"); fi
}

# Programs run from a snapshot of the jar: Maven rewrites target/echokit.jar in place, which would
# break a server still running from it. Older snapshots are unlinked; processes using them keep them.
ensure_jar() {
  if stale; then build; fi
  RUN_JAR=target/run/echokit-$(stat -c %Y "$JAR").jar
  if [ ! -f "$RUN_JAR" ]; then
    mkdir -p target/run
    cp "$JAR" "$RUN_JAR.$$.tmp" && mv "$RUN_JAR.$$.tmp" "$RUN_JAR"
    find target/run -name 'echokit-*' ! -name "$(basename "${RUN_JAR%.jar}")*" -delete
  fi
}

cmd=${1:-server}
case "$cmd" in
  server) shift || true; ensure_jar; cds_archive; exec "$JAVA" "${CDS_FLAGS[@]}" $JAVA_OPTS_ECHOKIT -jar "$RUN_JAR" "$@" ;;
  client) shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.ClientCommand "$@" ;;
  bench)  shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.BenchCommand "$@" ;;
  vertx)  shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.VertxCli "$@" ;;
  test)   shift; exec mvn -B verify "$@" ;;
  build)  shift; build ;;
  -*)     ensure_jar; cds_archive; exec "$JAVA" "${CDS_FLAGS[@]}" $JAVA_OPTS_ECHOKIT -jar "$RUN_JAR" "$@" ;;
  *)      echo "run.sh: unknown command '$cmd' — use server, client, bench, vertx, test or build" >&2; exit 2 ;;
esac
