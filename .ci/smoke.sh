#!/usr/bin/env bash
# Starts Meridian as an operator would, waits for /health/ready, sends SIGTERM and
# expects exit 0. Usage: smoke.sh embedded | smoke.sh worker DATABASE_URL REDIS_URL
set -euo pipefail
mode=$1
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
work=$(mktemp -d)
chmod 711 "$work"
log="$work/meridian.log"
if [ "$mode" = embedded ]; then
  env -u DATABASE_URL -u REDIS_URL DATA_DIR="$work/data" PORT="$port" HOST=127.0.0.1 \
    SHUTDOWN_GRACE_MS=500 setsid npm start >"$log" 2>&1 &
else
  APP_ROLE=worker DATABASE_URL=$2 REDIS_URL=$3 ENCRYPTION_KEYS="ci1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" PORT="$port" HOST=127.0.0.1 SHUTDOWN_GRACE_MS=500 \
    setsid node dist/src/main.js >"$log" 2>&1 &
fi
pid=$!
ok=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ok" ]; then
  echo "Meridian ($mode) never became ready:"; cat "$log"; kill -KILL -- -"$pid" 2>/dev/null || true; exit 1
fi
curl -fsS "http://127.0.0.1:$port/health/ready"; echo
grep -q '"msg":"database: ' "$log" || { echo "start-up log does not say which database is used"; cat "$log"; exit 1; }
# Signal Meridian's node process (under `npm start`, npm is its parent), as Kubernetes
# signals the container's main process.
node_pid=$(pgrep -s "$pid" -f 'dist/src/main.js' | grep -v "^$pid$" | tail -1 || true)
kill -TERM "${node_pid:-$pid}"
code=0
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then echo "still running 30 s after SIGTERM"; cat "$log"; kill -KILL -- -"$pid"; exit 1; fi
wait "$pid" || code=$?
if [ "$code" -ne 0 ]; then echo "exit code $code after SIGTERM"; cat "$log"; exit 1; fi
grep -q 'shutdown complete' "$log" || { echo "no clean shutdown in the log"; cat "$log"; exit 1; }
if [ "$mode" = embedded ] && pgrep -f "$work/data/postgres" >/dev/null; then
  echo "the embedded PostgreSQL is still running"; exit 1
fi
echo "smoke ($mode): ready, then exit 0 on SIGTERM"
rm -rf "$work"
