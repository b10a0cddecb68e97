#!/usr/bin/env bash
# bench/run.sh — the one benchmark command (issue 6): installs what it needs, builds Parapet in
# release mode, runs the shared peer harness (../shared/bench/peers/run-all.sh) with Parapet as its
# CUSTOM target next to direct / nginx / Portkey in the same run, runs the micro-benchmarks, prints
# one table and writes docs/BENCHMARKS.md.
#
#   bench/run.sh                 full run (~25 min): 30 s warm-up, 3 reps of 15 s (c64/c512), 10 s (c1)
#   QUICK=1 bench/run.sh         smoke run (~3 min): 1 rep of 5 s, no Portkey, no c512
#
# Knobs (env): QUICK=1, PORTKEY=0|1, HIGHC=512 (0: skip the high-concurrency pass), REPS, DUR,
#   NOSTORE_VARIANT=1|"" (also Parapet with [logs] store = false), PARAPET_WARM=5,
#   WARM, LOWC_DUR, SKIP_INSTALL=1, SKIP_MICRO=1, OUT=docs/BENCHMARKS.md,
#   PEERS_SRC (default: ../shared/bench/peers next to the repo), BENCH_WORK (scratch folder).
# Every load is on 127.0.0.1 and bounded in time (wrk -d); servers are stopped by the harness.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUICK=${QUICK:-0}
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/bench/peers}
BUILD=$ROOT/build-rel
WORK=${BENCH_WORK:-$BUILD/bench-peers}   # scratch copy: the shared harness writes into its own folder
OUT=${OUT:-$ROOT/docs/BENCHMARKS.md}
if [[ $QUICK == 1 ]]; then
  : "${REPS:=1}" "${DUR:=5}" "${WARM:=3}" "${LOWC_DUR:=5}" "${PORTKEY:=0}" "${HIGHC:=0}" "${NOSTORE_VARIANT:=0}"
else
  # WARM 30 s: the Node peers need it before V8 is warm (shared RESULTS.md, pitfall 3).
  : "${REPS:=3}" "${DUR:=15}" "${WARM:=30}" "${LOWC_DUR:=10}" "${PORTKEY:=1}" "${HIGHC:=512}" "${NOSTORE_VARIANT=1}"
fi
PORT=18700 ADMIN=18701   # not the defaults (8700/8701), which developers' own gateways may hold
log() { echo "[bench $(date +%H:%M:%S)] $*"; }

[[ -f $PEERS_SRC/run-all.sh ]] || { echo "no peer harness at $PEERS_SRC" >&2; exit 1; }

# ---- install: build deps, then the load tools; npm peers come from the harness's own install below
if [[ ${SKIP_INSTALL:-0} != 1 ]]; then
  scripts/install-deps.sh
  missing=()
  for p in nginx-light wrk libbenchmark-dev python3 curl procps iproute2 util-linux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# ---- build: RelWithDebInfo (-O2 -g) is the release config; -g keeps perf profiles readable
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARAPET_TESTS=OFF \
  -DPARAPET_BENCH=ON >/dev/null
ninja -C "$BUILD" parapet parapet_micro

# ---- scratch copy of the harness; keep node_modules from an earlier run (npm ci takes minutes)
mkdir -p "$WORK"
cp -rT "$PEERS_SRC" "$WORK"
chmod -R u+w "$WORK"
rm -rf "$WORK/results" "$WORK/logs"   # this run's outputs only
RES=$WORK/results
mkdir -p "$RES"

# ---- micro-benchmarks first, on the same core the proxies get, before any load runs
if [[ ${SKIP_MICRO:-0} != 1 ]]; then
  log "micro-benchmarks"
  margs=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
  [[ $QUICK == 1 ]] && margs=(--benchmark_min_time=0.1)
  taskset -c 1 "$BUILD/bench/parapet_micro" "${margs[@]}" \
    --benchmark_out="$RES/micro.json" --benchmark_out_format=json | tee "$RES/micro.txt"
fi

# ---- the ports the harness uses must be free, or we would measure somebody else's server
for p in 9001 9002 8787 8788 $PORT $ADMIN; do
  if ss -ltn "( sport = :$p )" | grep -q LISTEN; then echo "port $p is busy; stop what holds it" >&2; exit 1; fi
