#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Parapet needs on Debian 12, as root.
# Only missing packages are installed, so a second run makes no network calls.
set -euo pipefail
cd "$(dirname "$0")/.."

want=(g++ cmake ninja-build ccache pkg-config libboost1.81-dev libssl-dev libcli11-dev
      libtomlplusplus-dev libsimdjson-dev libsqlite3-dev libhyperscan-dev ca-certificates)
if [[ "${1:-}" == "--test" ]]; then
  want+=(libgtest-dev libgmock-dev curl openssl prometheus prometheus-alertmanager sqlite3 valgrind
         clang libclang-rt-14-dev)  # clang + its runtime: libFuzzer targets (scripts/fuzz.sh)
  # prometheus: promtool; prometheus-alertmanager: the incident intake test; sqlite3: the
  # durability test reads logs.db; valgrind: scripts/leakcheck.sh
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ "${1:-}" == "--test" ]]; then
  # The providers' real SDKs, pinned by the lockfile.
  (cd tests/integration && { [[ -d node_modules ]] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; })
fi
