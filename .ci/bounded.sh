#!/usr/bin/env bash
# Runs a command (a test phase) with a time limit. When the limit passes, this prints
# the busiest processes and the JavaScript stack and active handles of every Node
# process of the command (from Node's diagnostic report), then kills it and fails: a hung
# test costs minutes, not the whole CI budget, and the log says where it hung.
#   bash .ci/bounded.sh <seconds> <command...>
set -uo pipefail
limit=$1
shift
reports=$(mktemp -d)
export NODE_OPTIONS="${NODE_OPTIONS:-} --report-on-signal --report-signal=SIGUSR2 --report-directory=$reports"
setsid "$@" &
pid=$!
(
  sleep "$limit"
  kill -0 "$pid" 2>/dev/null || exit 0
  touch "$reports/timed-out"
  echo "ci: '$*' did not finish within ${limit}s. Its processes:"
  ps -o pid,pcpu,etime,args --sid "$pid" --sort=-pcpu | cut -c1-160
  kill -USR2 -- "-$pid" 2>/dev/null
  sleep 10
  kill -KILL -- "-$pid" 2>/dev/null
) &
watchdog=$!
wait "$pid"
rc=$?
if [ -e "$reports/timed-out" ]; then
  # The command's leader may exit on the report signal before its children do (npm
  # does): give the reports a moment, then kill everything left in its session.
  sleep 10
  pkill -KILL -s "$pid" 2>/dev/null
fi
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
if [ -e "$reports/timed-out" ]; then
  echo "ci: JavaScript stacks (a process busy in a loop of promises writes none):"
  for report in "$reports"/*.json; do
    [ -e "$report" ] || continue
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log("\n--- pid", r.header.processId, r.header.commandLine.join(" ").slice(0, 200));
      console.log(r.javascriptStack.message);
      for (const line of r.javascriptStack.stack || []) console.log("   ", line);
      const handles = (r.libuv || []).filter((h) => h.is_active)
        .map((h) => h.type + (h.remoteEndpoint ? " " + JSON.stringify(h.remoteEndpoint) : ""));
      console.log("active handles:", handles.join(", "));
    ' "$report" || true
  done
  rm -rf "$reports"
  exit 1
fi
rm -rf "$reports"
exit "$rc"
