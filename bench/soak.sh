#!/usr/bin/env bash
# Soak (issue 6): steady load through Parapet (logging on, the default) for MINUTES, RSS sampled
# every 10 s. The verdict compares the RSS after the first minute (caches and the log store's
# page cache warmed up) with the last sample.
#   bench/soak.sh [minutes] [connections]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MIN=${1:-10}
CONNS=${2:-16}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
start_nginx_pair
start_parapet $'[server]\nworkers = 1' --upstream openai=http://127.0.0.1:9001/v1 \
  --upstream groq=http://127.0.0.1:9001/stream/v1
body=$(cat "$TMP/peers/conf/request.json")
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer sk-bench"\n' "$body" >"$TMP/req.lua"
# Half the connections ask for JSON, half for SSE streams.
wrk -t1 -c$((CONNS / 2)) -d"${MIN}m" -s "$TMP/req.lua" "http://$DATA/default/openai/chat/completions" >"$TMP/wrk-json.txt" &
W1=$!
sbody=$(cat "$TMP/peers/conf/request_stream.json")
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer sk-bench"\n' "$sbody" >"$TMP/sreq.lua"
wrk -t1 -c$((CONNS / 2)) -d"${MIN}m" -s "$TMP/sreq.lua" "http://$DATA/default/groq/chat/completions" >"$TMP/wrk-sse.txt" &
W2=$!
echo "t_s rss_kb requests"
end=$((SECONDS + MIN * 60))
while ((SECONDS < end)); do
  reqs=$(curl -s "http://$ADMIN/metrics" | awk '/^parapet_requests_total /{print $2}')
  echo "$((SECONDS)) $(rss_kb "$GW_PID") $reqs" | tee -a "$TMP/samples.txt"
  sleep 10
done
wait $W1 $W2 || true
grep -h "Requests/sec\|Non-2xx\|Socket errors" "$TMP/wrk-json.txt" "$TMP/wrk-sse.txt" || true
python3 - "$TMP/samples.txt" <<'PY'
import sys
rows = [list(map(float, l.split()[:2])) for l in open(sys.argv[1]) if len(l.split()) >= 2]
warm = [r for r in rows if r[0] >= 60] or rows
a, b = warm[0][1], rows[-1][1]
print(f"RSS after warm-up {a/1024:.1f} MB, at the end {b/1024:.1f} MB, change {100*(b-a)/a:+.1f}% "
      f"over {(rows[-1][0]-warm[0][0])/60:.1f} min")
PY
