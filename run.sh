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

build() {
  echo "run.sh: building $JAR (mvn package)…" >&2
  mvn -B -q -DskipTests package >&2
}

stale() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find pom.xml src -newer "$JAR" -print -quit)" ]
}

# Programs run from a snapshot of the jar: Maven rewrites target/echokit.jar in place, which would
# break a server still running from it. Older snapshots are unlinked; processes using them keep them.
ensure_jar() {
  if stale; then build; fi
  RUN_JAR=target/run/echokit-$(stat -c %Y "$JAR").jar
  if [ ! -f "$RUN_JAR" ]; then
    mkdir -p target/run
    cp "$JAR" "$RUN_JAR.$$.tmp" && mv "$RUN_JAR.$$.tmp" "$RUN_JAR"
    find target/run -name 'echokit-*.jar' ! -path "$RUN_JAR" -delete
  fi
}

cmd=${1:-server}
case "$cmd" in
  server) shift || true; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -jar "$RUN_JAR" "$@" ;;
  client) shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.ClientCommand "$@" ;;
  bench)  shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.BenchCommand "$@" ;;
  vertx)  shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$RUN_JAR" dev.echokit.cli.VertxCli "$@" ;;
  test)   shift; exec mvn -B verify "$@" ;;
  build)  shift; build ;;
  -*)     ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -jar "$RUN_JAR" "$@" ;;
  *)      echo "run.sh: unknown command '$cmd' — use server, client, bench, vertx, test or build" >&2; exit 2 ;;
esac
