#!/usr/bin/env bash
# 100 KB and 400 KB chat prompts (issue 6): direct to the fake upstream, through nginx
# proxy_pass, and through Parapet (logging on, the default), 8 connections each, alternated per
# size so all three see the same machine. Parapet reads usage from every answer and keeps a
# record; the body is forwarded as it was read (one copy).
#   bench/large_prompts.sh [seconds]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECS=${1:-5}
TMP=$(mktemp -d)
source bench/lib.sh
trap 'stop_all; rm -rf "$TMP"' EXIT
start_nginx_pair
start_parapet $'[server]\nworkers = 1' --upstream openai=http://127.0.0.1:9001/v1

for kb in 100 400; do
  python3 - "$kb" >"$TMP/body$kb.json" <<'PY'
import json, sys
kb = int(sys.argv[1])
words = "The quick brown fox explains the proxy's buffering to a curious engineer. "
text = (words * (kb * 1024 // len(words) + 1))[: kb * 1024 - 200]
print(json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], "max_tokens": 64}), end="")
PY
  printf 'wrk.method = "POST"\nlocal f = io.open("%s", "rb")\nwrk.body = f:read("*a")\nf:close()\nwrk.headers["content-type"] = "application/json"\nwrk.headers["authorization"] = "Bearer sk-bench"\n' \
    "$TMP/body$kb.json" >"$TMP/body$kb.lua"
  for target in direct nginx parapet; do
    case $target in
      direct) url=http://127.0.0.1:9001/v1/chat/completions ;;
      nginx) url=http://127.0.0.1:9002/v1/chat/completions ;;
      parapet) url=http://$DATA/default/openai/chat/completions ;;
    esac
    echo "== ${kb} KB prompt, $target, 8 connections, ${SECS}s"
    wrk -t2 -c8 -d"${SECS}s" --latency -s "$TMP/body$kb.lua" "$url" |
      grep -E ' 50%| 99%|Requests/sec|Non-2xx|errors'
  done
done
echo "parapet peak RSS: $(hwm_kb "$GW_PID") KB"
