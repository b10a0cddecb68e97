#!/usr/bin/env bash
# Cache-hit latency through the real binary: one connection (wrk -t1 -c1), the same 483 B chat
# request every time, against a gateway with cache_ttl set — so every request after the first is a
# memory-tier HIT that never reaches the fake provider. The same run with x-parapet-skip-cache
# (BYPASS: the full proxy path to the local fake) gives the comparison.
#   bench/cache_hit.sh [build-dir] [seconds]
# Prints wrk's latency distribution for both and the gateway's /admin/cache counters.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SECS=${2:-5}
TMP=$(mktemp -d)
cleanup() {
  [[ -n "${GW_PID:-}" ]] && kill "$GW_PID" 2>/dev/null || true
  [[ -n "${FAKE_PID:-}" ]] && kill "$FAKE_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

node tests/fake_provider/server.mjs --port 0 >"$TMP/fake.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 100); do grep -q 'port=' "$TMP/fake.log" && break; sleep 0.05; done
FAKE_PORT=$(grep -o 'port=[0-9]*' "$TMP/fake.log" | cut -d= -f2)

cat >"$TMP/parapet.toml" <<TOML
[server]
workers = 1
[gateways.default]
cache_ttl = 3600
[logs]
store = false
TOML
"$BUILD/parapet" serve --config "$TMP/parapet.toml" --listen 127.0.0.1:0 --admin 127.0.0.1:0 \
  --data-dir "$TMP/data" --upstream "openai=http://127.0.0.1:$FAKE_PORT/v1" >"$TMP/gw.log" 2>&1 &
GW_PID=$!
for _ in $(seq 100); do grep -q '^listening' "$TMP/gw.log" && break; sleep 0.05; done
DATA=$(sed -n 's/^listening data=\([^ ]*\) admin=.*/\1/p' "$TMP/gw.log")
ADMIN=$(sed -n 's/^listening data=[^ ]* admin=\(.*\)$/\1/p' "$TMP/gw.log")

BODY='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant. Answer concisely and accurately, and do not invent facts."},{"role":"user","content":"What is the capital of France? Please answer in one short sentence and mention one fact about the city, such as its population or a famous landmark."}],"temperature":0.2,"max_tokens":128,"top_p":1,"n":1,"stream":false,"user":"bench-user-0001","metadata":{"tenant":"acme-corp","request_kind":"benchmark"}}'
lua() {
  cat <<LUA
wrk.method = "POST"
wrk.body = [[$BODY]]
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer sk-bench-0000"
$1
LUA
}
lua "" >"$TMP/hit.lua"
lua 'wrk.headers["x-parapet-skip-cache"] = "true"' >"$TMP/bypass.lua"
# Prime the cache, then check it answers HIT.
curl -s -o /dev/null -X POST "http://$DATA/default/openai/chat/completions" \
  -H 'content-type: application/json' -H 'authorization: Bearer sk-bench-0000' -d "$BODY"
curl -s -D - -o /dev/null -X POST "http://$DATA/default/openai/chat/completions" \
  -H 'content-type: application/json' -H 'authorization: Bearer sk-bench-0000' -d "$BODY" |
  grep -i '^x-parapet-cache-status'

echo "== HIT (memory tier), 1 connection, ${SECS}s"
wrk -t1 -c1 -d"${SECS}s" --latency -s "$TMP/hit.lua" "http://$DATA/default/openai/chat/completions"
echo "== BYPASS (proxied to the local fake), 1 connection, ${SECS}s"
wrk -t1 -c1 -d"${SECS}s" --latency -s "$TMP/bypass.lua" "http://$DATA/default/openai/chat/completions"
echo "== /admin/cache"
curl -s "http://$ADMIN/admin/cache"
echo
