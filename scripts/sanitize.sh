#!/usr/bin/env bash
# The sanitizer pass of the test command (docs/hardening.md, "Sanitizers"):
#   1. ASan + UBSan (-fno-sanitize-recover): every unit test, then the whole integration suite
#      against the ASan gateway. Built with clang in build-fuzz/ (scripts/asan_tree.sh), the tree
#      the fuzz targets come from, so the sanitized libraries compile once.
#   2. with --tsan: TSan on the tests of everything shared between threads (limits counters and
#      rule publication, the cache, the recorder and store writer, analytics, circuit breakers,
#      per-address connection counts), built with gcc as their own small binary
#      (parapet_concurrency_tests) in build-tsan/ so the pass fits the test command's budget;
#      scripts/test.sh runs both.
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

scripts/asan_tree.sh
ninja -C build-fuzz parapet parapet_unit_tests
# Analytics.MemoryPerSeries measures the heap with mallinfo2(), which ASan's allocator replaces.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  build-fuzz/tests/parapet_unit_tests --gtest_brief=1 --gtest_filter='-Analytics.MemoryPerSeries'
(cd tests/integration &&
  PARAPET_CHECK_EXIT=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    PARAPET_BIN="$root/build-fuzz/parapet" \
  node --test --test-concurrency=1 .)
