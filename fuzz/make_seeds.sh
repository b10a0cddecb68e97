#!/usr/bin/env bash
# Writes libFuzzer seeds for translate_fuzz from the conformance corpus: each file prefixed with the
# mode byte that makes fuzz_one() read it as what it is (see fuzz/translate_fuzz.h).
#   fuzz/make_seeds.sh /tmp/translate_seeds && ./build-fuzz/fuzz/translate_fuzz /tmp/translate_seeds
set -euo pipefail
out=${1:?usage: make_seeds.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)/tests/corpus/translate
mkdir -p "$out"
n=0
for f in "$root"/*/*/openai_request.json "$root"/*/*/native_answer.json "$root"/*/*/native_stream.sse; do
  case "$f" in
    */openai_request.json) modes="0 4" ;;
    */native_answer.json) modes="1 5 9" ;;
    *) modes="2 6 10 14" ;;
  esac
  for m in $modes; do
    { printf "\\x$(printf %02x "$m")"; cat "$f"; } > "$out/seed_$n"
    n=$((n + 1))
  done
done
echo "$n seeds in $out"
