#!/usr/bin/env bash
# Memory check with valgrind memcheck (docs/hardening.md "Memory and leaks"):
#   1. the unit tests (all, or the gtest filter given as $1),
#   2. the gateway binary through a short integration run (tests/integration/tools/leak_run.mjs:
#      proxied JSON and SSE answers, cache hits, upstream faults, a client hang-up, SIGTERM).
# Fails on any memory error or definite leak. Needs a build with tests (scripts/build.sh
# -DPARAPET_TESTS=ON) and valgrind (scripts/install-deps.sh --test).
#   scripts/leakcheck.sh                 # both (ctest runs this as the test `leakcheck`)
#   scripts/leakcheck.sh 'Store*:Http*'  # unit tests matching the filter, then the gateway
#   LEAKCHECK_SKIP_UNIT=1 scripts/leakcheck.sh   # the gateway only
# PARAPET_BIN and PARAPET_UNIT_TESTS name the binaries (default: build/parapet,
# build/tests/parapet_unit_tests). Analytics.MemoryPerSeries is left out by default: it reads
# mallinfo2(), which sees nothing of valgrind's own allocator.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$(realpath "${PARAPET_BIN:-build/parapet}")
unit=${PARAPET_UNIT_TESTS:-build/tests/parapet_unit_tests}
vg=("${VALGRIND:-valgrind}" --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --error-exitcode=1 --num-callers=30 --track-origins=no)
logs=$(mktemp -d /tmp/parapet-leakcheck.XXXXXX)
status=0
# valgrind's own verdict lines, so a clean run shows that valgrind did run.
summary() { grep -h -E 'definitely lost|ERROR SUMMARY|in use at exit' "$@" | sed 's/^==[0-9]*==/  /'; }

if [[ -z "${LEAKCHECK_SKIP_UNIT:-}" ]]; then
  filter=${1:-*-Analytics.MemoryPerSeries}
  echo "leakcheck: unit tests under valgrind (filter '$filter'), log $logs/unit.log"
  start=$SECONDS
  if "${vg[@]}" --log-file="$logs/unit.log" "$unit" \
       --gtest_filter="$filter" --gtest_brief=1 >"$logs/unit.out" 2>&1; then
    echo "leakcheck: unit tests clean ($((SECONDS - start)) s)"; summary "$logs/unit.log"
  else
    echo "leakcheck: unit tests FAILED ($((SECONDS - start)) s)"; tail -n 20 "$logs/unit.out"
    cat "$logs/unit.log"; status=1
  fi
fi

# The gateway: a wrapper the integration harness starts instead of the binary.
cat >"$logs/parapet-vg" <<WRAP
#!/bin/sh
exec ${vg[*]} --log-file=$logs/gateway.%p.log $bin "\$@"
WRAP
chmod +x "$logs/parapet-vg"
echo "leakcheck: gateway under valgrind, logs $logs/gateway.*.log"
start=$SECONDS
if PARAPET_BIN="$logs/parapet-vg" node tests/integration/tools/leak_run.mjs; then
  echo "leakcheck: gateway clean ($((SECONDS - start)) s)"; summary "$logs"/gateway.*.log
else
  echo "leakcheck: gateway FAILED ($((SECONDS - start)) s)"; cat "$logs"/gateway.*.log; status=1
fi
[[ $status -eq 0 && -z "${LEAKCHECK_KEEP:-}" ]] && rm -rf "$logs"
exit $status
