#!/usr/bin/env bash
# Configures build-fuzz/, the one clang tree with ASan + UBSan that both scripts/fuzz.sh (the
# libFuzzer targets) and scripts/sanitize.sh (the gateway and its unit tests) build from, so the
# test command compiles the sanitized libraries once. clang rather than gcc because gcc's UBSan
# made the same tree take twice as long to compile (docs/hardening.md, "Cost in the test command").
# -O1 -g1: quick to compile, line numbers in reports; assertions (Beast's included) stay on.
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DPARAPET_FUZZ=ON -DPARAPET_TESTS=ON >/dev/null
