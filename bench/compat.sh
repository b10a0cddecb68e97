#!/usr/bin/env bash
# What the compat endpoint's translation adds: the same Anthropic answer fetched natively
# (POST /default/anthropic/v1/messages) and through the OpenAI-compatible endpoint
# (POST /v1/chat/completions, model anthropic/claude-sonnet-4-5: request translated, answer
# translated back), one connection each (wrk -t1 -c1) against the local fake provider, alternated
# ROUNDS times so both see the same machine. The difference of the p50s is the translation's cost
# on the request path (the fake's own time is in both).
#   bench/compat.sh [build-dir] [seconds] [rounds]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
SECS=${2:-5}
ROUNDS=${3:-2}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
start_fake
start_parapet $'[server]\nworkers = 1\n[logs]\nstore = false' --upstream "anthropic=http://127.0.0.1:$FAKE_PORT"

Q='What is the capital of France? Please answer in one short sentence and mention one fact about the city, such as its population or a famous landmark.'
NATIVE='{"model":"claude-sonnet-4-5","max_tokens":128,"system":"You are a helpful assistant. Answer concisely.","messages":[{"role":"user","content":"'"$Q"'"}],"temperature":0.2}'
COMPAT='{"model":"anthropic/claude-sonnet-4-5","max_tokens":128,"messages":[{"role":"system","content":"You are a helpful assistant. Answer concisely."},{"role":"user","content":"'"$Q"'"}],"temperature":0.2}'
lua() {
  printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["content-type"] = "application/json"\n%s\n' "$1" "$2"
}
lua "$NATIVE" 'wrk.headers["x-api-key"] = "sk-ant-bench"
wrk.headers["anthropic-version"] = "2023-06-01"' >"$TMP/native.lua"
lua "$COMPAT" 'wrk.headers["authorization"] = "Bearer sk-ant-bench"' >"$TMP/compat.lua"
curl -sf -X POST "http://$DATA/v1/chat/completions" -H 'content-type: application/json' \
  -H 'authorization: Bearer sk-ant-bench' -d "$COMPAT" | head -c 200
echo
for r in $(seq "$ROUNDS"); do
  echo "== round $r: native /default/anthropic/v1/messages"
  wrk -t1 -c1 -d"${SECS}s" --latency -s "$TMP/native.lua" "http://$DATA/default/anthropic/v1/messages" |
    grep -E ' 50%| 99%|Requests/sec|Non-2xx|errors'
  echo "== round $r: compat /v1/chat/completions (anthropic/claude-sonnet-4-5)"
  wrk -t1 -c1 -d"${SECS}s" --latency -s "$TMP/compat.lua" "http://$DATA/v1/chat/completions" |
    grep -E ' 50%| 99%|Requests/sec|Non-2xx|errors'
done