done

# Parapet: one worker (the per-core comparison), pinned to the proxy core (1) like nginx. The SSE
# scenario needs the upstream path /stream/v1/... (nginx cannot pick the answer by body), so it goes
# through a second OpenAI-protocol provider name (groq) whose base URL points there.
printf '[server]\nworkers = 1\n' > "$WORK/parapet-bench.toml"
rm -rf "$WORK/run/parapet-data" "$RES/crashes.tsv"
export CUSTOM_CMD="exec $BUILD/parapet serve --config $WORK/parapet-bench.toml \
--listen 127.0.0.1:$PORT --admin 127.0.0.1:$ADMIN --data-dir $WORK/run/parapet-data \
--upstream openai=http://127.0.0.1:9001/v1 --upstream groq=http://127.0.0.1:9001/stream/v1"
export CUSTOM_PORT=$PORT
export CUSTOM_JSON_URL=http://127.0.0.1:$PORT/default/openai/chat/completions
export CUSTOM_SSE_URL=http://127.0.0.1:$PORT/default/groq/chat/completions
export REPS DUR WARM LOWC_DUR HIGHC NOSTORE_VARIANT PARAPET_WARM=${PARAPET_WARM:-5}

# The harness installs its npm peers itself (npm ci per peer folder) unless told to skip; let it
# do so once, when the scratch copy has no node_modules yet.
harness_install=1
[[ $PORTKEY != 1 || -d $WORK/portkey/node_modules ]] && harness_install=0
[[ ${SKIP_INSTALL:-0} == 1 ]] && harness_install=0

# Peers through the unchanged harness; Parapet through bench/parapet-runs.sh, which reuses the
# harness's measuring functions but restarts the gateway per run (see its header for why).
only="direct-json direct-sse nginx-json nginx-sse"
# Portkey stock for JSON; its SSE is broken as npm installs it today (HTTP 500 "TypeError:
# immutable", RESULTS.md pitfall 4), so SSE uses the @hono/node-server 2.1.8 variant.
[[ $PORTKEY == 1 ]] && only+=" portkey-json portkey-hono2-sse"
la0=$(cut -d' ' -f1-3 /proc/loadavg)   # how busy the shared machine was, for the report
log "pass 1: c64 + c1 ($only)"
SKIP_INSTALL=$((1 - harness_install)) ONLY="$only" LOWC=1 CONNS=64 TAG=parapet \
  "$WORK/run-all.sh" 2>&1 | tee "$RES/run-parapet.log"

if [[ $HIGHC != 0 ]]; then
  only="direct-json nginx-json"
  [[ $PORTKEY == 1 ]] && only+=" portkey-json"
  log "pass 2: c$HIGHC ($only)"
  SKIP_INSTALL=1 ONLY="$only" LOWC=0 CONNS=$HIGHC TAG=parapet-c$HIGHC \
    "$WORK/run-all.sh" 2>&1 | tee "$RES/run-parapet-c$HIGHC.log"
fi

log "pass 3: Parapet, a fresh process per measured run"
"$ROOT/bench/parapet-runs.sh" "$WORK" 2>&1 | tee "$RES/run-parapet-gw.log"
echo "$la0 → $(cut -d' ' -f1-3 /proc/loadavg)" > "$RES/loadavg.txt"

# ---- one table on stdout, everything in docs/BENCHMARKS.md
cmd="bench/run.sh"
[[ $QUICK == 1 ]] && cmd="QUICK=1 bench/run.sh"
python3 "$ROOT/bench/report.py" --work "$WORK" --root "$ROOT" --out "$OUT" --highc "$HIGHC" \
  --command "$cmd" --mode "$([[ $QUICK == 1 ]] && echo quick || echo full)" \
  --settings "REPS=$REPS DUR=${DUR}s WARM=${WARM}s LOWC_DUR=${LOWC_DUR}s PORTKEY=$PORTKEY HIGHC=$HIGHC PARAPET_WARM=${PARAPET_WARM}s NOSTORE_VARIANT=${NOSTORE_VARIANT:-0}"
log "wrote $OUT"
