#!/usr/bin/env bash
# Fuzz smoke for the test command (docs/hardening.md, "Fuzzing"): builds the libFuzzer targets with
# clang (build-fuzz/, ASan + UBSan + coverage) and runs each for FUZZ_SECONDS (default 20) from
# its seeds. Any crash fails the run and leaves its input as crash-* in the working directory;
# turn it into a regression test. Longer runs: FUZZ_SECONDS=300 scripts/fuzz.sh.
# Without FUZZ_SECONDS (the test command), each target makes a fixed number of runs from a fixed
# seed, so CI is deterministic: a new finding comes from a real run, not from CI's dice.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-}
# Assertions stay on (Beast's included), so broken internal states crash here.
scripts/asan_tree.sh
ninja -C build-fuzz wire_fuzz fields_fuzz waf_fuzz translate_fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/wire" "$work/fields" "$work/waf" "$work/translate"
cp fuzz/seeds/wire/* "$work/wire/"
cp fuzz/seeds/fields/* "$work/fields/"
cp tests/corpus/waf/*.txt "$work/waf/"
fuzz/make_seeds.sh "$work/translate" >/dev/null
declare -A runs=([wire]=30000 [waf]=2000 [translate]=10000 [fields]=10000)
for t in wire fields waf translate; do
  if [[ -n $secs ]]; then
    budget=(-max_total_time="$secs")
  else
    budget=(-runs="${runs[$t]}" -seed=1)
  fi
  echo "== ${t}_fuzz ${budget[*]}"
  rc=0
  build-fuzz/fuzz/${t}_fuzz "$work/$t" "${budget[@]}" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$work/$t.log" 2>&1 || rc=$?
  grep -E "stat::number_of_executed_units|stat::average_exec" "$work/$t.log" || true
  if ((rc != 0)); then
    tail -60 "$work/$t.log" >&2
    echo "${t}_fuzz found a crash (input saved as crash-*)" >&2
    exit 1
  fi
done
