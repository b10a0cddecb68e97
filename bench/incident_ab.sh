#!/usr/bin/env bash
# bench/incident_ab.sh [BIN] — request-path cost of incident detection through the binary: the same
# wrk load against the gateway with the detectors on (default) and off ([incident] enabled = false),
# alternated, fresh process per run. Detectors run on the recorder thread, so the two should not
# differ beyond noise. Needs wrk and node (the fake provider answers). Ports are picked by the OS.
#   DUR (s per run, 5) REPS (3) CONNS (16)
set -euo pipefail
BIN=${1:-build/parapet}
: "${DUR:=5}" "${REPS:=3}" "${CONNS:=16}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
cleanup() {
  [[ -n ${GW:-} ]] && kill "$GW" 2>/dev/null || true
  [[ -n ${FAKE:-} ]] && kill "$FAKE" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
node "$ROOT/tests/fake_provider/server.mjs" --port 0 > "$TMP/fake.out" &
FAKE=$!
for _ in $(seq 100); do grep -q 'port=' "$TMP/fake.out" 2>/dev/null && break; sleep 0.05; done
FPORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$TMP/fake.out")
cat > "$TMP/body.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["content-type"] = "application/json"
LUA
run() {  # $1 = on|off
  local cfg="$TMP/$1.toml" data="$TMP/data-$1-$2"
  if [[ $1 == off ]]; then printf '[incident]\nenabled = false\n' > "$cfg"; else : > "$cfg"; fi
  "$BIN" serve --config "$cfg" --listen 127.0.0.1:0 --admin 127.0.0.1:0 --data-dir "$data" \
    --upstream "openai=http://127.0.0.1:$FPORT/v1" > "$TMP/gw.out" 2> "$TMP/gw.err" &
  GW=$!
  for _ in $(seq 100); do grep -q listening "$TMP/gw.out" 2>/dev/null && break; sleep 0.05; done
  local port
  port=$(sed -n 's/.*data=[^:]*:\([0-9]*\).*/\1/p' "$TMP/gw.out")
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s "$TMP/body.lua" \
    "http://127.0.0.1:$port/default/openai/chat/completions")
  kill "$GW"
  wait "$GW" 2>/dev/null || true
  GW=
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '/ 99%/{print $2}' <<<"$out")"
}
printf 'detectors\trep\treq/s\tp99\n'
for r in $(seq "$REPS"); do
  run on "$r"
  run off "$r"
done
