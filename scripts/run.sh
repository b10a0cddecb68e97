#!/usr/bin/env bash
# The run command: install what is missing, build, start the gateway on its defaults
# (data plane 127.0.0.1:8700, admin 127.0.0.1:8701, store ./parapet-data). Arguments go to
# `parapet serve`, e.g. --upstream openai=http://127.0.0.1:9000/v1
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DPARAPET_TESTS=OFF
exec build/parapet serve "$@"
