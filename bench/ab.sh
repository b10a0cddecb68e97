#!/usr/bin/env bash
# Quick same-run ratio: nginx proxy_pass and Parapet alternated ROUNDS times on the 1 KB JSON chat
# request at CONNS connections (wrk pinned to core 0, like the full harness), against the peers
# harness's fake upstream. For checking an optimization between full bench/run.sh runs.
#   bench/ab.sh [build-dir] [seconds] [rounds] [conns]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build-rel}
SECS=${2:-5}
ROUNDS=${3:-3}
CONNS=${4:-64}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
start_nginx_pair
start_parapet $'[server]\nworkers = 1' --upstream openai=http://127.0.0.1:9001/v1
# As in the full harness: each proxy alone on core 1, the upstream and wrk on core 0.
for p in $(pgrep -P "$NGX_PID") "$NGX_PID" "$GW_PID"; do taskset -acp 1 "$p" >/dev/null; done
for p in $(pgrep -P "$UP_PID") "$UP_PID"; do taskset -acp 0 "$p" >/dev/null; done
body=$(cat "$TMP/peers/conf/request.json")
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer sk-bench"\n' "$body" >"$TMP/req.lua"
for r in $(seq "$ROUNDS"); do
  n=$(taskset -c 0 wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$TMP/req.lua" http://127.0.0.1:9002/v1/chat/completions | awk '/Requests\/sec/{print $2}')
  p=$(taskset -c 0 wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$TMP/req.lua" "http://$DATA/default/openai/chat/completions" | awk '/Requests\/sec/{print $2}')
  echo "round $r: nginx $n req/s, parapet $p req/s, ratio $(python3 -c "print(f'{$p/$n:.2f}')")"
done
