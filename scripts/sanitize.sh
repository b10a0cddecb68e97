#!/usr/bin/env bash
# The sanitizer pass of the test command (docs/hardening.md, "Sanitizers"):
#   1. ASan + UBSan (-fno-sanitize-recover): every unit test, then the integration files that
#      drive the parsers (and the hostile request table), proxy, streaming, translation, WAF and
#      DLP paths against the ASan binary.
#   2. with --tsan: TSan on the tests of everything shared between threads (limits counters and
#      rule publication, the cache, the recorder and store writer, analytics, circuit breakers,
#      per-address connection counts), built as their own small binary
#      (parapet_concurrency_tests) so the pass fits the test command's time budget;
#      scripts/test.sh runs both.
# Builds go to build-asan/ and build-tsan/ (Ninja + ccache, like build/), -O1: sanitizer builds
# are for finding bugs, and -O1 compiles fast while keeping the run quick.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

opt=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
     -DPARAPET_TESTS=ON)
if [[ "${1:-}" == "--tsan" ]]; then
  cmake -S . -B build-tsan "${opt[@]}" -DPARAPET_TSAN=ON >/dev/null
  ninja -C build-tsan parapet_concurrency_tests
  # Analytics.MemoryPerSeries measures the heap with mallinfo2(), which TSan's allocator replaces.
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/parapet_concurrency_tests \
    --gtest_brief=1 --gtest_filter='-Analytics.MemoryPerSeries'
  exit 0
fi

cmake -S . -B build-asan "${opt[@]}" -DPARAPET_SANITIZE=ON >/dev/null
ninja -C build-asan parapet parapet_unit_tests
# Analytics.MemoryPerSeries measures the heap with mallinfo2(), which ASan's allocator replaces.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  build-asan/tests/parapet_unit_tests --gtest_brief=1 --gtest_filter='-Analytics.MemoryPerSeries'
(cd tests/integration &&
  ASAN_OPTIONS=detect_leaks=1 PARAPET_BIN="$root/build-asan/parapet" \
  node --test --test-concurrency=1 framing.test.mjs hostile.test.mjs proxy.test.mjs \
    streaming.test.mjs compat.test.mjs dlp.test.mjs waf.test.mjs upstream_faults.test.mjs)

