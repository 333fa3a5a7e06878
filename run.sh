#!/usr/bin/env bash
# EchoKit launcher: builds the fat jar when it is missing or older than the sources, then runs it.
#   ./run.sh [server] [launcher options]   start the echo server (default; reads conf/config.json)
#   ./run.sh client [options] [message…]   send messages and verify their echoes (--help for options)
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

ensure_jar() {
  if stale; then build; fi
}

cmd=${1:-server}
case "$cmd" in
  server) shift || true; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -jar "$JAR" "$@" ;;
  client) shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$JAR" dev.echokit.cli.ClientCommand "$@" ;;
  vertx)  shift; ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -cp "$JAR" dev.echokit.cli.VertxCli "$@" ;;
  test)   shift; exec mvn -B verify "$@" ;;
  build)  shift; build ;;
  -*)     ensure_jar; exec "$JAVA" $JAVA_OPTS_ECHOKIT -jar "$JAR" "$@" ;;
  *)      echo "run.sh: unknown command '$cmd' — use server, client, vertx, test or build" >&2; exit 2 ;;
esac
