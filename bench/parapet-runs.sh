#!/usr/bin/env bash
# bench/parapet-runs.sh HARNESS_DIR — measures Parapet with the shared harness's own measuring code
# (verify, one_run, ticks, rss_sampler... sourced from HARNESS_DIR/run-all.sh, the scratch copy),
# appending rows in the harness's format to results/raw-parapet*.tsv as scenarios custom-json/-sse.
#
# Why not the harness's CUSTOM_CMD: it keeps one gateway process for the warm-up and every rep, so a
# gateway that dies (seen: "double free" when wrk closes connections with requests in flight) ends
# the whole harness run. Here each measured run gets a fresh process; a crash is recorded in
# results/crashes.tsv and in the report, the process restarted, and the run still measured.
# Env: CUSTOM_CMD (exec ... parapet serve ...), CUSTOM_PORT, CUSTOM_JSON_URL, CUSTOM_SSE_URL,
#      DUR LOWC_DUR REPS THREADS HIGHC, PARAPET_WARM (s; a C++ process needs no 30 s JIT warm-up),
#      NOSTORE_VARIANT=1 (also measure with the log store off, see below).
set -euo pipefail
B=$(cd "$1" && pwd)
cd "$B"
: "${DUR:=15}" "${REPS:=3}" "${LOWC_DUR:=10}" "${THREADS:=2}" "${HIGHC:=512}" "${PARAPET_WARM:=5}"
PIN=1 CLIENT_CPU=0 SERVER_CPU=1 HZ=$(getconf CLK_TCK) TAG=parapet
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$B/logs/run-all-$TAG.log"; }

# The harness's helpers and one_run, unchanged: same CPU/RSS/latency/upstream-count accounting.
source <(sed -n '/^# -* process helpers/,/^# -* main/p' run-all.sh)
declare -F one_run verify start_bg stop_pid ticks wait_port >/dev/null ||
  { echo "run-all.sh no longer has the functions this script uses" >&2; exit 1; }

# ticks: a gateway that crashed at the very end of a run (its /proc entry gone) reports the last
# value sampled while it lived instead of nothing, so its CPU per request stays meaningful.
eval "harness_$(declare -f ticks)"
ticks() {
  if [[ -n ${GW_PID:-} && " $* " == *" $GW_PID "* && ! -r /proc/$GW_PID/stat ]]; then
    cat "$B/run/gw-ticks"
  else
    harness_ticks "$@"
  fi
}

GW_PID=; SAMPLER=; UP_PID=
start_gw() {   # start_gw LOGNAME -> GW_PID (pinned to the proxy core by start_bg)
  start_bg "custom-$1" bash -c "$CUSTOM_CMD"; GW_PID=$LAST_PID
  wait_port "$CUSTOM_PORT"
  echo "0 0" > "$B/run/gw-ticks"
  ( for _ in $(seq 1 20000); do   # bounded: ~1 h at 0.2 s
      [[ -r /proc/$GW_PID/stat ]] || break
      t=$(harness_ticks "$GW_PID"); [[ $t == "0 0" ]] || echo "$t" > "$B/run/gw-ticks"
      sleep 0.2
    done ) &
  SAMPLER=$!
}
stop_gw() { stop_pid "$GW_PID"; GW_PID=; stop_pid "$SAMPLER"; SAMPLER=; }
alive() { [[ -n $GW_PID ]] && kill -0 "$GW_PID" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$GW_PID/stat" 2>/dev/null) != Z ]]; }
crash() { printf '%s\t%s\t%s\t%s\t%s\n' "$TAG" "$1" "$2" "$3" "$4" >> "$B/results/crashes.tsv"; log "CRASH parapet $*: $(tail -1 "$B/logs/custom-$5.$TAG.log")"; }
cleanup() { stop_gw; stop_pid "$UP_PID"; }
trap cleanup EXIT
trap "exit 143" TERM INT

# measure SCENARIO KIND CONNS URL BODY EXPECT: REPS runs, each on a fresh, warmed-up process
measure() {
  local sc=$1 kind=$2 conns=$3 url=$4 body=$5 expect=$6 rep try name
  for rep in $(seq 1 "$REPS"); do
    for try in 1 2 3; do
      name=${sc#custom-}-c$conns-$rep-$try
      start_gw "$name"
      [[ $sc-c$conns-$rep-$try == custom-json-c64-1-1 ]] && idle_rss custom "$GW_PID"
      true
      verify "$sc" "$url" "$body" "" "$expect" || { stop_gw; return 0; }
      ((try == 3)) && break   # two crashed warm-ups: measure a cold process rather than none
      BODY_FILE="$body" "${CLI[@]}" wrk -t"$THREADS" -c"$( [[ $kind == c1 ]] && echo 64 || echo "$conns")" \
        -d"${PARAPET_WARM}s" --timeout 10s -s "$B/lua/chat.lua" "$url" > "$B/results/wrk-$TAG-$name-warmup.txt" 2>&1 || true
      sleep 0.5   # a crash on the warm-up's closing connections shows up by now
      alive && break
      crash "$sc" "c$conns" "$rep" "warm-up" "$name"; stop_gw
    done
    CONNS=$conns one_run "$sc" "$rep" "$kind" "$url" "$body" "" "$GW_PID"
    sleep 0.5
    alive || crash "$sc" "c$conns" "$rep" "end of measured run (numbers kept)" "$name"
    stop_gw
    sleep 1
  done
}

J=$B/conf/request.json; S=$B/conf/request_stream.json
start_bg upstream nginx -p "$B/" -c conf/upstream.conf; UP_PID=$LAST_PID; wait_port 9001; sleep 0.5

# Defaults first (what a user gets: usage parsing, SQLite log store, analytics), then — if
# NOSTORE_VARIANT=1 — the same binary with `[logs] store = false` (records still feed analytics and
# /metrics), which is "logging off" for the throughput comparison issue 3 asks for.
# The c1 runs are for added latency and are done on the defaults only.
DEFAULT_CMD=$CUSTOM_CMD
variants=custom
[[ ${NOSTORE_VARIANT:-0} == 1 ]] && variants+=" custom-nostore"
for variant in $variants; do
  TAG=parapet; RAW=$B/results/raw-$TAG.tsv
  if [[ $variant == custom ]]; then
    CUSTOM_CMD=$DEFAULT_CMD
  else
    printf '[server]\nworkers = 1\n[logs]\nstore = false\n' > "$B/parapet-nostore.toml"
    CUSTOM_CMD=${DEFAULT_CMD/parapet-bench.toml/parapet-nostore.toml}
  fi
  measure $variant-json c64 64 "$CUSTOM_JSON_URL" "$J" '"usage"'
  [[ $variant == custom ]] && measure $variant-json c1 1 "$CUSTOM_JSON_URL" "$J" '"usage"'
  measure $variant-sse c64 64 "$CUSTOM_SSE_URL" "$S" '\[DONE\]'
  [[ $variant == custom ]] && measure $variant-sse c1 1 "$CUSTOM_SSE_URL" "$S" '\[DONE\]'
  if [[ $HIGHC != 0 ]]; then
    TAG=parapet-c$HIGHC; RAW=$B/results/raw-$TAG.tsv
    measure $variant-json c64 "$HIGHC" "$CUSTOM_JSON_URL" "$J" '"usage"'
  fi
done
