#!/usr/bin/env bash
# Starts Meridian as an operator would, waits for /health/ready, signals it and expects
# a clean stop: exit 0, "shutdown complete", no error record, no stack trace.
#   smoke.sh embedded                     `npm start` on the embedded default, twice:
#                                         Ctrl-C (SIGINT to the whole process group), then
#                                         SIGTERM to `npm start` (npm forwards it); the
#                                         second start must not rebuild
#   smoke.sh worker DATABASE_URL REDIS_URL  the worker role, SIGTERM to the node process
set -euo pipefail
mode=$1
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
work=$(mktemp -d)
chmod 711 "$work"
log="$work/meridian.log"

fail() {
  echo "smoke ($mode): $1"
  cat "$log"
  kill -KILL -- -"${pid:-0}" 2>/dev/null || true
  exit 1
}

# start COMMAND...: runs it in a new session (its own process group, as a terminal
# would), leaving $pid = the group leader; waits for readiness.
start() {
  : >"$log"
  setsid "$@" >"$log" 2>&1 &
  pid=$!
  local ok=""
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$ok" ] || fail "never became ready"
  curl -fsS "http://127.0.0.1:$port/health/ready"; echo
  grep -q '"msg":"database: ' "$log" || fail "the start-up log does not say which database is used"
}

# stop DESCRIPTION SIGNAL TARGET: sends SIGNAL to TARGET (a pid, or -PGID for the group)
# and expects a clean stop of the whole group.
stop() {
  local what=$1 signal=$2 target=$3 code=0
  kill -"$signal" -- "$target"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && fail "still running 30 s after $what"
  wait "$pid" || code=$?
  [ "$code" -eq 0 ] || fail "exit code $code after $what"
  grep -q "\"signal\":\"SIG$signal\"" "$log" || fail "Meridian never received SIG$signal ($what)"
  grep -q 'shutdown complete' "$log" || fail "no clean shutdown in the log after $what"
  if grep -Eq '"level":"(error|fatal)"' "$log"; then fail "error records after $what"; fi
  if grep -Eq '^\s+at |"stack":' "$log"; then fail "a stack trace after $what"; fi
  if pgrep -s "$pid" >/dev/null; then fail "processes of the group are left after $what"; fi
  if [ "$mode" = embedded ] && pgrep -f "$work/data/postgres" >/dev/null; then
    fail "the embedded PostgreSQL is still running after $what"
  fi
  echo "smoke ($mode): ready, then exit 0 after $what"
}

if [ "$mode" = embedded ]; then
  run_embedded() {
    start env -u DATABASE_URL -u REDIS_URL DATA_DIR="$work/data" PORT="$port" HOST=127.0.0.1 \
      SHUTDOWN_GRACE_MS=500 npm start
  }
  run_embedded
  stop "Ctrl-C (SIGINT to the process group)" INT -"$pid"
  run_embedded
  grep -q 'not rebuilding' "$log" || fail "npm start rebuilt an up-to-date build"
  stop "SIGTERM to npm start" TERM "$pid"
else
  start env APP_ROLE=worker DATABASE_URL="$2" REDIS_URL="$3" \
    ENCRYPTION_KEYS="ci1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" \
    PORT="$port" HOST=127.0.0.1 SHUTDOWN_GRACE_MS=500 node dist/src/main.js
  # as Kubernetes signals the container's main process
  stop "SIGTERM to the process" TERM "$pid"
fi
rm -rf "$work"
