#!/usr/bin/env bash
# The test command: install what is missing, build, run every test (unit + integration).
# The fuzz smoke (scripts/fuzz.sh) and the sanitizer pass (scripts/sanitize.sh) are separate
# commands for now: docs/hardening.md says why and how long they take.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DPARAPET_TESTS=ON
ctest --test-dir build --output-on-failure -j2
