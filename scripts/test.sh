#!/usr/bin/env bash
# The test command: install what is missing, build, run every test (unit + integration), the fuzzers
# for a short while, the tests again under ASan + UBSan, and the concurrency tests under TSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DPARAPET_TESTS=ON
ctest --test-dir build --output-on-failure -j2
# Fuzzers briefly, then the ASan + UBSan build of the tests, then TSan on the concurrency tests
# (docs/hardening.md).
scripts/fuzz.sh
scripts/sanitize.sh
scripts/sanitize.sh --tsan
