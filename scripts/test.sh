#!/usr/bin/env bash
# The test command: install what is missing, build, run every test (unit + integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DPARAPET_TESTS=ON
ctest --test-dir build --output-on-failure -j2
