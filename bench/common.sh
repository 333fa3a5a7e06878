# shellcheck shell=bash
# Shell helpers shared by bench/run.sh and bench/soak.sh; sourced, not run. They expect the caller's
# log and die functions, PYTHON, LIB (benchlib.py), STOP_TIMEOUT and a CHILD_PID variable.

# snapshot_jar DIR: copies $JAR into DIR and points JAR at the copy. A rebuild during the run (mvn
# package rewrites the jar in place) would otherwise make the JVMs using it fail with NoClassDefFoundError.
snapshot_jar() {
  cp "$JAR" "$1/echokit.jar"
  JAR=$1/echokit.jar
  "$PYTHON" "$LIB" jar-has "$JAR" META-INF/MANIFEST.MF \
    || die "could not take a whole copy of target/echokit.jar (is it being rebuilt?) — try again"
}

stop_pid() {  # stop_pid PID: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; always reaps it
  local pid=$1 i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# Runs a command in the background and waits for it, so that Ctrl-C is handled at once.
run_child() {
  local rc=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}
